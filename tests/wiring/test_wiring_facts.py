"""The facts the wiring pack reads: table-driven, a reason per case, unknown values included."""

from __future__ import annotations

import pytest

from aiscale.facts import cloud_wiring, cluster_wiring, scheduling
from aiscale.facts.values import UnknownValue
from aiscale.guardrails.wiring.runtimes import has_model_argument, pullable
from aiscale.preview.records import UNKNOWN

TAINT = scheduling.Taint("nvidia.com/gpu", "present", "NoSchedule")


@pytest.mark.parametrize("tolerations, expected, reason", [
    ([{"key": "nvidia.com/gpu", "operator": "Exists"}], True, "Exists ignores value and effect"),
    ([{"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}], True, "exact match"),
    ([{"key": "nvidia.com/gpu", "value": "present"}], True, "Equal is the default operator"),
    ([{"key": "nvidia.com/gpu", "value": "absent"}], False, "another value"),
    ([{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"}], False, "another effect"),
    ([{"operator": "Exists"}], True, "an empty key with Exists tolerates everything"),
    ([], False, "no toleration"),
])
def test_toleration_matching(tolerations, expected, reason):
    pod = scheduling.PodFacts("kubernetes:apps:Deployment", 1.0, {}, tuple(tolerations), ())
    assert pod.tolerates(TAINT) is expected, reason


def test_pool_offers_add_the_clouds_labels_and_taints():
    (eks,) = scheduling.pool_offers("aws:eks/nodeGroup:NodeGroup", {
        "nodeGroupName": "gpu", "instanceTypes": ["g6.xlarge"], "capacityType": "SPOT",
        "taints": [{"key": "k", "value": "v", "effect": "NO_EXECUTE"}]})
    assert eks.labels["eks.amazonaws.com/nodegroup"] == "gpu" and eks.labels["eks.amazonaws.com/capacityType"] == "SPOT"
    assert eks.taints == (scheduling.Taint("k", "v", "NoExecute"),), "provider spelling folded to Kubernetes'"
    (aks,) = scheduling.pool_offers("azure-native:containerservice/v20240102:AgentPool", {
        "vmSize": "Standard_NC4as_T4_v3", "scaleSetPriority": "Spot", "nodeTaints": ["a=b:NoSchedule"]})
    assert scheduling.Taint("a", "b", "NoSchedule") in aks.taints
    assert scheduling.Taint(*scheduling.AKS_SPOT_TAINT) in aks.taints, "AKS taints Spot pools itself"
    (gke,) = scheduling.pool_offers("gcp:container/nodePool:NodePool", {"name": "serve", "nodeConfig": {
        "machineType": "g2-standard-4", "guestAccelerators": [{"type": "nvidia-l4", "count": 2}],
        "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]}})
    assert gke.accelerator_count == 2 and gke.labels["cloud.google.com/gke-accelerator"] == "nvidia-l4"
    assert gke.taints == (), "GKE tolerates its own GPU taint for GPU pods"


def test_an_unknown_pod_spec_is_reported_as_unknown():
    with pytest.raises(UnknownValue):
        scheduling.pod("kubernetes:apps:Deployment", {"spec": {"template": {"spec": UNKNOWN}}})


@pytest.mark.parametrize("kind, inputs, enforces, reason", [
    ("gcp:container/cluster:Cluster", {"datapathProvider": "ADVANCED_DATAPATH"}, True, "Dataplane V2"),
    ("gcp:container/cluster:Cluster", {"networkPolicy": {"enabled": "true"}}, True, "Calico network policy"),
    ("gcp:container/cluster:Cluster", {}, False, "neither"),
    ("azure-native:containerservice:ManagedCluster", {"networkProfile": {"networkPolicy": "azure"}}, True, "Azure NPM"),
    ("azure-native:containerservice:ManagedCluster", {"networkProfile": {"networkDataplane": "cilium"}}, True, "Cilium"),
    ("azure-native:containerservice:ManagedCluster", {"networkProfile": {"networkPolicy": "none"}}, False, "none"),
    ("aws:eks/cluster:Cluster", {}, None, "EKS: the vpc-cni add-on decides"),
])
def test_cluster_network_policy_enforcement(kind, inputs, enforces, reason):
    assert cluster_wiring.cluster(kind, inputs).enforces_network_policy is enforces, reason


@pytest.mark.parametrize("chart, name", [
    ("prometheus-community/prometheus-adapter", "prometheus-adapter"),
    ("oci://ghcr.io/kedacore/charts/keda", "keda"),
    ("keda-2.14.0.tgz", "keda"),
    ("KEDA", "keda"),
])
def test_chart_names(chart, name):
    assert cluster_wiring.chart_name({"chart": chart}) == name


def test_helm_values_asking_for_storage():
    values = {"prometheus": {"prometheusSpec": {"storageSpec": {"volumeClaimTemplate": {"spec": {"storageClassName": "gp3"}}}}},
              "grafana": {"persistence": {"enabled": False}}, "loki": {"persistence": {"enabled": "true"}}}
    assert cluster_wiring.storage_requests(values) == [
        ("values.prometheus.prometheusSpec.storageSpec", "gp3"), ("values.loki.persistence", None)]


def test_versions_and_addon_configuration():
    assert cluster_wiring.version_tuple("1.30.2-gke.100") == (1, 30)
    assert cluster_wiring.version_tuple("latest") is None
    addon = cluster_wiring.addon({"addonName": "vpc-cni", "configurationValues": '{"enableNetworkPolicy": "true"}'})
    assert addon.flag("enableNetworkPolicy") and not addon.flag("other")


@pytest.mark.parametrize("image, host", [
    ("vllm/vllm-openai:v0.6.3", "docker.io"),
    ("ubuntu", "docker.io"),
    ("ghcr.io/org/server:1", "ghcr.io"),
    ("localhost/server", "localhost"),
    ("123456789012.dkr.ecr.us-west-2.amazonaws.com/llm:1", "123456789012.dkr.ecr.us-west-2.amazonaws.com"),
])
def test_registry_of(image, host):
    assert cloud_wiring.registry_of(image) == host


@pytest.mark.parametrize("runtime, host, ok", [
    ("sagemaker", "123456789012.dkr.ecr.us-west-2.amazonaws.com", True),
    ("sagemaker", "docker.io", False),
    ("cloud-run", "us-central1-docker.pkg.dev", True),
    ("cloud-run", "gcr.io", True),
    ("cloud-run", "docker.io", True),
    ("cloud-run", "ghcr.io", False),
    ("azure-ml", "acme.azurecr.io", True),
    ("azure-ml", "123456789012.dkr.ecr.us-west-2.amazonaws.com", False),
])
def test_which_runtime_pulls_from_which_registry(runtime, host, ok):
    assert pullable(runtime, host) is ok


@pytest.mark.parametrize("container, named", [
    ({"args": ["--model", "/m"]}, True),
    ({"args": ["--model=/m"]}, True),
    ({"command": ["vllm", "serve", "/models/x"], "args": ["--port", "8000"]}, True),
    ({"command": ["sh", "-c", "vllm serve /models/x --port 8000"]}, True),
    ({"command": ["vllm", "serve", "--port", "8000"]}, False),
    ({"args": ["--served-model-name", "chat"]}, False),
    ({}, False),
])
def test_model_arguments(container, named):
    assert has_model_argument(container) is named


@pytest.mark.parametrize("kind, inputs, cpu_only, minimum", [
    ("gcp:compute/autoscaler:Autoscaler", {"target": "t", "autoscalingPolicy": {"minReplicas": 0, "maxReplicas": 2}}, True, 0),
    ("gcp:compute/autoscaler:Autoscaler", {"autoscalingPolicy": {"minReplicas": 0, "scalingSchedules": [{"name": "s"}]}},
     False, 0),
    ("azure-native:monitor:AutoscaleSetting", {"profiles": [{"capacity": {"minimum": "0"}, "rules": [
        {"metricTrigger": {"metricName": "Percentage CPU"}, "scaleAction": {"direction": "Increase"}},
        {"metricTrigger": {"metricName": "QueueLength"}, "scaleAction": {"direction": "Increase"}}]}]}, False, 0),
])
def test_scaling_signals(kind, inputs, cpu_only, minimum):
    signal = cloud_wiring.scaling_signal(kind, inputs)
    assert (signal.cpu_only, signal.minimum) == (cpu_only, minimum)


def test_storage_firewall():
    firewall = cloud_wiring.storage_firewall({"accountName": "m", "publicNetworkAccess": "Disabled"})
    assert firewall.denies_by_default and firewall.public_network_disabled
    assert not cloud_wiring.storage_firewall({"networkRuleSet": {"defaultAction": "Allow"}}).denies_by_default
