"""AWS: SNS topic and subscriptions, the tag-filtered budget, SageMaker alarms, EKS observability."""

from __future__ import annotations

import json

import pytest

from .conftest import named, ours
from .helpers import EMAILS, OIDC, WEBHOOK

BUDGET = "aws:budgets/budget:Budget"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RELEASE = "kubernetes:helm.sh/v3:Release"
RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"


@pytest.fixture(scope="module")
def aws(ops_preview):
    return ops_preview("aws")


def test_budget_amount_period_and_tag_filter(aws):
    budget = named(aws, BUDGET)
    assert (budget["budgetType"], budget["timeUnit"], budget["limitAmount"], budget["limitUnit"]) == \
        ("COST", "MONTHLY", "1500.00", "USD")
    tags = {entry["tags"]["key"]: entry["tags"]["values"] for entry in budget["filterExpression"]["ands"]}
    assert tags == {"platform": ["acme-ml"], "environment": ["dev"]}, "dev and prod of one platform count apart"
    assert budget["name"] == "aiscale-acme-ml-dev-monthly"


def test_budget_notifies_the_topic_at_every_threshold(aws):
    notes = named(aws, BUDGET)["notifications"]
    assert [(n["notificationType"], n["threshold"]) for n in notes] == [
        ("ACTUAL", 50.0), ("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0)]
    topic_arns = {arn for n in notes for arn in n["subscriberSnsTopicArns"]}
    assert len(topic_arns) == 1 and all(n["thresholdType"] == "PERCENTAGE" for n in notes)


def test_topic_is_encrypted_with_a_key_budgets_and_cloudwatch_may_use(aws):
    topic = named(aws, TOPIC)
    assert topic["kmsMasterKeyId"] and topic["kmsMasterKeyId"] != "alias/aws/sns"
    key = json.loads(named(aws, "aws:kms/key:Key")["policy"])
    publishers = next(s for s in key["Statement"] if s["Sid"] == "PublishersEncrypt")
    assert set(publishers["Principal"]["Service"]) == {"budgets.amazonaws.com", "cloudwatch.amazonaws.com"}


def test_topic_policy_lets_budgets_publish_and_denies_plain_http(aws):
    policy = json.loads(named(aws, "aws:sns/topicPolicy:TopicPolicy")["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["BudgetsPublish"]["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert by_sid["BudgetsPublish"]["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"


def test_one_subscription_per_email_and_https_for_the_webhook(aws):
    subscriptions = sorted((r.inputs["protocol"], r.inputs["endpoint"]) for r in ours(aws) if r.type == SUBSCRIPTION)
    assert subscriptions == sorted([("email", e) for e in EMAILS] + [("https", WEBHOOK)])
    webhook = next(r for r in ours(aws) if r.type == SUBSCRIPTION and r.inputs["protocol"] == "https")
    assert "endpoint" in webhook.secret_paths, "the webhook URL may carry a token"


@pytest.mark.parametrize("suffix,metric,threshold,reason", [
    ("latency", "ModelLatency", 10_000_000.0, "p95 ModelLatency is in microseconds: 10 s"),
    ("errors", "Invocation5XXErrors", 5.0, "5xx share of invocations, percent"),
])
def test_sagemaker_alarms(aws, suffix, metric, threshold, reason):
    alarm = named(aws, ALARM, f"embed-{suffix}")
    assert alarm["threshold"] == threshold, reason
    metrics = [alarm.get("metricName")] + [q["metric"]["metricName"] for q in alarm.get("metricQueries", [])
                                           if "metric" in q]
    assert metric in metrics
    assert alarm["alarmActions"] == alarm["okActions"] and len(alarm["alarmActions"]) == 1


def test_latency_alarm_is_p95_of_the_primary_variant(aws):
    alarm = named(aws, ALARM, "embed-latency")
    assert (alarm["namespace"], alarm["extendedStatistic"]) == ("AWS/SageMaker", "p95")
    assert alarm["dimensions"]["VariantName"] == "primary" and alarm["dimensions"]["EndpointName"]


def test_kubernetes_endpoints_get_no_cloudwatch_alarm(aws):
    assert not [r for r in ours(aws) if r.type == ALARM and "chat" in r.name]


def test_alertmanager_publishes_to_the_topic_through_irsa(aws):
    trust = json.loads(named(aws, "aws:iam/role:Role", "alertmanager")["assumeRolePolicy"])
    condition = trust["Statement"][0]["Condition"]["StringEquals"]
    assert "system:serviceaccount:monitoring:alertmanager" in condition.values()
    assert trust["Statement"][0]["Principal"]["Federated"] == OIDC["aws"]["oidc_provider_arn"]
    allowed = json.loads(named(aws, "aws:iam/rolePolicy:RolePolicy", "alertmanager")["policy"])
    assert [s["Action"] for s in allowed["Statement"]] == ["sns:Publish", ["kms:GenerateDataKey*", "kms:Decrypt"]]
    stack = named(aws, RELEASE, "kube-prometheus-stack")["values"]
    receiver = next(r for r in stack["alertmanager"]["config"]["receivers"] if r["name"] == "platform")
    assert receiver["sns_configs"][0]["sigv4"] == {"region": "us-west-2"}
    assert receiver["webhook_configs"][0]["url"] == WEBHOOK


def test_prometheus_rule_reads_dcgm_and_vllm_metrics(aws):
    groups = named(aws, RULE)["spec"]["groups"]
    exprs = {rule["alert"] + ":" + rule["labels"].get("pool", rule["labels"].get("endpoint", "")): rule["expr"]
             for group in groups for rule in group["rules"]}
    assert "DCGM_FI_DEV_GPU_UTIL" in exprs["GpuPoolIdle:serve"]
    assert 'label_eks_amazonaws_com_nodegroup="serve-0a1b2c"' in exprs["GpuPoolIdle:serve"]
    assert "> 1" in exprs["GpuPoolIdle:serve"], "idle only above min_nodes (1)"
    assert "DCGM_FI_DEV_FB_USED" in exprs["GpuMemoryNearFull:"] and "0.95" in exprs["GpuMemoryNearFull:"]
    assert 'resource="nvidia_com_gpu"' in exprs["GpuPodsPending:"]
    assert "vllm:e2e_request_latency_seconds_bucket" in exprs["ModelEndpointLatencyHigh:chat"]
    assert 'namespace="aiscale-chat"' in exprs["ModelEndpointErrors:chat"]


def test_alert_names_cover_managed_and_cluster_alerts(aws):
    assert aws.outputs["alerts"] == sorted([
        "alert:embed:latency", "alert:embed:errors", "alert:gpu-idle:serve", "alert:gpu-idle:train",
        "alert:gpu-memory", "alert:gpu-pending", "alert:serving-latency:chat", "alert:serving-errors:chat"])
