"""GPU pools and endpoints as the cost rules see them: machine types, GPUs, bounds across zones,
spot, autoscaling, taints, and links to launch templates, templates and autoscalers."""

from __future__ import annotations

import pytest

from aiscale.guardrails import Context
from aiscale.guardrails.cost.endpoints import endpoints
from aiscale.guardrails.cost.pools import pools
from aiscale.preview.records import UNKNOWN
from tests.guardrails.helpers import urn, view

LT = "aws:ec2/launchTemplate:LaunchTemplate"
NG = "aws:eks/nodeGroup:NodeGroup"
ASG = "aws:autoscaling/group:Group"
GKE_POOL = "gcp:container/nodePool:NodePool"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
L4 = {"machineType": "g2-standard-8", "guestAccelerators": [{"type": "nvidia-l4", "count": 1.0}]}
CTX = Context()


def _gke(autoscaling=None, **extra):
    props = {"nodeConfig": dict(L4), **extra}
    if autoscaling is not None:
        props["autoscaling"] = autoscaling
    return [view(GKE_POOL, "gke", props)]


POOL_CASES = [
    ("EKS managed node group", [view(NG, "train", {"instanceTypes": ["p4d.24xlarge"], "capacityType": "SPOT",
                                                   "scalingConfig": {"minSize": 0.0, "maxSize": 4.0},
                                                   "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]})],
     dict(gpus_per_node=8, min_nodes=0, max_nodes=4, spot=True, autoscaled=True, max_gpus=32)),
    ("EKS group typed by its launch template", [
        view(LT, "lt", {"instanceType": "g5.12xlarge"}),
        view(NG, "ng", {"launchTemplate": {"id": UNKNOWN, "version": "1"}, "scalingConfig": {"minSize": 1.0, "maxSize": 2.0}},
             deps={"launchTemplate": [urn(LT, "lt")]})],
     dict(gpus_per_node=4, max_gpus=8, spot=False)),
    ("ASG through a spot launch template", [
        view(LT, "lt", {"instanceType": "g6.xlarge", "instanceMarketOptions": {"marketType": "spot"}}),
        view(ASG, "asg", {"launchTemplate": {"id": UNKNOWN}, "minSize": 0.0, "maxSize": 20.0}, deps={"launchTemplate": [urn(LT, "lt")]})],
     dict(gpus_per_node=1, max_nodes=20, spot=True, autoscaled=True)),
    ("ASG mixed instances, all spot", [view(ASG, "asg", {"minSize": 0.0, "maxSize": 5.0, "mixedInstancesPolicy": {
        "launchTemplate": {"overrides": [{"instanceType": "g5.xlarge"}, {"instanceType": "g5.2xlarge"}]},
        "instancesDistribution": {"onDemandBaseCapacity": 0.0, "onDemandPercentageAboveBaseCapacity": 0.0}}})],
     dict(gpus_per_node=1, spot=True)),
    ("AKS agent pool, autoscaled spot", [view("azure-native:containerservice:AgentPool", "gpu", {
        "vmSize": "Standard_NC24ads_A100_v4", "enableAutoScaling": True, "minCount": 0.0, "maxCount": 3.0,
        "scaleSetPriority": "Spot", "nodeTaints": ["nvidia.com/gpu=present:NoSchedule"], "mode": "User"})],
     dict(gpus_per_node=1, min_nodes=0, max_nodes=3, spot=True, autoscaled=True, taints=(("nvidia.com/gpu", "NoSchedule"),))),
    ("GKE per-zone bounds x node locations", _gke({"minNodeCount": 0.0, "maxNodeCount": 4.0}, nodeLocations=["us-central1-a", "us-central1-b"]),
     dict(gpus_per_node=1, max_nodes=8, autoscaled=True)),
    ("GKE regional pool defaults to three zones", _gke({"maxNodeCount": 2.0}, location="us-central1"), dict(max_nodes=6)),
    ("GKE zonal pool", _gke({"maxNodeCount": 2.0}, location="us-central1-a"), dict(max_nodes=2)),
    ("GKE total bounds are not multiplied", _gke({"totalMaxNodeCount": 5.0}, location="us-central1"), dict(max_nodes=5)),
    ("GKE fixed count, spot", [view(GKE_POOL, "gke", {
        "nodeConfig": {**L4, "spot": True}, "nodeCount": 2.0, "location": "us-central1-a"})],
     dict(min_nodes=2, max_nodes=2, autoscaled=False, spot=True)),
    ("GKE node auto-provisioning limits", [view("gcp:container/cluster:Cluster", "c", {"clusterAutoscaling": {
        "enabled": True, "resourceLimits": [{"resourceType": "cpu", "maximum": 64.0}, {"resourceType": "nvidia-l4", "maximum": 16.0}]}})],
     dict(max_gpus=16)),
    ("VMSS with an autoscale setting", [
        view(VMSS, "vmss", {"sku": {"name": "Standard_NC4as_T4_v3", "capacity": 2.0}, "virtualMachineProfile": {"priority": "Spot"}}),
        view("azure-native:monitor:AutoscaleSetting", "as", {"targetResourceUri": UNKNOWN, "profiles": [
            {"name": "p", "capacity": {"minimum": "0", "maximum": "10", "default": "0"}}]}, deps={"targetResourceUri": [urn(VMSS, "vmss")]})],
     dict(gpus_per_node=1, min_nodes=0, max_nodes=10, spot=True, autoscaled=True)),
    ("MIG with template and autoscaler", [
        view("gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", "tpl",
             {"machineType": "n1-standard-8", "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 2.0}],
              "scheduling": {"provisioningModel": "SPOT"}}),
        view("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "mig", {"versions": [{"instanceTemplate": UNKNOWN}]},
             deps={"versions": [urn("gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", "tpl")]}),
        view("gcp:compute/regionAutoscaler:RegionAutoscaler", "scaler", {"autoscalingPolicy": {"minReplicas": 0.0, "maxReplicas": 6.0}},
             deps={"target": [urn("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "mig")]})],
     dict(gpus_per_node=2, max_gpus=12, spot=True, autoscaled=True)),
    ("Azure ML cluster, low priority", [view("azure-native:machinelearningservices:Compute", "aml", {"properties": {
        "computeType": "AmlCompute", "properties": {"vmSize": "Standard_NC6s_v3", "vmPriority": "LowPriority",
                                                    "scaleSettings": {"minNodeCount": 0.0, "maxNodeCount": 4.0}}}})],
     dict(gpus_per_node=1, max_nodes=4, spot=True, autoscaled=True)),
]


@pytest.mark.parametrize("resources,expected", [c[1:] for c in POOL_CASES], ids=[c[0] for c in POOL_CASES])
def test_pool_facts(resources, expected):
    found = [p for p in pools(resources, CTX) if p.is_gpu]
    assert len(found) == 1
    for attribute, value in expected.items():
        assert getattr(found[0], attribute) == value, attribute


def test_aks_inline_profiles_are_pools_and_cpu_pools_are_not_gpu():
    aks = view("azure-native:containerservice:ManagedCluster", "aks", {"agentPoolProfiles": [
        {"name": "system", "vmSize": "Standard_D4s_v5", "count": 2.0, "mode": "System"},
        {"name": "gpu", "vmSize": "Standard_NC4as_T4_v3", "count": 2.0, "mode": "User"}]})
    found = pools([aks], CTX)
    assert [(p.name, p.is_gpu, p.system, p.max_nodes) for p in found] == [
        ("aks/system", False, True, 2.0), ("aks/gpu", True, False, 2.0)]


def test_a_pool_with_unknown_bounds_is_skipped_not_fatal():
    resources = [view(NG, "a", {"instanceTypes": ["g5.xlarge"], "scalingConfig": UNKNOWN}),
                 view(NG, "b", {"instanceTypes": ["g5.xlarge"], "scalingConfig": {"minSize": 0.0, "maxSize": 1.0}})]
    assert [p.name for p in pools(resources, CTX)] == ["b"]


def test_endpoints_follow_sagemaker_scaling_targets_and_hpas():
    config = view("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cfg",
                  {"productionVariants": [{"variantName": "main", "instanceType": "ml.g5.xlarge", "initialInstanceCount": 1.0}]})
    endpoint = view("aws:sagemaker/endpoint:Endpoint", "ep", {"endpointConfigName": UNKNOWN},
                    deps={"endpointConfigName": [config.urn]})
    target = view("aws:appautoscaling/target:Target", "tgt", {"scalableDimension": "sagemaker:variant:DesiredInstanceCount",
                                                              "minCapacity": 1.0, "maxCapacity": 6.0, "resourceId": UNKNOWN},
                  deps={"resourceId": [endpoint.urn]})
    pod = {"containers": [{"name": "s", "image": "i:1", "resources": {"limits": {"nvidia.com/gpu": "2"}}}]}
    deployment = view("kubernetes:apps/v1:Deployment", "chat", {"metadata": {"name": "chat"}, "spec": {"replicas": 1.0, "template": {"spec": pod}}})
    hpa = view("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "chat-hpa", {"spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": "chat"}, "minReplicas": 1.0, "maxReplicas": 8.0}})
    run = view("gcp:cloudrunv2/service:Service", "run", {"template": {"nodeSelector": {"accelerator": "nvidia-l4"}}})
    found = {e.name: e for e in endpoints([config, endpoint, target, deployment, hpa, run], CTX)}
    assert (found["cfg/main"].min_replicas, found["cfg/main"].max_replicas, found["cfg/main"].gpus_per_replica) == (1.0, 6.0, 1.0)
    assert (found["chat"].max_replicas, found["chat"].gpus_per_replica, found["chat"].managed) == (8.0, 2.0, False)
    assert found["run"].max_replicas == 100.0, "Cloud Run's default maximum"
