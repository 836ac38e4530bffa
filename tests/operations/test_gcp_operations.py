"""GCP: notification channels, the billing budget, Cloud Run policies, GKE PromQL policies."""

from __future__ import annotations

import pytest

from .conftest import named, ours
from .helpers import BILLING_ACCOUNT, CLUSTER_NAME, EMAILS, WEBHOOK

BUDGET = "gcp:billing/budget:Budget"
CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"


@pytest.fixture(scope="module")
def gcp(ops_preview):
    return ops_preview("gcp")


def test_channels_per_email_and_for_the_webhook(gcp):
    channels = sorted((r.inputs["type"], next(iter(r.inputs["labels"].values()))) for r in ours(gcp)
                      if r.type == CHANNEL)
    assert channels == sorted([("email", e) for e in EMAILS] + [("webhook_tokenauth", WEBHOOK)])


def test_budget_amount_filter_thresholds_and_channels(gcp):
    budget = named(gcp, BUDGET)
    assert budget["billingAccount"] == BILLING_ACCOUNT
    assert budget["amount"]["specifiedAmount"] == {"currencyCode": "USD", "units": "1500", "nanos": 0}
    assert budget["budgetFilter"] == {"projects": ["projects/123456789012"], "labels": {"platform": "acme-ml"},
                                      "calendarPeriod": "MONTH"}
    assert [(r["spendBasis"], r["thresholdPercent"]) for r in budget["thresholdRules"]] == [
        ("CURRENT_SPEND", 0.5), ("CURRENT_SPEND", 0.8), ("CURRENT_SPEND", 1.0), ("FORECASTED_SPEND", 1.0)]
    assert len(budget["allUpdatesRule"]["monitoringNotificationChannels"]) == 3


def test_budget_cents_become_nanos(ops_preview):
    amount = named(ops_preview("gcp", amount_usd=1234.5), BUDGET)["amount"]["specifiedAmount"]
    assert (amount["units"], amount["nanos"]) == ("1234", 500_000_000)


@pytest.mark.parametrize("suffix,metric,threshold,reason", [
    ("latency", "run.googleapis.com/request_latencies", 10_000.0, "p95 in milliseconds"),
    ("errors", "run.googleapis.com/request_count", 0.05, "5xx as a ratio of all requests"),
])
def test_cloud_run_policies(gcp, suffix, metric, threshold, reason):
    policy = named(gcp, POLICY, f"embed-{suffix}")
    condition = policy["conditions"][0]["conditionThreshold"]
    assert f'metric.type = "{metric}"' in condition["filter"] and condition["thresholdValue"] == threshold, reason
    assert 'resource.labels.service_name = "acme-ml-dev-embed"' in condition["filter"]
    assert len(policy["notificationChannels"]) == 3


def test_error_policy_divides_5xx_by_all_requests(gcp):
    condition = named(gcp, POLICY, "embed-errors")["conditions"][0]["conditionThreshold"]
    assert 'response_code_class = "5xx"' in condition["filter"]
    assert "response_code_class" not in condition["denominatorFilter"]


@pytest.mark.parametrize("key,metric", [
    ("gpu-idle-serve", "DCGM_FI_DEV_GPU_UTIL"), ("gpu-memory", "DCGM_FI_DEV_FB_FREE"),
    ("gpu-pending", "kube_pod_status_unschedulable"),
    ("serving-latency-chat", "vllm:e2e_request_latency_seconds_bucket"),
    ("serving-errors-chat", "http_requests_total"),
])
def test_gke_rules_are_promql_policies_on_this_cluster(gcp, key, metric):
    condition = named(gcp, POLICY, key)["conditions"][0]["conditionPrometheusQueryLanguage"]
    assert metric in condition["query"] and f'cluster="{CLUSTER_NAME}"' in condition["query"]
    assert condition["disableMetricValidation"] is True


def test_gke_idle_rule_reads_the_gke_node_pool_and_the_dcgm_hostname(gcp):
    query = named(gcp, POLICY, "gpu-idle-serve")["conditions"][0]["conditionPrometheusQueryLanguage"]
    assert 'label_cloud_google_com_gke_nodepool="gpu-serve"' in query["query"]
    assert '"Hostname"' in query["query"] and query["duration"] == "3600s"


def test_kube_state_metrics_keeps_the_node_pool_label(gcp):
    values = named(gcp, "kubernetes:helm.sh/v3:Release", "kube-state-metrics")["values"]
    assert values["metricLabelsAllowlist"] == ["nodes=[cloud.google.com/gke-nodepool]"]
