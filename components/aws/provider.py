"""The AWS scope: an explicit ``aws.Provider`` for the model's region."""

from __future__ import annotations

import pulumi
import pulumi_aws

from aiscale.scope import CloudScope


def open_scope(name: str, platform, tags: dict[str, str], group_type: str,
               parent: pulumi.Resource) -> CloudScope:
    """Declare the AWS provider and the per-cloud component; return the scope."""
    settings = platform.clouds.aws
    provider = pulumi_aws.Provider(f"{name}-aws", region=settings.region,
                                   opts=pulumi.ResourceOptions(parent=parent))
    group = pulumi.ComponentResource(group_type, f"{name}-aws", None,
                                     pulumi.ResourceOptions(parent=parent, providers=[provider]))
    return CloudScope(cloud="aws", platform=platform.name, environment=platform.environment,
                      region=settings.region, parent=group, provider=provider,
                      tags=tags, zones=tuple(settings.zones or ()))
