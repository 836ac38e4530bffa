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


def node_labels(pool: Any) -> dict[str, str]:
    """The labels of a GPU pool's nodes: the GPU labels plus the model's labels."""
    return {GPU_PRESENT_LABEL[0]: GPU_PRESENT_LABEL[1], ACCELERATOR_LABEL: pool.accelerator,
            **dict(pool.labels or {})}


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
    inherited: ChildOptions = field(default_factory=ChildOptions)
    """What the component's own ``ResourceOptions`` pass on to the pool."""


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
