"""The stack as a graph for the wiring checks: which cluster a Kubernetes object runs on, which
cluster a node pool or add-on belongs to.

A Kubernetes object runs on the cluster its provider was built from: the provider resource
(``pulumi:providers:kubernetes``) depends on the cluster (its kubeconfig comes from the
cluster's outputs). A node pool, add-on or agent pool names its cluster by an input
(``clusterName``, ``cluster``, ``resourceName``) that depends on the cluster or equals its name.
Both references are followed by the facts layer's one follower
(:class:`aiscale.facts.references.References`), the cost estimate's too.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Iterable, Optional, Sequence

from aiscale.facts import cluster_wiring, tokens
from aiscale.facts.references import References
from aiscale.facts.values import UnknownValue

from ..context import ResourceView

DEFAULT_PROVIDER = "default"
"""The cluster key of Kubernetes objects on the default provider (the ambient kubeconfig)."""


class StackGraph(References):
    """The resources of one stack, indexed for cross-resource checks."""

    def __init__(self, views: Sequence[ResourceView]) -> None:
        super().__init__(views)
        self.views = list(views)
        """Every resource of the stack."""

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

    def _cluster_views(self) -> list[ResourceView]:
        return [view for view, _ in self.clusters.values()]

    def cluster_urn(self, view: ResourceView) -> Optional[str]:
        """The URN of the cluster a Kubernetes object runs on, or None when its provider does
        not come from a cluster of this stack."""
        found = self.cluster_of(view, among=self._cluster_views())
        return found.urn if found is not None else None

    def cluster_key(self, view: ResourceView) -> str:
        """A key shared by the Kubernetes objects of one cluster: its URN, else the provider's
        URN, else DEFAULT_PROVIDER."""
        return self.cluster_urn(view) or view.provider_urn or DEFAULT_PROVIDER

    def owner(self, view: ResourceView, key: str) -> Optional[str]:
        """The cluster a pool or add-on belongs to: the one its input `key` refers to, else the
        first it depends on; None when neither is found."""
        clusters = self._cluster_views()
        found = self.linked(view, key, among=clusters) or self.source(view, among=clusters)
        return found.urn if found is not None else None

    def on_cluster(self, kinds: Iterable[str], key: str) -> list[ResourceView]:
        """The Kubernetes objects of `kinds` whose cluster key is `key`."""
        kinds = tuple(kinds)
        return [view for view in self.of_type(*kinds) if self.cluster_key(view) == key]


K8S_WORKLOADS = (tokens.K8S_APPS_DEPLOYMENT, tokens.K8S_APPS_STATEFUL_SET, tokens.K8S_APPS_DAEMON_SET,
                 tokens.K8S_APPS_REPLICA_SET, tokens.K8S_BATCH_JOB, tokens.K8S_BATCH_CRON_JOB, tokens.K8S_CORE_POD)
"""Kubernetes kinds that run pods."""
