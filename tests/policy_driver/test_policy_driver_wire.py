"""What the driver sends (properties, providers) and how it reconciles policy config."""

from __future__ import annotations

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from aiscale.preview import policy_wire as wire
from aiscale.preview.records import UNKNOWN, ResourceRecord


def _record(type_token, name, inputs, **extra):
    urn = f"urn:pulumi:dev::proj::{type_token}::{name}"
    return ResourceRecord(urn=urn, type=type_token, name=name, custom=extra.pop("custom", True),
                          inputs=inputs, **extra)


def test_properties_as_the_engine_marshals_them():
    struct = wire.properties_struct(
        {"name": UNKNOWN, "nested": {"list": [1, UNKNOWN]}, "password": "hunter2",
         "__defaults": ["name"], "count": 3}, ("password",))
    data = json_format.MessageToDict(struct)
    assert data["name"] == UNKNOWN and data["nested"]["list"] == [1.0, UNKNOWN]
    assert data["password"] == {wire.SECRET_SIG_KEY: wire.SECRET_SIG, "value": "hunter2"}
    assert "__defaults" not in data, "internal keys are skipped, as the engine does"
    props = unknown_checking_proxy(deserialize_properties(data))
    assert props["password"] == "hunter2", "pulumi_policy unwraps the secret envelope"
    with pytest.raises(UnknownValueError):
        props["name"]
    with pytest.raises(UnknownValueError):
        props["nested"]["list"][1]


def test_explicit_provider_resource():
    west = _record("pulumi:providers:aws", "west", {"region": "us-west-2"})
    bucket = _record("aws:s3/bucket:Bucket", "b", {}, provider=f"{west.urn}::id-1")
    message = wire.provider_message(bucket, {west.urn: west}, project="proj", stack="dev",
                                    stack_config={"aws:region": "eu-west-1"})
    assert (message.type, message.urn, message.name) == ("pulumi:providers:aws", west.urn, "west")
    assert json_format.MessageToDict(message.properties) == {"region": "us-west-2"}


def test_default_provider_gets_the_package_config():
    bucket = _record("aws:s3/bucket:Bucket", "b", {})
    message = wire.provider_message(bucket, {}, project="proj", stack="dev", stack_config={
        "aws:region": "eu-west-1", "gcp:region": "us-central1"})
    assert message.urn == "urn:pulumi:dev::proj::pulumi:providers:aws::default"
    assert json_format.MessageToDict(message.properties) == {"region": "eu-west-1"}


@pytest.mark.parametrize("record", [
    _record("pulumi:providers:aws", "p", {}),
    _record("aiscale:index:ObjectStore", "s", {}, custom=False),
    _record("pulumi:pulumi:Stack", "proj-dev", {}, custom=False),
], ids=["provider", "component", "stack"])
def test_no_provider_for_providers_components_and_the_stack(record):
    assert wire.provider_message(record, {}, project="p", stack="s", stack_config={}) is None


def _info(initial=None) -> analyzer_pb2.AnalyzerInfo:
    info = analyzer_pb2.AnalyzerInfo(name="pack", policies=[
        analyzer_pb2.PolicyInfo(name="sized", enforcementLevel=analyzer_pb2.ADVISORY),
        analyzer_pb2.PolicyInfo(name="strict", enforcementLevel=analyzer_pb2.MANDATORY),
    ])
    info.policies[0].configSchema.properties.update(
        {"max": {"type": "integer", "default": 10, "minimum": 1, "maximum": 100},
         "mode": {"type": "string", "enum": ["a", "b"]},
         "names": {"type": "array", "items": {"type": "string"}, "default": []}})
    info.policies[1].configSchema.required.append("owner")
    info.policies[1].configSchema.properties.update({"owner": {"type": "string"}})
    for name, config in (initial or {}).items():
        info.initialConfig[name].CopyFrom(config)
    return info


def _levels_and_props(configured):
    return {name: (wire.LEVEL_NAMES[c.enforcementLevel], json_format.MessageToDict(c.properties))
            for name, c in configured.items()}


# (user config, initial config of the pack, expected {policy: (level, properties)}, why)
RECONCILE = [
    ({"strict": {"owner": "me"}}, None,
     {"sized": ("advisory", {"max": 10.0, "names": []}), "strict": ("mandatory", {"owner": "me"})},
     "each policy's own level and its schema defaults"),
    ({"strict": {"owner": "me"}, "sized": {"enforcementLevel": "mandatory", "max": 3}}, None,
     {"sized": ("mandatory", {"max": 3.0, "names": []}), "strict": ("mandatory", {"owner": "me"})},
     "a level and a value from the user's config"),
    ({"all": "disabled", "strict": {"owner": "me"}, "sized": "advisory"}, None,
     {"sized": ("advisory", {"max": 10.0, "names": []}), "strict": ("disabled", {"owner": "me"})},
     "'all' first, then the policy's own entry"),
    ({"strict": {"owner": "me"}},
     {"sized": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY)},
     {"sized": ("mandatory", {"max": 10.0, "names": []}), "strict": ("mandatory", {"owner": "me"})},
     "the pack's initial config over its defaults"),
    ({"strict": {"owner": "me"}, "not-in-this-pack": "mandatory"}, None,
     {"sized": ("advisory", {"max": 10.0, "names": []}), "strict": ("mandatory", {"owner": "me"})},
     "entries for other packs' policies are ignored"),
]


@pytest.mark.parametrize("config,initial,expected,why", RECONCILE, ids=[c[3] for c in RECONCILE])
def test_reconcile_config(config, initial, expected, why):
    assert _levels_and_props(wire.reconcile_config(_info(initial), config)) == expected


@pytest.mark.parametrize("config,words", [
    ({}, "strict: owner is required"),
    ({"strict": {"owner": "me"}, "sized": {"max": "ten"}}, "sized: max is 'ten'; valid: integer"),
    ({"strict": {"owner": "me"}, "sized": {"mode": "c"}}, "sized: mode is 'c'; valid: 'a', 'b'"),
    ({"strict": {"owner": "me"}, "sized": "blocking"},
     "config['sized'].enforcementLevel is 'blocking'; valid: advisory, mandatory"),
    ({"strict": 3}, "config['strict'] is 3; valid: an enforcement level"),
    ({"strict": {"owner": "me"}, "sized": {"max": 0}}, "sized: max is 0; valid: a number >= 1"),
    ({"strict": {"owner": "me"}, "sized": {"max": 500}}, "sized: max is 500; valid: a number <= 100"),
    ({"strict": {"owner": "me"}, "sized": {"max": 2.5}}, "sized: max is 2.5; valid: integer"),
    ({"strict": {"owner": "me"}, "sized": {"names": ["a", 2]}}, "sized: names[1] is 2; valid: string"),
    ({"strict": {"owner": "me"}, "sized": {"names": "a"}}, "sized: names is 'a'; valid: array"),
    ({"strict": {"owner": 7}}, "strict: owner is 7; valid: string"),
])
def test_invalid_config_is_reported(config, words):
    with pytest.raises(wire.PolicyConfigError) as raised:
        wire.reconcile_config(_info(), config)
    assert words in str(raised.value)


def test_stack_properties_are_the_state():
    bucket = _record("aws:s3/bucket:Bucket", "b", {"bucket": "x"}, outputs={"arn": "arn:x"})
    component = _record("aiscale:index:ObjectStore", "s", {"name": "x"}, custom=False,
                        outputs={"bucketName": "x"})
    assert wire.stack_properties(bucket) == {"bucket": "x", "arn": "arn:x"}
    assert wire.stack_properties(component) == {"bucketName": "x"}


def test_every_problem_is_listed_in_one_error():
    with pytest.raises(wire.PolicyConfigError) as raised:
        wire.reconcile_config(_info(), {"sized": {"max": -1, "mode": "z"}})
    assert raised.value.problems == ["sized: max is -1; valid: a number >= 1",
                                     "sized: mode is 'z'; valid: 'a', 'b'", "strict: owner is required"]


def test_a_pack_whose_schema_is_not_a_json_schema_is_refused_clearly():
    info = _info()
    info.policies[1].configSchema.properties.update({"level": {"type": "decimal"}})
    with pytest.raises(wire.PolicyConfigError, match="strict: the pack declares an invalid config schema"):
        wire.reconcile_config(info, {"strict": {"owner": "me"}})
