"""The Azure scope: an explicit ``azure-native`` provider and the platform's resource group."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_azure_native
import pulumi_azure_native.resources as resources

from aiscale.azure import naming
from aiscale.inheritance import ChildOptions, provider_options
from aiscale.scope import CloudScope


def open_scope(name: str, platform, tags: dict[str, str], group_type: str,
               parent: pulumi.Resource, inherited: Optional[ChildOptions] = None,
               aliases: Optional[list] = None) -> CloudScope:
    """Declare the provider, the per-cloud component and the resource group; return the scope."""
    location = platform.clouds.azure.location
    provider = pulumi_azure_native.Provider(f"{name}-azure", location=location,
                                            opts=provider_options(parent, inherited, aliases))
    group = pulumi.ComponentResource(group_type, f"{name}-azure", None,
                                     pulumi.ResourceOptions(parent=parent, providers=[provider], aliases=aliases))
    inherited = inherited or ChildOptions.for_environment(platform.environment)
    resource_group = resources.ResourceGroup(
        f"{name}-rg",
        resource_group_name=f"{platform.name}-{platform.environment}-rg",
        location=location,
        tags=naming.azure_tags(tags),
        opts=inherited.stateful(group),
    )
    return CloudScope(cloud="azure", platform=platform.name, environment=platform.environment,
                      region=location, parent=group, provider=provider,
                      tags=tags, inherited=inherited, resource_group_name=resource_group.name)
