"""Accelerator facts as data: one canonical name mapped to each cloud's own vocabulary.

Every mapping here is a table, not an if-chain; add a row to support a new accelerator or
machine family. The loader refuses a data row whose accelerator or GCP family is missing here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from ._model import AcceleratorInfo


def _info(name: str, vertex_type: str | None, gpu_memory_gib: float, cloud_run: bool = False):
    return AcceleratorInfo(
        name=name,
        vendor_label=name,
        vertex_type=vertex_type,
        cloud_run=cloud_run,
        gpu_memory_gib=gpu_memory_gib,
    )


# Nominal memory is the vendor figure (GB as marketed); AWS rows carry usable memory instead.
# Vertex enums are the values pulumi_gcp documents for machine_spec.accelerator_type.
ACCELERATORS: Mapping[str, AcceleratorInfo] = MappingProxyType(
    {
        info.name: info
        for info in (
            _info("nvidia-t4", "NVIDIA_TESLA_T4", 16),
            _info("nvidia-a10g", None, 24),
            _info("nvidia-a10", None, 24),
            _info("nvidia-l4", "NVIDIA_L4", 24, cloud_run=True),
            _info("nvidia-l40s", None, 48),
            _info("nvidia-v100", "NVIDIA_TESLA_V100", 16),
            _info("nvidia-v100-32gb", None, 32),
            _info("nvidia-a100-40gb", "NVIDIA_TESLA_A100", 40),
            _info("nvidia-a100-80gb", "NVIDIA_A100_80GB", 80),
            _info("nvidia-h100-80gb", "NVIDIA_H100_80GB", 80),
            _info("nvidia-h100-nvl", None, 94),
            _info("nvidia-h200", "NVIDIA_H200_141GB", 141),
            _info("nvidia-b200", "NVIDIA_B200", 180),
            _info("nvidia-b300", None, 288),
        )
    }
)
"""Canonical accelerator name -> AcceleratorInfo."""


# (GCE machine family, canonical accelerator) -> GKE/GCE accelerator type. The family is the
# machine type without its size suffix ("a2-highgpu-8g" -> "a2-highgpu"). N1 hosts take either
# GPU, so the accelerator is part of the key for every family alike.
GCP_ACCELERATOR_TYPES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("n1-standard", "nvidia-t4"): "nvidia-tesla-t4",
        ("n1-standard", "nvidia-v100"): "nvidia-tesla-v100",
        ("g2-standard", "nvidia-l4"): "nvidia-l4",
        ("a2-highgpu", "nvidia-a100-40gb"): "nvidia-tesla-a100",
        ("a2-megagpu", "nvidia-a100-40gb"): "nvidia-tesla-a100",
        ("a2-ultragpu", "nvidia-a100-80gb"): "nvidia-a100-80gb",
        ("a3-highgpu", "nvidia-h100-80gb"): "nvidia-h100-80gb",
        ("a3-megagpu", "nvidia-h100-80gb"): "nvidia-h100-mega-80gb",
        ("a3-ultragpu", "nvidia-h200"): "nvidia-h200-141gb",
        ("a4-highgpu", "nvidia-b200"): "nvidia-b200",
    }
)
"""(GCE machine family, canonical accelerator) -> GKE/GCE accelerator type."""

GCP_ATTACHED_GPU_FAMILY_PREFIX = "n1-"
"""GCP machine types with this prefix are host VMs with an attached GPU (guest_accelerators)."""


def gcp_machine_family(instance_type: str) -> str:
    """The GCE machine family of a machine type: "a2-highgpu-8g" -> "a2-highgpu"."""
    return instance_type.rsplit("-", 1)[0]
