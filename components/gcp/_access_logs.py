"""The GCP builder of ``AccessLogBucket``: the GCS bucket that receives usage and storage logs.

The same locked-down bucket as an ``ObjectStore`` (uniform bucket-level access, enforced public
access prevention, versioning, soft delete, a rotated Cloud KMS key, lifecycle rules deleting
logs after the retention the spec carries), plus the one grant GCS log delivery needs: Cloud
Storage writes usage and storage logs as the group ``cloud-storage-analytics@google.com``, which
must be able to create objects in the log bucket (``roles/storage.objectCreator``; with uniform
bucket-level access an IAM grant, not an ACL). The bucket does not log itself. Its name resolves
only once the grant exists, so a bucket that logs to it is configured after delivery is allowed.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp.storage as storage

from aiscale.gcp.storage import build as build_bucket
from aiscale.store_spec import BuiltStore, StoreSpec

LOG_WRITER = "group:cloud-storage-analytics@google.com"
"""The principal Cloud Storage writes usage and storage logs as."""
LOG_WRITER_ROLE = "roles/storage.objectCreator"
"""What the log writer needs on the log bucket: create objects, nothing else."""


def build(parent: pulumi.Resource, name: str, spec: StoreSpec) -> BuiltStore:
    """Declare the access-log bucket (and its key) under ``parent``."""
    built = build_bucket(parent, name, spec)
    bucket = built.resources["bucket"]
    writer = storage.BucketIAMMember(
        f"{name}-log-writer", bucket=bucket.name, role=LOG_WRITER_ROLE, member=LOG_WRITER,
        opts=pulumi.ResourceOptions(parent=parent))
    ready = pulumi.Output.all(bucket.name, writer.id).apply(lambda values: values[0])
    return BuiltStore(bucket_name=ready, bucket_url=ready.apply(lambda bucket_name: f"gs://{bucket_name}"),
                      key_id=built.key_id, resources={**built.resources, "log_writer": writer})
