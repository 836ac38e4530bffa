"""What AWS answered: offerings per region and zone, instance type facts and quota values.

Plain frozen data, filled by `aiscale.preflight.aws.gather_facts` (or built by hand in tests),
and read by the pure checks in `aiscale.preflight.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional


@dataclass(frozen=True)
class GpuSpec:
    """One entry of EC2 ``GpuInfo.Gpus[]``."""

    name: str
    """GPU name, e.g. "L4"."""
    manufacturer: str
    """Manufacturer, e.g. "NVIDIA"."""
    count: int
    """GPUs of this kind per instance."""


@dataclass(frozen=True)
class InstanceFacts:
    """What EC2 ``DescribeInstanceTypes`` says about one instance type."""

    instance_type: str
    """The EC2 instance type."""
    vcpus: int
    """``VCpuInfo.DefaultVCpus``."""
    gpus: tuple[GpuSpec, ...] = ()
    """``GpuInfo.Gpus``; empty for a type without GPUs."""

    @property
    def gpu_count(self) -> int:
        """GPUs per instance, all kinds together."""
        return sum(gpu.count for gpu in self.gpus)


@dataclass(frozen=True)
class Quota:
    """One Service Quotas value, or why it could not be read."""

    code: str
    """Quota code, e.g. "L-DB2E81BA" ("" when it was looked up by name and not found)."""
    name: str
    """Quota name."""
    value: Optional[float] = None
    """The applied quota value (the AWS default where none was applied); None when unread."""
    error: Optional[str] = None
    """Why the value could not be read (e.g. access denied); None when it was read."""


@dataclass(frozen=True)
class AwsFacts:
    """Everything the checks need from one AWS account and region."""

    region: str
    """The region asked."""
    region_types: frozenset[str]
    """Instance types (of those asked) offered in the region."""
    zone_types: Mapping[str, frozenset[str]]
    """Availability zone -> instance types (of those asked) offered there; every zone of the
    region that offers any of them."""
    zones: tuple[str, ...]
    """The zones the platform's subnets use (see `zone_source`)."""
    zone_source: str
    """Where `zones` came from: "clouds.aws.zones", "network.existing.aws.subnet_ids" or
    "default: first N available zones"."""
    instance_facts: Mapping[str, InstanceFacts] = field(default_factory=dict)
    """Instance type -> its EC2 description, for the asked types offered in the region."""
    ec2_quotas: Mapping[str, Quota] = field(default_factory=dict)
    """Quota code -> value, for every vCPU quota a fleet draws on."""
    sagemaker_quotas: Mapping[str, Quota] = field(default_factory=dict)
    """SageMaker instance type -> its "<type> for endpoint usage" quota; a type missing here
    has no such quota in the region (it is not offered for endpoints there)."""
