"""The GCP builder of ``ObjectStore``: a GCS bucket with its own Cloud KMS key, locked down.

Customer-managed encryption declares a key ring, a rotated crypto key and the grant that lets
the project's Cloud Storage service agent use it; the bucket waits for the grant. The bucket has
uniform bucket-level access, enforced public access prevention, versioning, soft delete,
lifecycle rules (tiering, expiry, old-version cleanup, stale multipart uploads) and, when an
access-log bucket is given, usage and storage logs written to it under the bucket's name.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp.kms as kms
import pulumi_gcp.storage as storage

from aiscale.gcp import naming
from aiscale.store_spec import INCOMPLETE_UPLOAD_DAYS, BuiltStore, StoreSpec

KEY_ROTATION_PERIOD = "7776000s"
"""Cloud KMS creates a new primary key version every 90 days."""
ENCRYPTER_DECRYPTER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
"""What the Cloud Storage service agent needs on the key to use it for the bucket."""
SECONDS_PER_DAY = 86_400
COOL_STORAGE_CLASS = "NEARLINE"
ARCHIVE_STORAGE_CLASS = "ARCHIVE"


def lifecycle_rules(spec: StoreSpec) -> list[dict[str, Any]]:
    """Tiering and expiry from the spec, plus cleanup of old versions and stale uploads."""
    rules: list[dict[str, Any]] = []
    if spec.cool_after_days:
        rules.append({"action": {"type": "SetStorageClass", "storage_class": COOL_STORAGE_CLASS},
                      "condition": {"age": spec.cool_after_days, "matches_storage_classes": ["STANDARD"]}})
    if spec.archive_after_days:
        rules.append({"action": {"type": "SetStorageClass", "storage_class": ARCHIVE_STORAGE_CLASS},
                      "condition": {"age": spec.archive_after_days,
                                    "matches_storage_classes": ["STANDARD", COOL_STORAGE_CLASS]}})
    if spec.expire_after_days:
        rules.append({"action": {"type": "Delete"},
                      "condition": {"age": spec.expire_after_days, "with_state": "LIVE"}})
    rules.append({"action": {"type": "Delete"},
                  "condition": {"days_since_noncurrent_time": spec.retention_days, "with_state": "ARCHIVED"}})
    rules.append({"action": {"type": "AbortIncompleteMultipartUpload"},
                  "condition": {"age": INCOMPLETE_UPLOAD_DAYS}})
    return rules


def _customer_managed_key(parent: pulumi.Resource, name: str, spec: StoreSpec,
                          labels: dict[str, str]) -> dict[str, pulumi.Resource]:
    """Key ring, crypto key and the storage service agent's grant on the key."""
    names = naming.gcp_kms_names(spec.platform, spec.environment, spec.bucket)
    ring = kms.KeyRing(f"{name}-key-ring", name=names.key_ring, location=spec.region,
                       project=spec.gcp_project, opts=spec.stateful(parent))
    key = kms.CryptoKey(
        f"{name}-key", name=names.crypto_key, key_ring=ring.id, purpose="ENCRYPT_DECRYPT",
        rotation_period=KEY_ROTATION_PERIOD, labels=labels,
        version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "SOFTWARE"},
        opts=spec.stateful(parent))
    agent = storage.get_project_service_account_output(
        project=spec.gcp_project, opts=pulumi.InvokeOutputOptions(parent=parent))
    grant = kms.CryptoKeyIAMMember(
        f"{name}-key-grant", crypto_key_id=key.id, role=ENCRYPTER_DECRYPTER_ROLE,
        member=agent.email_address.apply(lambda email: f"serviceAccount:{email}"),
        opts=pulumi.ResourceOptions(parent=parent))
    return {"key_ring": ring, "key": key, "key_grant": grant}


def build(parent: pulumi.Resource, name: str, spec: StoreSpec) -> BuiltStore:
    """Declare the bucket (and its key) under ``parent``."""
    labels = naming.gcp_labels(spec.tags)
    resources: dict[str, pulumi.Resource] = {}
    extra: dict[str, Any] = {}
    depends_on: list[pulumi.Resource] = []
    key_id: Optional[pulumi.Output[str]] = None
    if spec.customer_managed:
        resources.update(_customer_managed_key(parent, name, spec, labels))
        key_id = resources["key"].id
        extra["encryption"] = {"default_kms_key_name": key_id}
        depends_on.append(resources["key_grant"])  # the service agent must be able to use the key

    physical = naming.gcs_bucket_name(spec.platform, spec.environment, spec.bucket, spec.name_seed)
    if spec.access_log_bucket is not None:
        extra["logging"] = {"log_bucket": spec.access_log_bucket, "log_object_prefix": physical}

    bucket = storage.Bucket(
        f"{name}-bucket",
        name=physical,
        location=spec.region.upper(), project=spec.gcp_project, storage_class="STANDARD",
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        versioning={"enabled": spec.versioning},
        soft_delete_policy={"retention_duration_seconds": spec.retention_days * SECONDS_PER_DAY},
        lifecycle_rules=lifecycle_rules(spec),
        labels=labels,
        force_destroy=False,
        opts=spec.stateful(parent, depends_on=depends_on),
        **extra)
    resources["bucket"] = bucket
    return BuiltStore(bucket_name=bucket.name, bucket_url=bucket.url, key_id=key_id, resources=resources)
