"""AWS facts the pre-flight checks compare against, kept as data: the GPU name EC2 reports for
each canonical accelerator, the vCPU quota that governs each instance family, and the SageMaker
quota naming scheme.

Quota codes are the Service Quotas codes of the EC2 service (``ec2``); each limits the running
vCPUs of one instance class in one region, per account, separately for on-demand and spot.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Optional

EC2_SERVICE_CODE = "ec2"
"""Service Quotas service code of EC2."""
SAGEMAKER_SERVICE_CODE = "sagemaker"
"""Service Quotas service code of SageMaker."""
SAGEMAKER_ENDPOINT_QUOTA = "{instance_type} for endpoint usage"
"""Name of the SageMaker quota on instances of one type across all endpoints of the account
(its value is an instance count), e.g. "ml.g5.xlarge for endpoint usage"."""

DEFAULT_ZONE_COUNT = 3
"""Zones the AWS network builder uses when the model names none: the first three available
zones of the region (equal to ``aiscale.aws.network.DEFAULT_ZONE_COUNT``; a test keeps them
equal without this module importing the provider SDK)."""


@dataclass(frozen=True)
class Ec2Gpu:
    """How EC2 ``DescribeInstanceTypes`` names a GPU (``GpuInfo.Gpus[]``)."""

    name: str
    """``Gpus[].Name``, e.g. "L4"."""
    manufacturer: str
    """``Gpus[].Manufacturer``, e.g. "NVIDIA"."""


EC2_GPUS: Mapping[str, Ec2Gpu] = MappingProxyType({
    # Memory variants share a name: EC2 reports "A100" for both p4d (40 GB) and p4de (80 GB).
    "nvidia-t4": Ec2Gpu("T4", "NVIDIA"),
    "nvidia-a10g": Ec2Gpu("A10G", "NVIDIA"),
    "nvidia-l4": Ec2Gpu("L4", "NVIDIA"),
    "nvidia-l40s": Ec2Gpu("L40S", "NVIDIA"),
    "nvidia-v100": Ec2Gpu("V100", "NVIDIA"),
    "nvidia-v100-32gb": Ec2Gpu("V100", "NVIDIA"),
    "nvidia-a100-40gb": Ec2Gpu("A100", "NVIDIA"),
    "nvidia-a100-80gb": Ec2Gpu("A100", "NVIDIA"),
    "nvidia-h100-80gb": Ec2Gpu("H100", "NVIDIA"),
    "nvidia-h200": Ec2Gpu("H200", "NVIDIA"),
    "nvidia-b200": Ec2Gpu("B200", "NVIDIA"),
    "nvidia-b300": Ec2Gpu("B300", "NVIDIA"),
})
"""Canonical accelerator -> the GPU EC2 reports for it."""


@dataclass(frozen=True)
class QuotaRef:
    """One Service Quotas quota: its code and its name as the console shows it."""

    code: str
    """Quota code, e.g. "L-DB2E81BA"."""
    name: str
    """Quota name, e.g. "Running On-Demand G and VT instances"."""


VCPU_QUOTAS: Mapping[tuple[str, str], QuotaRef] = MappingProxyType({
    ("G", "on-demand"): QuotaRef("L-DB2E81BA", "Running On-Demand G and VT instances"),
    ("P", "on-demand"): QuotaRef("L-417A185B", "Running On-Demand P instances"),
    ("G", "spot"): QuotaRef("L-3819A6DF", "All G and VT Spot Instance Requests"),
    ("P", "spot"): QuotaRef("L-7212CCBC", "All P Spot Instance Requests"),
})
"""(instance class, capacity) -> the EC2 vCPU quota that limits it."""


def instance_class(instance_type: str) -> Optional[str]:
    """The vCPU quota class of an EC2 instance type: "G" (G and VT families: g4dn, g5, g6e,
    gr6, vt1), "P" (p3, p4d, p5, p6-b200), or None for families outside those two."""
    family = instance_type.split(".", 1)[0]
    if family.startswith(("g", "vt")):
        return "G"
    if family.startswith("p"):
        return "P"
    return None


def vcpu_quota(instance_type: str, capacity: str) -> Optional[QuotaRef]:
    """The vCPU quota that `instance_type` draws on with `capacity` ("on-demand" or "spot"),
    or None when its family is in neither the G/VT nor the P class."""
    cls = instance_class(instance_type)
    return None if cls is None else VCPU_QUOTAS[(cls, capacity)]


def sagemaker_quota_name(instance_type: str) -> str:
    """The Service Quotas name limiting SageMaker endpoint instances of `instance_type`
    ("ml.g5.xlarge" -> "ml.g5.xlarge for endpoint usage")."""
    return SAGEMAKER_ENDPOINT_QUOTA.format(instance_type=instance_type)
