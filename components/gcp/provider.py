"""The GCP scope: an explicit ``gcp.Provider`` for the model's project and region."""

from __future__ import annotations

import pulumi
import pulumi_gcp

from aiscale.scope import CloudScope


def open_scope(name: str, platform, tags: dict[str, str], group_type: str,
               parent: pulumi.Resource) -> CloudScope:
    """Declare the provider and the per-cloud component; return the scope."""
    settings = platform.clouds.gcp
    provider = pulumi_gcp.Provider(f"{name}-gcp", project=settings.project, region=settings.region,
                                   opts=pulumi.ResourceOptions(parent=parent))
    group = pulumi.ComponentResource(group_type, f"{name}-gcp", None,
                                     pulumi.ResourceOptions(parent=parent, providers=[provider]))
    return CloudScope(cloud="gcp", platform=platform.name, environment=platform.environment,
                      region=settings.region, parent=group, provider=provider,
                      tags=tags, gcp_project=settings.project)
