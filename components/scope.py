"""Where a component is declared on one cloud: region, provider, parent and shared settings.

``AiPlatform`` opens one scope per configured cloud (an explicit provider for the model's
region, and on Azure the platform's resource group) and hands it to every builder, so builders
never re-derive regions, tags or protection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi


@dataclass(frozen=True)
class CloudScope:
    """The settings every builder on one cloud shares."""

    cloud: str
    """``aws``, ``azure`` or ``gcp``."""
    platform: str
    """The platform name (``name`` in the model)."""
    environment: str
    """``dev``, ``staging`` or ``prod``."""
    region: str
    """The AWS region, Azure location or GCP region."""
    parent: pulumi.Resource
    """The per-cloud component that parents everything on this cloud (and carries the provider)."""
    provider: pulumi.ProviderResource
    """The explicit provider for ``region``."""
    tags: dict[str, str] = field(default_factory=dict)
    """Cost-allocation tags, unsanitised (builders sanitise per cloud with ``aiscale.naming``)."""
    zones: tuple[str, ...] = ()
    """AWS availability zones from the model (empty: the builder chooses)."""
    gcp_project: Optional[str] = None
    """The GCP project (GCP only)."""
    resource_group_name: Optional[pulumi.Output[str]] = None
    """The platform's resource group (Azure only)."""

    @property
    def protect(self) -> bool:
        """Stateful resources are protected and retained on delete in prod."""
        return self.environment == "prod"

    def options(self, **extra) -> pulumi.ResourceOptions:
        """Options for a component declared on this cloud: parented under the cloud's component."""
        return pulumi.ResourceOptions(parent=self.parent, **extra)
