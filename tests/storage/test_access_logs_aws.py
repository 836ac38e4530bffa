"""Access logging on AWS: the store's BucketLogging, and the AccessLogBucket's baseline."""

from __future__ import annotations

import pytest

from aiscale.aws import naming
from aiscale.preview.fake_cloud import AWS_ACCOUNT_ID

from .helpers import S3_BUCKET, logged_store_program, policy_document, store_program

LOGGING = "aws:s3/bucketLogging:BucketLogging"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LOG_COMPONENT = "aiscale:index:AccessLogBucket"
CONFIG = {"aws:region": "us-west-2"}
STORE_NAME = naming.s3_bucket_name("acme-ml", "dev", "models")
LOG_NAME = naming.s3_access_log_bucket_name("acme-ml", "dev")


@pytest.fixture
def logged(preview):
    """``logged(**overrides)``: preview a log bucket and a store logging to it."""
    return lambda **overrides: preview(logged_store_program("aws", **overrides), config=CONFIG)


def test_store_logs_to_the_given_bucket_under_its_own_name(logged):
    result = logged()
    logging = result.one(LOGGING)
    assert logging.name == "models-access-logging"
    assert logging.inputs["bucket"] == STORE_NAME
    assert logging.inputs["targetBucket"] == LOG_NAME
    assert logging.inputs["targetPrefix"] == f"{STORE_NAME}/"
    assert logging.inputs["targetObjectKeyFormat"] == {"partitionedPrefix": {"partitionDateSource": "EventTime"}}
    assert logging.inputs["region"] == "us-west-2"
    assert logging.parent == result.one("aiscale:index:ObjectStore").urn


def test_logging_waits_for_the_delivery_policy(logged):
    result = logged()
    sources = result.one(LOGGING).property_dependencies["targetBucket"]
    assert result.one(S3_BUCKET, "logs").urn in sources
    assert result.one("aws:s3/bucketPolicy:BucketPolicy", "logs").urn in sources


def test_no_logging_without_a_log_bucket(preview):
    result = preview(store_program("aws"), config=CONFIG)
    assert result.by_type(LOGGING) == []
    assert "access_logging" not in result.outputs["roles"]


def test_a_literal_bucket_name_works_too(preview):
    result = preview(store_program("aws", access_log_bucket="corp-s3-logs"), config=CONFIG)
    assert result.one(LOGGING).inputs["targetBucket"] == "corp-s3-logs"
    assert "access_logging" in result.outputs["roles"]


def test_log_bucket_baseline(logged):
    result = logged()
    bucket = result.one(S3_BUCKET, "logs")
    assert bucket.inputs["bucket"] == LOG_NAME and bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["tags"]["cost-center"] == "cc-1234"
    assert result.outputs["log_bucket_name"] == LOG_NAME
    assert result.outputs["log_bucket_url"] == f"s3://{LOG_NAME}"
    rule = result.one(SSE, "logs").inputs["rules"][0]
    assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}, "S3 delivers logs only to SSE-S3"
    pab = result.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs").inputs
    assert all(pab[f] is True for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = result.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "logs").inputs
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    versioning = result.one("aws:s3/bucketVersioning:BucketVersioning", "logs").inputs
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    assert [r.name for r in result.by_type(LOGGING)] == ["models-access-logging"], "the log bucket does not log itself"
    assert [r.name for r in result.by_type("aws:kms/key:Key")] == ["models-key"], "no key for the log bucket"
    assert result.outputs["log_roles"] == ["bucket", "encryption", "lifecycle", "ownership", "policy",
                                           "public_access_block", "versioning"]


def test_log_bucket_policy_is_tls_only_and_admits_log_delivery_for_this_account(logged):
    result = logged()
    arn = result.one(S3_BUCKET, "logs").outputs["arn"]
    statements = {s["Sid"]: s for s in policy_document(result.one("aws:s3/bucketPolicy:BucketPolicy", "logs"))["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["DenyOutdatedTls"]["Effect"] == "Deny"
    delivery = statements["AllowServerAccessLogDelivery"]
    assert delivery["Effect"] == "Allow"
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Action"] == "s3:PutObject"
    assert delivery["Resource"] == f"{arn}/*"
    assert delivery["Condition"] == {"StringEquals": {"aws:SourceAccount": AWS_ACCOUNT_ID}}


@pytest.mark.parametrize("environment,days,noncurrent", [("dev", 90, 7), ("staging", 90, 7), ("prod", 365, 30)])
def test_log_bucket_lifecycle_expires_logs_and_aborts_uploads(logged, environment, days, noncurrent):
    rules = {r["id"]: r for r in logged(environment=environment).one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "logs").inputs["rules"]}
    assert rules["tiering-and-expiry"]["expiration"] == {"days": days}
    assert "transitions" not in rules["tiering-and-expiry"]
    assert rules["cleanup"]["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert rules["cleanup"]["noncurrentVersionExpiration"] == {"noncurrentDays": noncurrent}


@pytest.mark.parametrize("protect", [True, False])
def test_log_bucket_protect(logged, protect):
    result = logged(protect=protect)
    bucket = result.one(S3_BUCKET, "logs")
    assert (bucket.protect, bucket.retain_on_delete) == (protect, protect)
    assert result.one("aws:s3/bucketPolicy:BucketPolicy", "logs").protect is False
    assert all(r.parent == result.one(LOG_COMPONENT).urn for r in result.resources if r.custom and r.name.startswith("logs-"))
