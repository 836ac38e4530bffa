"""The names Kubernetes and the NVIDIA device plugin give GPUs, defined once.

Builders put the GPU taint on every GPU node, the serving pods tolerate it and request the GPU
resource, and the cost pack checks that GPU pools carry the taint: all of them read these.
"""

from __future__ import annotations

GPU_TAINT_KEY = "nvidia.com/gpu"
"""Key of the taint aiscale puts on every GPU node (``nvidia.com/gpu=present:NoSchedule``)."""
GPU_TAINT_VALUE = "present"
"""Value of the GPU taint."""
GPU_TAINT_EFFECT = "NoSchedule"
"""Effect of the GPU taint: pods that do not tolerate it are not scheduled on GPU nodes."""
GPU_RESOURCE = "nvidia.com/gpu"
"""The extended resource the NVIDIA device plugin advertises (container limits, Cloud Run)."""
