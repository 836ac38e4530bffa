"""Issue 8 at the stack level: budgets, notifications, alerts and GPU observability per cloud."""

from __future__ import annotations

import pytest

from aiscale.cost import budget_per_cloud, monthly_upper_bound
from aiscale.model import load_platform
from tests.platform.conftest import stack_model


def _amount(record) -> float:
    inputs = record.inputs
    if "limitAmount" in inputs:  # AWS
        return float(inputs["limitAmount"])
    if "amount" in inputs and not isinstance(inputs["amount"], dict):  # Azure
        return float(inputs["amount"])
    money = inputs["amount"]["specifiedAmount"]  # GCP: units + nanos
    return int(money["units"]) + money.get("nanos", 0) / 1e9


def test_dev_budget_is_split_across_its_three_clouds(dev):
    budgets = {r.type.split(":")[0]: _amount(r) for r in dev.resources
               if r.type in ("aws:budgets/budget:Budget", "azure-native:consumption:Budget",
                             "gcp:billing/budget:Budget")}
    assert set(budgets) == {"aws", "azure-native", "gcp"}
    platform = load_platform(stack_model("dev"))
    total = platform.operations.budget.monthly_usd
    assert sum(budgets.values()) == pytest.approx(total, abs=0.05), "the shares add up to the model's figure"
    bounds = {cloud: monthly_upper_bound(platform, cloud) for cloud in platform.configured_clouds}
    assert budgets["aws"] == pytest.approx(total * bounds["aws"] / sum(bounds.values()), abs=0.01)


def test_budget_defaults_to_each_clouds_upper_bound_without_a_figure():
    model = stack_model("prod")
    model["operations"]["budget"].pop("monthly_usd")
    platform = load_platform(model)
    shares = budget_per_cloud(platform)
    assert shares == {cloud: monthly_upper_bound(platform, cloud) for cloud in ("aws", "gcp")}
    assert all(amount > 0 for amount in shares.values())


def test_prod_gets_budget_notifications_and_serving_alarms_on_both_clouds(prod):
    (aws_budget,) = prod.by_type("aws:budgets/budget:Budget")
    kinds = sorted((n["notificationType"], n["threshold"]) for n in aws_budget.inputs["notifications"])
    assert kinds == [("ACTUAL", 50), ("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)]
    emails = {s.inputs["endpoint"] for s in prod.by_type("aws:sns/topicSubscription:TopicSubscription")
              if s.inputs["protocol"] == "email"}
    assert emails == {"ml-platform-oncall@example.com", "finops@example.com"}
    metrics = {a.inputs.get("metricName") for a in prod.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    metrics |= {q.get("metric", {}).get("metricName") for a in prod.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                for q in a.inputs.get("metricQueries", [])} - {None}
    assert {"ModelLatency", "Invocation5XXErrors"} <= metrics
    assert len(prod.by_type("gcp:billing/budget:Budget")) == 1
    channels = prod.by_type("gcp:monitoring/notificationChannel:NotificationChannel")
    assert {c.inputs["type"] for c in channels} >= {"email"}
    policies = " ".join(str(p.inputs) for p in prod.by_type("gcp:monitoring/alertPolicy:AlertPolicy"))
    assert "run.googleapis.com/request_latencies" in policies


def test_dev_clusters_get_dcgm_and_gpu_alert_rules(dev):
    releases = {r.inputs["chart"] for r in dev.by_type("kubernetes:helm.sh/v3:Release")}
    assert "dcgm-exporter" in releases, "EKS/AKS need the exporter; GKE ships its own"
    rules = " ".join(str(r.inputs) for r in dev.resources if "PrometheusRule" in r.type)
    for metric in ("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "vllm:e2e_request_latency_seconds"):
        assert metric in rules
