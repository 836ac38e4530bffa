"""How the capture monitor decodes the engine's property values (``aiscale.preview.values``):
nothing is constructed, integers stay integers, secrets are found at any depth, assets are
described without their bytes."""

from __future__ import annotations

import hashlib

from google.protobuf import struct_pb2

from aiscale.preview.records import UNKNOWN
from aiscale.preview.values import (ARCHIVE_SIG, ASSET_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY,
                                    decode_struct, pointer, without_references)


def _struct(value: dict) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def _secret(value):
    return {SIG_KEY: SECRET_SIG, "value": value}


def _reference(urn: str, resource_id=None) -> dict:
    ref = {SIG_KEY: RESOURCE_SIG, "urn": urn}
    if resource_id is not None:
        ref["id"] = resource_id
    return ref


URN = "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b"


def test_integral_numbers_are_ints_and_others_stay_floats():
    decoded = decode_struct(_struct({"allocatedStorage": 20, "ratio": 0.5, "nested": [{"port": 443}]}))
    assert decoded.value == {"allocatedStorage": 20, "nested": [{"port": 443}], "ratio": 0.5}
    assert type(decoded.value["allocatedStorage"]) is int and type(decoded.value["ratio"]) is float
    assert type(decoded.value["nested"][0]["port"]) is int


def test_secrets_at_any_depth_keep_their_value_and_their_pointer():
    decoded = decode_struct(_struct({
        "password": _secret("hunter2"),
        "tags": {"plain": "x", "token": _secret("t0k")},
        "env": [{"name": "A", "value": _secret("v")}],
        "a/b": _secret("slash"),
    }))
    assert decoded.value["tags"] == {"plain": "x", "token": "t0k"}
    assert decoded.value["env"][0]["value"] == "v"
    assert decoded.secret_pointers == ["/a~1b", "/env/0/value", "/password", "/tags/token"]
    assert decoded.secret_keys == ["a/b", "env", "password", "tags"]


def test_resource_references_become_the_id_or_the_urn_without_constructing_anything():
    decoded = decode_struct(_struct({
        "bucket": _reference(URN, "my-bucket"),
        "pending": _reference(URN, ""),
        "component": _reference("urn:pulumi:dev::p::x:index:Group::g"),
    }))
    assert decoded.value == {"bucket": "my-bucket", "component": "urn:pulumi:dev::p::x:index:Group::g",
                             "pending": UNKNOWN}


def test_without_references_replaces_them_in_a_copy_and_keeps_a_struct_without_any():
    plain = _struct({"bucket": "b"})
    assert without_references(plain) is plain
    original = _struct({"list": [_reference(URN, "my-bucket")], "ref": _reference("urn:c")})
    replaced = without_references(original)
    assert replaced is not original and dict(replaced)["ref"] == "urn:c"
    assert list(replaced["list"]) == ["my-bucket"]
    assert original["ref"][SIG_KEY] == RESOURCE_SIG, "the request itself is left as it was"


def test_assets_and_archives_are_described_by_kind_and_path_uri_or_hash_never_bytes():
    text = "def handler(event, context):\n    return 'secret-bytes'\n"
    decoded = decode_struct(_struct({
        "file": {SIG_KEY: ASSET_SIG, "path": "./app.py"},
        "text": {SIG_KEY: ASSET_SIG, "text": text},
        "remote": {SIG_KEY: ASSET_SIG, "uri": "https://example.com/a.zip"},
        "dir": {SIG_KEY: ARCHIVE_SIG, "path": "./app"},
        "zip": {SIG_KEY: ARCHIVE_SIG, "uri": "s3://b/k.zip"},
        "code": {SIG_KEY: ARCHIVE_SIG, "assets": {
            "index.py": {SIG_KEY: ASSET_SIG, "text": text},
            "lib": {SIG_KEY: ARCHIVE_SIG, "path": "./lib"}}},
    }))
    sha = hashlib.sha256(text.encode()).hexdigest()
    assert decoded.value == {
        "file": {"asset": "FileAsset", "path": "./app.py"},
        "text": {"asset": "StringAsset", "sha256": sha},
        "remote": {"asset": "RemoteAsset", "uri": "https://example.com/a.zip"},
        "dir": {"archive": "FileArchive", "path": "./app"},
        "zip": {"archive": "RemoteArchive", "uri": "s3://b/k.zip"},
        "code": {"archive": "AssetArchive", "assets": {
            "index.py": {"asset": "StringAsset", "sha256": sha},
            "lib": {"archive": "FileArchive", "path": "./lib"}}},
    }
    assert "secret-bytes" not in repr(decoded.value)


def test_pointer_escapes_as_rfc_6901():
    assert pointer(("a~b", "c/d", 0)) == "/a~0b/c~1d/0"


def test_a_nested_secret_input_is_masked_at_its_place_and_the_record_keeps_its_value():
    import pulumi

    from aiscale.preview.engine import run_inline
    from aiscale.preview.report import resource_entry

    def program() -> None:
        import pulumi_aws as aws

        aws.s3.Bucket("b", tags={"owner": "ml", "token": pulumi.Output.secret("hunter2")})

    record = run_inline(program).one("aws:s3/bucket:Bucket")
    assert record.inputs["tags"] == {"owner": "ml", "token": "hunter2"}, "policies and cost read values"
    assert record.secret_inputs == ["/tags/token"] and record.secret_paths == ["tags"]
    entry = resource_entry(record)
    assert entry["inputs"]["tags"] == {"owner": "ml", "token": "[secret]"}
    assert "hunter2" not in repr(entry)


def test_a_hand_made_record_with_only_top_level_secret_keys_is_masked_by_key():
    from aiscale.preview.records import ResourceRecord
    from aiscale.preview.report import resource_entry

    record = ResourceRecord(urn="urn:x", type="t:i:T", name="n", custom=True,
                            inputs={"password": {"a": "hunter2"}, "user": "me"}, secret_paths=["password"])
    assert resource_entry(record)["inputs"] == {"password": "[secret]", "user": "me"}
