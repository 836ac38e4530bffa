"""GPU observability on each cluster: what is installed per cloud, pinned and placed right."""

from __future__ import annotations

import pytest

from aiscale.kubernetes import observability

from .conftest import named, ours

RELEASE = "kubernetes:helm.sh/v3:Release"
NAMESPACE = "kubernetes:core/v1:Namespace"


def releases(result) -> dict[str, dict]:
    return {r.inputs["chart"]: r.inputs for r in ours(result) if r.type == RELEASE}


@pytest.mark.parametrize("cloud,charts,reason", [
    ("aws", {"kube-prometheus-stack", "prometheus-adapter", "dcgm-exporter"}, "EKS has no metrics stack"),
    ("azure", {"kube-prometheus-stack", "prometheus-adapter", "dcgm-exporter"}, "AKS: self-managed stack"),
    ("gcp", {"kube-state-metrics", "prometheus-adapter"},
     "GKE runs managed Prometheus and its own DCGM exporter; the adapter serves the autoscaling metric"),
])
def test_what_each_cloud_installs(ops_preview, cloud, charts, reason):
    assert set(releases(ops_preview(cloud))) == charts, reason


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_every_chart_is_pinned_from_its_repository(ops_preview, cloud):
    pinned = {chart.name: chart for chart in (observability.KUBE_PROMETHEUS_STACK, observability.PROMETHEUS_ADAPTER,
                                              observability.KUBE_STATE_METRICS, observability.DCGM_EXPORTER)}
    for chart, inputs in releases(ops_preview(cloud)).items():
        assert inputs["version"] == pinned[chart].version
        assert inputs["repositoryOpts"]["repo"] == pinned[chart].repository
        assert inputs["namespace"] == "monitoring" and inputs["atomic"] is True


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_dcgm_exporter_runs_on_gpu_nodes_only_and_tolerates_their_taints(ops_preview, cloud):
    values = named(ops_preview(cloud), RELEASE, "dcgm-exporter")["values"]
    assert values["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert {"operator": "Exists"} in values["tolerations"], "the GPU taint, spot and the model's own taints"
    assert values["serviceMonitor"]["enabled"] is True
    assert values["serviceMonitor"]["relabelings"][0]["targetLabel"] == "node"
    assert named(ops_preview(cloud), RELEASE, "dcgm-exporter")["repositoryOpts"]["repo"] == \
        "https://nvidia.github.io/dcgm-exporter/helm-charts"


@pytest.mark.parametrize("cloud,pool_label", [("aws", "eks.amazonaws.com/nodegroup"),
                                              ("azure", "kubernetes.azure.com/agentpool")])
def test_stack_selects_our_monitors_and_keeps_the_pool_label(ops_preview, cloud, pool_label):
    values = named(ops_preview(cloud), RELEASE, "kube-prometheus-stack")["values"]
    spec = values["prometheus"]["prometheusSpec"]
    assert not spec["podMonitorSelectorNilUsesHelmValues"] and not spec["ruleSelectorNilUsesHelmValues"]
    assert values["kube-state-metrics"]["metricLabelsAllowlist"] == [f"nodes=[{pool_label}]"]
    assert values["grafana"]["enabled"] is False, "Grafana's default admin password is public"
    assert values["kubeControllerManager"]["enabled"] is False, "the cloud runs the control plane"


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_adapter_serves_the_autoscaling_metric(ops_preview, cloud):
    from aiscale.model_endpoint import DEFAULT_METRIC

    rules = named(ops_preview(cloud), RELEASE, "prometheus-adapter")["values"]["rules"]["custom"]
    assert {"matches": "^vllm:num_requests_running$", "as": DEFAULT_METRIC} in [r["name"] for r in rules]


@pytest.mark.parametrize("cloud,kind", [("aws", "kubernetes:monitoring.coreos.com/v1:PodMonitor"),
                                        ("gcp", "kubernetes:monitoring.googleapis.com/v1:ClusterPodMonitoring")])
def test_model_servers_are_scraped(ops_preview, cloud, kind):
    monitor = named(ops_preview(cloud), kind, "model-servers")["spec"]
    assert monitor["selector"] == {"matchLabels": {"app.kubernetes.io/component": "model-server"}}
    endpoints = monitor.get("podMetricsEndpoints") or monitor["endpoints"]
    assert endpoints[0]["port"] == "http" and endpoints[0]["path"] == "/metrics"


def test_monitoring_namespace_admits_the_exporters(ops_preview):
    labels = named(ops_preview("aws"), NAMESPACE, "monitoring")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "privileged"


@pytest.mark.parametrize("version,dcgm_chart,reason", [
    ("1.31", False, "GKE 1.31+ runs its own DCGM exporter (the GKE builder enables DCGM metrics)"),
    ("1.30", True, "older GKE versions get the dcgm-exporter chart, scraped by a ClusterPodMonitoring"),
])
def test_gke_dcgm_exporter_by_version(ops_preview, version, dcgm_chart, reason):
    result = ops_preview("gcp", overrides={"kubernetes_version": version})
    assert ("dcgm-exporter" in releases(result)) is dcgm_chart, reason
    monitors = {r.name for r in ours(result) if r.type.endswith("ClusterPodMonitoring")}
    assert any("dcgm-exporter" in name for name in monitors) is dcgm_chart


def test_no_cluster_means_no_cluster_observability(ops_preview):
    result = ops_preview("aws", with_cluster=False, endpoints=[
        {"name": "embed", "runtime": "managed", "image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/x:1",
         "accelerator": "nvidia-l4", "max_replicas": 2}])
    assert not [r for r in ours(result) if r.type.startswith("kubernetes:")]
