"""The AWS builder of ``ObjectStore``: an S3 bucket with its own KMS key, locked down.

Declares the bucket, a rotated KMS key and alias (customer-managed encryption), default SSE-KMS
with an S3 bucket key, versioning, the public access block, bucket-owner-enforced ownership, a
policy denying requests without TLS (or with TLS older than 1.2), lifecycle rules and, when an
access-log bucket is given, server access logging to it. :func:`declare_bucket` is shared with
the access-log bucket (``aiscale.aws._access_logs``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Optional

import pulumi
import pulumi_aws.kms as kms
import pulumi_aws.s3 as s3

from aiscale.aws import naming
from aiscale.store_spec import INCOMPLETE_UPLOAD_DAYS, BuiltStore, StoreSpec

KMS_DELETION_WINDOW_DAYS = {"prod": 30}
"""Days a scheduled KMS key deletion can still be cancelled, by environment."""
DEFAULT_KMS_DELETION_WINDOW_DAYS = 7
"""Deletion window in every other environment (the shortest AWS allows)."""
MIN_TLS_VERSION = 1.2
"""Requests over older TLS versions are denied by the bucket policy."""
COOL_STORAGE_CLASS = "STANDARD_IA"
ARCHIVE_STORAGE_CLASS = "GLACIER"
LOG_PARTITION_DATE_SOURCE = "EventTime"
"""Server access log keys are partitioned by the time of the logged events."""

PolicyStatements = Callable[[pulumi.Output[str]], pulumi.Input[Sequence[dict[str, Any]]]]
"""bucket ARN -> extra bucket policy statements (the access-log bucket's delivery grant)."""


def bucket_policy(bucket_arn: str, extra: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The bucket policy: deny any request without TLS, or over TLS older than 1.2; then `extra`."""
    resources = [bucket_arn, f"{bucket_arn}/*"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": resources, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "DenyOutdatedTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": resources, "Condition": {"NumericLessThan": {"s3:TlsVersion": MIN_TLS_VERSION}}},
            *extra,
        ],
    }


def lifecycle_rules(spec: StoreSpec) -> list[dict[str, Any]]:
    """Tiering and expiry from the spec, plus cleanup of old versions and stale uploads."""
    every_object = {"prefix": ""}
    rules: list[dict[str, Any]] = []
    transitions = [
        {"days": days, "storage_class": storage_class}
        for days, storage_class in ((spec.cool_after_days, COOL_STORAGE_CLASS),
                                    (spec.archive_after_days, ARCHIVE_STORAGE_CLASS))
        if days
    ]
    if transitions or spec.expire_after_days:
        rule: dict[str, Any] = {"id": "tiering-and-expiry", "status": "Enabled", "filter": every_object}
        if transitions:
            rule["transitions"] = transitions
        if spec.expire_after_days:
            rule["expiration"] = {"days": spec.expire_after_days}
        rules.append(rule)
    rules.append({
        "id": "cleanup",
        "status": "Enabled",
        "filter": every_object,
        "noncurrent_version_expiration": {"noncurrent_days": spec.retention_days},
        "abort_incomplete_multipart_upload": {"days_after_initiation": INCOMPLETE_UPLOAD_DAYS},
        "expiration": {"expired_object_delete_marker": True},
    })
    return rules


def _key(parent: pulumi.Resource, name: str, spec: StoreSpec, bucket_name: str,
         tags: dict[str, str]) -> tuple[kms.Key, kms.Alias]:
    """A symmetric KMS key with yearly automatic rotation, and its alias."""
    key = kms.Key(
        f"{name}-key",
        description=f"Encrypts S3 bucket {bucket_name} ({spec.platform} {spec.environment})",
        enable_key_rotation=True,
        key_usage="ENCRYPT_DECRYPT",
        customer_master_key_spec="SYMMETRIC_DEFAULT",
        deletion_window_in_days=KMS_DELETION_WINDOW_DAYS.get(spec.environment, DEFAULT_KMS_DELETION_WINDOW_DAYS),
        region=spec.region,
        tags=tags,
        opts=spec.stateful(parent),
    )
    alias = kms.Alias(
        f"{name}-key-alias",
        name=naming.aws_kms_alias_name(spec.platform, spec.environment, spec.bucket),
        target_key_id=key.key_id,
        region=spec.region,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return key, alias


def declare_bucket(parent: pulumi.Resource, name: str, spec: StoreSpec, physical: str,
                   default_encryption: dict[str, Any],
                   policy_statements: Optional[PolicyStatements] = None) -> dict[str, pulumi.Resource]:
    """The bucket and its locked-down settings; returns the children by role.

    ``default_encryption`` is the ``apply_server_side_encryption_by_default`` block; the S3
    bucket key is enabled with SSE-KMS only (it does nothing for SSE-S3).
    """
    tags = naming.aws_tags(spec.tags)
    child = pulumi.ResourceOptions(parent=parent)
    bucket = s3.Bucket(f"{name}-bucket", bucket=physical, force_destroy=False, region=spec.region,
                       tags=tags, opts=spec.stateful(parent))
    resources: dict[str, pulumi.Resource] = {"bucket": bucket}
    rule: dict[str, Any] = {"apply_server_side_encryption_by_default": default_encryption}
    if default_encryption["sse_algorithm"] != "AES256":
        rule["bucket_key_enabled"] = True
    resources["encryption"] = s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption", bucket=bucket.id, region=spec.region, rules=[rule], opts=child)

    versioning = s3.BucketVersioning(
        f"{name}-versioning", bucket=bucket.id, region=spec.region,
        versioning_configuration={"status": "Enabled" if spec.versioning else "Suspended"},
        opts=child)
    resources["versioning"] = versioning

    public_access = s3.BucketPublicAccessBlock(
        f"{name}-public-access", bucket=bucket.id, region=spec.region,
        block_public_acls=True, block_public_policy=True,
        ignore_public_acls=True, restrict_public_buckets=True, opts=child)
    resources["public_access_block"] = public_access

    # S3 rejects concurrent configuration writes to one bucket: order them after the block.
    after_block = pulumi.ResourceOptions(parent=parent, depends_on=[public_access])
    resources["ownership"] = s3.BucketOwnershipControls(
        f"{name}-ownership", bucket=bucket.id, region=spec.region,
        rule={"object_ownership": "BucketOwnerEnforced"}, opts=after_block)
    extra = policy_statements(bucket.arn) if policy_statements else []
    resources["policy"] = s3.BucketPolicy(
        f"{name}-policy", bucket=bucket.id, region=spec.region,
        policy=pulumi.Output.json_dumps(pulumi.Output.all(bucket.arn, extra).apply(
            lambda values: bucket_policy(values[0], values[1]))),
        opts=after_block)
    resources["lifecycle"] = s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle", bucket=bucket.id, region=spec.region, rules=lifecycle_rules(spec),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[versioning]))
    if spec.access_log_bucket is not None:
        resources["access_logging"] = s3.BucketLogging(
            f"{name}-access-logging", bucket=bucket.id, region=spec.region,
            target_bucket=spec.access_log_bucket, target_prefix=f"{physical}/",
            target_object_key_format={"partitioned_prefix": {"partition_date_source": LOG_PARTITION_DATE_SOURCE}},
            opts=after_block)
    return resources


def build(parent: pulumi.Resource, name: str, spec: StoreSpec) -> BuiltStore:
    """Declare the bucket and its settings under ``parent``."""
    physical = naming.s3_bucket_name(spec.platform, spec.environment, spec.bucket, spec.name_seed)
    key_resources: dict[str, pulumi.Resource] = {}
    key_arn: Optional[pulumi.Output[str]] = None
    default_encryption: dict[str, Any] = {"sse_algorithm": "aws:kms"}  # AWS-managed key when no CMK
    if spec.customer_managed:
        key, alias = _key(parent, name, spec, physical, naming.aws_tags(spec.tags))
        key_resources = {"key": key, "key_alias": alias}
        key_arn = key.arn
        default_encryption["kms_master_key_id"] = key.arn
    resources = declare_bucket(parent, name, spec, physical, default_encryption)
    resources.update(key_resources)
    bucket = resources["bucket"]
    return BuiltStore(
        bucket_name=bucket.bucket,
        bucket_url=bucket.bucket.apply(lambda bucket_name: f"s3://{bucket_name}"),
        key_id=key_arn,
        resources=resources,
    )
