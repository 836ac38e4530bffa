"""Network: private subnets with NAT egress on one cloud, or the existing network it is given."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import build_on_cloud
from aiscale._docs import documented
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
    details: dict[str, Any]
    """Cloud-specific outputs and the underlying resources (the escape hatch)."""

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:Network", name, None, opts)
        built = build_on_cloud(self, "network", args["scope"].cloud, {"cidr": "10.40.0.0/16", **args}, name)
        self.network_id = built.pop("network_id")
        self.subnet_ids = built.pop("subnet_ids")
        self.details = built
        self.register_outputs({"network_id": self.network_id, "subnet_ids": self.subnet_ids})
