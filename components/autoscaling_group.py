"""AutoscalingGroup: a GPU VM fleet outside Kubernetes (ASG, VM scale set, managed instance group)."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import cloud_builder
from aiscale._docs import documented
from aiscale.network import Network
from aiscale.scope import CloudScope
from aiscale.vm_group_spec import BuiltVmGroup, VmGroupBuild


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

    def __init__(self, name: str, args: AutoscalingGroupArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:AutoscalingGroup", name, None, opts)
        self.machine_type = args["offering"].instance_type
        build = VmGroupBuild(name=name, scope=args["scope"], network=args["network"], group=args["group"],
                             offering=args["offering"], ssh_public_key=args.get("ssh_public_key"))
        self._built: BuiltVmGroup = cloud_builder(build.scope.cloud, "vm_group").build(self, build)
        self.group_name = self._built.group_name
        self.register_outputs({"group_name": self.group_name, "machine_type": self.machine_type})

    @property
    def built(self) -> BuiltVmGroup:
        """What the cloud's builder declared: the group name, the cloud's facts (a subclass of
        :class:`BuiltVmGroup` per cloud) and the resources by role."""
        return self._built

    @property
    def details(self) -> dict[str, Any]:
        """Cloud-specific outputs and the underlying resources by role (the escape hatch)."""
        return self._built.as_details()
