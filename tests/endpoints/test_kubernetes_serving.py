"""runtime kubernetes: the Deployment, Service, autoscaler, disruption budget and network policy
that every cloud gets, asserted on the inputs the mock runtime received (camelCase)."""

from __future__ import annotations

import math

import pytest

from aiscale import catalog

from .helpers import ACCELERATOR, REGION, DEPLOYMENT, HPA, NAMESPACE, NETPOL, PDB, SERVICE, SERVICE_ACCOUNT

CLOUDS = ("aws", "azure", "gcp")


def pod_spec(result):
    return result.one(DEPLOYMENT).inputs["spec"]["template"]["spec"]


def server(result):
    (container,) = pod_spec(result)["containers"]
    return container


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("gpus", [1, 2])
def test_gpu_limit_and_cpu_memory_sizing(endpoint_preview, cloud, gpus):
    result = endpoint_preview(cloud, endpoint={"gpus_per_replica": gpus}, pool={"gpus_per_node": 4})
    node = catalog.resolve(cloud, ACCELERATOR[cloud], 4, REGION[cloud])
    resources = server(result)["resources"]
    assert resources["limits"]["nvidia.com/gpu"] == str(gpus)
    assert resources["requests"] == resources["limits"], "Guaranteed QoS: requests equal limits"
    share = gpus / 4 * 0.75  # the replica's GPU share of the node, minus system headroom
    assert resources["limits"]["cpu"] == str(math.floor(node.vcpus * share))
    assert resources["limits"]["memory"] == f"{math.floor(node.memory_gib * share)}Gi"


# (cloud, capacity, expected spot toleration or None, reason)
SPOT_CASES = [
    ("aws", "spot", None, "EKS managed node groups do not taint spot nodes"),
    ("aws", "on-demand", None, "no spot pool, no spot toleration"),
    ("azure", "spot", ("kubernetes.azure.com/scalesetpriority", "spot"), "AKS taints spot pools"),
    ("azure", "on-demand", None, "on-demand AKS pools carry no spot taint"),
    ("gcp", "spot", ("cloud.google.com/gke-spot", "true"), "GKE taint of spot pools"),
    ("gcp", "on-demand", None, "on-demand GKE pools carry no spot taint"),
]


@pytest.mark.parametrize("cloud,capacity,spot,reason", SPOT_CASES)
def test_tolerations(endpoint_preview, cloud, capacity, spot, reason):
    tolerations = pod_spec(endpoint_preview(cloud, pool={"capacity": capacity}))["tolerations"]
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in tolerations
    spot_tolerations = [t for t in tolerations if t["key"] != "nvidia.com/gpu"]
    if spot is None:
        assert spot_tolerations == [], reason
    else:
        assert spot_tolerations == [{"key": spot[0], "operator": "Equal", "value": spot[1],
                                     "effect": "NoSchedule"}], reason


def test_pool_taints_and_labels_reach_the_pod(endpoint_preview):
    spec = pod_spec(endpoint_preview("gcp", pool={"taints": ["dedicated=inference:NoSchedule"],
                                                  "labels": {"workload": "inference"}}))
    assert {"key": "dedicated", "operator": "Equal", "value": "inference",
            "effect": "NoSchedule"} in spec["tolerations"]
    assert spec["nodeSelector"] == {"aiscale.io/accelerator": "nvidia-l4", "workload": "inference"}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_node_selector_on_accelerator(endpoint_preview, cloud):
    expected = {"aws": "nvidia-l4", "azure": "nvidia-t4", "gcp": "nvidia-l4"}[cloud]
    assert pod_spec(endpoint_preview(cloud))["nodeSelector"] == {"aiscale.io/accelerator": expected}


def test_probes_call_health_on_the_serving_port(endpoint_preview):
    container = server(endpoint_preview("aws", endpoint={"port": 9000}))
    assert container["ports"] == [{"name": "http", "containerPort": 9000, "protocol": "TCP"}]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/health", "port": "http"}, probe
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 1200, "long model loads"


def test_security_context_is_locked_down(endpoint_preview):
    result = endpoint_preview("aws")
    spec, container = pod_spec(result), server(result)
    context = container["securityContext"]
    assert context["runAsNonRoot"] is True and context["runAsUser"] == 1000
    assert context["allowPrivilegeEscalation"] is False
    assert context["privileged"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["readOnlyRootFilesystem"] is True
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert set(mounts) == {"/tmp", "/cache", "/dev/shm", "/models"}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert all("emptyDir" in volumes[name] for name in mounts.values())
    assert volumes["shm"]["emptyDir"]["medium"] == "Memory"
    assert not any(key in spec for key in ("hostNetwork", "hostPID", "hostIPC"))


def test_model_uri_names_the_bucket_and_path(endpoint_preview):
    env = {e["name"]: e["value"] for e in server(endpoint_preview("aws"))["env"]}
    assert env["MODEL_URI"].startswith("s3://acme-ml-dev-models-")
    assert env["MODEL_URI"].endswith("/llama-3-8b/")
    assert env["PORT"] == "8000"


def test_no_replicas_on_the_deployment(endpoint_preview):
    assert "replicas" not in endpoint_preview("aws").one(DEPLOYMENT).inputs["spec"], \
        "the autoscaler owns the replica count"


@pytest.mark.parametrize("minimum,maximum,target,expected_min,reason", [
    (1, 8, 4, 1, "the model's bounds"),
    (2, 3, 16, 2, "another target"),
    (0, 5, 4, 1, "a HorizontalPodAutoscaler cannot scale to zero"),
])
def test_autoscaler_bounds_and_metric(endpoint_preview, minimum, maximum, target, expected_min, reason):
    result = endpoint_preview("gcp", endpoint={"min_replicas": minimum, "max_replicas": maximum,
                                               "target_concurrency": target})
    spec = result.one(HPA).inputs["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (expected_min, maximum), reason
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "chat"}
    (metric,) = spec["metrics"]
    assert metric["type"] == "Pods"
    assert metric["pods"]["metric"]["name"] == "vllm_num_requests_running"
    assert metric["pods"]["target"] == {"type": "AverageValue", "averageValue": str(target)}
    assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 300
    assert any("KEDA" in w for w in result.warnings) == (minimum == 0)


def test_autoscaling_metric_can_be_overridden(endpoint_preview):
    def extra(args):
        return {**args, "autoscaling_metric": "tgi_queue_size"}

    spec = endpoint_preview("aws", extra=extra).one(HPA).inputs["spec"]
    assert spec["metrics"][0]["pods"]["metric"]["name"] == "tgi_queue_size"


@pytest.mark.parametrize("cloud,public,service_type,annotations", [
    ("aws", False, "ClusterIP", {}),
    ("aws", True, "LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}),
    ("azure", True, "LoadBalancer", {}),
    ("gcp", False, "ClusterIP", {}),
])
def test_service_type(endpoint_preview, cloud, public, service_type, annotations):
    service = endpoint_preview(cloud, endpoint={"public": public}).one(SERVICE).inputs
    assert service["spec"]["type"] == service_type
    assert service["metadata"].get("annotations", {}) == annotations
    assert service["spec"]["ports"] == [{"name": "http", "port": 8000, "targetPort": "http",
                                         "protocol": "TCP"}]
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "chat",
                                           "app.kubernetes.io/component": "model-server"}


def test_disruption_budget(endpoint_preview):
    spec = endpoint_preview("azure").one(PDB).inputs["spec"]
    assert spec["maxUnavailable"] == 1
    assert "minAvailable" not in spec, "minAvailable 1 would block drains of a single replica"
    assert spec["selector"]["matchLabels"]["app.kubernetes.io/name"] == "chat"


def test_network_policy_private(endpoint_preview):
    spec = endpoint_preview("aws").one(NETPOL).inputs["spec"]
    assert spec["policyTypes"] == ["Ingress"]
    (rule,) = spec["ingress"]
    assert rule["ports"] == [{"port": 8000, "protocol": "TCP"}]
    peers = rule["from"]
    assert {"podSelector": {}} in peers, "the endpoint's own namespace"
    assert {"namespaceSelector": {"matchLabels": {"client.aiscale.io/chat": "true"}}} in peers
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}} in peers
    assert len(peers) == 3


def test_network_policy_public_admits_any_source_on_the_port_only(endpoint_preview):
    (rule,) = endpoint_preview("aws", endpoint={"public": True}).one(NETPOL).inputs["spec"]["ingress"]
    assert "from" not in rule
    assert rule["ports"] == [{"port": 8000, "protocol": "TCP"}]


def test_namespace_and_url(endpoint_preview):
    result = endpoint_preview("aws")
    namespace = result.one(NAMESPACE).inputs["metadata"]
    assert namespace["name"] == "aiscale-chat"
    assert namespace["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for token in (DEPLOYMENT, SERVICE, HPA, PDB, NETPOL, SERVICE_ACCOUNT):
        assert result.one(token).inputs["metadata"]["namespace"] == "aiscale-chat", token
    assert result.outputs["url"] == "http://chat.aiscale-chat.svc.cluster.local:8000"


def test_every_kubernetes_resource_uses_the_cluster_provider(endpoint_preview):
    result = endpoint_preview("azure")
    kubernetes = [r for r in result.resources if r.type.startswith("kubernetes:")]
    assert len(kubernetes) == 7
    assert all(r.provider and "acme-k8s" in r.provider for r in kubernetes)
    component = result.one("aiscale:index:ModelEndpoint")
    assert all(r.parent == component.urn for r in kubernetes)


def test_cost_tags_become_labels(endpoint_preview):
    labels = endpoint_preview("aws").one(DEPLOYMENT).inputs["metadata"]["labels"]
    assert labels["team"] == "ml-platform" and labels["platform"] == "acme-ml"


def test_image_without_bucket_gets_no_identity(endpoint_preview):
    result = endpoint_preview("aws", endpoint={"model": None})
    assert not [r for r in result.resources if r.type.startswith("aws:iam/")]
    assert "annotations" not in result.one(SERVICE_ACCOUNT).inputs["metadata"] or \
        result.one(SERVICE_ACCOUNT).inputs["metadata"]["annotations"] == {}
    assert "MODEL_URI" not in {e["name"] for e in server(result)["env"]}
