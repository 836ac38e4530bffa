"""What every GPU node carries: the GPU taint and labels, plus the model's own.

Shared by the ``GpuNodePool`` face, the per-cloud node pool builders and the serving pods (which
tolerate the taint and select the accelerator label), so no builder imports the component that
calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from aiscale.facts.gpu import GPU_TAINT_EFFECT, GPU_TAINT_KEY, GPU_TAINT_VALUE
from aiscale.inheritance import ChildOptions

#: The taint every GPU node carries, so that only pods that tolerate it land there.
GPU_TAINT = {"key": GPU_TAINT_KEY, "value": GPU_TAINT_VALUE, "effect": GPU_TAINT_EFFECT}
#: Labels every GPU node carries; the accelerator label value is the canonical accelerator name.
GPU_PRESENT_LABEL = ("nvidia.com/gpu.present", "true")
ACCELERATOR_LABEL = "aiscale.io/accelerator"
#: On the nodes of a pool whose GPUs are shared (``sharing``), with the pool's name: the pool's
#: own device plugin selects them and the cluster-wide one stays away.
GPU_SHARING_LABEL = "aiscale.io/gpu-sharing"
#: Priority of a spot-with-fallback pool's spot group for the cluster autoscaler's priority
#: expander (every other group, the on-demand fallback included, gets FALLBACK_PRIORITY).
SPOT_PRIORITY, FALLBACK_PRIORITY = 50, 10


def node_labels(pool: Any) -> dict[str, str]:
    """The labels of a GPU pool's nodes: the GPU labels (and the sharing label on a shared
    pool) plus the model's labels."""
    sharing = {GPU_SHARING_LABEL: pool.name} if getattr(pool, "sharing", None) is not None else {}
    return {GPU_PRESENT_LABEL[0]: GPU_PRESENT_LABEL[1], ACCELERATOR_LABEL: pool.accelerator,
            **sharing, **dict(pool.labels or {})}


#: On the nodes of each half of a spot-with-fallback pool: ``spot`` or ``fallback`` (so the cost
#: estimate, dashboards and workloads that want to can tell them apart; serving pods do not).
CAPACITY_ROLE_LABEL = "aiscale.io/capacity-role"


def capacity_role_label(pool: Any, fallback_half: bool) -> dict[str, str]:
    """``{aiscale.io/capacity-role: spot|fallback}`` for a half of a fallback pool,
    ``reserved`` for a pool on reserved capacity (on-demand by necessity); else empty."""
    if getattr(pool, "reservation", None) is not None:
        return {CAPACITY_ROLE_LABEL: "reserved"}
    if not is_fallback(pool):
        return {}
    return {CAPACITY_ROLE_LABEL: "fallback" if fallback_half else "spot"}


def is_fallback(pool: Any) -> bool:
    """True for a ``spot-with-fallback`` pool (two pools in the cloud: spot, then on-demand)."""
    return getattr(pool, "capacity", None) == "spot-with-fallback"


def fallback_selector(cloud: str, pool: Any) -> dict[str, str]:
    """The node selector a workload adds to take part in a fallback pool's capacity class, on a
    cloud that orders spot before on-demand by class (GKE ComputeClass); empty elsewhere."""
    from aiscale import clouds

    label = clouds.adapter(cloud).capacity_class_label
    return {label: capacity_class_name(pool)} if label and is_fallback(pool) else {}


def capacity_class_name(pool: Any) -> str:
    """The name of a fallback pool's capacity class (cluster-scoped): ``aiscale-<pool>``."""
    return f"aiscale-{pool.name}"


def node_taints(pool: Any) -> list[dict[str, str]]:
    """The taints of a GPU pool's nodes: the GPU taint plus the model's ``key=value:Effect`` taints."""
    taints = [dict(GPU_TAINT)]
    for taint in pool.taints or []:
        key_value, effect = taint.rsplit(":", 1)
        key, _, value = key_value.partition("=")
        taints.append({"key": key, "value": value, "effect": effect})
    return taints


@dataclass(frozen=True)
class PoolBuild:
    """What a node pool builder (``aiscale.<cloud>.node_pool.build``) reads."""

    name: str
    """The component's logical name: the prefix of its children's names."""
    scope: Any
    """The ``CloudScope``: cloud, region, tags, parent."""
    cluster: Any
    """The cluster the pool joins: a ``KubernetesCluster`` or an ``ExistingCluster`` (its
    ``cluster_name`` and ``node_target``, the cloud's typed view that the builder reads)."""
    pool: Any
    """The model's ``NodePool``, defaults resolved."""
    offering: Any
    """The catalog ``Offering`` for the pool's accelerator and GPU count in the region."""
    machine_offerings: tuple[Any, ...] = ()
    """Every ``Offering`` the pool may use (the primary ``offering`` first): several on a cloud
    whose pools take a list of types. Empty: ``(offering,)``."""
    zones: tuple[str, ...] = ()
    """Zones of the region the nodes run in; empty: every zone of the cluster."""
    inherited: ChildOptions = field(default_factory=ChildOptions)
    """What the component's own ``ResourceOptions`` pass on to the pool."""

    @property
    def offerings(self) -> tuple[Any, ...]:
        """The machine offerings, the primary first (never empty)."""
        return tuple(self.machine_offerings) or (self.offering,)

    @property
    def kubernetes_provider(self) -> Any:
        """The cluster's Kubernetes provider, or None for an existing cluster (no in-cluster
        objects are declared then)."""
        return getattr(self.cluster, "kubernetes_provider", None)


@dataclass(frozen=True)
class BuiltPool:
    """What a node pool builder returns."""

    pool_name: Any
    """The node group / agent pool / node pool name in the cloud (an ``Output``)."""
    resources: Mapping[str, Any]
    """The underlying resources by role (``node_group``, ``agent_pool``, ``node_pool``, ...)."""
    facts: Mapping[str, Any] = field(default_factory=dict)
    """The cloud's own spelling of what it chose (``capacity_type``, ``priority``, ``spot``,
    ``ami_type``, ...), for the escape hatch."""
    autoscaler_priorities: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """Cluster-autoscaler priority expander entries (priority -> node group name regexes) the
    pool needs in the cluster's ``cluster-autoscaler-priority-expander`` ConfigMap; empty when
    the cloud orders its capacity otherwise or the pool has no fallback."""
