"""One autoscaling signal path on all three clouds: every Kubernetes endpoint's autoscaler reads
a metric that a declared prometheus-adapter on the same cluster serves, from a Prometheus API
that scrapes the server's own gauge.

Whole platforms (AiPlatform with its real cluster and operations) are previewed per cloud, so
the HorizontalPodAutoscaler, the adapter and the scrape configuration are the ones a deploy sends.
"""

from __future__ import annotations

import pytest

from aiscale.kubernetes import observability
from aiscale.model import load_platform
from aiscale.preview.engine import run_inline

from .helpers import ACCELERATOR, CLOUD_SETTINGS, CONFIG, HPA

RELEASE = "kubernetes:helm.sh/v3:Release"
CLOUDS = ("aws", "azure", "gcp")
SERVERS = {  # server -> (image, the gauge it exposes, the name the HPA reads)
    "vllm": ("vllm/vllm-openai:v0.6.3", "vllm:num_requests_running", "vllm_num_requests_running"),
    "tgi": ("ghcr.io/huggingface/text-generation-inference:2.4.0", "tgi_batch_current_size",
            "tgi_batch_current_size"),
}


def platform_program(cloud: str):
    """A one-cloud platform with a vLLM and a TGI endpoint on one node pool."""
    from aiscale.platform import AiPlatform

    model = load_platform({
        "name": "acme-ml", "environment": "dev", "clouds": {cloud: CLOUD_SETTINGS[cloud]},
        "node_pools": [{"name": "serve", "accelerator": ACCELERATOR[cloud], "gpus_per_node": 1,
                        "max_nodes": 4}],
        "buckets": [{"name": "models"}],
        "endpoints": [{"name": name, "server": name, "image": image, "accelerator": ACCELERATOR[cloud],
                       "model": {"bucket": "models", "path": f"{name}/"}, "max_replicas": 4}
                      for name, (image, _, _) in SERVERS.items()],
    })

    def program() -> None:
        AiPlatform("acme", {"platform": model})

    return program


@pytest.fixture(scope="module")
def platforms():
    return {cloud: run_inline(platform_program(cloud), config=CONFIG[cloud]) for cloud in CLOUDS}


def adapter(result):
    (release,) = [r for r in result.by_type(RELEASE) if r.inputs["chart"] == "prometheus-adapter"]
    return release


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_autoscaler_metric_is_served_by_an_adapter_on_its_cluster(platforms, cloud):
    result = platforms[cloud]
    release = adapter(result)
    assert release.inputs["version"] == observability.PROMETHEUS_ADAPTER.version, "pinned"
    served = {rule["name"]["as"]: rule for rule in release.inputs["values"]["rules"]["custom"]}
    autoscalers = result.by_type(HPA)
    assert len(autoscalers) == len(SERVERS)
    for hpa in autoscalers:
        (metric,) = hpa.inputs["spec"]["metrics"]
        assert metric["type"] == "Pods"
        name = metric["pods"]["metric"]["name"]
        assert name in served, f"{hpa.name}: {name} is served by no adapter rule"
        assert hpa.provider == release.provider, "the adapter runs on the HPA's own cluster"
    for _, source, name in SERVERS.values():
        assert served[name]["name"]["matches"] == f"^{source}$"
        assert source in served[name]["seriesQuery"]


@pytest.mark.parametrize("cloud,url", [("aws", observability.IN_CLUSTER_PROMETHEUS),
                                       ("azure", observability.IN_CLUSTER_PROMETHEUS),
                                       ("gcp", observability.GMP_FRONTEND_URL)])
def test_the_adapter_queries_a_prometheus_declared_on_the_same_cluster(platforms, cloud, url):
    result = platforms[cloud]
    release = adapter(result)
    assert release.inputs["values"]["prometheus"]["url"] == url
    if cloud == "gcp":
        frontend = result.one("kubernetes:apps/v1:Deployment", "gmp-frontend")
        (container,) = frontend.inputs["spec"]["template"]["spec"]["containers"]
        assert container["image"] == observability.GMP_FRONTEND_IMAGE
        assert f"--query.project-id={CLOUD_SETTINGS['gcp']['project']}" in container["args"]
        service = result.one("kubernetes:core/v1:Service", "gmp-frontend")
        assert service.inputs["metadata"]["name"] == "gmp-frontend"
        assert service.inputs["metadata"]["namespace"] == "monitoring"
        assert frontend.provider == release.provider
        viewer = result.one("gcp:projects/iAMMember:IAMMember", "metrics-viewer")
        assert viewer.inputs["role"] == "roles/monitoring.viewer", "reads metrics, nothing else"
        binding = result.one("gcp:serviceaccount/iAMMember:IAMMember", "metrics-workload-identity")
        assert binding.inputs["member"].endswith("[monitoring/gmp-frontend]")
    else:
        stack = [r for r in result.by_type(RELEASE) if r.inputs["chart"] == "kube-prometheus-stack"]
        assert len(stack) == 1 and stack[0].provider == release.provider


@pytest.mark.parametrize("cloud,kind", [
    ("aws", "kubernetes:monitoring.coreos.com/v1:PodMonitor"),
    ("azure", "kubernetes:monitoring.coreos.com/v1:PodMonitor"),
    ("gcp", "kubernetes:monitoring.googleapis.com/v1:ClusterPodMonitoring"),
])
def test_the_servers_own_metrics_endpoint_is_scraped(platforms, cloud, kind):
    result = platforms[cloud]
    monitor = result.one(kind, "model-servers")
    spec = monitor.inputs["spec"]
    endpoints = spec.get("podMetricsEndpoints") or spec["endpoints"]
    assert {e["port"] for e in endpoints} == {"http", "metrics"}
    assert all(e["path"] == "/metrics" for e in endpoints)
    labels = spec["selector"]["matchLabels"]
    for deployment in result.by_type("kubernetes:apps/v1:Deployment"):
        if deployment.name.endswith("-deployment"):
            pod_labels = deployment.inputs["spec"]["template"]["metadata"]["labels"]
            assert labels.items() <= pod_labels.items(), f"{deployment.name} is scraped"
