"""The root of the platform model: the value of the stack config key `aiscale:platform`."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import AfterValidator

from ._base import ProblemCollector, SpecModel, matches
from .compute import AutoscalingGroup, NodePool
from .endpoints import Endpoint
from .operations import Operations
from .sections import Clouds, KubernetesSettings, NetworkSettings
from .storage import Bucket

PLATFORM_NAME = r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$"
PlatformName = matches(PLATFORM_NAME, "3-22 characters: lowercase letters, digits and '-', "
                       "starting with a letter and ending with a letter or digit")

MAX_TAG_KEY = 128
"""Longest tag key accepted on every cloud (AWS and Azure allow 128 characters, GCP fewer)."""
MAX_TAG_VALUE = 256
"""Longest tag value accepted on every cloud (AWS and Azure allow 256 characters)."""


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    problems = ProblemCollector()
    for key, value in tags.items():
        if not key or len(key) > MAX_TAG_KEY:
            problems.add((key,), key, f"tag key must be 1-{MAX_TAG_KEY} characters")
        elif key.lower().startswith("aws:"):
            problems.add((key,), key, "tag keys starting with aws: are reserved by AWS")
        if len(value) > MAX_TAG_VALUE:
            problems.add((key,), value, f"tag value must be at most {MAX_TAG_VALUE} characters")
    problems.raise_if_any()
    return tags


class Platform(SpecModel):
    """A whole AI platform: where it runs, its GPU compute, storage, endpoints and operations.

    Build it with `load_platform`, which also applies the rules across sections and the
    catalog, and resolves every section's `clouds`.
    """

    name: PlatformName
    """Platform name, part of every resource name: 3-22 lowercase letters, digits and '-'.
    Required."""
    environment: Literal["dev", "staging", "prod"]
    """dev, staging or prod (prod protects stateful resources). Required."""
    tags: Annotated[dict[str, str], AfterValidator(_check_tags)] = {}
    """Tags put on every taggable resource (labels on GCP, so with GCP configured keys and
    values must also be valid GCP labels). Omitted: none."""
    clouds: Clouds
    """The clouds used, each with its region; at least one. Required."""
    kubernetes: KubernetesSettings = KubernetesSettings()
    """The Kubernetes cluster created on each cloud that needs one. Omitted: all defaults."""
    network: NetworkSettings = NetworkSettings()
    """The network of each cloud. Omitted: a 10.40.0.0/16 network is created on each cloud."""
    node_pools: tuple[NodePool, ...] = ()
    """GPU node pools on the managed Kubernetes of each target cloud. Omitted: none."""
    autoscaling_groups: tuple[AutoscalingGroup, ...] = ()
    """GPU VM fleets outside Kubernetes. Omitted: none."""
    buckets: tuple[Bucket, ...] = ()
    """Object-storage buckets. Omitted: none."""
    endpoints: tuple[Endpoint, ...] = ()
    """Model-serving endpoints. Omitted: none."""
    operations: Optional[Operations] = None
    """Budgets and notification targets. Omitted: none."""

    @property
    def configured_clouds(self) -> tuple[str, ...]:
        """The configured cloud ids, in the order aws, azure, gcp."""
        return self.clouds.configured

    def region_of(self, cloud: str) -> str:
        """The region of a configured cloud: AWS region, Azure location or GCP region.

        Raises ValueError naming the configured clouds when `cloud` is not one of them.
        """
        return self.clouds.region_of(cloud)

    def needs_kubernetes(self, cloud: str) -> bool:
        """True when a node pool or a kubernetes-runtime endpoint targets `cloud`."""
        return any(cloud in pool.clouds for pool in self.node_pools) or any(
            cloud in endpoint.clouds
            for endpoint in self.endpoints
            if endpoint.runtime == "kubernetes"
        )
