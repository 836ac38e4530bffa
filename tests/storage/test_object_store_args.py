"""ObjectStoreArgs validation and defaults: bad arguments fail before anything is registered."""

from __future__ import annotations

import pytest

from aiscale.object_store import ObjectStore, resolve_args
from aiscale.preview.engine import PreviewError

from .helpers import STORE, store_args

# (overrides, text the one error must contain, reason)
BAD_ARGS = [
    ({"cloud": "azur"}, "cloud: got 'azur'; valid: aws, azure, gcp", "unknown cloud"),
    ({"encryption": "kms"}, "encryption: got 'kms'; valid: customer-managed, provider-managed",
     "unknown encryption mode"),
    ({"bucket": ""}, "bucket: got ''; valid: a non-empty string", "empty bucket name"),
    ({"versoning": True}, "versoning: unknown field", "a typo is reported, not ignored"),
    ({"versioning": "yes"}, "versioning: got 'yes'; valid: true or false", "not a boolean"),
    ({"lifecycle": {"cool_after_days": 0}}, "lifecycle.cool_after_days: got 0", "days must be > 0"),
    ({"lifecycle": {"cool_after_days": True}}, "lifecycle.cool_after_days: got True", "a bool is not days"),
    ({"lifecycle": {"cool_days": 30}}, "lifecycle.cool_days: unknown field", "unknown lifecycle field"),
    ({"lifecycle": {"cool_after_days": 90, "archive_after_days": 60}},
     "archive_after_days: got 60; valid: more than cool_after_days (90)", "archive before cool"),
    ({"lifecycle": {"archive_after_days": 90, "expire_after_days": 90}},
     "expire_after_days: got 90; valid: more than 90", "expiry before the last tier change"),
    ({"lifecycle": {"cool_after_days": 10}}, "at least 30 (S3 STANDARD_IA minimum)", "S3 IA minimum"),
    ({"lifecycle": {"cool_after_days": 30, "archive_after_days": 45}},
     "valid on aws: at least 60", "S3 needs 30 days between IA and GLACIER"),
    ({"tags": {"aws:owner": "x"}}, "tags: aws tags.aws:owner", "reserved AWS tag prefix"),
    ({"tags": {"team": 3}}, "tags: got", "tag values must be strings"),
]


@pytest.mark.parametrize("overrides,message,reason", BAD_ARGS, ids=[c[2] for c in BAD_ARGS])
def test_bad_args_raise_naming_the_field(overrides, message, reason):
    with pytest.raises(ValueError) as error:
        resolve_args("models", store_args("aws", **overrides))
    assert message in str(error.value), reason
    assert "ObjectStoreArgs." in str(error.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValueError) as error:
        resolve_args("models", store_args("aws", cloud="oci", encryption="none", region=None))
    text = str(error.value)
    assert "cloud: got 'oci'" in text and "encryption: got 'none'" in text and "region: got None" in text


def test_azure_requires_a_resource_group():
    with pytest.raises(ValueError, match="resource_group_name: .*required on azure"):
        resolve_args("models", store_args("azure", resource_group_name=None))


@pytest.mark.parametrize("overrides", [{"cloud": "azur"}, {"encryption": "kms"}])
def test_bad_args_register_nothing(preview, overrides):
    """The component raises before its own registration, so no resource at all is declared."""
    with pytest.raises(PreviewError) as error:
        preview(lambda: ObjectStore("models", store_args("aws", **overrides)))
    assert "ObjectStoreArgs." in str(error.value)
    assert [r.type for r in error.value.resources if r.type != "pulumi:pulumi:Stack"] == []
    assert not any(r.type == STORE for r in error.value.resources)


@pytest.mark.parametrize(
    "overrides,field,expected,reason",
    [
        ({}, "versioning", True, "versioning on by default"),
        ({}, "customer_managed", True, "a key is created by default"),
        ({}, "protect", False, "protection off by default (AiPlatform turns it on in prod)"),
        ({}, "retention_days", 7, "7 days of soft delete / noncurrent versions outside prod"),
        ({"environment": "prod"}, "retention_days", 30, "30 days in prod"),
        ({"encryption": "provider-managed"}, "customer_managed", False, "explicit opt-out"),
        ({"versioning": False}, "versioning", False, "explicit opt-out"),
        ({"lifecycle": None, "gcp_project": None, "resource_group_name": None}, "cool_after_days", None,
         "None means omitted (AiPlatform passes None for other clouds' fields)"),
        ({"tags": {"platform": "override"}}, "tags", {"platform": "override", "environment": "dev",
                                                      "managed-by": "aiscale"}, "user tags win over defaults"),
    ],
)
def test_defaults(overrides, field, expected, reason):
    args = store_args("aws", **overrides)
    if "tags" not in overrides:
        args.pop("tags")
    spec = resolve_args("models", args)
    assert getattr(spec, field) == expected, reason


def test_component_schema_can_be_inferred_for_other_languages():
    """``pulumi package add`` infers the schema from the annotations of the args and outputs."""
    from pulumi.provider.experimental.analyzer import Analyzer

    definition = Analyzer("aiscale").analyze_component(ObjectStore)
    required = {name for name, prop in definition.inputs.items() if not prop.optional}
    assert required == {"cloud", "platform", "environment", "bucket", "region"}
    assert {"encryption", "lifecycle", "tags", "protect", "resourceGroupName"} <= set(definition.inputs)
    assert set(definition.outputs) == {"bucketName", "bucketUrl", "keyId"}
    assert definition.outputs["keyId"].optional is True
    assert "Omitted" in definition.inputs["encryption"].description
    assert all(prop.description for prop in definition.inputs.values()), "every field is documented"
