"""The capacity fixture previews on all three clouds with each mechanism, asserted by type token."""

from __future__ import annotations

import json

import pytest

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AGENT_POOL = "azure-native:containerservice:AgentPool"
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
COMPUTE_CLASS = "kubernetes:cloud.google.com/v1:ComputeClass"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
RELEASE = "kubernetes:helm.sh/v3:Release"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def _inputs(preview, token, name):
    found = [r for r in preview.by_type(token) if r.name == name]
    assert len(found) == 1, f"expected one {token} named {name}: {[r.name for r in preview.by_type(token)]}"
    return found[0].inputs


def _named(preview, token, name):
    return [r for r in preview.by_type(token) if r.name == name]


# -- 1. spot with fallback ---------------------------------------------------------------

def test_eks_fallback_is_a_spot_and_an_on_demand_group(capacity_preview):
    spot = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-serve-gpu")
    fallback = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-serve-gpu-fallback")
    assert (spot["capacityType"], spot["nodeGroupNamePrefix"]) == ("SPOT", "serve-spot-")
    assert (fallback["capacityType"], fallback["nodeGroupNamePrefix"]) == ("ON_DEMAND", "serve-ondemand-")
    assert fallback["scalingConfig"]["minSize"] == 0, "the fallback group idles at zero"
    role = "aiscale.io/capacity-role"
    spot_labels, fallback_labels = dict(spot["labels"]), dict(fallback["labels"])
    assert (spot_labels.pop(role), fallback_labels.pop(role)) == ("spot", "fallback")
    assert fallback_labels == spot_labels, "a pod that fits one group fits the other"


def test_eks_priority_expander_prefers_the_spot_groups(capacity_preview):
    config = _inputs(capacity_preview, CONFIG_MAP, "acme-cap-aws-autoscaler-priorities")
    assert config["metadata"] == {"name": "cluster-autoscaler-priority-expander", "namespace": "kube-system",
                                  "labels": {"app.kubernetes.io/managed-by": "aiscale"}}
    text = config["data"]["priorities"]
    high, low = text.split("\n\n")
    assert high.startswith("50:") and '"^eks-serve-spot-' in high and '"^eks-cheap-spot-' in high
    assert low.startswith("10:") and '".*"' in low, "every other group stays eligible"
    autoscaler = _inputs(capacity_preview, RELEASE, "acme-cap-aws-k8s-cluster-autoscaler")
    assert autoscaler["values"]["extraArgs"]["expander"] == "priority,least-waste"


def test_aks_fallback_is_a_spot_and_a_regular_agent_pool(capacity_preview):
    spot = _inputs(capacity_preview, AGENT_POOL, "acme-cap-azure-serve-pool")
    fallback = _inputs(capacity_preview, AGENT_POOL, "acme-cap-azure-serve-pool-fallback")
    assert spot["scaleSetPriority"] == "Spot" and spot["agentPoolName"] == "serve"
    assert fallback["scaleSetPriority"] == "Regular" and fallback["minCount"] == 0
    assert fallback["agentPoolName"] != spot["agentPoolName"] and len(fallback["agentPoolName"]) <= 12
    cluster = _inputs(capacity_preview, MANAGED_CLUSTER, "acme-cap-azure-k8s-aks")
    assert cluster["autoScalerProfile"] == {"expander": "priority"}
    text = _inputs(capacity_preview, CONFIG_MAP, "acme-cap-azure-autoscaler-priorities")["data"]["priorities"]
    assert '"^aks-serve-[0-9]+-vmss$"' in text.split("\n\n")[0]


def test_gke_fallback_is_two_pools_ordered_by_a_compute_class(capacity_preview):
    spot = _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-serve-pool")
    fallback = _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-serve-pool-fallback")
    assert spot["nodeConfig"]["spot"] is True and fallback["nodeConfig"]["spot"] is False
    assert fallback["autoscaling"]["totalMinNodeCount"] == 0
    for pool in (spot, fallback):
        assert pool["nodeConfig"]["labels"]["cloud.google.com/compute-class"] == "aiscale-serve"
    compute_class = _inputs(capacity_preview, COMPUTE_CLASS, "acme-cap-gcp-serve-compute-class")
    assert compute_class["metadata"]["name"] == "aiscale-serve"
    assert compute_class["spec"]["priorities"] == [{"nodepools": ["gpu-serve"]}, {"nodepools": ["gpu-serve-od"]}]
    assert compute_class["spec"]["nodePoolAutoCreation"] == {"enabled": False}
    assert not _named(capacity_preview, CONFIG_MAP, "acme-cap-gcp-autoscaler-priorities"), \
        "GKE has no priority expander"


@pytest.mark.parametrize("cloud, selector, toleration", [
    ("aws", {}, None),
    ("azure", {}, "kubernetes.azure.com/scalesetpriority"),
    ("gcp", {"cloud.google.com/compute-class": "aiscale-serve"}, "cloud.google.com/gke-spot"),
])
def test_endpoints_on_a_fallback_pool_tolerate_spot_and_can_land_on_the_fallback(
        capacity_preview, cloud, selector, toleration):
    spec = _inputs(capacity_preview, DEPLOYMENT, f"acme-cap-{cloud}-chat-deployment")["spec"]["template"]["spec"]
    assert spec["nodeSelector"] == {"aiscale.io/accelerator": "nvidia-t4", **selector}
    keys = [t["key"] for t in spec["tolerations"]]
    if toleration:
        assert toleration in keys
    assert "aiscale.io/gpu-sharing" not in spec["nodeSelector"], \
        "nothing selects the spot half only: the on-demand half carries the same labels"


# -- 2. machine types ------------------------------------------------------------------------

def test_pinned_machine_types(capacity_preview):
    assert _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-pinned-gpu")["instanceTypes"] == \
        ["g6.xlarge", "g6.2xlarge"]
    assert _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-pinned-pool")["nodeConfig"]["machineType"] == \
        "g2-standard-8"


def test_spot_pools_are_diversified_over_every_catalog_type_on_eks(capacity_preview):
    types = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-diverse-gpu")["instanceTypes"]
    assert types == ["g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.8xlarge"], \
        "every 1 x L4 type in us-west-2, cheapest first"


# -- 3. reservations -------------------------------------------------------------------------

def test_capacity_block(capacity_preview):
    group = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-block-gpu")
    template = _inputs(capacity_preview, TEMPLATE, "acme-cap-aws-block-nodes")
    assert group["capacityType"] == "CAPACITY_BLOCK"
    assert template["instanceMarketOptions"] == {"marketType": "capacity-block"}
    assert template["capacityReservationSpecification"] == {
        "capacityReservationTarget": {"capacityReservationId": "cr-0123456789abcdef0"}}


def test_on_demand_capacity_reservation(capacity_preview):
    group = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-odcr-gpu")
    template = _inputs(capacity_preview, TEMPLATE, "acme-cap-aws-odcr-nodes")
    assert group["capacityType"] == "ON_DEMAND"
    assert "instanceMarketOptions" not in template
    assert template["capacityReservationSpecification"]["capacityReservationTarget"] == {
        "capacityReservationId": "cr-0fedcba9876543210"}


def test_gke_specific_reservation_and_flex_start(capacity_preview):
    reserved = _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-reserved-pool")["nodeConfig"]
    assert reserved["reservationAffinity"] == {
        "consumeReservationType": "SPECIFIC_RESERVATION",
        "key": "compute.googleapis.com/reservation-name", "values": ["a100-reservation"]}
    flex = _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-flex-pool")
    assert flex["nodeConfig"]["flexStart"] is True
    assert flex["nodeConfig"]["reservationAffinity"] == {"consumeReservationType": "NO_RESERVATION"}
    assert flex["autoscaling"]["locationPolicy"] == "ANY"
    assert flex["management"] == {"autoRepair": False, "autoUpgrade": True}, "flex-start nodes are not repaired"
    assert _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-reserved-pool")["management"]["autoRepair"] is True


def test_aks_capacity_reservation_group(capacity_preview):
    pool = _inputs(capacity_preview, AGENT_POOL, "acme-cap-azure-azres-pool")
    assert pool["capacityReservationGroupID"].endswith("/capacityReservationGroups/a100")
    assert pool["scaleSetPriority"] == "Regular"


# -- 4. GPU sharing --------------------------------------------------------------------------

def test_gke_sharing_is_native(capacity_preview):
    shared = _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-serve-pool")["nodeConfig"]["guestAccelerators"][0]
    assert shared["gpuSharingConfig"] == {"gpuSharingStrategy": "TIME_SHARING", "maxSharedClientsPerGpu": 4}
    mig = _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-reserved-pool")["nodeConfig"]["guestAccelerators"][0]
    assert mig["gpuPartitionSize"] == "1g.10gb"


def test_eks_time_slicing_runs_its_own_device_plugin(capacity_preview):
    values = _inputs(capacity_preview, RELEASE, "acme-cap-aws-serve-device-plugin")["values"]
    assert values["nodeSelector"] == {"nvidia.com/gpu.present": "true", "aiscale.io/gpu-sharing": "serve"}
    config = json.loads(values["config"]["map"][values["config"]["default"]])
    assert config["sharing"]["timeSlicing"]["resources"] == [{"name": "nvidia.com/gpu", "replicas": 4}]
    default = _inputs(capacity_preview, RELEASE, "acme-cap-aws-k8s-nvidia-device-plugin")["values"]
    terms = default["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert {"key": "aiscale.io/gpu-sharing", "operator": "DoesNotExist"} in terms[0]["matchExpressions"], \
        "the cluster-wide plugin leaves shared nodes to their own plugin"
    group = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-serve-gpu")
    assert group["tags"]["k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu"] == "4", \
        "scale-from-zero sees the shared GPU count"


def test_aks_mig_uses_the_gpu_instance_profile(capacity_preview):
    assert _inputs(capacity_preview, AGENT_POOL, "acme-cap-azure-azres-pool")["gpuInstanceProfile"] == "MIG2g"
    values = _inputs(capacity_preview, RELEASE, "acme-cap-azure-azres-device-plugin")["values"]
    assert json.loads(values["config"]["map"]["shared"])["flags"]["migStrategy"] == "single"


def test_replicas_on_a_shared_pool_request_a_slice_of_the_node(capacity_preview):
    container = _inputs(capacity_preview, DEPLOYMENT, "acme-cap-aws-chat-deployment")[
        "spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert int(container["resources"]["requests"]["cpu"]) == 1, \
        "g4dn.xlarge (4 vCPU) time-sliced 4 ways: each replica asks for a quarter, not the whole node"


# -- 7. placement ----------------------------------------------------------------------------

def test_an_endpoint_that_names_no_cloud_follows_its_placed_pool(capacity_preview):
    deployments = {r.name for r in capacity_preview.by_type(DEPLOYMENT)}
    assert "acme-cap-aws-follow-deployment" in deployments
    assert not {"acme-cap-azure-follow-deployment", "acme-cap-gcp-follow-deployment"} & deployments


# -- 8. cost ---------------------------------------------------------------------------------

def test_the_estimate_says_what_it_assumes(capacity_preview):
    from aiscale.cost import estimate

    items = {item.urn.rsplit("::", 1)[-1]: item for item in estimate(capacity_preview.resources).items}
    spot, fallback = items["acme-cap-aws-serve-gpu"], items["acme-cap-aws-serve-gpu-fallback"]
    assert " spot in us-west-2" in spot.basis and "spot half of a spot-with-fallback pool" in spot.basis
    assert " on-demand in us-west-2" in fallback.basis and "runs only while spot is short" in fallback.basis
    assert fallback.monthly_min == 0 and fallback.monthly_max > spot.monthly_max, \
        "the fallback is priced at on-demand, from zero"
    assert "Capacity Block for ML: paid upfront" in items["acme-cap-aws-block-gpu"].basis
    assert "billed for its reserved machines" in items["acme-cap-aws-odcr-gpu"].basis
    assert "billed for its reserved machines" in items["acme-cap-gcp-reserved-pool"].basis
    assert "billed for its reserved machines" in items["acme-cap-azure-azres-pool"].basis
    assert "flex-start" in items["acme-cap-gcp-flex-pool"].basis
    assert "GPUs shared between pods" in items["acme-cap-gcp-serve-pool"].basis
    assert "assumes" not in items["acme-cap-aws-pinned-gpu"].basis, "a plain spot pool assumes nothing more"


# -- 5. zones --------------------------------------------------------------------------------

def test_zones_pin_the_pool_on_each_cloud(capacity_preview):
    subnets = {r.name: r for r in capacity_preview.by_type("aws:ec2/subnet:Subnet") if "private" in r.name}
    zone_of = {record.inputs["availabilityZone"] for record in subnets.values()}
    assert zone_of == {"us-west-2a", "us-west-2b", "us-west-2c"}
    serve = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-serve-gpu")["subnetIds"]
    everywhere = _inputs(capacity_preview, NODE_GROUP, "acme-cap-aws-pinned-gpu")["subnetIds"]
    assert len(everywhere) == 3 and len(serve) == 2 and set(serve) < set(everywhere), \
        "only the subnets of us-west-2a and us-west-2b"
    for role in ("pool", "pool-fallback"):
        assert _inputs(capacity_preview, AGENT_POOL, f"acme-cap-azure-serve-{role}")["availabilityZones"] == ["1", "2"]
        assert _inputs(capacity_preview, GKE_POOL, f"acme-cap-gcp-serve-{role}")["nodeLocations"] == \
            ["us-central1-a", "us-central1-b"]
    assert "nodeLocations" not in _inputs(capacity_preview, GKE_POOL, "acme-cap-gcp-pinned-pool")
