"""AutoscalingGroup: a GPU VM fleet outside Kubernetes (ASG, VM scale set, managed instance group)."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import build_on_cloud
from aiscale._docs import documented
from aiscale.network import Network
from aiscale.scope import CloudScope


class AutoscalingGroupArgs(TypedDict, total=False):
    """Arguments of :class:`AutoscalingGroup`."""

    scope: CloudScope
    """Required. The cloud, region, provider and parent to declare on."""
    network: Network
    """Required. The network whose private subnets the VMs use."""
    group: Any
    """Required. The model's autoscaling group (``aiscale.model.AutoscalingGroup``)."""
    offering: Any
    """Required. The catalog offering for (cloud, accelerator, gpus_per_node, region)."""


@documented('Declare an autoscaled GPU VM fleet on one cloud.', AutoscalingGroupArgs)
class AutoscalingGroup(pulumi.ComponentResource):
    """GPU VMs scaled on CPU utilisation between ``min_nodes`` and ``max_nodes``."""

    group_name: pulumi.Output[str]
    """The ASG / scale set / instance group manager name."""
    machine_type: str
    """The instance type / VM size / machine type from the catalog."""
    details: dict[str, Any]
    """Cloud-specific outputs and the underlying resources."""

    def __init__(self, name: str, args: AutoscalingGroupArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:AutoscalingGroup", name, None, opts)
        self.machine_type = args["offering"].instance_type
        built = build_on_cloud(self, "vm_group", args["scope"].cloud, args, name)
        self.group_name = built.pop("group_name")
        self.details = built
        self.register_outputs({"group_name": self.group_name, "machine_type": self.machine_type})
