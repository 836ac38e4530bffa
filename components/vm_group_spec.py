"""What an ``AutoscalingGroup`` builder reads and returns: :class:`VmGroupBuild` and :class:`BuiltVmGroup`.

``aiscale.autoscaling_group`` gathers its arguments into a :class:`VmGroupBuild`; each cloud's
VM group builder (``aiscale.<cloud>.vm_group``) reads it and returns a subclass of
:class:`BuiltVmGroup` holding the cloud's own facts. Both sides import this module, so no
builder imports the component.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Mapping, Optional

import pulumi

from aiscale.catalog import Offering
from aiscale.model import AutoscalingGroup as GroupSpec
from aiscale.scope import CloudScope

if TYPE_CHECKING:
    from aiscale.network import Network


@dataclass(frozen=True, kw_only=True)
class VmGroupBuild:
    """What a VM group builder (``aiscale.<cloud>.vm_group.build``) reads."""

    name: str
    """The component's logical name: the prefix of its children's names."""
    scope: CloudScope
    """The cloud, region, provider, tags and parent to declare on."""
    network: "Network"
    """The network whose private subnets the VMs use (its ``built`` holds the cloud's extras)."""
    group: GroupSpec
    """The model's autoscaling group: name, accelerator, GPUs, bounds, ``capacity``
    (``on-demand`` or ``spot``), disk and CPU target."""
    offering: Offering
    """The catalog offering for the group's accelerator and GPU count in the region."""
    ssh_public_key: Optional[str] = None
    """Azure only: the admin SSH public key. None: a key nobody holds (Entra ID login only)."""


@dataclass(frozen=True, kw_only=True)
class BuiltVmGroup:
    """What every VM group builder returns; each cloud's subclass adds the cloud's own facts."""

    group_name: pulumi.Input[str]
    """The Auto Scaling group / scale set / instance group manager name."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role."""

    def as_details(self) -> dict[str, Any]:
        """The escape-hatch mapping of ``AutoscalingGroup.details``: every field but
        ``group_name``, the resources by role, and ``resources`` itself."""
        extras = {f.name: getattr(self, f.name) for f in fields(self)
                  if f.name not in ("group_name", "resources")}
        return {**extras, **self.resources, "resources": dict(self.resources)}
