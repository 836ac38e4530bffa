"""AiPlatform: the whole platform model turned into components, one subtree per cloud.

The tree reads like the model: ``AiPlatform`` > one ``CloudDeployment`` per configured cloud
(carrying that cloud's explicit provider) > the capability components (``ObjectStore``, ...).
Logical names come from the model's names, never from list positions, so reordering a list or
renaming another entry never replaces a bucket or a key.
"""

from __future__ import annotations

import importlib
from typing import Any, Optional, TypedDict

import pulumi

from aiscale.model import Platform
from aiscale.scope import CloudScope

#: The type token of the per-cloud grouping component.
CLOUD_DEPLOYMENT_TYPE = "aiscale:index:CloudDeployment"


class AiPlatformArgs(TypedDict):
    """Arguments of :class:`AiPlatform`."""

    platform: Platform
    """The validated platform model (``aiscale.model.load_platform``)."""


def resource_tags(platform: Platform) -> dict[str, str]:
    """The tags on every taggable resource: the model's tags plus platform, environment and
    ``managed-by`` (the model's own values win where they name the same key)."""
    return {"platform": platform.name, "environment": platform.environment,
            "managed-by": "aiscale", **dict(platform.tags)}


class AiPlatform(pulumi.ComponentResource):
    """Every resource of one platform model, on every cloud it configures."""

    scopes: dict[str, CloudScope]
    """The per-cloud scopes (provider, region, parent), by cloud."""
    buckets: dict[str, dict[str, Any]]
    """``ObjectStore`` components by cloud, then by bucket name."""
    bucket_names: pulumi.Output[dict]
    """Physical bucket names: ``{cloud: {bucket: name}}``."""
    bucket_urls: pulumi.Output[dict]
    """Bucket URLs (``s3://``, ``https://<account>.blob...``, ``gs://``): ``{cloud: {bucket: url}}``."""

    def __init__(self, name: str, args: AiPlatformArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:AiPlatform", name, None, opts)
        platform = args["platform"]
        tags = resource_tags(platform)
        self.scopes = {}
        for cloud in platform.configured_clouds:
            provider_module = importlib.import_module(f"aiscale.{cloud}.provider")
            self.scopes[cloud] = provider_module.open_scope(name, platform, tags, CLOUD_DEPLOYMENT_TYPE, self)
        self.buckets = self._object_stores(name, platform)
        self.bucket_names = pulumi.Output.from_input(
            {cloud: {bucket: store.bucket_name for bucket, store in stores.items()}
             for cloud, stores in self.buckets.items()})
        self.bucket_urls = pulumi.Output.from_input(
            {cloud: {bucket: store.bucket_url for bucket, store in stores.items()}
             for cloud, stores in self.buckets.items()})
        self.register_outputs({"bucket_names": self.bucket_names, "bucket_urls": self.bucket_urls})

    def _object_stores(self, name: str, platform: Platform) -> dict[str, dict[str, Any]]:
        from aiscale.object_store import ObjectStore

        stores: dict[str, dict[str, Any]] = {}
        for bucket in platform.buckets:
            for cloud in bucket.clouds:
                scope = self.scopes[cloud]
                lifecycle = bucket.lifecycle.model_dump() if bucket.lifecycle else None
                stores.setdefault(cloud, {})[bucket.name] = ObjectStore(
                    f"{name}-{cloud}-{bucket.name}",
                    {
                        "cloud": cloud,
                        "platform": platform.name,
                        "environment": platform.environment,
                        "bucket": bucket.name,
                        "region": scope.region,
                        "gcp_project": scope.gcp_project,
                        "resource_group_name": scope.resource_group_name,
                        "versioning": bucket.versioning,
                        "encryption": bucket.encryption,
                        "lifecycle": lifecycle,
                        "tags": scope.tags,
                        "protect": scope.protect,
                    },
                    scope.options(),
                )
        return stores
