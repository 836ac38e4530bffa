"""What every GPU node carries: the GPU taint and labels, plus the model's own.

Shared by the ``GpuNodePool`` face, the per-cloud node pool builders and the serving pods (which
tolerate the taint and select the accelerator label), so no builder imports the component that
calls it.
"""

from __future__ import annotations

from typing import Any

#: The extended resource the NVIDIA device plugin advertises; also the GPU taint's key.
GPU_RESOURCE = "nvidia.com/gpu"
#: The taint every GPU node carries, so that only pods that tolerate it land there.
GPU_TAINT = {"key": GPU_RESOURCE, "value": "present", "effect": "NoSchedule"}
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
