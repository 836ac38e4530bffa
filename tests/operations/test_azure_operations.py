"""Azure: the action group, the resource-group budget, Azure ML metric alerts, AKS rules."""

from __future__ import annotations

import pytest

from aiscale.azure.budget import month_start

from .conftest import named, ours
from .helpers import EMAILS, WEBHOOK

BUDGET = "azure-native:consumption:Budget"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
RG_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/acme-ml-dev-rg"


@pytest.fixture(scope="module")
def azure(ops_preview):
    return ops_preview("azure")


def test_budget_on_the_platform_resource_group(azure):
    budget = named(azure, BUDGET)
    assert (budget["scope"], budget["amount"], budget["category"], budget["timeGrain"]) == \
        (RG_ID, 1500.0, "Cost", "Monthly")
    assert budget["timePeriod"]["startDate"].endswith("-01T00:00:00Z")
    assert "filter" not in budget


def test_budget_notifications_per_threshold_reach_emails_and_the_action_group(azure):
    notes = named(azure, BUDGET)["notifications"]
    assert {key: (n["thresholdType"], n["threshold"]) for key, n in notes.items()} == {
        "actual_50": ("Actual", 50.0), "actual_80": ("Actual", 80.0), "actual_100": ("Actual", 100.0),
        "forecast_100": ("Forecasted", 100.0)}
    for note in notes.values():
        assert note["contactEmails"] == EMAILS and len(note["contactGroups"]) == 1 and note["enabled"]


def test_subscription_scope_filters_on_the_platform_tags(ops_preview):
    budget = named(ops_preview("azure", overrides={"azure_budget_scope": "subscription"}), BUDGET)
    assert budget["scope"] == "/subscriptions/00000000-0000-0000-0000-000000000000"
    tags = {f["tags"]["name"]: f["tags"]["values"] for f in budget["filter"]["and"]}
    assert tags == {"platform": ["acme-ml"], "environment": ["dev"]}


def test_action_group_emails_and_webhook(azure):
    group = named(azure, ACTION_GROUP)
    assert [r["emailAddress"] for r in group["emailReceivers"]] == EMAILS
    assert group["webhookReceivers"][0]["serviceUri"] == WEBHOOK
    assert len(group["groupShortName"]) <= 12 and group["location"] == "Global"


@pytest.mark.parametrize("suffix,metric,threshold,dimensions,reason", [
    ("latency", "RequestLatency_P95", 10_000.0, {"deployment": ["primary"]}, "p95 latency in milliseconds"),
    ("errors", "RequestsPerMinute", 1.0, {"deployment": ["primary"], "statusCodeClass": ["5xx"]},
     "Azure cannot divide metrics: 5xx responses per minute"),
])
def test_metric_alerts_on_the_online_endpoint(azure, suffix, metric, threshold, dimensions, reason):
    alert = named(azure, METRIC_ALERT, f"embed-{suffix}")
    criterion = alert["criteria"]["allOf"][0]
    assert (criterion["metricName"], criterion["threshold"]) == (metric, threshold), reason
    assert criterion["metricNamespace"] == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
    assert {d["name"]: d["values"] for d in criterion["dimensions"]} == dimensions
    assert "/onlineEndpoints/" in alert["scopes"][0]
    assert alert["actions"][0]["actionGroupId"] and alert["windowSize"] == "PT5M"


def test_aks_rules_use_the_agent_pool_label(azure):
    groups = named(azure, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")["spec"]["groups"]
    idle = next(r for g in groups for r in g["rules"] if r["labels"].get("pool") == "serve")
    assert 'label_kubernetes_azure_com_agentpool="gpuserve"' in idle["expr"]


def test_aks_alerts_without_webhook_warn_that_they_stay_in_alertmanager(ops_preview):
    result = ops_preview("azure", operations={"notifications": {"emails": EMAILS}, "budget": {"monthly_usd": 10}})
    assert any("no receiver" in warning for warning in result.warnings)
    assert not [r for r in ours(result) if r.type == ACTION_GROUP and r.inputs.get("webhookReceivers")]


@pytest.mark.parametrize("day,expected", [("2025-03-17", "2025-03-01T00:00:00Z"), ("2024-12-01", "2024-12-01T00:00:00Z")])
def test_month_start(day, expected):
    import datetime

    assert month_start(datetime.date.fromisoformat(day)) == expected
