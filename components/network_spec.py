"""What a ``Network`` builder reads and returns: :class:`NetworkBuild` and :class:`BuiltNetwork`.

``aiscale.network`` resolves its arguments into a :class:`NetworkBuild`; each cloud's network
builder (``aiscale.<cloud>.network``) reads it and returns a subclass of :class:`BuiltNetwork`
holding the cloud's own extras (the subnets and ranges its cluster and VM group builders read).
Both sides import this module, so no builder imports the component.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Optional, Union

import pulumi
from pydantic import BaseModel

from aiscale.scope import CloudScope

DEFAULT_CIDR = "10.40.0.0/16"
"""The address space of a new network when none is given."""
ExistingNetwork = Union[BaseModel, Mapping[str, Any]]
"""An existing network's ids: the model's ``network.existing.<cloud>`` section, or a mapping
with the same keys (each cloud's builder checks the keys it needs)."""


@dataclass(frozen=True, kw_only=True)
class NetworkBuild:
    """What a network builder (``aiscale.<cloud>.network.build``) reads."""

    name: str
    """The component's logical name: the prefix of its children's names."""
    scope: CloudScope
    """The cloud, region, provider, tags and parent to declare on."""
    cidr: str = DEFAULT_CIDR
    """The address space of a new network."""
    existing: Optional[ExistingNetwork] = None
    """The existing network to adopt instead of creating one (on Azure also the whole
    ``network.existing`` section). None or empty: a new network is created."""


@dataclass(frozen=True, kw_only=True)
class BuiltNetwork:
    """What every network builder returns; each cloud's subclass adds what its other builders read."""

    network_id: pulumi.Input[str]
    """The VPC id, VNet id or network self link."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnet ids (AWS: one per zone; Azure: the nodes subnet; GCP: the subnetwork)."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role (empty for an existing network); a role may hold a list
    (AWS ``private_subnets``)."""

    def as_details(self) -> dict[str, Any]:
        """The escape-hatch mapping of ``Network.details``: every field but the two outputs, the
        resources by role, and ``resources`` itself."""
        extras = {f.name: getattr(self, f.name) for f in fields(self)
                  if f.name not in ("network_id", "subnet_ids", "resources")}
        return {**extras, **self.resources, "resources": dict(self.resources)}
