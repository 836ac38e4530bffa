"""What a ``KubernetesCluster`` builder reads and returns: :class:`ClusterBuild` and :class:`BuiltCluster`.

``aiscale.kubernetes_cluster`` validates its arguments into a :class:`ClusterBuild`; each cloud's
cluster builder (``aiscale.<cloud>.cluster``) reads it and returns a subclass of
:class:`BuiltCluster` holding the cloud's own extras. What a node pool builder reads of its
cluster is the cloud's node target (``node_target()``, a type of ``aiscale.<cloud>.node_pool``),
which an existing cluster (``aiscale.pool_args.ExistingCluster``) provides too. Both sides
import this module, so no builder imports the component.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, Mapping

import pulumi

from aiscale.scope import CloudScope

if TYPE_CHECKING:
    from aiscale.network import Network

ApiAccess = Literal["private", "restricted"]
"""How the cluster's API endpoint is reached: ``private`` (no public endpoint) or
``restricted`` (public, limited to the authorized networks)."""
API_ACCESS: tuple[ApiAccess, ...] = ("private", "restricted")
"""The valid values of :data:`ApiAccess`."""
DEFAULT_VERSION = "1.31"
"""The Kubernetes minor version when none is given."""


@dataclass(frozen=True, kw_only=True)
class ClusterBuild:
    """What a cluster builder (``aiscale.<cloud>.cluster.build``) reads, defaults resolved."""

    name: str
    """The component's logical name: the prefix of its children's names."""
    scope: CloudScope
    """The cloud, region, provider, tags and parent to declare on."""
    network: "Network"
    """The network whose private subnets the cluster uses (its ``built`` holds the cloud's extras)."""
    version: str = DEFAULT_VERSION
    """The Kubernetes minor version, e.g. ``"1.31"``."""
    api_access: ApiAccess = "private"
    """How the API endpoint is reached."""
    authorized_networks: tuple[str, ...] = ()
    """CIDRs allowed to reach a ``restricted`` API endpoint (non-empty then)."""


@dataclass(frozen=True, kw_only=True)
class BuiltCluster:
    """What every cluster builder returns; each cloud's subclass adds what its node pool,
    endpoint and operations builders read."""

    cluster_name: pulumi.Input[str]
    """The cluster's name in the cloud."""
    kubeconfig: pulumi.Input[str]
    """A kubeconfig for the cluster (the face makes it a secret)."""
    kubernetes_provider: pulumi.ProviderResource
    """A ``pulumi_kubernetes.Provider`` for add-ons and workloads on this cluster."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role."""
    storage_dependencies: tuple[pulumi.Resource, ...] = ()
    """Resources a workload with PersistentVolumeClaims waits for (on EKS the EBS CSI add-on and
    the default StorageClass; empty where the cloud provisions volumes from the start)."""

    def node_target(self) -> Any:
        """What the cloud's node pool builder reads of this cluster (a per-cloud type)."""
        raise NotImplementedError(f"{type(self).__name__} names no node target")

    def as_details(self) -> dict[str, Any]:
        """The escape-hatch mapping of ``KubernetesCluster.details``: every field but the three
        outputs, the resources by role, and ``resources`` itself."""
        extras = {f.name: getattr(self, f.name) for f in fields(self)
                  if f.name not in ("cluster_name", "kubeconfig", "kubernetes_provider", "resources")}
        return {**extras, **self.resources, "resources": dict(self.resources)}
