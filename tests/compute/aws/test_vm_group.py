"""The GPU Auto Scaling group builder: DLAMI launch template, spot mix, CPU target tracking."""

from __future__ import annotations

import pytest

from aiscale.aws import _nodes
from aiscale.aws.vm_group import SPOT_ALLOCATION_STRATEGY, instances_distribution
from aiscale.preview import fake_cloud
from aiscale.preview.engine import run_inline

from .conftest import BASE, REGION, build_program

ASG = "aws:autoscaling/group:Group"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
POLICY = "aws:autoscaling/policy:Policy"


def test_launch_template_hardening(aws_stack):
    inputs = aws_stack().one(TEMPLATE, "acme-aws-batch-vms").inputs
    assert inputs["instanceType"] == "g6.xlarge"
    assert inputs["metadataOptions"]["httpTokens"] == "required"
    assert inputs["metadataOptions"]["httpPutResponseHopLimit"] == 2
    volume, = inputs["blockDeviceMappings"]
    assert volume["ebs"]["encrypted"] == "true" and volume["ebs"]["volumeType"] == "gp3"
    assert volume["ebs"]["volumeSize"] == 100
    interface, = inputs["networkInterfaces"]
    assert interface["associatePublicIpAddress"] == "false"
    assert len(interface["securityGroups"]) == 1
    assert {s["resourceType"] for s in inputs["tagSpecifications"]} == {"instance", "volume"}
    assert all(s["tags"]["cost-center"] == "cc-1234" for s in inputs["tagSpecifications"])
    assert inputs["iamInstanceProfile"]["arn"].startswith("arn:aws:iam::")


def test_image_is_the_latest_deep_learning_gpu_ami(monkeypatch):
    calls: list[tuple[str, dict]] = []
    original = fake_cloud.FakeCloud.call

    def recording(self, args):
        calls.append((args.token, dict(args.args)))
        return original(self, args)

    monkeypatch.setattr(fake_cloud.FakeCloud, "call", recording)
    result = run_inline(build_program({**BASE, "node_pools": [], "autoscaling_groups": BASE["autoscaling_groups"][:1]}),
                        config={"aws:region": REGION})
    lookups = [a for token, a in calls if token == "aws:ssm/getParameter:getParameter"]
    assert [a["name"] for a in lookups] == [_nodes.DLAMI_SSM_PARAMETERS["x86_64"]]
    assert "base-oss-nvidia-driver-gpu-amazon-linux-2023" in lookups[0]["name"]
    assert result.one(TEMPLATE).inputs["imageId"].startswith("ami-")


def test_security_group_allows_no_inbound(aws_stack):
    group = aws_stack().one("aws:ec2/securityGroup:SecurityGroup", "batch")
    assert group.inputs.get("ingress", []) == []
    assert group.inputs["egress"][0]["cidrBlocks"] == ["0.0.0.0/0"]


@pytest.mark.parametrize("group, on_demand_percent, rebalance, minimum, maximum, reason", [
    ("batch", 0, True, 1, 20, "spot: no on-demand, rebalance ahead of interruptions, "
              "one machine by default (CPU scaling needs a running machine)"),
    ("render", 100, False, 1, 2, "on-demand: every instance on-demand"),
])
def test_autoscaling_group(aws_stack, group, on_demand_percent, rebalance, minimum, maximum, reason):
    result = aws_stack()
    inputs = result.one(ASG, group).inputs
    distribution = inputs["mixedInstancesPolicy"]["instancesDistribution"]
    assert distribution["onDemandPercentageAboveBaseCapacity"] == on_demand_percent, reason
    assert distribution["onDemandBaseCapacity"] == 0
    assert inputs["capacityRebalance"] is rebalance
    assert (inputs["minSize"], inputs["maxSize"]) == (minimum, maximum)
    template = result.one(TEMPLATE, f"acme-aws-{group}-vms")
    spec = inputs["mixedInstancesPolicy"]["launchTemplate"]["launchTemplateSpecification"]
    assert spec["launchTemplateId"] == template.id
    assert inputs["mixedInstancesPolicy"]["launchTemplate"]["overrides"] == [
        {"instanceType": template.inputs["instanceType"]}]
    private = [r.id for r in result.by_type("aws:ec2/subnet:Subnet") if "-private-" in r.name]
    assert inputs["vpcZoneIdentifiers"] == private
    assert all(tag["propagateAtLaunch"] is True for tag in inputs["tags"])
    assert {"key": "team", "value": "ml-platform", "propagateAtLaunch": True} in inputs["tags"]


def test_spot_allocation_strategy(aws_stack):
    distribution = aws_stack().one(ASG, "batch").inputs["mixedInstancesPolicy"]["instancesDistribution"]
    assert distribution["spotAllocationStrategy"] == "price-capacity-optimized"


@pytest.mark.parametrize("group, target", [("batch", 70.0), ("render", 60.0)])
def test_cpu_target_tracking(aws_stack, group, target):
    result = aws_stack()
    policy = result.one(POLICY, group).inputs
    assert policy["policyType"] == "TargetTrackingScaling"
    tracking = policy["targetTrackingConfiguration"]
    assert tracking["predefinedMetricSpecification"] == {"predefinedMetricType": "ASGAverageCPUUtilization"}
    assert tracking["targetValue"] == target
    assert policy["autoscalingGroupName"] == result.one(ASG, group).outputs["name"]


def test_instance_role_is_session_manager_only(aws_stack):
    result = aws_stack()
    attached = [r.inputs["policyArn"] for r in result.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.inputs["role"] == "acme-aws-batch-instance"]
    assert attached == ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]


@pytest.mark.parametrize("capacity, expected", [
    ("spot", {"on_demand_base_capacity": 0, "on_demand_percentage_above_base_capacity": 0,
              "spot_allocation_strategy": SPOT_ALLOCATION_STRATEGY}),
    ("on-demand", {"on_demand_base_capacity": 0, "on_demand_percentage_above_base_capacity": 100}),
])
def test_instances_distribution(capacity, expected):
    assert instances_distribution(capacity) == expected


def test_instances_distribution_rejects_unknown_capacity():
    with pytest.raises(ValueError, match="got 'reserved'; valid: on-demand, spot"):
        instances_distribution("reserved")
