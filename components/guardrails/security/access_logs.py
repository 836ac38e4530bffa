"""Security checks for bucket access logs (S3 server access logs, GCS usage logs), and which
buckets of the stack receive them (log buckets are exempt from logging themselves and, on S3,
from customer-managed keys)."""

from __future__ import annotations

from aiscale.facts import tokens
from aiscale.facts.references import came_from, named, refers_to

from ..props import is_set, is_unknown
from ..registry import Check, NotApplicable, Violation

_S3_LOG_DOCS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
_GCS_LOG_DOCS = "https://cloud.google.com/storage/docs/access-logs"


def covers(sub, bucket) -> bool:
    """True when a bucket sub-resource (public access block, SSE, logging) belongs to `bucket`."""
    return sub.parent == bucket.urn or refers_to(sub, "bucket", bucket)


def _gcs_log_bucket(view):
    """A GCS bucket's ``logging.logBucket`` as sent (possibly unknown), or None."""
    logging = view.props.get("logging")
    return logging.get("logBucket") if isinstance(logging, dict) else None


def _inline_s3_targets(bucket) -> list:
    """The target bucket names of a bucket's legacy inline logging blocks."""
    loggings = bucket.props.get("loggings")
    blocks = [bucket.props.get("logging")] + (loggings if isinstance(loggings, list) else [])
    return [block.get("targetBucket") for block in blocks if isinstance(block, dict)]


def s3_log_targets(resources) -> set:
    """URNs of the S3 buckets in the stack that receive server access logs (the target of a
    BucketLogging or of another bucket's inline logging), by dependency or by known name."""
    buckets = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET]
    loggings = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_LOGGING]

    def receives(bucket) -> bool:
        if any(refers_to(lg, "targetBucket", bucket) for lg in loggings):
            return True
        return any(other.urn != bucket.urn and (
            came_from(other, "logging", bucket) or came_from(other, "loggings", bucket)
            or any(named(target, bucket) for target in _inline_s3_targets(other))) for other in buckets)

    return {b.urn for b in buckets if receives(b)}


def gcs_log_targets(resources) -> set:
    """URNs of the GCS buckets in the stack that are another bucket's ``logging.logBucket``."""
    buckets = [r for r in resources if r.canonical == tokens.GCP_STORAGE_BUCKET]

    def receives(bucket) -> bool:
        return any(other.urn != bucket.urn and (
            came_from(other, "logging", bucket) or named(_gcs_log_bucket(other), bucket))
            for other in buckets)

    return {b.urn for b in buckets if receives(b)}



def _logging_target(logging) -> bool:
    return isinstance(logging, dict) and is_set(logging, "targetBucket")


def s3_access_logging(resources, ctx):
    """Every S3 bucket logs access, inline (legacy) or through a BucketLogging resource, except
    a bucket that receives server access logs in the stack (a log bucket does not log itself)."""
    buckets = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET]
    if not buckets:
        return NotApplicable("no S3 buckets")
    loggings = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_LOGGING]
    targets = s3_log_targets(resources)
    out = []
    for b in buckets:
        inline = _logging_target(b.props.get("logging")) or any(
            _logging_target(x) for x in b.props.get("loggings") or [] if not is_unknown(x))
        if not inline and b.urn not in targets and not any(covers(lg, b) for lg in loggings):
            out.append(Violation(b.urn, f"S3 bucket '{b.name}' has no access logging; add a BucketLogging"))
    return out


def gcs_access_logging(resources, ctx):
    """GCS buckets write usage logs to a log bucket, except a bucket that is another bucket's
    log bucket in the stack (a log bucket does not log itself)."""
    buckets = [r for r in resources if r.canonical == tokens.GCP_STORAGE_BUCKET]
    if not buckets:
        return NotApplicable("no GCS buckets")
    targets = gcs_log_targets(resources)
    return [Violation(b.urn, f"GCS bucket '{b.name}' has no logging.logBucket; set a log bucket")
            for b in buckets if b.urn not in targets and not is_set(b.props, "logging.logBucket")]



CHECKS = (
    Check("SEC-STORAGE-014", "security", "S3 access logging",
          "Every S3 bucket logs access (BucketLogging, or the legacy inline logging). Exempt: a bucket "
          "that receives server access logs in the stack (a BucketLogging targets it): logging a log "
          "bucket into itself would log its own log deliveries.", "low", "advisory",
          "Add a BucketLogging that writes to a log bucket.", s3_access_logging, scope="stack",
          anchors=("CKV_AWS_18", "AVD-AWS-0089"), url=_S3_LOG_DOCS,
          when_omitted=("Server access logging is off unless configured "
                        "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-015", "security", "GCS access logging",
          "GCS buckets set logging.logBucket. Exempt: a bucket that is another bucket's "
          "logging.logBucket in the stack: a log bucket logging into itself would log its own log "
          "deliveries.", "low", "advisory", "Set logging.logBucket.",
          gcs_access_logging, scope="stack", anchors=("CKV_GCP_62", "AVD-GCP-0077"), url=_GCS_LOG_DOCS,
          when_omitted=("Usage logs are off unless logging.logBucket is set "
                        "(https://cloud.google.com/storage/docs/access-logs)."),
          omitted_verdict="fail"),
)
"""The access-logging checks of the security pack."""
