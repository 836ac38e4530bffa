"""SEC-STORAGE-013: versioning (or soft delete) on every bucket, seen across the stack.

S3 and Azure configure versioning in a separate resource (``BucketVersioning``,
``BlobServiceProperties``), so a bucket that has none is unversioned: only a stack check sees it.
"""

from __future__ import annotations

from aiscale.facts import reader, tokens
from aiscale.facts.references import refers_to

from ..props import UnknownValue, get, get_bool
from ..registry import Check, NotApplicable, Violation
from .access_logs import covers as _pab_covers

_S3_VERSIONING_DOCS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"
_AZURE_VERSIONING_DOCS = "https://learn.microsoft.com/en-us/azure/storage/blobs/versioning-overview"
_GCS_VERSIONING_DOCS = "https://cloud.google.com/storage/docs/object-versioning"


def s3_versioning_status(view):
    """A BucketVersioning's problem message, or None when its status is Enabled."""
    status = get(view.props, "versioningConfiguration.status")
    return None if status == "Enabled" else f"versioning status is '{status}'; set 'Enabled'"


def _legacy_inline(bucket):
    """The legacy inline ``versioning.enabled`` of an S3 bucket (None when absent)."""
    return get_bool(bucket.props, "versioning.enabled")


def _covers_account(props_view, account) -> bool:
    """True when a BlobServiceProperties belongs to the storage account `account`."""
    return props_view.parent == account.urn or refers_to(props_view, "accountName", account)


def _blob_service_problem(view):
    versioning = get_bool(view.props, "isVersioningEnabled") is True
    soft_delete = get_bool(view.props, "deleteRetentionPolicy.enabled") is True
    return None if versioning or soft_delete else (
        "neither isVersioningEnabled nor deleteRetentionPolicy is on; enable one")


def _judge(view, resources):
    """The problem of one resource, or None (raises UnknownValue when its inputs are unknown)."""
    kind = view.canonical
    if kind == tokens.AWS_S3_BUCKET_VERSIONING:
        return s3_versioning_status(view)
    if kind == tokens.GCP_STORAGE_BUCKET:
        on = reader.bucket(kind, view.props).versioning.flag() is True
        return None if on else "versioning.enabled is not true (GCS default: off); enable it"
    if kind == tokens.AZURE_STORAGE_BLOB_SERVICE_PROPERTIES:
        return _blob_service_problem(view)
    if kind == tokens.AWS_S3_BUCKET:
        if _legacy_inline(view) is True:
            return None
        if _legacy_inline(view) is False:
            return "the legacy inline versioning.enabled is false; enable it (or add a BucketVersioning)"
        configs = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_VERSIONING]
        if any(_pab_covers(c, view) for c in configs):
            return None  # judged on the BucketVersioning itself
        return f"S3 bucket '{view.name}' has no BucketVersioning (S3 default: unversioned); add one with status 'Enabled'"
    if get(view.props, "kind") == "FileStorage":
        return None  # a premium file-share account has no blob service to version
    services = [r for r in resources if r.canonical == tokens.AZURE_STORAGE_BLOB_SERVICE_PROPERTIES]
    if any(_covers_account(s, view) for s in services):
        return None  # judged on the BlobServiceProperties itself
    return (f"storage account '{view.name}' has no BlobServiceProperties (Azure default: no blob "
            "versioning, no soft delete); add one with isVersioningEnabled or deleteRetentionPolicy")


JUDGED = (tokens.AWS_S3_BUCKET, tokens.AWS_S3_BUCKET_VERSIONING, tokens.GCP_STORAGE_BUCKET,
          tokens.AZURE_STORAGE_STORAGE_ACCOUNT, tokens.AZURE_STORAGE_BLOB_SERVICE_PROPERTIES)


def versioning_everywhere(resources, ctx):
    """Every bucket keeps versions (or soft-deleted blobs): model weights and checkpoints survive
    an overwrite or a delete."""
    judged = [r for r in resources if r.canonical in JUDGED]
    if not judged:
        return NotApplicable("no buckets or storage accounts")
    out = []
    for view in judged:
        try:
            problem = _judge(view, resources)
        except UnknownValue:
            continue  # this resource's versioning is not known yet; the others are still judged
        if problem:
            out.append(Violation(view.urn, problem))
    return out


CHECKS = (
    Check("SEC-STORAGE-013", "security", "Versioning or soft delete on buckets",
          "Every S3 bucket has a BucketVersioning with status Enabled (or the legacy inline "
          "versioning on), every GCS bucket versioning.enabled, every Azure storage account a "
          "BlobServiceProperties with blob versioning or soft delete on.",
          "low", "advisory", "Enable versioning (or blob soft delete on Azure).", versioning_everywhere,
          scope="stack", anchors=("CKV_AWS_21", "AVD-AWS-0090", "CKV_GCP_78", "AVD-GCP-0078", "AVD-AZU-0056"),
          url=_S3_VERSIONING_DOCS,
          when_omitted="S3: a bucket without a versioning configuration is unversioned (" + _S3_VERSIONING_DOCS
          + "); GCS: versioning is off unless enabled (" + _GCS_VERSIONING_DOCS + "); Azure: blob versioning "
          "and soft delete are off for accounts created through the API (" + _AZURE_VERSIONING_DOCS + ").",
          omitted_verdict="fail"),
)
"""The versioning check of the security pack (a stack check)."""
