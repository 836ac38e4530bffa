"""GCP GpuNodePool builder: GPU-correct GKE node pools, spot vs on-demand, scale to zero."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.gcp import node_pool as gke_pool
from aiscale.gcp._node_defaults import NODE_OAUTH_SCOPES, disk_type, gke_taint

NODE_POOL = "gcp:container/nodePool:NodePool"


@pytest.fixture
def pools_result(base_stack):
    """The shared preview of the base model (pools ``train``: spot A100 x8, ``serve``: L4)."""
    return base_stack


def _pool(result, name):
    return result.one(NODE_POOL, f"-{name}-pool")


def test_gpu_pool_attaches_the_accelerator_with_the_gke_managed_driver(pools_result):
    config = _pool(pools_result, "train").inputs["nodeConfig"]
    assert config["machineType"] == "a2-ultragpu-8g"
    assert config["guestAccelerators"] == [{
        "type": "nvidia-a100-80gb", "count": 8,
        "gpuDriverInstallationConfig": {"gpuDriverVersion": "LATEST"}}]
    serve = _pool(pools_result, "serve").inputs["nodeConfig"]
    assert (serve["machineType"], serve["guestAccelerators"][0]["type"]) == ("g2-standard-4", "nvidia-l4")


@pytest.mark.parametrize("name, spot, policy, reason", [
    ("train", True, "ANY", "spot pool: any zone with capacity"),
    ("serve", False, "BALANCED", "on-demand pool: spread over zones"),
])
def test_capacity_selects_spot_and_location_policy(pools_result, name, spot, policy, reason):
    pool = _pool(pools_result, name).inputs
    assert pool["nodeConfig"]["spot"] is spot, reason
    assert pool["autoscaling"]["locationPolicy"] == policy, reason


@pytest.mark.parametrize("name, minimum, maximum, initial, reason", [
    ("train", 0, 4, 0, "scale to zero: no GPU node is started at creation"),
    ("serve", 1, 6, 1, "a warm minimum"),
])
def test_autoscaling_uses_total_counts_and_no_fixed_size(pools_result, name, minimum, maximum, initial, reason):
    pool = _pool(pools_result, name).inputs
    assert pool["autoscaling"]["totalMinNodeCount"] == minimum, reason
    assert pool["autoscaling"]["totalMaxNodeCount"] == maximum, reason
    assert "minNodeCount" not in pool["autoscaling"] and "nodeCount" not in pool, reason
    assert pool["initialNodeCount"] == initial, reason


def test_taints_include_the_gpu_taint_and_the_model_taints_in_gke_spelling(pools_result):
    taints = _pool(pools_result, "train").inputs["nodeConfig"]["taints"]
    assert taints == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"},
                      {"key": "team", "value": "research", "effect": "NO_EXECUTE"}]


def test_labels_mark_gpu_nodes_and_carry_the_model_labels(pools_result):
    config = _pool(pools_result, "train").inputs["nodeConfig"]
    assert config["labels"] == {"nvidia.com/gpu.present": "true", "aiscale.io/accelerator": "nvidia-a100-80gb",
                                "workload": "training"}
    assert config["resourceLabels"] == {"team": "ml-platform", "cost-center": "cc-1234",
                                        "aiscale-node-pool": "train"}


def test_nodes_are_hardened_and_use_the_cluster_node_account(pools_result):
    email = pools_result.one("gcp:serviceaccount/account:Account", "cluster-nodes").outputs["email"]
    for name in ("train", "serve"):
        pool = _pool(pools_result, name).inputs
        config = pool["nodeConfig"]
        assert config["serviceAccount"] == email, name
        assert config["oauthScopes"] == list(NODE_OAUTH_SCOPES), name
        assert config["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}, name
        assert config["shieldedInstanceConfig"] == {"enableSecureBoot": True,
                                                    "enableIntegrityMonitoring": True}, name
        assert pool["management"] == {"autoRepair": True, "autoUpgrade": True}, name
        assert "nodeLocations" not in pool, name


def test_disk_size_comes_from_the_model(pools_result):
    assert _pool(pools_result, "train").inputs["nodeConfig"]["diskSizeGb"] == 200
    assert _pool(pools_result, "serve").inputs["nodeConfig"]["diskSizeGb"] == 100
    assert _pool(pools_result, "serve").inputs["nodeConfig"]["diskType"] == "pd-balanced"


def test_pool_joins_the_cluster_in_its_region_and_waits_for_node_roles(pools_result):
    cluster = pools_result.one("gcp:container/cluster:Cluster")
    pool = _pool(pools_result, "train")
    assert pool.inputs["cluster"] == cluster.outputs["name"]
    assert pool.inputs["location"] == "us-central1"
    assert pool.inputs["name"] == "gpu-train"
    roles = {m.urn for m in pools_result.by_type("gcp:projects/iAMMember:IAMMember") if "cluster-nodes" in m.name}
    assert len(roles) == 4
    assert roles <= set(pool.dependencies)


def test_no_device_plugin_release_on_gke(pools_result):
    assert not [r for r in pools_result.resources if r.type.startswith("kubernetes:helm")]


@pytest.mark.parametrize("machine, expected, reason", [
    ("g2-standard-4", "pd-balanced", "L4 machines take persistent disks"),
    ("a3-highgpu-8g", "pd-balanced", "H100 high-gpu machines take persistent disks"),
    ("a3-ultragpu-8g", "hyperdisk-balanced", "H200 machines take Hyperdisk only"),
    ("a4-highgpu-8g", "hyperdisk-balanced", "B200 machines take Hyperdisk only"),
])
def test_disk_type_per_machine_series(machine, expected, reason):
    assert disk_type(machine) == expected, reason


def test_unknown_taint_effect_is_an_error_naming_it():
    with pytest.raises(ValueError, match="effect: got 'Sometimes'"):
        gke_taint({"key": "a", "value": "b", "effect": "Sometimes"})


POOL = SimpleNamespace(name="train", accelerator="nvidia-l4", gpus_per_node=2)


@pytest.mark.parametrize("offering, message, reason", [
    (SimpleNamespace(instance_type="g2-standard-4", accelerator_type=None, gpus=2),
     "has no GKE accelerator type", "an offering without a GKE accelerator type"),
    (SimpleNamespace(instance_type="g2-standard-4", accelerator_type="nvidia-l4", gpus=1),
     r"gpus_per_node: got 2; the offering 'g2-standard-4' has 1 GPUs", "a GPU count mismatch"),
])
def test_offering_mismatch_is_an_error(offering, message, reason):
    with pytest.raises(ValueError, match=message):
        gke_pool._check(POOL, offering)
