"""Can this GPU pod be scheduled? Each GPU pod against the node pools of its cluster."""

from __future__ import annotations

from typing import Optional

from aiscale.facts import cluster_wiring, scheduling, tokens
from aiscale.facts.values import UnknownValue

from ..props import fmt_number
from ..registry import Check, NotApplicable, Violation
from .graph import K8S_WORKLOADS, StackGraph

POOL_KINDS = (tokens.AWS_EKS_NODE_GROUP, tokens.AZURE_CONTAINERSERVICE_AGENT_POOL,
              tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.GCP_CONTAINER_NODE_POOL)
_CLUSTER_KEYS = {tokens.AWS_EKS_NODE_GROUP: "clusterName", tokens.GCP_CONTAINER_NODE_POOL: "cluster",
                 tokens.AZURE_CONTAINERSERVICE_AGENT_POOL: "resourceName"}
"""Pool token -> the input naming its cluster."""


def _pools(graph: StackGraph, ctx) -> tuple[list, set]:
    """([(cluster URN, pool name, offer, GPUs per node)] of every pool of the stack whose inputs
    are known (the name: the pool's own, else its resource's), {cluster URN (or None) of a pool
    whose inputs are not known})."""
    out, unknown = [], set()
    for view in graph.of_type(*POOL_KINDS):
        try:
            offers = scheduling.pool_offers(view.type, view.props)
        except UnknownValue:
            unknown.add(view.urn if view.canonical == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER
                        else graph.owner(view, _CLUSTER_KEYS[view.canonical]))
            continue
        for offer in offers:
            if view.canonical == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
                cluster = view.urn
            else:
                cluster = graph.owner(view, _CLUSTER_KEYS[view.canonical])
            out.append((cluster, offer.name or view.name, offer, _gpus_per_node(offer, ctx)))
    return out, unknown


def _gpus_per_node(offer: scheduling.PoolOffer, ctx) -> Optional[float]:
    if offer.accelerator_count:
        return offer.accelerator_count
    found = ctx.lookup(offer.cloud, offer.machine, None) if offer.machine else None
    gpus = getattr(found, "gpus", None)
    return float(gpus) if gpus is not None else (0.0 if offer.machine else None)


NODE_PROVISIONERS = ("karpenter",)
"""Helm charts that create nodes for pending pods."""


def _provisions_nodes(graph: StackGraph, cluster: str) -> bool:
    """True when the cluster (Auto Mode, Autopilot, node auto-provisioning) or a chart on it
    (Karpenter) creates nodes for pending pods."""
    if graph.clusters[cluster][1].provisions_nodes:
        return True
    return any(cluster_wiring.chart_name(r.props) in NODE_PROVISIONERS
               for r in graph.on_cluster((tokens.K8S_HELM_SH_RELEASE,), cluster))


def why_not(pod: scheduling.PodFacts, offer: scheduling.PoolOffer, gpus_per_node: Optional[float]) -> list[str]:
    """Why the nodes of `offer` cannot take `pod` ([] when they can)."""
    reasons = []
    if gpus_per_node is not None and pod.gpus > gpus_per_node:
        reasons.append(f"{fmt_number(gpus_per_node)} GPU(s) per node, the pod asks for {fmt_number(pod.gpus)}")
    for taint in offer.taints:
        if taint.effect in scheduling.BLOCKING_EFFECTS and not pod.tolerates(taint):
            reasons.append(f"taint {taint} not tolerated")
    for label, value in pod.node_selector.items():
        if offer.labels.get(label) != str(value):
            reasons.append(f"node selector {label}={value} not among its labels")
    return reasons


def unschedulable_gpu_pods(resources, ctx):
    """GPU pods that no declared node pool of their cluster can take: too few GPUs per node, an
    untolerated taint, or a node selector that matches no pool's labels."""
    graph = StackGraph(resources)
    pools, unknown = _pools(graph, ctx)
    found, checked = [], 0
    for view in graph.of_type(*K8S_WORKLOADS):
        try:
            pod = scheduling.pod(view.canonical, view.props)
        except UnknownValue:
            continue
        if pod is None or pod.gpus <= 0:
            continue
        cluster = graph.cluster_urn(view)
        if cluster is not None and _provisions_nodes(graph, cluster):
            continue  # the cluster makes a node for the pod itself
        if cluster in unknown or (cluster is None and unknown):
            continue  # a pool of its cluster is not known yet: it might fit
        candidates = [(name, offer, gpus) for owner, name, offer, gpus in pools if cluster is None or owner == cluster]
        if not candidates:
            continue  # no declared pool: nodes come from elsewhere (auto-provisioning, another stack)
        checked += 1
        reasons = [(name, why_not(pod, offer, gpus)) for name, offer, gpus in candidates]
        if all(why for _, why in reasons):
            detail = "; ".join(f"'{name}': {', '.join(why)}" for name, why in reasons)
            found.append(Violation(view.urn, f"no declared node pool of its cluster can schedule the pods of '{view.name}' "
                                             f"({fmt_number(pod.gpus)} GPU(s) each): {detail}"))
    return found if checked else NotApplicable("no GPU pod with declared node pools")


CHECKS = (
    Check("WIRE-SCHED-001", "wiring", "GPU pods fit a declared node pool",
          "Every pod that asks for GPUs can be scheduled on at least one node pool of its cluster: "
          "the pool has at least as many GPUs per node as the pod asks for, the pod tolerates the "
          "pool's NoSchedule / NoExecute taints (the GPU taint, the AKS Spot taint) and the pool's "
          "labels satisfy the pod's node selector. Clusters that create nodes themselves (EKS Auto "
          "Mode, GKE Autopilot or node auto-provisioning, AKS node auto-provisioning, Karpenter) are "
          "not judged.", "high", "mandatory",
          "Size the pool's machine type for the pod's GPUs, add a toleration for the pool's taint, or "
          "make the node selector match the pool's labels.",
          unschedulable_gpu_pods, scope="stack",
          url="https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/"),
)
"""The scheduling checks of the wiring pack."""
