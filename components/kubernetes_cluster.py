"""KubernetesCluster: a hardened EKS, AKS or GKE cluster with a small CPU system pool."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import cloud_builder
from aiscale._docs import documented
from aiscale.cluster_spec import API_ACCESS, DEFAULT_VERSION, BuiltCluster, ClusterBuild
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
    kubernetes_provider: pulumi.ProviderResource
    """A ``pulumi_kubernetes.Provider`` for add-ons and workloads on this cluster."""

    def __init__(self, name: str, args: KubernetesClusterArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:KubernetesCluster", name, None, opts)
        build = _resolve(name, args)
        self._built: BuiltCluster = cloud_builder(build.scope.cloud, "cluster").build(self, build)
        self.cluster_name = self._built.cluster_name
        self.kubeconfig = pulumi.Output.secret(self._built.kubeconfig)
        self.kubernetes_provider = self._built.kubernetes_provider
        self.register_outputs({"cluster_name": self.cluster_name, "kubeconfig": self.kubeconfig})

    @property
    def built(self) -> BuiltCluster:
        """What the cloud's builder declared: the outputs, the cloud's extras (a subclass of
        :class:`BuiltCluster` per cloud) and the resources by role."""
        return self._built

    @property
    def node_target(self) -> Any:
        """What the cloud's node pool builder reads of this cluster."""
        return self._built.node_target()

    @property
    def details(self) -> dict[str, Any]:
        """Cloud-specific outputs (OIDC issuer, node identity, ...) and the underlying resources
        by role (the escape hatch)."""
        return self._built.as_details()


def _resolve(name: str, args: KubernetesClusterArgs) -> ClusterBuild:
    """The builder's arguments with defaults applied; a bad ``api_access`` or a restricted API
    without authorized networks is an error naming the field."""
    api_access = args.get("api_access", "private")
    authorized = tuple(args.get("authorized_networks") or ())
    if api_access not in API_ACCESS:
        raise ValueError(f"api_access: got {api_access!r}; valid: {', '.join(API_ACCESS)}")
    if api_access == "restricted" and not authorized:
        raise ValueError("authorized_networks: got []; a restricted API needs at least one CIDR")
    return ClusterBuild(name=name, scope=args["scope"], network=args["network"],
                        version=args.get("version", DEFAULT_VERSION), api_access=api_access,
                        authorized_networks=authorized)
