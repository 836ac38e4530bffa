"""ObjectStore on AWS: the inputs the mock runtime received, by type token and camelCase name."""

from __future__ import annotations

import re

import pytest

from aiscale.aws import naming

from .helpers import KMS_KEY, S3_BUCKET, STORE, policy_document, store_program

SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
CONFIG = {"aws:region": "us-west-2"}


@pytest.fixture
def aws(preview):
    """``aws(**overrides)``: preview one AWS ObjectStore."""
    return lambda **overrides: preview(store_program("aws", **overrides), config=CONFIG)


def test_bucket_name_is_deterministic_and_valid(aws):
    bucket = aws().one(S3_BUCKET)
    name = bucket.inputs["bucket"]
    assert name == naming.s3_bucket_name("acme-ml", "dev", "models")
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", name)
    assert bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["tags"]["team"] == "ml-platform"


def test_public_access_block_sets_all_four_flags(aws):
    inputs = aws().one(PAB).inputs
    for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        assert inputs[flag] is True, flag


def test_customer_managed_key_is_rotated_and_used_for_sse(aws):
    result = aws()
    key = result.one(KMS_KEY)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["description"]
    assert key.inputs["tags"]["cost-center"] == "cc-1234"
    assert result.one("aws:kms/alias:Alias").inputs["name"] == "alias/aiscale/acme-ml-dev-models"
    rule = result.one(SSE).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == key.outputs["arn"]
    assert rule["bucketKeyEnabled"] is True
    assert result.outputs["key_id"] == key.outputs["arn"]


def test_provider_managed_uses_the_aws_managed_key_and_creates_none(aws):
    result = aws(encryption="provider-managed")
    assert result.by_type(KMS_KEY) == [] and result.by_type("aws:kms/alias:Alias") == []
    rule = result.one(SSE).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms"}
    assert rule["bucketKeyEnabled"] is True
    assert result.outputs.get("key_id") is None  # a None output is not exported


def test_policy_denies_requests_without_tls(aws):
    result = aws()
    bucket_arn = result.one(S3_BUCKET).outputs["arn"]
    statements = policy_document(result.one("aws:s3/bucketPolicy:BucketPolicy"))["Statement"]
    insecure = next(s for s in statements if s["Condition"].get("Bool"))
    assert insecure["Effect"] == "Deny" and insecure["Principal"] == "*"
    assert insecure["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    assert sorted(insecure["Resource"]) == [bucket_arn, f"{bucket_arn}/*"]


def test_ownership_enforced_and_versioning(aws):
    result = aws()
    ownership = result.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    versioning = result.one("aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    suspended = aws(versioning=False).one("aws:s3/bucketVersioning:BucketVersioning")
    assert suspended.inputs["versioningConfiguration"]["status"] == "Suspended"


def _rules(result) -> dict:
    return {rule["id"]: rule for rule in result.one(LIFECYCLE).inputs["rules"]}


def test_lifecycle_transitions_and_expiry(aws):
    rules = _rules(aws(lifecycle={"cool_after_days": 30, "archive_after_days": 180, "expire_after_days": 365}))
    tiering = rules["tiering-and-expiry"]
    assert [(t["storageClass"], t["days"]) for t in tiering["transitions"]] == [("STANDARD_IA", 30), ("GLACIER", 180)]
    assert tiering["expiration"] == {"days": 365}
    assert tiering["filter"] == {"prefix": ""}


@pytest.mark.parametrize("environment,noncurrent_days", [("dev", 7), ("prod", 30)])
def test_lifecycle_always_cleans_up(aws, environment, noncurrent_days):
    """Without any lifecycle, a cleanup rule still aborts uploads and expires old versions."""
    rules = _rules(aws(environment=environment))
    assert list(rules) == ["cleanup"]
    cleanup = rules["cleanup"]
    assert cleanup["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert cleanup["noncurrentVersionExpiration"] == {"noncurrentDays": noncurrent_days}
    assert cleanup["status"] == "Enabled"


@pytest.mark.parametrize("protect", [True, False])
def test_protect_and_retain_stateful_children(aws, protect):
    result = aws(protect=protect)
    for record in (result.one(S3_BUCKET), result.one(KMS_KEY)):
        assert (record.protect, record.retain_on_delete) == (protect, protect), record.type
    assert result.one(PAB).protect is False  # configuration children are never protected


def test_children_are_parented_to_the_component(aws):
    result = aws()
    store = result.one(STORE)
    children = [r for r in result.resources if r.custom]
    assert len(children) == 9
    assert all(r.parent == store.urn for r in children)


def test_outputs_and_escape_hatch(aws):
    result = aws()
    name = naming.s3_bucket_name("acme-ml", "dev", "models")
    assert result.outputs["bucket_name"] == name
    assert result.outputs["bucket_url"] == f"s3://{name}"
    assert result.outputs["roles"] == ["bucket", "encryption", "key", "key_alias", "lifecycle",
                                       "ownership", "policy", "public_access_block", "versioning"]


def test_names_are_stable_across_runs(aws):
    first, second = aws(), aws()
    assert first.one(S3_BUCKET).inputs["bucket"] == second.one(S3_BUCKET).inputs["bucket"]
    assert sorted(r.urn for r in first.resources) == sorted(r.urn for r in second.resources)
