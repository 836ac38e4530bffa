"""ObjectStore on GCP: the inputs the mock runtime received, by type token and camelCase name."""

from __future__ import annotations

import re

import pytest

from aiscale.gcp import naming
from aiscale.preview.fake_cloud import GCP_PROJECT_NUMBER

from .helpers import GCS_BUCKET, STORE, store_program

KEY_RING = "gcp:kms/keyRing:KeyRing"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
GRANT = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
CONFIG = {"gcp:project": "acme-ml-dev", "gcp:region": "us-central1"}


@pytest.fixture
def gcp(preview):
    """``gcp(**overrides)``: preview one GCP ObjectStore."""
    return lambda **overrides: preview(store_program("gcp", **overrides), config=CONFIG)


def test_bucket_is_locked_down(gcp):
    inputs = gcp().one(GCS_BUCKET).inputs
    assert inputs["name"] == naming.gcs_bucket_name("acme-ml", "dev", "models")
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", inputs["name"])
    assert inputs["publicAccessPrevention"] == "enforced"
    assert inputs["uniformBucketLevelAccess"] is True
    assert inputs["versioning"] == {"enabled": True}
    assert inputs["forceDestroy"] is False
    assert inputs["location"] == "US-CENTRAL1"
    assert inputs["project"] == "acme-ml-dev"
    assert inputs["labels"]["cost-center"] == "cc-1234"


def test_customer_managed_key_and_grant(gcp):
    result = gcp()
    key, ring, grant, bucket = (result.one(t) for t in (CRYPTO_KEY, KEY_RING, GRANT, GCS_BUCKET))
    assert bucket.inputs["encryption"] == {"defaultKmsKeyName": key.id}
    assert key.inputs["rotationPeriod"] == "7776000s"
    assert key.inputs["purpose"] == "ENCRYPT_DECRYPT"
    assert key.inputs["keyRing"] == ring.id
    assert ring.inputs["location"] == "us-central1"
    assert grant.inputs["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant.inputs["member"] == (
        f"serviceAccount:service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com")
    assert grant.inputs["cryptoKeyId"] == key.id
    assert grant.urn in bucket.dependencies, "the bucket waits for the service agent's grant"
    assert result.outputs["key_id"] == key.id


def test_provider_managed_has_no_key(gcp):
    result = gcp(encryption="provider-managed")
    for token in (KEY_RING, CRYPTO_KEY, GRANT):
        assert result.by_type(token) == [], token
    assert "encryption" not in result.one(GCS_BUCKET).inputs
    assert result.outputs.get("key_id") is None


def _rules(result) -> list[tuple]:
    return [(r["action"]["type"], r["action"].get("storageClass"), r["condition"])
            for r in result.one(GCS_BUCKET).inputs["lifecycleRules"]]


def test_lifecycle_rules(gcp):
    rules = _rules(gcp(lifecycle={"cool_after_days": 30, "archive_after_days": 180, "expire_after_days": 400}))
    assert ("SetStorageClass", "NEARLINE", {"age": 30, "matchesStorageClasses": ["STANDARD"]}) in rules
    assert ("SetStorageClass", "ARCHIVE", {"age": 180, "matchesStorageClasses": ["STANDARD", "NEARLINE"]}) in rules
    assert ("Delete", None, {"age": 400, "withState": "LIVE"}) in rules


@pytest.mark.parametrize("environment,days", [("dev", 7), ("prod", 30)])
def test_cleanup_rules_and_soft_delete_always_present(gcp, environment, days):
    result = gcp(environment=environment)
    rules = _rules(result)
    assert ("Delete", None, {"daysSinceNoncurrentTime": days, "withState": "ARCHIVED"}) in rules
    assert ("AbortIncompleteMultipartUpload", None, {"age": 7}) in rules
    assert len(rules) == 2  # no tiering without a lifecycle
    assert result.one(GCS_BUCKET).inputs["softDeletePolicy"] == {"retentionDurationSeconds": days * 86400}


def test_labels_are_sanitised(gcp):
    labels = gcp(tags={"Team": "ML Platform", "owner": "a@b.c"}).one(GCS_BUCKET).inputs["labels"]
    assert labels["team"] == "ml_platform" and labels["owner"] == "a_b_c"
    assert all(re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", k) for k in labels)


@pytest.mark.parametrize("protect", [True, False])
def test_protect_and_retain_stateful_children(gcp, protect):
    result = gcp(protect=protect)
    for token in (GCS_BUCKET, KEY_RING, CRYPTO_KEY):
        record = result.one(token)
        assert (record.protect, record.retain_on_delete) == (protect, protect), token
    assert result.one(GRANT).protect is False


def test_outputs_parents_and_stable_names(gcp):
    first, second = gcp(), gcp()
    name = naming.gcs_bucket_name("acme-ml", "dev", "models")
    assert first.outputs["bucket_name"] == name and first.outputs["bucket_url"] == f"gs://{name}"
    assert all(r.parent == first.one(STORE).urn for r in first.resources if r.custom)
    for token in (GCS_BUCKET, KEY_RING, CRYPTO_KEY):
        assert first.one(token).inputs["name"] == second.one(token).inputs["name"]
