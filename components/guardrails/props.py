"""Reading resource inputs the way the engine sends them: tolerant tokens, coercion, unknowns.

Rules read plain dicts of camelCase inputs (``args.props``). Three things make that harder than
it looks, and this module is the one place that handles them:

- type tokens vary: pulumi-aws v6 spelled S3 tokens ``aws:s3/bucketV2:BucketV2``, v7 drops the
  suffix; azure-native has versioned tokens (``azure-native:storage/v20230101:StorageAccount``);
  Kubernetes kinds exist in several API versions. :func:`canonical_type` folds them together.
- values arrive loosely typed: launch-template booleans may be the strings "true"/"false",
  numbers arrive as floats (``maxSize`` 20 reads as ``20.0``). :func:`as_bool` and
  :func:`as_number` coerce.
- during preview an input may be unknown: the engine sends a sentinel string. :func:`get`
  raises :class:`UnknownValue` on one, and the runner turns that into "not applicable";
  :func:`is_set` instead treats an unknown as set (a value will be there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Iterable, Optional

#: Sentinels the engine and the policy SDK use for values not known during preview. The first
#: (the "string" sentinel) is what the engine sends for every unknown input over gRPC; it is
#: also ``aiscale.preview.records.UNKNOWN``.
UNKNOWN_SENTINELS: frozenset[str] = frozenset({
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})

_AZURE_VERSION = re.compile(r"^(azure-native:[A-Za-z0-9]+)/v[0-9A-Za-z]+(:.*)$")
_AWS_V2 = re.compile(r"^aws:([A-Za-z0-9]+)/([A-Za-z0-9]+)V2:([A-Za-z0-9]+)V2$")
_K8S = re.compile(r"^kubernetes:([A-Za-z0-9.]+)/(v[0-9A-Za-z]+):([A-Za-z]+)$")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


class UnknownValue(Exception):
    """An input a rule needs is not known yet (preview); the check is then not applicable."""

    def __init__(self, path: str) -> None:
        super().__init__(f"input '{path}' is not known during preview")
        self.path = path
        """The dotted input path that was unknown."""


def is_unknown(value: Any) -> bool:
    """True when `value` is one of the engine's unknown-value sentinels."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def canonical_type(token: str) -> str:
    """The version-free form of a type token, used to match rules to resources.

    ``aws:s3/bucketV2:BucketV2`` -> ``aws:s3/bucket:Bucket``;
    ``azure-native:storage/v20230101:StorageAccount`` -> ``azure-native:storage:StorageAccount``;
    ``kubernetes:apps/v1:Deployment`` -> ``kubernetes:apps:Deployment``. Others are unchanged.
    """
    match = _AZURE_VERSION.match(token)
    if match:
        return match.group(1) + match.group(2)
    match = _AWS_V2.match(token)
    if match:
        module, member, kind = match.groups()
        return f"aws:{module}/{member}:{kind}"
    match = _K8S.match(token)
    if match:
        group, _version, kind = match.groups()
        return f"kubernetes:{group}:{kind}"
    return token


def type_matches(token: str, canonical_tokens: Iterable[str]) -> bool:
    """True when `token`, made canonical, is one of `canonical_tokens`."""
    return canonical_type(token) in set(canonical_tokens)


def _proxy_target(value: Any) -> Any:
    """The wrapped dict/list of a pulumi_policy proxy, or None for anything else."""
    try:
        target = value["__target"]
    except (KeyError, TypeError, IndexError):
        return None
    return target if isinstance(target, (dict, list)) else None


def plain(value: Any) -> Any:
    """A deep copy of `value` as plain dicts and lists, keeping unknown sentinels as they are.

    Unwraps pulumi_policy's unknown-checking proxies without tripping them, so a rule can decide
    per input what an unknown means.
    """
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (Mapping, Sequence)):
        target = _proxy_target(value)
        if target is not None:
            return plain(target)
        if isinstance(value, Mapping):
            return {key: plain(value[key]) for key in value}
        return [plain(item) for item in value]
    return value


def get(props: Any, path: str, default: Any = None) -> Any:
    """The value at dotted `path` (``"vpcConfig.endpointPublicAccess"``), or `default`.

    Missing keys, None and non-dict intermediates give `default`; an unknown value anywhere on
    the path raises :class:`UnknownValue`.
    """
    current = props
    walked: list[str] = []
    for part in path.split("."):
        walked.append(part)
        if is_unknown(current):
            raise UnknownValue(".".join(walked[:-1]) or path)
        if not isinstance(current, Mapping):
            return default
        current = current.get(part)
        if current is None:
            return default
    if is_unknown(current):
        raise UnknownValue(path)
    return current


def items(props: Any, path: str) -> list[Any]:
    """The list at `path` (each element checked for unknowns); [] when absent.

    A single object where a list is expected is returned as a one-element list.
    """
    value = get(props, path)
    if value is None:
        return []
    if isinstance(value, Mapping) or isinstance(value, str):
        value = [value]
    out = []
    for index, element in enumerate(value):
        if is_unknown(element):
            raise UnknownValue(f"{path}[{index}]")
        out.append(element)
    return out


def is_set(props: Any, path: str) -> bool:
    """True when `path` holds a non-empty value, or a value not known yet (it will be set)."""
    try:
        value = get(props, path)
    except UnknownValue:
        return True
    return value not in (None, "", [], {})


def as_bool(value: Any, default: Optional[bool] = None) -> Optional[bool]:
    """`value` as a bool: accepts bools, "true"/"false" (any case), 1/0; else `default`."""
    if is_unknown(value):
        raise UnknownValue("<value>")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return default


def get_bool(props: Any, path: str, default: Optional[bool] = None) -> Optional[bool]:
    """The bool at `path` (strings coerced), or `default` when absent."""
    return as_bool(get(props, path), default)


def as_number(value: Any) -> Optional[float]:
    """`value` as a float (ints, floats and numeric strings), else None. Bools are not numbers."""
    if is_unknown(value):
        raise UnknownValue("<value>")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def get_number(props: Any, path: str) -> Optional[float]:
    """The number at `path` (floats, ints, numeric strings), or None when absent."""
    return as_number(get(props, path))


def fmt_number(value: Optional[float]) -> str:
    """A number for a message: ``20.0`` -> ``"20"``, ``2.5`` -> ``"2.5"``."""
    if value is None:
        return "unset"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def lower(value: Any) -> str:
    """`value` as a lower-case string ("" for None)."""
    return "" if value is None else str(value).lower()
