"""Decode the engine's property values (a protobuf ``Struct``) into JSON-like data.

The capture monitor reads every registration through this module, never through
``pulumi.runtime.rpc.deserialize_properties``, which rebuilds referenced resources (a
``Bucket`` passed as ``bucket=``) as new resource objects on the calling thread's event loop and
can leave the run waiting forever. Decoding here constructs nothing:

- a resource reference becomes what the provider receives in a real deployment: the id of a
  custom resource (unknown while it has none), the URN of a component;
- an asset or archive becomes a small description (its kind and path, URI or the SHA-256 of
  its text), never its bytes;
- a secret keeps its value, and its place is listed as a JSON Pointer (RFC 6901) so reports can
  mask it at any depth;
- a number that is integral becomes an ``int`` (protobuf carries every number as a double, so
  ``allocatedStorage: 20`` would otherwise read back as ``20.0``);
- the unknown sentinel stays :data:`~aiscale.preview.records.UNKNOWN`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Union

from google.protobuf import struct_pb2

from aiscale.preview.records import UNKNOWN

#: The wire protocol's signature key and values (Pulumi ``sdk/go/common/resource/sig``).
SIG_KEY = "4dabf18193072939515e22adb298388d"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

#: The key naming an asset's kind in its description, e.g. ``{"asset": "FileAsset", "path": ...}``.
ASSET_KEY = "asset"
#: The key naming an archive's kind in its description, e.g. ``{"archive": "FileArchive", ...}``.
ARCHIVE_KEY = "archive"

Segment = Union[str, int]


@dataclass
class Decoded:
    """A decoded property map and where its secrets are."""

    value: dict[str, Any]
    """The properties as JSON-like data (see the module docstring)."""
    secret_paths: list[tuple[Segment, ...]] = field(default_factory=list)
    """The path (keys and list indexes) of every value the program marked secret."""

    @property
    def secret_pointers(self) -> list[str]:
        """:attr:`secret_paths` as sorted JSON Pointers (``/tags/password``, ``/env/0/value``)."""
        return sorted({pointer(path) for path in self.secret_paths})

    @property
    def secret_keys(self) -> list[str]:
        """The top-level keys whose value is or contains a secret, sorted."""
        return sorted({str(path[0]) for path in self.secret_paths if path})


def pointer(path: tuple[Segment, ...]) -> str:
    """The JSON Pointer (RFC 6901) of a path: ``("tags", "a/b", 0)`` -> ``/tags/a~1b/0``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def decode_struct(struct: struct_pb2.Struct) -> Decoded:
    """Decode a property map as the engine sent it (see the module docstring)."""
    secrets: list[tuple[Segment, ...]] = []
    value = _struct(struct, (), secrets)
    if not isinstance(value, dict):  # a top-level secret or asset: not a property map
        value = {}
    return Decoded(value=value, secret_paths=secrets)


def plain_number(number: float) -> Union[int, float]:
    """An integral double as an ``int`` (``20.0`` -> ``20``); any other number unchanged."""
    return int(number) if number.is_integer() else number


def _value(item: struct_pb2.Value, path: tuple[Segment, ...], secrets: list) -> Any:
    kind = item.WhichOneof("kind")
    if kind == "bool_value":
        return item.bool_value
    if kind == "number_value":
        return plain_number(item.number_value)
    if kind == "string_value":
        return item.string_value
    if kind == "list_value":
        return [_value(element, path + (index,), secrets)
                for index, element in enumerate(item.list_value.values)]
    if kind == "struct_value":
        return _struct(item.struct_value, path, secrets)
    return None


def _struct(struct: struct_pb2.Struct, path: tuple[Segment, ...], secrets: list) -> Any:
    fields = struct.fields
    if SIG_KEY in fields:
        return _special(fields, path, secrets)
    decoded = {}
    for key in sorted(fields):
        value = _value(fields[key], path + (key,), secrets)
        if value is not None:  # as the SDK: a null property is an absent one
            decoded[key] = value
    return decoded


def _text(fields: Any, key: str) -> str:
    return fields[key].string_value if key in fields else ""


def _special(fields: Any, path: tuple[Segment, ...], secrets: list) -> Any:
    signature = fields[SIG_KEY].string_value
    if signature == SECRET_SIG:
        secrets.append(path)
        return _value(fields["value"], path, secrets) if "value" in fields else None
    if signature == RESOURCE_SIG:
        if "id" in fields:
            resource_id = _value(fields["id"], path, secrets)
            return resource_id if resource_id not in ("", None) else UNKNOWN
        return _text(fields, "urn")
    if signature == OUTPUT_VALUE_SIG:
        if "value" not in fields:
            return UNKNOWN
        if "secret" in fields and fields["secret"].bool_value:
            secrets.append(path)
        return _value(fields["value"], path, secrets)
    if signature == ASSET_SIG:
        return _asset(fields)
    if signature == ARCHIVE_SIG:
        return _archive(fields, path, secrets)
    return {key: _value(fields[key], path + (key,), secrets) for key in sorted(fields)}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _asset(fields: Any) -> dict[str, str]:
    """An asset's kind and where its bytes come from (or their hash), never the bytes."""
    described: dict[str, str]
    if "path" in fields:
        described = {ASSET_KEY: "FileAsset", "path": _text(fields, "path")}
    elif "text" in fields:
        described = {ASSET_KEY: "StringAsset", "sha256": _sha256(_text(fields, "text"))}
    elif "uri" in fields:
        described = {ASSET_KEY: "RemoteAsset", "uri": _text(fields, "uri")}
    else:
        described = {ASSET_KEY: "Asset"}
    if _text(fields, "hash"):
        described["sha256"] = _text(fields, "hash")
    return described


def _archive(fields: Any, path: tuple[Segment, ...], secrets: list) -> dict[str, Any]:
    """An archive's kind and its path, URI or entries (each described like an asset)."""
    described: dict[str, Any]
    if "assets" in fields:
        entries = fields["assets"].struct_value.fields
        described = {ARCHIVE_KEY: "AssetArchive",
                     "assets": {name: _value(entries[name], path + ("assets", name), secrets)
                                for name in sorted(entries)}}
    elif "path" in fields:
        described = {ARCHIVE_KEY: "FileArchive", "path": _text(fields, "path")}
    elif "uri" in fields:
        described = {ARCHIVE_KEY: "RemoteArchive", "uri": _text(fields, "uri")}
    else:
        described = {ARCHIVE_KEY: "Archive"}
    if _text(fields, "hash"):
        described["sha256"] = _text(fields, "hash")
    return described


def without_references(struct: struct_pb2.Struct) -> struct_pb2.Struct:
    """``struct`` with every resource reference replaced by what a provider receives in a real
    deployment (the id of a custom resource, unknown while it has none; the URN of a component).

    Pulumi's mock monitor deserializes requests with ``rpc.deserialize_properties``, which turns
    a reference back into a resource object: constructing it schedules work on the monitor
    thread's own event loop that nothing runs, and the program then waits for it forever.
    Returns ``struct`` itself when it holds no reference.
    """
    if not _has_reference(struct):
        return struct
    copy = struct_pb2.Struct()
    copy.CopyFrom(struct)
    _replace_references(copy)
    return copy


def _has_reference(struct: struct_pb2.Struct) -> bool:
    fields = struct.fields
    if SIG_KEY in fields and fields[SIG_KEY].string_value == RESOURCE_SIG:
        return True
    return any(_value_has_reference(item) for item in fields.values())


def _value_has_reference(item: struct_pb2.Value) -> bool:
    kind = item.WhichOneof("kind")
    if kind == "struct_value":
        return _has_reference(item.struct_value)
    if kind == "list_value":
        return any(_value_has_reference(element) for element in item.list_value.values)
    return False


def _reference_value(fields: Any) -> struct_pb2.Value:
    replacement = struct_pb2.Value()
    if "id" in fields:
        resource_id = fields["id"]
        if resource_id.WhichOneof("kind") == "string_value" and resource_id.string_value:
            replacement.CopyFrom(resource_id)
        elif resource_id.WhichOneof("kind") == "struct_value":  # a secret id
            replacement.CopyFrom(resource_id)
        else:
            replacement.string_value = UNKNOWN
    else:
        replacement.string_value = _text(fields, "urn")
    return replacement


def _replace_references(struct: struct_pb2.Struct) -> None:
    for key in list(struct.fields):
        _replace_in_value(struct.fields[key])


def _replace_in_value(item: struct_pb2.Value) -> None:
    kind = item.WhichOneof("kind")
    if kind == "struct_value":
        fields = item.struct_value.fields
        if SIG_KEY in fields and fields[SIG_KEY].string_value == RESOURCE_SIG:
            item.CopyFrom(_reference_value(fields))
        else:
            _replace_references(item.struct_value)
    elif kind == "list_value":
        for element in item.list_value.values:
            _replace_in_value(element)
