"""The EKS GPU node group builder: GPU image, taints, labels, spot, scale to zero, autoscaler tags."""

from __future__ import annotations

from types import SimpleNamespace

import pulumi
import pulumi_aws.eks
import pytest

from aiscale.aws import _nodes
from aiscale.aws.node_pool import MAX_NODE_GROUP_TAGS, eks_taints, node_group_tags
from aiscale.preview.engine import run_inline

from .conftest import BASE, REGION, build_program

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
CA = "k8s.io/cluster-autoscaler"


def _group(result, pool: str):
    return result.one(NODE_GROUP, f"acme-aws-{pool}-gpu")


def test_gpu_defaults(aws_stack):
    inputs = _group(aws_stack(), "train").inputs
    assert inputs["amiType"] == "AL2023_x86_64_NVIDIA"
    assert inputs["instanceTypes"] == ["p4de.24xlarge"], "the catalog's machine for 8 x A100 80GB"
    assert inputs["nodeGroupNamePrefix"] == "train-"
    assert inputs["nodeRepairConfig"] == {"enabled": True}
    assert "diskSize" not in inputs, "the disk lives in the launch template"


@pytest.mark.parametrize("pool, capacity, minimum, maximum, reason", [
    ("train", "SPOT", 0, 4, "a spot pool that scales to zero"),
    ("serve", "ON_DEMAND", 1, 3, "on-demand is the model's default capacity"),
])
def test_capacity_and_scaling(aws_stack, pool, capacity, minimum, maximum, reason):
    inputs = _group(aws_stack(), pool).inputs
    assert inputs["capacityType"] == capacity, reason
    assert inputs["scalingConfig"] == {"minSize": minimum, "maxSize": maximum, "desiredSize": minimum}


def test_taints_and_labels(aws_stack):
    inputs = _group(aws_stack(), "train").inputs
    assert inputs["taints"] == [
        {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"},
        {"key": "team", "value": "ml", "effect": "NO_EXECUTE"},
    ]
    assert inputs["labels"] == {"nvidia.com/gpu.present": "true",
                                "aiscale.io/accelerator": "nvidia-a100-80gb", "workload": "training"}


def test_autoscaler_node_template_tags(aws_stack):
    result = aws_stack()
    cluster_name = result.one("aws:eks/cluster:Cluster").inputs["name"]
    tags = _group(result, "train").inputs["tags"]
    assert tags[f"{CA}/enabled"] == "true"
    assert tags[f"{CA}/{cluster_name}"] == "owned"
    assert tags[f"{CA}/node-template/label/nvidia.com/gpu.present"] == "true"
    assert tags[f"{CA}/node-template/label/workload"] == "training"
    assert tags[f"{CA}/node-template/taint/nvidia.com/gpu"] == "present:NoSchedule"
    assert tags[f"{CA}/node-template/taint/team"] == "ml:NoExecute"
    assert tags[f"{CA}/node-template/resources/nvidia.com/gpu"] == "8"
    assert tags["team"] == "ml-platform", "cost tags too"


def test_launch_template_hardening(aws_stack):
    result = aws_stack()
    template = result.one(TEMPLATE, "acme-aws-train-nodes")
    assert template.inputs["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required",
                                                  "httpPutResponseHopLimit": 2}
    volume, = template.inputs["blockDeviceMappings"]
    assert volume["ebs"] == {"volumeSize": 200, "volumeType": "gp3", "encrypted": "true",
                             "deleteOnTermination": "true"}
    assert {s["resourceType"] for s in template.inputs["tagSpecifications"]} == {"instance", "volume"}
    assert "networkInterfaces" not in template.inputs and "imageId" not in template.inputs
    group = _group(result, "train")
    assert group.inputs["launchTemplate"]["id"] == template.id


def test_node_group_waits_for_the_cni(aws_stack):
    result = aws_stack()
    group = _group(result, "train")
    cni = result.one("aws:eks/addon:Addon", "vpc-cni")
    assert cni.urn in group.dependencies


def test_desired_size_drift_is_ignored(monkeypatch):
    """The cluster autoscaler owns the desired size: the node group ignores its drift."""
    seen: dict[str, pulumi.ResourceOptions] = {}
    original = pulumi_aws.eks.NodeGroup.__init__

    def recording(self, resource_name, *args, opts=None, **kwargs):
        seen[resource_name] = opts
        original(self, resource_name, *args, opts=opts, **kwargs)

    monkeypatch.setattr(pulumi_aws.eks.NodeGroup, "__init__", recording)
    run_inline(build_program({**BASE, "autoscaling_groups": []}), config={"aws:region": REGION})
    assert set(seen) == {"acme-aws-cluster-system", "acme-aws-train-gpu", "acme-aws-serve-gpu"}
    assert all(opts.ignore_changes == ["scalingConfig.desiredSize"] for opts in seen.values())


@pytest.mark.parametrize("effect, spelled", [
    ("NoSchedule", "NO_SCHEDULE"), ("PreferNoSchedule", "PREFER_NO_SCHEDULE"), ("NoExecute", "NO_EXECUTE"),
])
def test_eks_taint_effects(effect, spelled):
    assert eks_taints([{"key": "k", "value": "v", "effect": effect}])[0]["effect"] == spelled


def test_unknown_taint_effect_names_the_valid_ones():
    with pytest.raises(ValueError, match="got 'Evict'; valid: NoSchedule, PreferNoSchedule, NoExecute"):
        _nodes.eks_taint_effect("Evict")


@pytest.mark.parametrize("instance_type, arch, reason", [
    ("p5.48xlarge", "x86_64", "NVIDIA H100 hosts are x86"),
    ("g6e.xlarge", "x86_64", "a letter after the generation that is not g"),
    ("g5g.xlarge", "arm64", "Graviton with NVIDIA T4G"),
])
def test_architecture(instance_type, arch, reason):
    assert _nodes.architecture(instance_type) == arch, reason


def test_too_many_tags_is_a_clear_error():
    pool = SimpleNamespace(name="train", accelerator="nvidia-l4", labels={f"l{i}": "x" for i in range(30)},
                           taints=())
    cost = {f"t{i}": "x" for i in range(20)}
    with pytest.raises(ValueError, match=rf"node_pools\[train\]: got \d+ node group tags .*at most {MAX_NODE_GROUP_TAGS}"):
        node_group_tags(cost, "c", pool, 1)
