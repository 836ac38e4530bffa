"""The GCP scope: an explicit ``gcp.Provider`` for the model's project and region."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_gcp

from aiscale.inheritance import ChildOptions, provider_options
from aiscale.scope import CloudScope


def open_scope(name: str, platform, tags: dict[str, str], group_type: str,
               parent: pulumi.Resource, inherited: Optional[ChildOptions] = None,
               aliases: Optional[list] = None) -> CloudScope:
    """Declare the provider and the per-cloud component; return the scope."""
    settings = platform.clouds.gcp
    provider = pulumi_gcp.Provider(f"{name}-gcp", project=settings.project, region=settings.region,
                                   opts=provider_options(parent, inherited, aliases))
    group = pulumi.ComponentResource(group_type, f"{name}-gcp", None,
                                     pulumi.ResourceOptions(parent=parent, providers=[provider], aliases=aliases))
    return CloudScope(cloud="gcp", platform=platform.name, environment=platform.environment,
                      region=settings.region, parent=group, provider=provider,
                      tags=tags, inherited=inherited, gcp_project=settings.project)
