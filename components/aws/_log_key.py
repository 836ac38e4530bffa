"""The KMS key that encrypts a CloudWatch log group (control-plane logs, VPC flow logs).

CloudWatch Logs may use a customer-managed key only when the key policy lets the regional
logs service principal use it, limited by the encryption context to the log groups of this
account: the policy below is the one AWS documents for that
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws.kms as kms

from aiscale.aws._iam import POLICY_VERSION, partition_of

LOG_KEY_DELETION_WINDOW_DAYS = 30
"""Days a deleted log key stays recoverable (the KMS maximum: logs outlive mistakes)."""


def log_key_policy(account: str, region: str, group_prefix: str) -> dict[str, Any]:
    """The account administers the key; the logs service of `region` may use it only for log
    groups of this account whose name starts with `group_prefix` ("" for any)."""
    partition = partition_of(region)
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "AccountAdministers", "Effect": "Allow",
         "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "LogsEncrypt", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
         "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                   f"arn:{partition}:logs:{region}:{account}:log-group:{group_prefix}*"}}},
    ]}


def log_key(name: str, scope: Any, group_prefix: str, tags: dict[str, str], parent: pulumi.Resource) -> kms.Key:
    """A rotating key for the log groups named `group_prefix`* of this account and region."""
    from pulumi_aws import get_caller_identity_output

    account = get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
    region = scope.region
    return kms.Key(
        f"{name}-log-key", description=f"Encrypts the CloudWatch log groups {group_prefix or '(any)'}* (aiscale)",
        enable_key_rotation=True, deletion_window_in_days=LOG_KEY_DELETION_WINDOW_DAYS,
        policy=account.apply(lambda a: json.dumps(log_key_policy(a, region, group_prefix))),
        tags=tags, opts=scope.stateful(parent))
