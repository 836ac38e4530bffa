"""Helpers for the Azure compute tests: a small platform model and the program that builds it."""

from __future__ import annotations

from typing import Any

import pulumi

from aiscale import catalog
from aiscale.model import load_platform

LOCATION = "eastus"
SUBNET_ID = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/"
             "Microsoft.Network/virtualNetworks/hub/subnets/aks")


def platform_model(**overrides: Any):
    """A small valid Azure platform model, with top-level fields replaced by ``overrides``."""
    raw: dict[str, Any] = {
        "name": "acme-ml",
        "environment": "dev",
        "tags": {"team": "ml-platform", "cost-center": "cc-1234"},
        "clouds": {"azure": {"location": LOCATION}},
    }
    raw.update(overrides)
    return load_platform(raw)


def build_platform(platform: Any, *, cluster: bool = True) -> None:
    """The program body: scope, network, cluster, node pools and groups of ``platform`` on Azure."""
    from aiscale.autoscaling_group import AutoscalingGroup
    from aiscale.azure.provider import open_scope
    from aiscale.gpu_node_pool import GpuNodePool
    from aiscale.kubernetes_cluster import KubernetesCluster
    from aiscale.network import Network

    root = pulumi.ComponentResource("aiscale:index:AiPlatform", "p")
    scope = open_scope("p", platform, dict(platform.tags), "aiscale:index:CloudDeployment", root)
    network = Network("p-azure-network", {"scope": scope, "cidr": platform.network.cidr,
                                           "existing": platform.network.existing.azure}, scope.options())
    k8s = None
    if cluster:
        settings = platform.kubernetes
        k8s = KubernetesCluster("p-azure-cluster", {
            "scope": scope, "network": network, "version": settings.version,
            "api_access": settings.api_access,
            "authorized_networks": list(settings.authorized_networks)}, scope.options())
        pulumi.export("kubeconfig", k8s.kubeconfig)
        pulumi.export("cluster_name", k8s.cluster_name)
        pulumi.export("oidc_issuer_url", k8s.details["oidc_issuer_url"])
        pulumi.export("kubelet_identity", k8s.details["kubelet_identity"])
    for pool in platform.node_pools:
        offering = catalog.resolve("azure", pool.accelerator, pool.gpus_per_node, scope.region)
        built = GpuNodePool(f"p-azure-{pool.name}", {"scope": scope, "cluster": k8s, "pool": pool,
                                                     "offering": offering}, scope.options())
        pulumi.export(f"pool_{pool.name}", built.pool_name)
    for group in platform.autoscaling_groups:
        offering = catalog.resolve("azure", group.accelerator, group.gpus_per_node, scope.region)
        built = AutoscalingGroup(f"p-azure-{group.name}", {"scope": scope, "network": network,
                                                          "group": group, "offering": offering},
                                 scope.options())
        pulumi.export(f"group_{group.name}", built.group_name)
    pulumi.export("network_id", network.network_id)
    pulumi.export("subnet_ids", network.subnet_ids)


def depends_on(record: Any, key: str, name: str) -> bool:
    """Whether input ``key`` of ``record`` came from the resource whose logical name is ``name``."""
    return any(urn.endswith(f"::{name}") for urn in record.property_dependencies.get(key, []))
