"""The AWS scope: an explicit ``aws.Provider`` for the model's region."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws

from aiscale.inheritance import ChildOptions, provider_options
from aiscale.scope import CloudScope


def open_scope(name: str, platform, tags: dict[str, str], group_type: str,
               parent: pulumi.Resource, inherited: Optional[ChildOptions] = None,
               aliases: Optional[list] = None) -> CloudScope:
    """Declare the AWS provider and the per-cloud component; return the scope."""
    settings = platform.clouds.aws
    provider = pulumi_aws.Provider(f"{name}-aws", region=settings.region,
                                   opts=provider_options(parent, inherited, aliases))
    group = pulumi.ComponentResource(group_type, f"{name}-aws", None,
                                     pulumi.ResourceOptions(parent=parent, providers=[provider], aliases=aliases))
    return CloudScope(cloud="aws", platform=platform.name, environment=platform.environment,
                      region=settings.region, parent=group, provider=provider,
                      tags=tags, inherited=inherited, zones=tuple(settings.zones or ()))
