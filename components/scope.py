"""Where a component is declared on one cloud: region, provider, parent and shared settings.

``AiPlatform`` opens one scope per configured cloud (an explicit provider for the model's
region, and on Azure the platform's resource group) and hands it to every builder, so builders
never re-derive regions, tags or protection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi

from aiscale.inheritance import ChildOptions


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

    inherited: Optional[ChildOptions] = None
    """What the data-holding resources on this cloud get (``protect``, ``retain_on_delete``,
    ``depends_on``): the environment's default strengthened by ``AiPlatform``'s own options.
    None: the environment's default."""

    @property
    def child_options(self) -> ChildOptions:
        """The options of the data-holding resources declared on this cloud."""
        return self.inherited or ChildOptions.for_environment(self.environment)

    @property
    def protect(self) -> bool:
        """Stateful resources are protected (in prod, or when ``AiPlatform`` is protected)."""
        return self.child_options.protect

    def stateful(self, parent: pulumi.Resource, **extra: Any) -> pulumi.ResourceOptions:
        """Options for a data-holding child of ``parent`` (key, cluster, vault, workspace)."""
        return self.child_options.stateful(parent, **extra)

    def data_component_options(self, **extra: Any) -> pulumi.ResourceOptions:
        """Options for a component that holds data and takes ``protect`` as an argument
        (``ObjectStore``, ``AccessLogBucket``): what :attr:`child_options` adds beyond it."""
        inherited = self.child_options
        if inherited.retain_on_delete and not inherited.protect:
            extra["retain_on_delete"] = True
        if inherited.depends_on:
            extra["depends_on"] = [*inherited.depends_on, *extra.get("depends_on", [])]
        return self.options(**extra)

    def options(self, **extra) -> pulumi.ResourceOptions:
        """Options for a component declared on this cloud: parented under the cloud's component."""
        return pulumi.ResourceOptions(parent=self.parent, **extra)
