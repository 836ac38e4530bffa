"""GPU nodes that a Kubernetes workload's minimum replicas keep up.

A model endpoint with ``min_replicas: 1`` on a pool with ``min_nodes: 0`` keeps one GPU node up
all month: the pool's minimum is the nodes the minimum replicas need. A workload (Deployment or
StatefulSet) pins a pool when its pods request ``nvidia.com/gpu``, its ``nodeSelector`` labels
are all on the pool's nodes, and it runs on the pool's cluster (its Kubernetes provider depends
on that cluster). Its minimum replicas are its HorizontalPodAutoscaler's ``minReplicas``, else
its ``spec.replicas`` (Kubernetes default 1). The on-demand fallback half of a
spot-with-fallback pool is never pinned: its spot half is, and the fallback runs only while spot
is short.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Optional

from aiscale import catalog
from aiscale.facts import kubernetes, tokens
from aiscale.preview.records import ResourceRecord

from ._fleet import CAPACITY_ROLE_LABEL
from ._graph import Graph
from ._values import PRICING_ERRORS, canonical_type, get

_WORKLOADS = (tokens.K8S_APPS_DEPLOYMENT, tokens.K8S_APPS_STATEFUL_SET)
_CLUSTERS = (tokens.AWS_EKS_CLUSTER, tokens.GCP_CONTAINER_CLUSTER,
             tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER)
_POOL_LABELS = {canonical_type(tokens.AWS_EKS_NODE_GROUP): ("labels",),
                canonical_type(tokens.GCP_CONTAINER_NODE_POOL): ("nodeConfig", "labels"),
                canonical_type(tokens.AZURE_CONTAINERSERVICE_AGENT_POOL): ("nodeLabels",)}
_POOL_CLUSTER_KEY = {canonical_type(tokens.AWS_EKS_NODE_GROUP): "clusterName",
                     canonical_type(tokens.GCP_CONTAINER_NODE_POOL): "cluster",
                     canonical_type(tokens.AZURE_CONTAINERSERVICE_AGENT_POOL): "resourceName"}


def machine_gpus(cloud: str, machine: str, region: str) -> Optional[int]:
    """GPUs per node of `machine` from the catalog, None for a machine it lists no GPU for."""
    found = catalog.find_instance_type(cloud, machine, region)
    return found.gpus if found is not None and found.gpus else None


def _min_replicas(workload: ResourceRecord, graph: Graph) -> int:
    hpa = graph.scaler_of(workload, tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER)
    if hpa is not None:
        low = get(hpa.inputs, "spec", "minReplicas")
        return int(low) if isinstance(low, (int, float)) else 1
    replicas = get(workload.inputs, "spec", "replicas")
    return int(replicas) if isinstance(replicas, (int, float)) else 1


@dataclass(frozen=True)
class _GpuWorkload:
    """A workload whose pods request GPUs and select nodes by label, read once per estimate."""

    name: str
    selector: Mapping[str, str]
    gpus: float
    min_replicas: int
    on_default_provider: bool
    """Its Kubernetes provider is not in the preview (the ambient kubeconfig): it counts on any
    pool, since its cluster cannot be told."""
    cluster: Optional[ResourceRecord]
    """The cluster its Kubernetes provider was built from (None when it is not in the preview)."""


def _gpu_workloads(graph: Graph) -> tuple[_GpuWorkload, ...]:
    """Every GPU workload of the preview, read once per estimate (each pool then only matches
    labels, so pricing stays linear in the numbers of pools and workloads)."""
    if "gpu_workloads" not in graph.memo:
        found = []
        for workload in graph.of_type(*_WORKLOADS):
            try:
                spec = kubernetes.pod_spec(tokens.canonical_type(workload.type), workload.inputs)
                gpus = kubernetes.container_gpus(spec) if isinstance(spec, dict) else 0
            except PRICING_ERRORS:  # not known during preview: it pins nothing we can count
                continue
            selector = spec.get("nodeSelector") if isinstance(spec, dict) else None
            if not gpus or not isinstance(selector, dict) or not selector:
                continue
            default = graph.provider(workload) is None
            cluster = None if default else graph.cluster_of(workload, *_CLUSTERS)
            found.append(_GpuWorkload(workload.name, selector, gpus, _min_replicas(workload, graph),
                                      default, cluster))
        graph.memo["gpu_workloads"] = tuple(found)
    return graph.memo["gpu_workloads"]


def _runs_on(workload: _GpuWorkload, cluster: Optional[ResourceRecord]) -> bool:
    """Whether `workload` runs on `cluster`: the cluster its Kubernetes provider was built from
    (by dependency, or, when those are not known as under ``pulumi preview``, by the name its
    kubeconfig mentions). A workload on the default provider, or a pool whose cluster is not in
    the preview, cannot be told apart: it counts."""
    return cluster is None or workload.on_default_provider or workload.cluster is cluster


def _pinning(pool: ResourceRecord, graph: Graph) -> list[tuple[str, int, float]]:
    """(workload name, min replicas, GPUs per pod) of each GPU workload that lands on `pool`:
    its node selector's labels are all on the pool's nodes and it runs on the pool's cluster
    (:func:`_runs_on`)."""
    kind = canonical_type(pool.type)
    labels = get(pool.inputs, *_POOL_LABELS.get(kind, ("labels",)))
    if not isinstance(labels, dict) or labels.get(CAPACITY_ROLE_LABEL) == "fallback":
        return []  # a fallback half runs only while spot is short: its spot half holds the pins
    cluster = graph.linked(pool, _POOL_CLUSTER_KEY.get(kind, "cluster"), *_CLUSTERS)
    return [(w.name, w.min_replicas, w.gpus) for w in _gpu_workloads(graph)
            if all(labels.get(k) == v for k, v in w.selector.items())
            and _runs_on(w, cluster)]


def pinned_nodes(pool: ResourceRecord, graph: Graph, low: int, high: int,
                 gpus_per_node: Optional[int]) -> tuple[int, str]:
    """(the pool's minimum nodes, a note) once the workloads' minimum replicas are placed:
    at least the nodes their GPUs need, at most the pool's maximum."""
    if not gpus_per_node:
        return low, ""
    pinning = _pinning(pool, graph)
    needed = sum(replicas * gpus for _name, replicas, gpus in pinning)
    nodes = min(high, math.ceil(needed / gpus_per_node)) if needed else 0
    if nodes <= low:
        return low, ""
    names = ", ".join(f"{name} ({replicas} x {gpus:g} GPU)" for name, replicas, gpus in pinning)
    return nodes, f" (minimum {nodes}, not {low}: the minimum replicas of {names} keep it up)"
