"""The AKS GPU agent pool: GPU driver, taints and labels, spot, scale to zero, hardening."""

from __future__ import annotations

import pytest

from aiscale.azure import _names
from aiscale.azure.node_pool import capacity_settings
from tests.compute.azure.helpers import depends_on, platform_model

AGENT_POOL = "azure-native:containerservice:AgentPool"
POOLS = [
    {"name": "train", "accelerator": "nvidia-a100-80gb", "gpus_per_node": 1, "max_nodes": 4,
     "capacity": "spot", "disk_gb": 200, "labels": {"workload": "training"},
     "taints": ["team=ml:NoSchedule"]},
    {"name": "serve-l4-pool", "accelerator": "nvidia-t4", "gpus_per_node": 1, "min_nodes": 1,
     "max_nodes": 3},
]


@pytest.fixture(scope="module")
def result(preview):
    return preview(platform_model(node_pools=POOLS))


def _pool(result, name):
    return result.one(AGENT_POOL, f"p-azure-{name}-").inputs


def test_gpu_vm_size_and_driver(result):
    train = _pool(result, "train")
    assert train["vmSize"] == "Standard_NC24ads_A100_v4"
    assert train["gpuProfile"] == {"driver": "Install"}
    assert (train["osType"], train["osSKU"], train["mode"]) == ("Linux", "Ubuntu", "User")


def test_gpu_taint_and_model_taints_without_the_spot_taint(result):
    taints = _pool(result, "train")["nodeTaints"]
    assert taints == ["nvidia.com/gpu=present:NoSchedule", "team=ml:NoSchedule"]
    assert not any("scalesetpriority" in taint for taint in taints), "AKS adds the spot taint itself"
    assert _pool(result, "serve-l4-pool")["nodeTaints"] == ["nvidia.com/gpu=present:NoSchedule"]


def test_gpu_and_accelerator_labels_plus_model_labels(result):
    assert _pool(result, "train")["nodeLabels"] == {
        "nvidia.com/gpu.present": "true", "aiscale.io/accelerator": "nvidia-a100-80gb", "workload": "training"}


@pytest.mark.parametrize("name, priority, eviction, max_price, reason", [
    ("train", "Spot", "Delete", -1, "spot: evicted VMs are deleted, never evicted for price"),
    ("serve-l4-pool", "Regular", None, None, "on-demand: no spot settings"),
])
def test_spot_and_on_demand(result, name, priority, eviction, max_price, reason):
    pool = _pool(result, name)
    assert pool["scaleSetPriority"] == priority, reason
    assert pool.get("scaleSetEvictionPolicy") == eviction, reason
    assert pool.get("spotMaxPrice") == max_price, reason


@pytest.mark.parametrize("name, min_count, max_count, reason", [
    ("train", 0, 4, "scales to zero by default"),
    ("serve-l4-pool", 1, 3, "keeps the model's minimum"),
])
def test_autoscaling_starts_at_the_minimum(result, name, min_count, max_count, reason):
    pool = _pool(result, name)
    assert pool["enableAutoScaling"] is True
    assert (pool["minCount"], pool["maxCount"]) == (min_count, max_count), reason
    assert pool["count"] == min_count, "created at the minimum; the autoscaler owns it after"


def test_hardened_nodes_in_the_nodes_subnet(result):
    pool = _pool(result, "train")
    assert pool["enableEncryptionAtHost"] is True
    assert pool["enableNodePublicIP"] is False
    assert (pool["osDiskType"], pool["osDiskSizeGB"]) == ("Managed", 200)
    record = result.one(AGENT_POOL, "p-azure-train-")
    assert depends_on(record, "vnetSubnetID", "p-azure-network-nodes")
    assert depends_on(record, "resourceName", "p-azure-cluster-aks")


def test_cost_tags(result):
    assert _pool(result, "train")["tags"] == {"team": "ml-platform", "cost-center": "cc-1234"}


def test_pool_names_fit_aks_rules(result):
    assert result.outputs["pool_train"] == "train"
    assert result.outputs["pool_serve-l4-pool"] == _names.agent_pool_name("serve-l4-pool")
    assert _pool(result, "serve-l4-pool")["agentPoolName"] == result.outputs["pool_serve-l4-pool"]


@pytest.mark.parametrize("pool, expected, reason", [
    ("train", "train", "already valid"),
    ("gpu1", "gpu1", "letters and digits"),
    ("abcdefghijkl", "abcdefghijkl", "exactly 12 characters"),
])
def test_agent_pool_name_keeps_valid_names(pool, expected, reason):
    assert _names.agent_pool_name(pool) == expected, reason


@pytest.mark.parametrize("pool, reason", [
    ("serve-l4-pool", "hyphens are not allowed"),
    ("abcdefghijklm", "longer than 12"),
    ("system", "reserved for the system pool"),
])
def test_agent_pool_name_rewrites_invalid_names(pool, reason):
    name = _names.agent_pool_name(pool)
    assert name != pool, reason
    assert len(name) <= 12 and name[0].isalpha() and name.isalnum() and name == name.lower(), reason


def test_agent_pool_names_keep_distinct_pools_apart():
    assert _names.agent_pool_name("gpu-a") != _names.agent_pool_name("gpua-")
    assert _names.agent_pool_name("a-long-pool-one") != _names.agent_pool_name("a-long-pool-two")


def test_capacity_settings_rejects_unknown_capacity():
    with pytest.raises(ValueError, match=r"node_pools.capacity: got 'reserved'; valid: on-demand, spot"):
        capacity_settings("reserved")
