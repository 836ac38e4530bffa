"""The stack as a graph for the wiring checks: which cluster a Kubernetes object runs on, which
cluster a node pool or add-on belongs to.

A Kubernetes object runs on the cluster its provider was built from: the provider resource
(``pulumi:providers:kubernetes``) depends on the cluster (its kubeconfig comes from the
cluster's outputs). A node pool, add-on or agent pool names its cluster by an input
(``clusterName``, ``cluster``, ``resourceName``) that depends on the cluster or equals its name.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Iterable, Optional, Sequence

from aiscale.facts import cluster_wiring, tokens
from aiscale.facts.values import UnknownValue

from ..context import ResourceView

DEFAULT_PROVIDER = "default"
"""The cluster key of Kubernetes objects on the default provider (the ambient kubeconfig)."""


class StackGraph:
    """The resources of one stack, indexed for cross-resource checks."""

    def __init__(self, views: Sequence[ResourceView]) -> None:
        self.views = list(views)
        """Every resource of the stack."""
        self.by_urn = {view.urn: view for view in self.views}
        """URN -> resource."""

    def of_kind(self, *kinds: str) -> list[ResourceView]:
        """The resources whose canonical token is one of `kinds`."""
        return [view for view in self.views if view.canonical in kinds]

    @cached_property
    def clusters(self) -> dict[str, tuple[ResourceView, Any]]:
        """Cluster URN -> (resource, ClusterWiring) for every EKS, AKS and GKE cluster whose
        inputs are known."""
        found = {}
        for view in self.views:
            try:
                wiring = cluster_wiring.cluster(view.type, view.props)
            except UnknownValue:
                continue
            if wiring is not None:
                found[view.urn] = (view, wiring)
        return found

    def cluster_of(self, view: ResourceView) -> Optional[str]:
        """The URN of the cluster a Kubernetes object runs on, or None when its provider does
        not come from a cluster of this stack."""
        provider = self.by_urn.get(view.provider_urn or "")
        if provider is None:
            return None
        return next((urn for urn in _depends_on(provider) if urn in self.clusters), None)

    def cluster_key(self, view: ResourceView) -> str:
        """A key shared by the Kubernetes objects of one cluster: its URN, else the provider's
        URN, else DEFAULT_PROVIDER."""
        return self.cluster_of(view) or view.provider_urn or DEFAULT_PROVIDER

    def owner(self, view: ResourceView, name: Any, key: str) -> Optional[str]:
        """The cluster a pool or add-on belongs to: the cluster its input `key` (whose value is
        `name`) depends on, else the cluster of that name; None when neither is found."""
        for urn in view.property_dependencies.get(key, ()):
            if urn in self.clusters:
                return urn
        if isinstance(name, str) and name:
            for urn, (_, wiring) in self.clusters.items():
                if wiring.name == name:
                    return urn
        return next((urn for urn in view.dependencies if urn in self.clusters), None)

    def on_cluster(self, kinds: Iterable[str], key: str) -> list[ResourceView]:
        """The Kubernetes objects of `kinds` whose cluster key is `key`."""
        kinds = tuple(kinds)
        return [view for view in self.of_kind(*kinds) if self.cluster_key(view) == key]


def _depends_on(view: ResourceView) -> list[str]:
    urns = list(view.dependencies)
    for values in view.property_dependencies.values():
        urns += list(values)
    return urns


K8S_WORKLOADS = (tokens.K8S_APPS_DEPLOYMENT, tokens.K8S_APPS_STATEFUL_SET, tokens.K8S_APPS_DAEMON_SET,
                 tokens.K8S_APPS_REPLICA_SET, tokens.K8S_BATCH_JOB, tokens.K8S_BATCH_CRON_JOB, tokens.K8S_CORE_POD)
"""Kubernetes kinds that run pods."""
