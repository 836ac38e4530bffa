"""GpuNodePool: an autoscaled GPU node pool with GPU-correct defaults on EKS, AKS or GKE."""

from __future__ import annotations

from typing import Any, Optional, TypedDict

import pulumi

from aiscale._dispatch import build_on_cloud
from aiscale.facts.gpu import GPU_TAINT_EFFECT, GPU_TAINT_KEY, GPU_TAINT_VALUE
from aiscale.kubernetes_cluster import KubernetesCluster
from aiscale.scope import CloudScope

#: The taint every GPU node carries, so that only pods that tolerate it land there.
GPU_TAINT = {"key": GPU_TAINT_KEY, "value": GPU_TAINT_VALUE, "effect": GPU_TAINT_EFFECT}
#: Labels every GPU node carries; the accelerator label value is the canonical accelerator name.
GPU_PRESENT_LABEL = ("nvidia.com/gpu.present", "true")
ACCELERATOR_LABEL = "aiscale.io/accelerator"


class GpuNodePoolArgs(TypedDict, total=False):
    """Arguments of :class:`GpuNodePool`."""

    scope: CloudScope
    """Required. The cloud, region, provider and parent to declare on."""
    cluster: KubernetesCluster
    """Required. The cluster the pool joins."""
    pool: Any
    """Required. The model's node pool (``aiscale.model.NodePool``): name, accelerator,
    gpus_per_node, min_nodes, max_nodes, capacity, disk_gb, labels, taints."""
    offering: Any
    """Required. The catalog offering for (cloud, accelerator, gpus_per_node, region)
    (``aiscale.catalog.resolve``): the machine type and, on GCP, the accelerator type."""


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


class GpuNodePool(pulumi.ComponentResource):
    """GPU nodes that scale between ``min_nodes`` and ``max_nodes`` (zero included)."""

    pool_name: pulumi.Output[str]
    """The node pool / node group name in the cloud."""
    machine_type: str
    """The instance type / VM size / machine type from the catalog."""
    details: dict[str, Any]
    """Cloud-specific outputs and the underlying resources."""

    def __init__(self, name: str, args: GpuNodePoolArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("aiscale:index:GpuNodePool", name, None, opts)
        self.machine_type = args["offering"].instance_type
        built = build_on_cloud(self, "node_pool", args["scope"].cloud, args)
        self.pool_name = built.pop("pool_name")
        self.details = built
        self.register_outputs({"pool_name": self.pool_name, "machine_type": self.machine_type})
