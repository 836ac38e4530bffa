"""What the AWS part of a platform model asks of the account: the GPU fleets (node pools and
autoscaling groups) and the SageMaker endpoints, with the machine types the builders will use.

`aws_plan(platform)` reads a validated `aiscale.model.Platform`; the machine of each fleet is the
one `aiscale.platform.AiPlatform` declares (`aiscale.catalog.resolve` in the AWS region), and a
managed endpoint's SageMaker type is `aiscale.catalog.sagemaker_instance_type` of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from aiscale import catalog

AWS = "aws"


@dataclass(frozen=True)
class Fleet:
    """A GPU fleet on EC2: an EKS node group or an Auto Scaling group."""

    kind: str
    """"node pool" or "autoscaling group"."""
    name: str
    """The model's name for it (`node_pools[].name` / `autoscaling_groups[].name`)."""
    instance_type: str
    """The EC2 instance type, e.g. "g6.xlarge"."""
    accelerator: str
    """Canonical accelerator name, e.g. "nvidia-l4"."""
    gpus: int
    """GPUs per instance the catalog promises."""
    vcpus: int
    """vCPUs per instance according to the catalog (EC2's own figure wins when described)."""
    max_nodes: int
    """Most instances the fleet may run."""
    capacity: str
    """"on-demand" or "spot"."""

    @property
    def label(self) -> str:
        """How findings name the fleet: "node pool serve"."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class SageMakerEndpoint:
    """A managed (SageMaker) model endpoint."""

    name: str
    """The model's name for it (`endpoints[].name`)."""
    instance_type: str
    """The SageMaker instance type, e.g. "ml.g6.xlarge"."""
    ec2_type: str
    """The EC2 type with the same hardware, e.g. "g6.xlarge"."""
    accelerator: str
    """Canonical accelerator name."""
    gpus: int
    """GPUs per replica the catalog promises."""
    max_replicas: int
    """Most instances autoscaling may run."""

    @property
    def label(self) -> str:
        """How findings name the endpoint: "endpoint chat"."""
        return f"endpoint {self.name}"


@dataclass(frozen=True)
class AwsPlan:
    """The AWS part of a platform: its region, where its nodes may run, and its GPU demand."""

    region: str
    """AWS region code, e.g. "us-west-2"."""
    zones: Optional[tuple[str, ...]]
    """`clouds.aws.zones`; None when the model names none."""
    subnet_ids: tuple[str, ...]
    """`network.existing.aws.subnet_ids` (their zones are the zones used); empty when aiscale
    creates the VPC."""
    fleets: tuple[Fleet, ...]
    """Node pools, then autoscaling groups, targeting AWS, in model order."""
    endpoints: tuple[SageMakerEndpoint, ...]
    """Managed-runtime endpoints targeting AWS, in model order."""

    @property
    def empty(self) -> bool:
        """True when nothing on AWS needs GPU capacity."""
        return not self.fleets and not self.endpoints


def _fleet(kind: str, item, region: str) -> Fleet:
    offering = catalog.resolve(AWS, item.accelerator, item.gpus_per_node, region)
    return Fleet(kind=kind, name=item.name, instance_type=offering.instance_type,
                 accelerator=item.accelerator, gpus=offering.gpus, vcpus=offering.vcpus,
                 max_nodes=item.max_nodes, capacity=item.capacity)


def aws_plan(platform) -> Optional[AwsPlan]:
    """The AWS plan of a validated `aiscale.model.Platform`, or None when AWS is not one of
    its clouds."""
    aws = platform.clouds.aws
    if aws is None:
        return None
    region = aws.region
    fleets = [_fleet("node pool", pool, region)
              for pool in platform.node_pools if AWS in pool.clouds]
    fleets += [_fleet("autoscaling group", group, region)
               for group in platform.autoscaling_groups if AWS in group.clouds]
    endpoints = []
    for endpoint in platform.endpoints:
        if endpoint.runtime != "managed" or AWS not in endpoint.clouds:
            continue
        offering = catalog.resolve(AWS, endpoint.accelerator, endpoint.gpus_per_replica, region)
        endpoints.append(SageMakerEndpoint(
            name=endpoint.name, instance_type=catalog.sagemaker_instance_type(offering),
            ec2_type=offering.instance_type, accelerator=endpoint.accelerator,
            gpus=offering.gpus, max_replicas=endpoint.max_replicas))
    existing = platform.network.existing.aws
    return AwsPlan(region=region, zones=tuple(aws.zones) if aws.zones else None,
                   subnet_ids=tuple(existing.subnet_ids) if existing else (),
                   fleets=tuple(fleets), endpoints=tuple(endpoints))
