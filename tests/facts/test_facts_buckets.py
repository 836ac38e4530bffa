"""The facts reader on buckets: S3, GCS and Azure storage accounts, each case with a reason."""

from __future__ import annotations

import pytest

from aiscale.facts import reader, tokens
from aiscale.facts.values import UnknownValue
from aiscale.preview.records import UNKNOWN

# (token, inputs, tags where, class, location, reason)
CASES = [
    ("aws:s3/bucketV2:BucketV2", {"tags": {"team": "ml"}}, "tags", "STANDARD", None,
     "a v6 BucketV2 reads as a bucket; S3's class is per object (STANDARD by default)"),
    (tokens.GCP_STORAGE_BUCKET, {"labels": {"team": "ml"}, "storageClass": "NEARLINE",
                                 "location": "US-CENTRAL1"},
     "labels", "NEARLINE", "US-CENTRAL1", "GCS allocates cost by labels; its own class and location"),
    (tokens.GCP_STORAGE_BUCKET, {"location": "EU"}, "labels", "STANDARD", "EU",
     "an unset storageClass is STANDARD"),
    (tokens.AZURE_STORAGE_STORAGE_ACCOUNT, {"tags": {}, "location": "eastus"}, "tags", "Hot", "eastus",
     "an unset accessTier is Hot"),
]


@pytest.mark.parametrize("token, inputs, tags, storage_class, location, reason", CASES,
                         ids=[case[-1] for case in CASES])
def test_bucket_facts(token, inputs, tags, storage_class, location, reason):
    bucket = reader.bucket(token, inputs)
    assert bucket.tags.where == tags, reason
    assert (bucket.storage_class.text() or bucket.default_class) == storage_class, reason
    assert bucket.location.text() == location, reason


def test_gcs_security_switches():
    bucket = reader.bucket(tokens.GCP_STORAGE_BUCKET, {
        "versioning": {"enabled": "true"}, "uniformBucketLevelAccess": True,
        "publicAccessPrevention": "enforced", "lifecycleRules": [{"action": {"type": "Delete"}}]})
    assert bucket.versioning.flag() is True
    assert bucket.uniform_access.flag() is True
    assert bucket.public_access.known() == "enforced"
    assert len(bucket.lifecycle_rules.items()) == 1


def test_settings_made_by_other_resources_are_not_bucket_facts():
    s3 = reader.bucket(tokens.AWS_S3_BUCKET, {"versioning": {"enabled": True}})
    assert s3.versioning.missing and s3.public_access.missing
    account = reader.bucket(tokens.AZURE_STORAGE_STORAGE_ACCOUNT, {"allowBlobPublicAccess": False})
    assert account.public_access.flag() is False
    assert account.lifecycle_rules.items() == []


def test_unknown_bucket_inputs_are_reported_when_read():
    bucket = reader.bucket(tokens.GCP_STORAGE_BUCKET, {"location": UNKNOWN, "lifecycleRules": UNKNOWN})
    for read, path in ((bucket.location.known, "location"), (bucket.lifecycle_rules.items, "lifecycleRules")):
        with pytest.raises(UnknownValue) as raised:
            read()
        assert raised.value.path == path
    assert reader.bucket(tokens.AWS_EKS_CLUSTER, {}) is None
