"""Access logging on GCP: the store's logging block, and the AccessLogBucket's baseline."""

from __future__ import annotations

import pytest

from aiscale.gcp import naming

from .helpers import GCS_BUCKET, logged_store_program, store_program

WRITER = "gcp:storage/bucketIAMMember:BucketIAMMember"
CONFIG = {"gcp:project": "acme-ml-dev", "gcp:region": "us-central1"}
STORE_NAME = naming.gcs_bucket_name("acme-ml", "dev", "models")
LOG_NAME = naming.gcs_access_log_bucket_name("acme-ml", "dev")


@pytest.fixture
def logged(preview):
    """``logged(**overrides)``: preview a log bucket and a store logging to it."""
    return lambda **overrides: preview(logged_store_program("gcp", **overrides), config=CONFIG)


def test_store_logs_to_the_given_bucket_prefixed_with_its_name(logged):
    result = logged()
    store = result.one(GCS_BUCKET, "models")
    assert store.inputs["logging"] == {"logBucket": LOG_NAME, "logObjectPrefix": STORE_NAME}
    sources = store.property_dependencies["logging"]
    assert result.one(GCS_BUCKET, "logs").urn in sources
    assert result.one(WRITER).urn in sources, "logging is set once the log writer may write"


def test_no_logging_without_a_log_bucket(preview):
    assert "logging" not in preview(store_program("gcp"), config=CONFIG).one(GCS_BUCKET).inputs


def test_log_bucket_baseline(logged):
    result = logged()
    bucket = result.one(GCS_BUCKET, "logs")
    inputs = bucket.inputs
    assert inputs["name"] == LOG_NAME and result.outputs["log_bucket_url"] == f"gs://{LOG_NAME}"
    assert inputs["uniformBucketLevelAccess"] is True
    assert inputs["publicAccessPrevention"] == "enforced"
    assert inputs["versioning"] == {"enabled": True}
    assert inputs["labels"]["team"] == "ml-platform" and inputs["labels"]["managed-by"] == "aiscale"
    assert "logging" not in inputs, "the log bucket does not log itself"
    key = result.one("gcp:kms/cryptoKey:CryptoKey", "logs")
    assert inputs["encryption"] == {"defaultKmsKeyName": key.id}
    assert result.one("gcp:kms/keyRing:KeyRing", "logs").inputs["name"] == naming.gcp_kms_names(
        "acme-ml", "dev", naming.ACCESS_LOG_BUCKET).key_ring
    assert result.outputs["log_roles"] == ["bucket", "key", "key_grant", "key_ring", "log_writer"]


def test_log_writer_grant(logged):
    result = logged()
    writer = result.one(WRITER)
    assert writer.inputs == {"bucket": LOG_NAME, "role": "roles/storage.objectCreator",
                             "member": "group:cloud-storage-analytics@google.com"}
    assert writer.parent == result.one("aiscale:index:AccessLogBucket").urn


@pytest.mark.parametrize("environment,days", [("dev", 90), ("prod", 365)])
def test_log_bucket_deletes_logs_after_retention(logged, environment, days):
    rules = logged(environment=environment).one(GCS_BUCKET, "logs").inputs["lifecycleRules"]
    assert {"action": {"type": "Delete"}, "condition": {"age": days, "withState": "LIVE"}} in rules
    assert not any(r["action"]["type"] == "SetStorageClass" for r in rules)
    assert any(r["action"]["type"] == "AbortIncompleteMultipartUpload" for r in rules)
