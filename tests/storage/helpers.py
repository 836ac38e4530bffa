"""Helpers for the object-storage tests: standard arguments and a one-store program."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi

from aiscale.access_log_bucket import AccessLogBucket
from aiscale.object_store import ObjectStore

REGIONS = {"aws": "us-west-2", "azure": "eastus", "gcp": "us-central1"}

#: The ObjectStore type token and each cloud's bucket-like resource.
STORE = "aiscale:index:ObjectStore"
S3_BUCKET = "aws:s3/bucket:Bucket"
KMS_KEY = "aws:kms/key:Key"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
GCS_BUCKET = "gcp:storage/bucket:Bucket"


def store_args(cloud: str, /, **overrides: Any) -> dict[str, Any]:
    """Valid ObjectStoreArgs for ``cloud`` (dev, customer-managed), with ``overrides``."""
    args: dict[str, Any] = {
        "cloud": cloud, "platform": "acme-ml", "environment": "dev", "bucket": "models",
        "region": REGIONS[cloud], "tags": {"team": "ml-platform", "cost-center": "cc-1234"},
    }
    if cloud == "azure":
        args["resource_group_name"] = "rg-acme-ml-dev"
    if cloud == "gcp":
        args["gcp_project"] = "acme-ml-dev"
    args.update(overrides)
    return args


def store_program(cloud: str, /, **overrides: Any) -> Callable[[], None]:
    """A program declaring one ObjectStore named ``models`` and exporting its outputs."""

    def program() -> None:
        store = ObjectStore("models", store_args(cloud, **overrides))
        pulumi.export("bucket_name", store.bucket_name)
        pulumi.export("bucket_url", store.bucket_url)
        pulumi.export("key_id", store.key_id)
        pulumi.export("roles", sorted(store.resources))

    return program


def policy_document(record) -> dict:
    """The parsed JSON policy of an ``aws:s3/bucketPolicy:BucketPolicy`` record."""
    return json.loads(record.inputs["policy"])


def log_bucket_args(cloud: str, /, **overrides: Any) -> dict[str, Any]:
    """Valid AccessLogBucketArgs for ``cloud`` (dev), with ``overrides``."""
    args: dict[str, Any] = {"cloud": cloud, "platform": "acme-ml", "environment": "dev", "region": REGIONS[cloud],
                            "tags": {"team": "ml-platform", "cost-center": "cc-1234"}}
    if cloud == "gcp":
        args["gcp_project"] = "acme-ml-dev"
    args.update(overrides)
    return args


def logged_store_program(cloud: str, /, **overrides: Any) -> Callable[[], None]:
    """A program declaring an AccessLogBucket ``logs`` and an ObjectStore ``models`` logging to it;
    ``overrides`` apply to both (``environment``, ``protect``)."""

    def program() -> None:
        logs = AccessLogBucket("logs", log_bucket_args(cloud, **overrides))
        store = ObjectStore("models", store_args(cloud, access_log_bucket=logs.bucket_name, **overrides))
        pulumi.export("log_bucket_name", logs.bucket_name)
        pulumi.export("log_bucket_url", logs.bucket_url)
        pulumi.export("bucket_name", store.bucket_name)
        pulumi.export("log_roles", sorted(logs.resources))

    return program
