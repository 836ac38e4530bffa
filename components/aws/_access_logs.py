"""The AWS builder of ``AccessLogBucket``: the S3 bucket that receives server access logs.

The same locked-down bucket as an ``ObjectStore`` (public access block, bucket-owner-enforced
ownership, TLS-only policy, versioning, lifecycle), with two differences that S3 imposes:

- default encryption is SSE-S3 (AES256): S3 delivers server access logs only to target buckets
  whose default encryption is SSE-S3; with SSE-KMS default encryption logs are not delivered;
- the bucket policy lets the S3 logging service principal put objects, only on behalf of this
  account (``aws:SourceAccount``). With bucket-owner-enforced ownership, ACL grants to the log
  delivery group are not possible: the policy is the only way in.

The bucket logs nothing about itself (logging a log bucket into itself would log its own log
deliveries). Its name resolves only once the policy exists, so a ``BucketLogging`` that targets
it is configured after delivery is permitted.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_aws.get_caller_identity import get_caller_identity_output

from aiscale.aws import naming
from aiscale.aws.storage import declare_bucket
from aiscale.store_spec import BuiltStore, StoreSpec

LOG_DELIVERY_PRINCIPAL = "logging.s3.amazonaws.com"
"""The service principal that writes S3 server access logs."""
LOG_BUCKET_ENCRYPTION = {"sse_algorithm": "AES256"}
"""SSE-S3: the only default encryption S3 server access log delivery supports on the target."""


def log_delivery_statement(bucket_arn: str, account_id: str) -> dict[str, Any]:
    """Allow the S3 logging service to put log objects, for sources in ``account_id`` only."""
    return {
        "Sid": "AllowServerAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }


def build(parent: pulumi.Resource, name: str, spec: StoreSpec) -> BuiltStore:
    """Declare the access-log bucket under ``parent``."""
    physical = naming.s3_access_log_bucket_name(spec.platform, spec.environment, spec.name_seed)
    identity = get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent))

    def statements(bucket_arn: pulumi.Output[str]) -> pulumi.Output[list]:
        return pulumi.Output.all(bucket_arn, identity.account_id).apply(
            lambda values: [log_delivery_statement(*values)])

    resources = declare_bucket(parent, name, spec, physical, dict(LOG_BUCKET_ENCRYPTION), statements)
    bucket, policy = resources["bucket"], resources["policy"]
    ready = pulumi.Output.all(bucket.bucket, policy.id).apply(lambda values: values[0])
    return BuiltStore(bucket_name=ready, bucket_url=ready.apply(lambda bucket_name: f"s3://{bucket_name}"),
                      key_id=None, resources=resources)
