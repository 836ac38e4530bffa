"""``AccessLogBucket``: the bucket that receives the access logs of a platform's buckets on
AWS or GCP (Azure Storage logs through diagnostic settings instead).

No ``from __future__ import annotations`` here, for the same reason as in ``object_store``:
Pulumi's component analyzer reads these annotations as real types.
"""

from collections.abc import Mapping
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale import clouds, naming
from aiscale._docs import documented
from aiscale.object_store import ACCESS_LOG_CLOUDS, StoreSpec, _raise_if_any, resolve_args

__all__ = ["AccessLogBucket", "AccessLogBucketArgs", "resolve_log_bucket_args"]

LOG_BUCKET_TYPE_TOKEN = "aiscale:index:AccessLogBucket"
LOG_RETENTION_DAYS = {"prod": 365}
"""Days access logs are kept in the access-log bucket, by environment."""
DEFAULT_LOG_RETENTION_DAYS = 90
"""Access-log retention in every environment not listed in :data:`LOG_RETENTION_DAYS`."""


class AccessLogBucketArgs(TypedDict, total=False):
    """The arguments of :class:`AccessLogBucket`."""

    cloud: Required[str]
    """``aws`` or ``gcp``. Required."""
    platform: Required[str]
    """The platform name; part of the physical name. Required."""
    environment: Required[str]
    """The environment; part of the physical name. ``prod`` keeps logs 365 days (else 90).
    Required."""
    region: Required[str]
    """The AWS or GCP region. On AWS, S3 delivers server access logs only to a bucket in the
    source bucket's region (and account). Required."""
    gcp_project: Optional[str]
    """GCP only: the project of the bucket and its key. Omitted or None: the provider's project."""
    tags: Optional[dict[str, str]]
    """Tags (labels on GCP). Omitted: only ``platform``, ``environment`` and ``managed-by``."""
    protect: bool
    """Protect and retain the bucket (and its GCP key). Omitted: False."""
    name_seed: str
    """Extra text mixed into the uniqueness hash of the physical name. Omitted: none."""


def resolve_log_bucket_args(name: str, args: Mapping[str, Any]) -> StoreSpec:
    """Validate ``args`` and resolve the log bucket's spec: versioned, expiring after 90 days
    (365 in prod), encrypted with SSE-S3 on AWS and a Cloud KMS key on GCP."""
    if not isinstance(args, Mapping):
        raise ValueError(f"AccessLogBucket {name!r}: args: got {args!r}; valid: an AccessLogBucketArgs mapping")
    problems: list[str] = []
    known = set(AccessLogBucketArgs.__required_keys__) | set(AccessLogBucketArgs.__optional_keys__)
    for key in sorted(set(args) - known):
        problems.append(f"{key}: unknown field; valid: {', '.join(sorted(known))}")
    cloud = args.get("cloud")
    if cloud not in ACCESS_LOG_CLOUDS:
        problems.append(f"cloud: got {cloud!r}; valid: {', '.join(ACCESS_LOG_CLOUDS)} "
                        "(the others log bucket access through their own services)")
    _raise_if_any("AccessLogBucket", name, problems)
    environment = args.get("environment")
    days = LOG_RETENTION_DAYS.get(environment if isinstance(environment, str) else "", DEFAULT_LOG_RETENTION_DAYS)
    store = {**args, "bucket": naming.ACCESS_LOG_BUCKET, "versioning": True,
             "encryption": clouds.adapter(cloud).access_log_encryption,
             "lifecycle": {"expire_after_days": days}}
    return resolve_args(name, store, kind="AccessLogBucket")


@documented("Declare the bucket receiving a platform's access logs on one cloud.", AccessLogBucketArgs)
class AccessLogBucket(pulumi.ComponentResource):
    """The bucket receiving the access logs of a platform's buckets on one cloud; pass its
    ``bucket_name`` as each :class:`ObjectStore`'s ``access_log_bucket``.

    Private, TLS-only and versioned like a store; logs expire after 90 days (365 in prod); it
    does not log itself. AWS: SSE-S3 (S3 delivers server access logs only to SSE-S3 buckets)
    and a policy letting ``logging.s3.amazonaws.com`` write for this account. GCP: a Cloud KMS
    key, and ``roles/storage.objectCreator`` for the log writer, the group
    ``cloud-storage-analytics@google.com``.
    """

    bucket_name: pulumi.Output[str]
    """The physical bucket name; resolves once log delivery is permitted (policy or grant)."""
    bucket_url: pulumi.Output[str]
    """``s3://<bucket>`` or ``gs://<bucket>``."""

    def __init__(self, name: str, args: AccessLogBucketArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        spec = resolve_log_bucket_args(name, args)  # before super().__init__: bad args register nothing
        super().__init__(LOG_BUCKET_TYPE_TOKEN, name, None, opts)
        spec = spec.with_component_options(opts)
        built = clouds.adapter(spec.cloud).builder("access_logs").build(self, name, spec)
        self._resources = built.resources
        self.bucket_name = pulumi.Output.from_input(built.bucket_name)
        self.bucket_url = pulumi.Output.from_input(built.bucket_url)
        self.register_outputs({"bucket_name": self.bucket_name, "bucket_url": self.bucket_url})

    @property
    def resources(self) -> dict[str, pulumi.Resource]:
        """The child resources by role (``bucket``, ``policy``, ``log_writer``, ...): the escape hatch."""
        return dict(self._resources)
