"""Shared fixtures for the GCP compute tests: a platform model and a program runner.

``gcp_stack(body, **model)`` runs a program on the offline preview engine that opens the GCP
scope (provider + per-cloud component) for a validated platform model and calls
``body(scope, platform)`` to declare the components under test.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import pulumi
import pytest

from aiscale.model import load_platform
from aiscale.preview.engine import PreviewResult, run_inline

BASE_MODEL: dict[str, Any] = {
    "name": "acme-ml",
    "environment": "dev",
    "tags": {"team": "ml-platform", "cost-center": "cc-1234"},
    "clouds": {"gcp": {"project": "acme-ml-dev", "region": "us-central1"}},
    "node_pools": [
        {"name": "train", "accelerator": "nvidia-a100-80gb", "gpus_per_node": 8, "min_nodes": 0,
         "max_nodes": 4, "capacity": "spot", "disk_gb": 200, "labels": {"workload": "training"},
         "taints": ["team=research:NoExecute"]},
        {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "min_nodes": 1,
         "max_nodes": 6},
    ],
    "autoscaling_groups": [
        {"name": "batch", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 20,
         "capacity": "spot", "target_cpu_utilization": 60},
        {"name": "render", "accelerator": "nvidia-t4", "gpus_per_node": 2, "min_nodes": 1,
         "max_nodes": 3},
    ],
}
"""A small valid model on GCP with a spot and an on-demand pool and group."""

EXISTING_NETWORK = {
    "network": "projects/shared-vpc-host/global/networks/shared",
    "subnetwork": "projects/shared-vpc-host/regions/us-central1/subnetworks/ml",
}
"""A model ``network.existing.gcp`` value."""


def model(**overrides: Any) -> Any:
    """``load_platform`` of BASE_MODEL with top-level keys replaced."""
    raw = copy.deepcopy(BASE_MODEL)
    raw.update(copy.deepcopy(overrides))
    return load_platform(raw)


Body = Callable[[Any, Any], Any]


def run_gcp(body: Body, **overrides: Any) -> PreviewResult:
    """Preview a program that opens the GCP scope for ``model(**overrides)`` and calls ``body``."""
    platform = model(**overrides)

    def program() -> None:
        from aiscale.gcp.provider import open_scope

        root = pulumi.ComponentResource("aiscale:index:AiPlatform", platform.name)
        scope = open_scope(platform.name, platform, dict(platform.tags),
                           "aiscale:index:CloudDeployment", root)
        body(scope, platform)

    return run_inline(program, config={"gcp:project": platform.clouds.gcp.project,
                                       "gcp:region": platform.clouds.gcp.region})


@pytest.fixture
def gcp_stack() -> Callable[..., PreviewResult]:
    """``gcp_stack(body, **model_overrides)``: preview a program that declares ``body``."""
    return run_gcp


@pytest.fixture(scope="session")
def base_stack() -> PreviewResult:
    """One preview of the base model: network, cluster, both GPU pools and both VM groups
    (shared by the read-only tests)."""

    def body(scope: Any, platform: Any) -> None:
        network = declare_network(scope, platform)
        declare_pools(scope, platform, declare_cluster(scope, platform, network))
        declare_groups(scope, platform, network)

    return run_gcp(body)


def declare_network(scope: Any, platform: Any) -> Any:
    """The platform's ``Network`` on GCP (new, or the existing one the model names)."""
    from aiscale.network import Network

    existing = platform.network.existing.gcp if platform.network.existing else None
    return Network(f"{platform.name}-gcp-network",
                   {"scope": scope, "cidr": platform.network.cidr, "existing": existing},
                   scope.options())


def declare_cluster(scope: Any, platform: Any, network: Any = None) -> Any:
    """The platform's ``KubernetesCluster`` on GCP."""
    from aiscale.kubernetes_cluster import KubernetesCluster

    settings = platform.kubernetes
    return KubernetesCluster(
        f"{platform.name}-gcp-cluster",
        {"scope": scope, "network": network or declare_network(scope, platform),
         "version": settings.version, "api_access": settings.api_access,
         "authorized_networks": list(settings.authorized_networks)},
        scope.options())


def declare_pools(scope: Any, platform: Any, cluster: Any) -> list[Any]:
    """One ``GpuNodePool`` per model node pool."""
    from aiscale.catalog import resolve
    from aiscale.gpu_node_pool import GpuNodePool

    return [GpuNodePool(f"{platform.name}-gcp-{pool.name}",
                        {"scope": scope, "cluster": cluster, "pool": pool,
                         "offering": resolve("gcp", pool.accelerator, pool.gpus_per_node, scope.region)},
                        scope.options())
            for pool in platform.node_pools]


def declare_groups(scope: Any, platform: Any, network: Any = None) -> list[Any]:
    """One ``AutoscalingGroup`` per model autoscaling group."""
    from aiscale.autoscaling_group import AutoscalingGroup
    from aiscale.catalog import resolve

    network = network or declare_network(scope, platform)
    return [AutoscalingGroup(f"{platform.name}-gcp-{group.name}",
                             {"scope": scope, "network": network, "group": group,
                              "offering": resolve("gcp", group.accelerator, group.gpus_per_node, scope.region)},
                             scope.options())
            for group in platform.autoscaling_groups]


@pytest.fixture
def declare() -> Any:
    """The ``declare_*`` helpers and the model constants, for test modules (which cannot import
    this conftest in importlib mode)."""
    from types import SimpleNamespace

    return SimpleNamespace(network=declare_network, cluster=declare_cluster, pools=declare_pools,
                           groups=declare_groups, model=model, existing_network=EXISTING_NETWORK)
