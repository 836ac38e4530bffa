"""Issue 3 at the stack level: each cloud's cluster, GPU pools and VM groups with their defaults."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from aiscale import catalog
from tests.conftest import REPO


def test_each_cloud_gets_a_cluster_in_a_private_network(dev):
    assert len(dev.by_type("aws:eks/cluster:Cluster")) == 1
    assert len(dev.by_type("azure-native:containerservice:ManagedCluster")) == 1
    assert len(dev.by_type("gcp:container/cluster:Cluster")) == 1
    eks = dev.one("aws:eks/cluster:Cluster").inputs
    assert eks["vpcConfig"]["endpointPublicAccess"] is False
    assert eks["encryptionConfig"]["resources"] == ["secrets"]
    aks = dev.one("azure-native:containerservice:ManagedCluster").inputs
    assert aks["apiServerAccessProfile"]["enablePrivateCluster"] is True
    assert aks["disableLocalAccounts"] is True
    gke = dev.one("gcp:container/cluster:Cluster").inputs
    assert gke["privateClusterConfig"]["enablePrivateNodes"] is True
    assert gke["databaseEncryption"]["state"] == "ENCRYPTED"


def test_dev_gpu_pools_are_spot_and_scale_to_zero_on_every_cloud(dev):
    (eks_pool,) = [r for r in dev.by_type("aws:eks/nodeGroup:NodeGroup") if r.inputs.get("amiType", "").endswith("NVIDIA")]
    assert eks_pool.inputs["capacityType"] == "SPOT" and eks_pool.inputs["scalingConfig"]["minSize"] == 0
    # A spot pool is diversified over every catalog type with 1 x L4 (issue 15), the cheapest first.
    assert eks_pool.inputs["instanceTypes"][0] == catalog.resolve("aws", "nvidia-l4", 1, "us-west-2").instance_type
    assert sorted(eks_pool.inputs["instanceTypes"]) == sorted(
        o.instance_type for o in catalog.offerings("aws", "nvidia-l4", "us-west-2", 1))
    assert {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"} in eks_pool.inputs["taints"]
    assert eks_pool.inputs["tags"]["k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu"] == "1"
    (aks_pool,) = dev.by_type("azure-native:containerservice:AgentPool")
    assert aks_pool.inputs["scaleSetPriority"] == "Spot" and aks_pool.inputs["minCount"] == 0
    assert aks_pool.inputs["gpuProfile"]["driver"] == "Install"
    assert "nvidia.com/gpu=present:NoSchedule" in aks_pool.inputs["nodeTaints"]
    gke_pools = [r for r in dev.by_type("gcp:container/nodePool:NodePool") if r.inputs["nodeConfig"].get("guestAccelerators")]
    (gke_pool,) = gke_pools
    accelerator = gke_pool.inputs["nodeConfig"]["guestAccelerators"][0]
    assert accelerator["type"] == "nvidia-l4" and accelerator["count"] == 1
    assert gke_pool.inputs["nodeConfig"]["spot"] is True
    assert gke_pool.inputs["autoscaling"]["totalMinNodeCount"] == 0


def test_the_gcp_autoscaling_group_terminates_on_host_maintenance(dev):
    (template,) = dev.by_type("gcp:compute/regionInstanceTemplate:RegionInstanceTemplate")
    assert template.inputs["scheduling"]["onHostMaintenance"] == "TERMINATE"
    assert template.inputs["scheduling"]["provisioningModel"] == "SPOT"
    (autoscaler,) = dev.by_type("gcp:compute/regionAutoscaler:RegionAutoscaler")
    policy = autoscaler.inputs["autoscalingPolicy"]
    assert (policy["minReplicas"], policy["maxReplicas"]) == (1, 4), "scaled on CPU: one machine gives the signal"
    assert policy["cpuUtilization"]["target"] == pytest.approx(0.6)


def test_prod_pools_are_on_demand_and_never_below_their_minimum(prod):
    pools = [r for r in prod.by_type("aws:eks/nodeGroup:NodeGroup") if r.inputs.get("amiType", "").endswith("NVIDIA")]
    assert [p.inputs["capacityType"] for p in pools] == ["ON_DEMAND"]
    assert pools[0].inputs["scalingConfig"]["minSize"] == 1
    gke = [r for r in prod.by_type("gcp:container/nodePool:NodePool") if r.inputs["nodeConfig"].get("guestAccelerators")]
    assert [p.inputs["nodeConfig"].get("spot", False) for p in gke] == [False]


def test_pools_sit_under_their_cluster(dev):
    cluster = dev.one("aiscale:index:KubernetesCluster", "aws")
    pool = dev.one("aiscale:index:GpuNodePool", "aws-serve")
    assert pool.parent == cluster.urn


def test_an_aws_only_stack_imports_no_azure_or_gcp_module(tmp_path):
    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (tmp_path / "__main__.py").write_text((REPO / "__main__.py").read_text())
    model = {"name": "solo", "environment": "dev", "clouds": {"aws": {"region": "us-west-2"}},
             "node_pools": [{"name": "gpu", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 2,
                             "capacity": "spot"}],
             "buckets": [{"name": "models"}]}
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(json.dumps({"config": {"aiscale:platform": model}}))
    script = textwrap.dedent(f"""
        import sys
        from aiscale.preview.engine import run_directory
        result = run_directory({str(tmp_path)!r}, "dev")
        assert result.by_type("aws:eks/nodeGroup:NodeGroup")
        loaded = sorted({{m.split(".")[0] for m in sys.modules if m.startswith(("pulumi_azure", "pulumi_gcp", "pulumi_aws"))}})
        print(",".join(loaded))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "pulumi_aws"
