"""The AWS builder of ``AutoscalingGroup``: GPU VMs in an Auto Scaling group, scaled on CPU.

Declares:

- the image: the latest AWS Deep Learning Base GPU AMI (Amazon Linux 2023, NVIDIA driver, CUDA,
  container toolkit) read from its public SSM parameter at each deployment;
- an instance role (AmazonSSMManagedInstanceCore only: Session Manager instead of SSH keys) and
  its instance profile;
- a security group with no inbound rules and all outbound traffic (through the NAT);
- a launch template: the image and instance type, IMDSv2 only (hop limit 2), an encrypted gp3
  root volume of ``group.disk_gb`` GB, a network interface without a public IP, tags on the
  instances and volumes;
- ``aws.autoscaling.Group`` over the private subnets, ``min_nodes`` .. ``max_nodes``, with a
  mixed-instances policy: all on-demand, or all spot (``price-capacity-optimized``, capacity
  rebalancing on); cost tags propagated at launch; a rolling instance refresh when the launch
  template changes;
- ``aws.autoscaling.Policy``: target tracking on ``ASGAverageCPUUtilization`` at
  ``group.target_cpu_utilization`` percent.

Reads a ``VmGroupBuild``; returns an :class:`AwsVmGroup` (resources ``instance_role``,
``instance_profile``, ``security_group``, ``launch_template``, ``autoscaling_group``,
``scaling_policy``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws.autoscaling as autoscaling
import pulumi_aws.ec2 as ec2
import pulumi_aws.iam as iam
import pulumi_aws.ssm as ssm

from aiscale.aws import naming
from aiscale.aws import _iam, _nodes, _roles
from aiscale.vm_group_spec import BuiltVmGroup, VmGroupBuild

SPOT_ALLOCATION_STRATEGY = "price-capacity-optimized"
"""Spot pools chosen for low interruption risk first, then price (AWS's recommendation)."""
HEALTH_CHECK_GRACE_SECONDS = 600
"""GPU images take minutes to boot and load drivers before a health check counts."""
REFRESH_MIN_HEALTHY_PERCENT = 90
"""Instance refresh keeps at least this share of the group in service."""


@dataclass(frozen=True, kw_only=True)
class AwsVmGroup(BuiltVmGroup):
    """What the AWS VM group builder returns: ``group_name`` is the Auto Scaling group's name."""

    image_id: pulumi.Output[str]
    """The Deep Learning Base GPU AMI the launch template boots."""
    security_group_id: pulumi.Output[str]
    """The VMs' security group (no inbound, all outbound)."""
    instance_role_arn: pulumi.Output[str]
    """The role the VMs run as."""
    instance_type: str
    """The catalog's instance type."""


def instances_distribution(capacity: str) -> dict[str, Any]:
    """All on-demand, or all spot with the price-capacity-optimized strategy."""
    if capacity == "spot":
        return {"on_demand_base_capacity": 0, "on_demand_percentage_above_base_capacity": 0,
                "spot_allocation_strategy": SPOT_ALLOCATION_STRATEGY}
    if capacity == "on-demand":
        return {"on_demand_base_capacity": 0, "on_demand_percentage_above_base_capacity": 100}
    raise ValueError(f"autoscaling_groups capacity: got {capacity!r}; valid: on-demand, spot")


def asg_tags(tags: dict[str, str], name: str) -> list[dict[str, Any]]:
    """Group tags, each propagated to the instances it launches (with a ``Name``)."""
    return [{"key": key, "value": value, "propagate_at_launch": True}
            for key, value in {**tags, "Name": name}.items()]


def image_id(component: pulumi.Resource, scope: Any, instance_type: str) -> pulumi.Output[str]:
    """The latest Deep Learning Base GPU AMI for the instance type's architecture."""
    parameter = _nodes.DLAMI_SSM_PARAMETERS[_nodes.architecture(instance_type)]
    found = ssm.get_parameter_output(
        name=parameter, opts=pulumi.InvokeOutputOptions(parent=component, provider=scope.provider))
    return found.value


def build(component: pulumi.ComponentResource, args: VmGroupBuild) -> AwsVmGroup:
    """Declare the GPU Auto Scaling group of ``args.group`` under ``component``."""
    scope, network, group, offering = args.scope, args.network, args.group, args.offering
    name = args.name
    tags = naming.aws_tags(scope.tags)
    child = pulumi.ResourceOptions(parent=component)
    instance_type = offering.instance_type

    role, _ = _roles.declare(f"{name}-instance", _iam.service_trust_policy("ec2.amazonaws.com"),
                             _iam.VM_ROLE_POLICIES, scope.region, tags, component,
                             f"GPU VMs of autoscaling group {group.name}")
    profile = iam.InstanceProfile(f"{name}-instance", role=role.name, tags=tags, opts=child)
    security_group = ec2.SecurityGroup(
        f"{name}-vms", vpc_id=network.network_id,
        description=f"GPU VMs of {group.name}: no inbound, all outbound",
        ingress=[],
        egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
                 "description": "outbound through the NAT gateway"}],
        tags={**tags, "Name": f"{name}-vms"}, opts=child)
    ami = image_id(component, scope, instance_type)
    template = ec2.LaunchTemplate(
        f"{name}-vms",
        description=f"GPU VMs of {group.name}: DLAMI, IMDSv2 only, encrypted gp3, no public IP",
        image_id=ami,
        instance_type=instance_type,
        iam_instance_profile={"arn": profile.arn},
        metadata_options=_nodes.metadata_options(),
        block_device_mappings=[_nodes.root_volume(group.disk_gb)],
        network_interfaces=[{"device_index": 0, "associate_public_ip_address": "false",
                             "delete_on_termination": "true", "security_groups": [security_group.id]}],
        tag_specifications=_nodes.tag_specifications(tags),
        update_default_version=True,
        tags=tags,
        opts=child,
    )
    asg = autoscaling.Group(
        f"{name}-asg",
        min_size=group.min_nodes,
        max_size=group.max_nodes,
        vpc_zone_identifiers=network.subnet_ids,
        mixed_instances_policy={
            "launch_template": {
                "launch_template_specification": {"launch_template_id": template.id,
                                                  "version": _nodes.template_version(template)},
                "overrides": [{"instance_type": instance_type}],
            },
            "instances_distribution": instances_distribution(group.capacity),
        },
        capacity_rebalance=group.capacity == "spot",
        health_check_type="EC2",
        health_check_grace_period=HEALTH_CHECK_GRACE_SECONDS,
        instance_refresh={"strategy": "Rolling",
                          "preferences": {"min_healthy_percentage": REFRESH_MIN_HEALTHY_PERCENT}},
        tags=asg_tags(tags, f"{name}-vm"),
        opts=pulumi.ResourceOptions(parent=component, ignore_changes=["desiredCapacity"]),
    )
    policy = autoscaling.Policy(
        f"{name}-cpu",
        autoscaling_group_name=asg.name,
        policy_type="TargetTrackingScaling",
        target_tracking_configuration={
            "predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"},
            "target_value": float(group.target_cpu_utilization),
        },
        opts=child,
    )
    return AwsVmGroup(
        group_name=asg.name,
        image_id=ami,
        security_group_id=security_group.id,
        instance_role_arn=role.arn,
        instance_type=instance_type,
        resources={"instance_role": role, "instance_profile": profile,
                   "security_group": security_group, "launch_template": template,
                   "autoscaling_group": asg, "scaling_policy": policy},
    )
