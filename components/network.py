"""Network: private subnets with NAT egress on one cloud, or the existing network it is given."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import cloud_builder
from aiscale._docs import documented
from aiscale.network_spec import DEFAULT_CIDR, BuiltNetwork, NetworkBuild
from aiscale.scope import CloudScope


class NetworkArgs(TypedDict, total=False):
    """Arguments of :class:`Network`."""

    scope: CloudScope
    """Required. The cloud, region, provider and parent to declare on."""
    cidr: str
    """The address space of a new network. Omitted: ``10.40.0.0/16``."""
    existing: Optional[dict]
    """Existing network ids for this cloud (the model's ``network.existing.<cloud>``). Omitted:
    a new network is created."""


@documented('Declare a private network on one cloud (or adopt an existing one).', NetworkArgs)
class Network(pulumi.ComponentResource):
    """A VPC / VNet / VPC network with private subnets across the zones and NAT egress."""

    network_id: pulumi.Output[str]
    """The VPC id, VNet id or network self link."""
    subnet_ids: pulumi.Output[list]
    """Private subnet ids (AWS: one per zone; Azure: the nodes subnet; GCP: the subnetwork)."""

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:Network", name, None, opts)
        build = NetworkBuild(name=name, scope=args["scope"], cidr=args.get("cidr") or DEFAULT_CIDR,
                             existing=args.get("existing"))
        self._built: BuiltNetwork = cloud_builder(build.scope.cloud, "network").build(self, build)
        self.network_id = self._built.network_id
        self.subnet_ids = self._built.subnet_ids
        self.register_outputs({"network_id": self.network_id, "subnet_ids": self.subnet_ids})

    @property
    def built(self) -> BuiltNetwork:
        """What the cloud's builder declared: the ids, the cloud's extras (a subclass of
        :class:`BuiltNetwork` per cloud) and the resources by role."""
        return self._built

    @property
    def details(self) -> dict[str, Any]:
        """Cloud-specific outputs and the underlying resources by role (the escape hatch)."""
        return self._built.as_details()
