"""The AWS notification target and monthly budget of ``Operations``.

Declares, under the component:

- a customer-managed KMS key (rotated yearly) for the topic: AWS Budgets and CloudWatch can
  publish to an encrypted topic only when the key's policy lets them use it, which the AWS
  managed ``alias/aws/sns`` key never does;
- an SNS topic encrypted with that key, whose policy lets AWS Budgets and CloudWatch alarms of
  this account publish and refuses publishing over plain HTTP;
- one ``email`` subscription per address (each recipient confirms it once, from the email AWS
  sends) and one ``https`` subscription for the webhook (the endpoint must confirm the
  subscription request SNS posts to it);
- with an amount, a ``COST`` budget reset ``MONTHLY``, filtered on the cost-allocation tags
  ``platform`` and ``environment`` (so a dev and a prod stack of one platform in one account
  count apart), notifying the topic at each actual and forecast threshold.

The ``platform`` and ``environment`` tags count only once they are activated as cost-allocation
tags in the payer account (Billing console, or ``aws ce update-cost-allocation-tags-status``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws.budgets as budgets
import pulumi_aws.kms as kms
import pulumi_aws.sns as sns

from aiscale.aws import naming
from aiscale.aws._iam import POLICY_VERSION, partition_of
from aiscale.operations_spec import BuiltBudget, NotificationTarget, OperationsBuild

PUBLISHERS = ("budgets.amazonaws.com", "cloudwatch.amazonaws.com")
"""AWS services that publish to the topic (budget alerts, CloudWatch alarms)."""
KEY_DELETION_WINDOW_DAYS = 7
"""Days a scheduled deletion of the topic key can be cancelled (it protects no stored data)."""
BUDGET_TAGS = ("platform", "environment")
"""Cost-allocation tags the budget filters on (both must match)."""
COMPARISON = "GREATER_THAN"
"""Budget notifications fire when spend exceeds the threshold."""


@dataclass(frozen=True, kw_only=True)
class TopicTarget(NotificationTarget):
    """The SNS topic that budgets and alarms notify, with its key and policy."""

    topic_arn: pulumi.Input[str]
    """The topic's ARN."""
    key_arn: pulumi.Input[str]
    """The ARN of the KMS key that encrypts the topic (publishers need it)."""
    policy: pulumi.Resource
    """The topic policy that lets AWS Budgets and CloudWatch publish (budgets wait for it)."""


def resource_prefix(scope: Any) -> str:
    """``aiscale-<platform>-<environment>``: the start of every physical name declared here."""
    return f"aiscale-{scope.platform}-{scope.environment}"


def key_policy(account: str, partition: str) -> dict[str, Any]:
    """The topic key's policy: the account administers it; Budgets and CloudWatch may only
    encrypt messages for the topic and read them back."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "AccountAdministers", "Effect": "Allow",
         "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "PublishersEncrypt", "Effect": "Allow", "Principal": {"Service": list(PUBLISHERS)},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"},
    ]}


def topic_policy(topic_arn: str, account: str, region: str) -> dict[str, Any]:
    """The topic's policy: the account manages it, Budgets and this account's CloudWatch
    alarms publish to it, nothing publishes over plain HTTP."""
    partition = partition_of(region)
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "AccountManages", "Effect": "Allow",
         "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
         "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                    "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
         "Resource": topic_arn},
        {"Sid": "BudgetsPublish", "Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"},
         "Action": "SNS:Publish", "Resource": topic_arn,
         "Condition": {"StringEquals": {"aws:SourceAccount": account},
                       "ArnLike": {"aws:SourceArn": f"arn:{partition}:budgets::{account}:*"}}},
        {"Sid": "AlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": "SNS:Publish", "Resource": topic_arn,
         "Condition": {"StringEquals": {"aws:SourceAccount": account},
                       "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account}:alarm:*"}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "SNS:Publish",
         "Resource": topic_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]}


def _account(component: pulumi.Resource) -> pulumi.Output[str]:
    from pulumi_aws import get_caller_identity_output

    return get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=component)).account_id


def notifications(component: pulumi.ComponentResource, args: OperationsBuild) -> "TopicTarget":
    """Declare the key, topic, topic policy and subscriptions; return the topic as target."""
    scope = args.scope
    name, prefix = args.name, resource_prefix(scope)
    child = pulumi.ResourceOptions(parent=component)
    tags = naming.aws_tags(scope.tags)
    account = _account(component)
    partition = partition_of(scope.region)
    key = kms.Key(f"{name}-topic-key", description=f"Encrypts the alert topic of {scope.platform} "
                  f"{scope.environment} (aiscale)", enable_key_rotation=True,
                  deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
                  policy=account.apply(lambda a: json.dumps(key_policy(a, partition))),
                  tags=tags, opts=scope.stateful(component))
    topic = sns.Topic(f"{name}-topic", name=f"{prefix}-alerts", kms_master_key_id=key.arn,
                      display_name=f"aiscale {scope.platform} {scope.environment}", tags=tags, opts=child)
    policy = sns.TopicPolicy(f"{name}-topic-policy", arn=topic.arn, opts=child, policy=pulumi.Output.all(
        topic.arn, account).apply(lambda v: json.dumps(topic_policy(v[0], v[1], scope.region))))
    resources: dict[str, Any] = {"topic_key": key, "topic": topic, "topic_policy": policy}
    for address in args.emails:
        resources[f"subscription:{address}"] = sns.TopicSubscription(
            f"{name}-email-{naming.stable_suffix(address)}", topic=topic.arn, protocol="email",
            endpoint=address, opts=child)
    if args.webhook_url:
        resources["subscription:webhook"] = sns.TopicSubscription(
            f"{name}-webhook", topic=topic.arn, protocol="https",
            endpoint=pulumi.Output.secret(args.webhook_url), opts=child)
    return TopicTarget(targets=[topic.arn], topic_arn=topic.arn, key_arn=key.arn, policy=policy,
                       resources=resources)


def _notification(kind: str, threshold: int, topic_arn: Any) -> budgets.BudgetNotificationArgs:
    return budgets.BudgetNotificationArgs(
        comparison_operator=COMPARISON, notification_type=kind, threshold=float(threshold),
        threshold_type="PERCENTAGE", subscriber_sns_topic_arns=[topic_arn])


def budget_filter(tags: dict[str, str], scope: Any) -> budgets.BudgetFilterExpressionArgs:
    """Costs of resources tagged with this platform's name and environment (both)."""
    values = {"platform": tags.get("platform", scope.platform),
              "environment": tags.get("environment", scope.environment)}
    return budgets.BudgetFilterExpressionArgs(ands=[
        budgets.BudgetFilterExpressionAndArgs(tags=budgets.BudgetFilterExpressionAndTagsArgs(
            key=key, values=[values[key]], match_options=["EQUALS"])) for key in BUDGET_TAGS])


def budget(component: pulumi.ComponentResource, args: OperationsBuild, target: "TopicTarget") -> BuiltBudget:
    """Declare the monthly cost budget notifying the topic at every threshold."""
    scope = args.scope
    tags = naming.aws_tags(scope.tags)
    topic_arn = target.topic_arn
    notes = ([_notification("ACTUAL", t, topic_arn) for t in args.actual_thresholds]
             + [_notification("FORECASTED", t, topic_arn) for t in args.forecast_thresholds])
    created = budgets.Budget(
        f"{args.name}-budget", name=f"{resource_prefix(scope)}-monthly", budget_type="COST",
        time_unit="MONTHLY", limit_amount=f"{float(args.amount_usd):.2f}", limit_unit="USD",
        filter_expression=budget_filter(tags, scope), metrics="UnblendedCost",
        notifications=notes, tags=tags,
        opts=pulumi.ResourceOptions(parent=component, depends_on=[target.policy]))
    return BuiltBudget(name=created.name, budget=created)
