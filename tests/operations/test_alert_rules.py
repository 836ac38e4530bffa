"""The cluster's alert rules as data: each expression reads the right metrics, per cloud."""

from __future__ import annotations

import pytest

from aiscale.kubernetes import alert_rules as rules


@pytest.mark.parametrize("seconds,expected", [(3600, "1h"), (900, "15m"), (300, "5m"), (90, "90s"), (7200, "2h")])
def test_prometheus_duration(seconds, expected):
    assert rules.prometheus_duration(seconds) == expected


@pytest.mark.parametrize("node_label,expected", [
    ("eks.amazonaws.com/nodegroup", "label_eks_amazonaws_com_nodegroup"),
    ("cloud.google.com/gke-nodepool", "label_cloud_google_com_gke_nodepool"),
])
def test_kube_state_metrics_label_names(node_label, expected):
    assert rules.ksm_label(node_label) == expected


@pytest.mark.parametrize("cloud,cluster,node_from,reason", [
    ("aws", "", "DCGM_FI_DEV_GPU_UTIL[10m]) *", "EKS: the ServiceMonitor adds the node label"),
    ("gcp", 'cluster="c"', '"node", "$1", "Hostname"', "GKE: the exporter's Hostname is the node"),
])
def test_idle_rule_joins_gpus_to_their_pool_above_its_minimum(cloud, cluster, node_from, reason):
    expr = rules.idle_gpu_expr(cloud, "pool-a", 2, cluster)
    assert node_from in expr, reason
    assert f"< {rules.IDLE_GPU_PERCENT})" in expr and expr.endswith("> 2)")
    assert expr.count(rules.ksm_label(rules.POOL_LABELS[cloud]) + '="pool-a"') == 2
    assert (cluster in expr) if cluster else "cluster=" not in expr


def test_memory_rule_is_used_over_used_plus_free():
    expr = rules.gpu_memory_expr("aws")
    assert expr == ("max by (node, gpu) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE))"
                    " > 0.95")


def test_pending_rule_counts_gpus_of_unschedulable_pods():
    expr = rules.pending_gpu_pods_expr('cluster="c"')
    assert 'kube_pod_container_resource_requests{resource="nvidia_com_gpu",cluster="c"}' in expr
    assert "and on(uid) (kube_pod_status_unschedulable{cluster=\"c\"} == 1)" in expr


def test_serving_rules_read_vllm_metrics_of_the_endpoint_namespace():
    latency = rules.latency_expr("aiscale-chat", 2.5)
    errors = rules.error_ratio_expr("aiscale-chat", 5)
    assert latency.startswith("histogram_quantile(0.95, ") and latency.endswith("> 2.5")
    assert '{__name__="vllm:e2e_request_latency_seconds_bucket",namespace="aiscale-chat"}' in latency
    assert 'http_requests_total{namespace="aiscale-chat",status=~"5.."}' in errors and errors.endswith("> 5")


def test_rule_set_per_cluster():
    found = rules.gpu_rules("azure", [("serve", "gpuserve", 1), ("train", "gputrain", 0)]) + \
        rules.serving_rules([("chat", "aiscale-chat")], 10, 5)
    assert [r.key for r in found] == ["gpu-idle:serve", "gpu-idle:train", "gpu-memory", "gpu-pending",
                                      "serving-latency:chat", "serving-errors:chat"]
    assert {r.severity for r in found} <= {"warning", "critical"}
    assert all("{{" not in r.title for r in found), "titles are template-free for consoles"


def test_outputs_make_output_expressions():
    import pulumi

    rule = rules.gpu_rules("aws", [("serve", pulumi.Output.from_input("ng-1"), 0)])[0]
    assert isinstance(rule.expr, pulumi.Output)


def test_prometheus_rule_groups():
    groups = rules.prometheus_rule_groups(rules.gpu_rules("aws", []) + rules.serving_rules([("c", "ns")], 1, 1))
    assert [g["name"] for g in groups] == ["aiscale-gpu", "aiscale-serving"]
    first = groups[0]["rules"][0]
    assert set(first) == {"alert", "expr", "for", "labels", "annotations"} and first["for"] == "15m"
