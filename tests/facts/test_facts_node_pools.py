"""The facts reader on Kubernetes node pools: one table per cloud, each case with its reason."""

from __future__ import annotations

import pytest

from aiscale.facts import reader, tokens
from aiscale.facts.model import MachineRequest
from aiscale.facts.values import UnknownValue, Unreadable
from aiscale.preview.records import UNKNOWN


def only_pool(token: str, inputs: dict):
    pools = reader.node_pools(token, inputs)
    assert len(pools) == 1
    return pools[0]


# (inputs, spot, strict (min, max), lenient (min, max), autoscaled, reason); an EKS node group has
# no autoscaling switch of its own: only its range says whether it scales (autoscaled None)
AWS_CASES = [
    ({"instanceTypes": ["g6.xlarge"], "capacityType": "SPOT",
      "scalingConfig": {"minSize": 0.0, "maxSize": 4.0}},
     True, (0, 4), (0.0, 4.0), None, "engine numbers arrive as floats; SPOT is spot"),
    ({"instanceTypes": ["g6.xlarge"], "capacityType": "spot",
      "scalingConfig": {"minSize": 1, "maxSize": 1}},
     True, (1, 1), (1.0, 1.0), None, "the capacity type is matched in any case"),
    ({"instanceTypes": ["p5.48xlarge"], "scalingConfig": {"minSize": "2", "maxSize": "3"}},
     False, (2, 3), (2.0, 3.0), None, "no capacityType is ON_DEMAND; numeric strings count"),
]


@pytest.mark.parametrize("inputs, spot, strict, lenient, autoscaled, reason", AWS_CASES,
                         ids=[case[-1] for case in AWS_CASES])
def test_eks_node_group(inputs, spot, strict, lenient, autoscaled, reason):
    pool = only_pool(tokens.AWS_EKS_NODE_GROUP, inputs)
    assert pool.cloud == "aws", reason
    assert pool.machine.value == inputs["instanceTypes"][0], reason
    assert pool.machine.where == "instanceTypes[0]", reason
    assert pool.spot.get() is spot, reason
    assert pool.bounds.get().strict() == strict, reason
    assert pool.bounds.get().lenient() == lenient, reason
    assert pool.bounds.get().autoscaled is autoscaled, reason
    assert pool.launch_template_key == "launchTemplate", reason


def test_eks_taints_and_machines():
    pool = only_pool(tokens.AWS_EKS_NODE_GROUP, {
        "instanceTypes": ["g6.xlarge", "g6.2xlarge"],
        "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]})
    assert pool.taints.get() == (("nvidia.com/gpu", "NO_SCHEDULE"),)
    assert pool.machines.get() == (MachineRequest("aws", "g6.xlarge", None),
                                   MachineRequest("aws", "g6.2xlarge", None))


AZURE_CASES = [
    ({"vmSize": "Standard_NC4as_T4_v3", "enableAutoScaling": True, "minCount": 0, "maxCount": 3,
      "scaleSetPriority": "Spot"},
     True, (0, 3), (0.0, 3.0), True, "", "autoscaled Spot pool: minCount..maxCount"),
    ({"vmSize": "Standard_NC4as_T4_v3", "count": 2.0},
     False, (2, 2), (2.0, 2.0), False, "", "a fixed pool is count..count"),
    ({"vmSize": "Standard_NC4as_T4_v3"},
     False, (1, 1), (1.0, 1.0), False, " (count not set: AKS default 1)",
     "an omitted count is the AKS default of 1, and the note says so"),
    ({"vmSize": "Standard_NC4as_T4_v3", "enableAutoScaling": "true", "minCount": 1, "maxCount": 2,
      "scaleSetPriority": "Low"},
     True, (1, 2), (1.0, 2.0), True, "", "a string 'true' enables autoscaling; Low is the old Spot"),
]


@pytest.mark.parametrize("inputs, spot, strict, lenient, autoscaled, note, reason", AZURE_CASES,
                         ids=[case[-1] for case in AZURE_CASES])
def test_aks_agent_pool(inputs, spot, strict, lenient, autoscaled, note, reason):
    pool = only_pool(tokens.AZURE_CONTAINERSERVICE_AGENT_POOL, inputs)
    bounds = pool.bounds.get()
    assert (pool.cloud, pool.machine.value) == ("azure", inputs["vmSize"]), reason
    assert pool.spot.get() is spot, reason
    assert bounds.strict() == strict, reason
    assert bounds.lenient() == lenient, reason
    assert bounds.autoscaled is autoscaled, reason
    assert bounds.note == note, reason


def test_managed_cluster_has_one_pool_per_profile_with_its_path():
    cluster = {"agentPoolProfiles": [
        {"name": "system", "vmSize": "Standard_D4s_v5", "count": 1, "mode": "System"},
        {"name": "gpu", "vmSize": "Standard_NC24ads_A100_v4", "enableAutoScaling": True,
         "minCount": 0, "maxCount": 2, "nodeTaints": ["nvidia.com/gpu=present:NoSchedule"]}]}
    system, gpu = reader.node_pools("azure-native:containerservice/v20240901:ManagedCluster", cluster)
    assert (system.name.value, system.system.get()) == ("system", True)
    assert (gpu.name.value, gpu.system.get()) == ("gpu", False)
    assert gpu.machine.where == "agentPoolProfiles[1].vmSize"
    assert gpu.taints.get() == (("nvidia.com/gpu", "NoSchedule"),)
    assert gpu.bounds.get().strict() == (0, 2)


def test_managed_cluster_without_profiles_has_no_pools_and_an_unknown_list_says_so():
    assert reader.node_pools(tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, {}) == []
    with pytest.raises(UnknownValue) as raised:
        reader.node_pools(tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, {"agentPoolProfiles": UNKNOWN})
    assert raised.value.path == "agentPoolProfiles"


GCP_CASES = [
    ({"nodeConfig": {"machineType": "g2-standard-8", "spot": True},
      "autoscaling": {"minNodeCount": 0, "maxNodeCount": 2}, "location": "us-central1"},
     True, (0, 2), 3, (0.0, 6.0), "a regional pool: per-zone counts x 3 assumed zones"),
    ({"nodeConfig": {"machineType": "g2-standard-8"},
      "autoscaling": {"maxNodeCount": 2}, "nodeLocations": ["us-central1-a"]},
     False, (0, 2), 1, (0.0, 2.0), "nodeLocations decide the zones; a missing min is 0"),
    ({"nodeConfig": {"machineType": "g2-standard-8", "preemptible": "true"}, "nodeCount": 1,
      "location": "us-central1-b"},
     True, (1, 1), 1, (1.0, 1.0), "a zonal pool spans its one zone; preemptible counts as spot"),
    ({"nodeConfig": {"machineType": "g2-standard-8"}, "initialNodeCount": 2,
      "location": "europe-west4"},
     False, (2, 2), 3, (6.0, 6.0), "without nodeCount the initialNodeCount is the size"),
]


@pytest.mark.parametrize("inputs, spot, per_zone, zones, lenient, reason", GCP_CASES,
                         ids=[case[-1] for case in GCP_CASES])
def test_gke_node_pool(inputs, spot, per_zone, zones, lenient, reason):
    pool = only_pool(tokens.GCP_CONTAINER_NODE_POOL, inputs)
    bounds = pool.bounds.get()
    assert pool.spot.get() is spot, reason
    assert bounds.per_zone, reason
    assert bounds.strict() == per_zone, reason
    assert pool.zones()[0] == zones, reason
    assert bounds.lenient(float(zones)) == lenient, reason


def test_gke_total_counts_are_for_the_whole_pool():
    pool = only_pool(tokens.GCP_CONTAINER_NODE_POOL, {
        "nodeConfig": {"machineType": "g2-standard-8"},
        "autoscaling": {"totalMaxNodeCount": 5}, "location": "us-central1"})
    bounds = pool.bounds.get()
    assert not bounds.per_zone
    assert bounds.strict(zones=3) == (0, 5)
    assert bounds.note == " (total node counts across zones)"


def test_gke_attached_accelerators_are_machine_requests():
    pool = only_pool(tokens.GCP_CONTAINER_NODE_POOL, {"nodeConfig": {
        "machineType": "n1-standard-8",
        "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 2}]}})
    assert pool.machines.get() == (MachineRequest("gcp", "n1-standard-8", "nvidia-tesla-t4", 2.0),)


# (token, inputs, the fact read, the unknown path, reason)
UNKNOWN_CASES = [
    (tokens.AWS_EKS_NODE_GROUP, {"capacityType": UNKNOWN}, lambda p: p.spot.get(), "capacityType",
     "an unknown capacity type is reported when spot is asked for"),
    (tokens.AWS_EKS_NODE_GROUP, {"scalingConfig": {"minSize": UNKNOWN, "maxSize": 2}},
     lambda p: p.bounds.get().strict(), "scalingConfig.minSize", "an unknown size names its path"),
    (tokens.AWS_EKS_NODE_GROUP, {"scalingConfig": UNKNOWN},
     lambda p: p.bounds.get().lenient(), "scalingConfig.minSize",
     "an unknown parent block makes the size unknown too"),
    (tokens.AZURE_CONTAINERSERVICE_AGENT_POOL, {"enableAutoScaling": UNKNOWN},
     lambda p: p.bounds.get(), "enableAutoScaling", "the bounds depend on the autoscaling flag"),
    (tokens.GCP_CONTAINER_NODE_POOL, {"nodeConfig": {"spot": UNKNOWN}}, lambda p: p.spot.get(),
     "nodeConfig.spot", "an unknown spot flag"),
    (tokens.GCP_CONTAINER_NODE_POOL, {"autoscaling": {"minNodeCount": 1}, "nodeLocations": UNKNOWN},
     lambda p: p.zones("us-central1"), "nodeLocations", "unknown zones"),
    (tokens.GCP_CONTAINER_NODE_POOL, {"nodeConfig": {"machineType": "g2-standard-4",
                                                     "guestAccelerators": [UNKNOWN]}},
     lambda p: p.machines.get(), "nodeConfig.guestAccelerators[0]", "an unknown list element"),
]


@pytest.mark.parametrize("token, inputs, read, path, reason", UNKNOWN_CASES,
                         ids=[case[-1] for case in UNKNOWN_CASES])
def test_unknown_values_are_reported_when_read_not_when_parsed(token, inputs, read, path, reason):
    pool = only_pool(token, inputs)  # reading the facts never fails on an unknown
    with pytest.raises(UnknownValue) as raised:
        read(pool)
    assert raised.value.path == path, reason


def test_strict_reading_names_the_path_and_the_value():
    pool = only_pool(tokens.AWS_EKS_NODE_GROUP, {"scalingConfig": {"minSize": 1.5, "maxSize": "x"}})
    assert pool.bounds.get().lenient() == (1.5, None)
    with pytest.raises(Unreadable, match=r"scalingConfig\.minSize is 1\.5, not a whole number >= 0"):
        pool.bounds.get().strict()
    missing = only_pool(tokens.AWS_EKS_NODE_GROUP, {})
    with pytest.raises(Unreadable, match=r"scalingConfig\.minSize is not set"):
        missing.bounds.get().strict()
    assert missing.bounds.get().lenient() == (None, None)


def test_other_kinds_declare_no_node_pool():
    assert reader.node_pools(tokens.AWS_S3_BUCKET, {"instanceTypes": ["g6.xlarge"]}) == []
    assert reader.node_pools("aws:eks/NodeGroup:nodegroup", {}) == []  # tokens are case-sensitive
