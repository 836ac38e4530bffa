"""KubernetesCluster: a hardened EKS, AKS or GKE cluster with a small CPU system pool."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import build_on_cloud
from aiscale._docs import documented
from aiscale.network import Network
from aiscale.scope import CloudScope


class KubernetesClusterArgs(TypedDict, total=False):
    """Arguments of :class:`KubernetesCluster`."""

    scope: CloudScope
    """Required. The cloud, region, provider and parent to declare on."""
    network: Network
    """Required. The network whose private subnets the cluster uses."""
    version: str
    """Kubernetes minor version, e.g. ``"1.31"``. Omitted: ``"1.31"``."""
    api_access: str
    """``private`` (no public API endpoint) or ``restricted`` (public, limited to
    ``authorized_networks``). Omitted: ``private``."""
    authorized_networks: list[str]
    """CIDRs allowed to reach a ``restricted`` API endpoint. Omitted: none."""


@documented('Declare a hardened managed Kubernetes cluster on one cloud.', KubernetesClusterArgs)
class KubernetesCluster(pulumi.ComponentResource):
    """A managed Kubernetes cluster: private or restricted API, encrypted secrets, audit logs,
    network policy, workload identity, managed upgrades."""

    cluster_name: pulumi.Output[str]
    """The cluster's name in the cloud."""
    kubeconfig: pulumi.Output[str]
    """A kubeconfig for the cluster (a secret output)."""
    kubernetes_provider: Any
    """A ``pulumi_kubernetes.Provider`` for add-ons and workloads on this cluster."""
    details: dict[str, Any]
    """Cloud-specific outputs (OIDC issuer, node identity, ...) and the underlying resources."""

    def __init__(self, name: str, args: KubernetesClusterArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:KubernetesCluster", name, None, opts)
        args = {"version": "1.31", "api_access": "private", "authorized_networks": [], **args}
        if args["api_access"] not in ("private", "restricted"):
            raise ValueError(f"api_access: got {args['api_access']!r}; valid: private, restricted")
        if args["api_access"] == "restricted" and not args["authorized_networks"]:
            raise ValueError("authorized_networks: got []; a restricted API needs at least one CIDR")
        built = build_on_cloud(self, "cluster", args["scope"].cloud, args, name)
        self.cluster_name = built.pop("cluster_name")
        self.kubeconfig = pulumi.Output.secret(built.pop("kubeconfig"))
        self.kubernetes_provider = built.pop("kubernetes_provider")
        self.details = built
        self.register_outputs({"cluster_name": self.cluster_name, "kubeconfig": self.kubeconfig})
