"""What one cloud's part of a platform model asks of the account: the GPU fleets (node pools and
autoscaling groups) and the managed endpoints, with the machine types the builders will use.

``cloud_plan(platform, cloud)`` reads the resolved plan (``aiscale.plan.make_plan``): each
fleet's machine is the offering ``AiPlatform`` declares, and a managed endpoint's instance type
is the cloud adapter's ``managed_machine_type`` of its offering (SageMaker's ``ml.`` types on
AWS). Nothing here names a cloud: the pre-flight of a cloud (``aiscale.preflight.<cloud>``)
asks for its own part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from aiscale import clouds
from aiscale.plan import Plan, make_plan


@dataclass(frozen=True)
class Fleet:
    """A GPU fleet: a Kubernetes node pool or an autoscaling group of VMs."""

    kind: str
    """"node pool" or "autoscaling group"."""
    name: str
    """The model's name for it (`node_pools[].name` / `autoscaling_groups[].name`)."""
    instance_type: str
    """The cloud's machine type, e.g. "g6.xlarge"."""
    accelerator: str
    """Canonical accelerator name, e.g. "nvidia-l4"."""
    gpus: int
    """GPUs per instance the catalog promises."""
    vcpus: int
    """vCPUs per instance according to the catalog (the cloud's own figure wins when described)."""
    max_nodes: int
    """Most instances the fleet may run."""
    capacity: str
    """"on-demand", "spot" or "spot-with-fallback"."""
    accelerator_type: Optional[str] = None
    """The cloud's accelerator type attached to the machine (the catalog offering's
    ``accelerator_type``, e.g. "nvidia-l4"); None where the machine type implies it."""
    zones: tuple[str, ...] = ()
    """The fleet's own zones (``node_pools[].zones``); empty: the cloud's zones apply."""

    @property
    def label(self) -> str:
        """How findings name the fleet: "node pool serve"."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class ManagedEndpoint:
    """A model endpoint on the cloud's managed serving service (SageMaker on AWS)."""

    name: str
    """The model's name for it (`endpoints[].name`)."""
    instance_type: str
    """The managed service's instance type, e.g. "ml.g6.xlarge"."""
    machine_type: str
    """The cloud's machine type with the same hardware, e.g. "g6.xlarge"."""
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
class CloudPlan:
    """One cloud's part of a platform: its region, where its nodes may run, and its GPU demand."""

    region: str
    """The cloud's region (or location), e.g. "us-west-2"."""
    zones: Optional[tuple[str, ...]]
    """`clouds.<cloud>.zones`; None when the model names none."""
    subnet_ids: tuple[str, ...]
    """`network.existing.<cloud>.subnet_ids` (their zones are the zones used); empty when
    aiscale creates the network."""
    fleets: tuple[Fleet, ...]
    """Node pools, then autoscaling groups, targeting the cloud, in model order."""
    endpoints: tuple[ManagedEndpoint, ...]
    """Managed-runtime endpoints targeting the cloud, in model order."""

    @property
    def empty(self) -> bool:
        """True when nothing on the cloud needs GPU capacity."""
        return not self.fleets and not self.endpoints


def _fleets(plan: Plan, cloud: str) -> list[Fleet]:
    fleets = []
    for kind, label in (("node_pools", "node pool"), ("autoscaling_groups", "autoscaling group")):
        for item in getattr(plan.platform, kind):
            if cloud in item.clouds:
                offering = plan.offering(kind, item.name, cloud)
                fleets.append(Fleet(kind=label, name=item.name, instance_type=offering.instance_type,
                                    accelerator=item.accelerator, gpus=offering.gpus, vcpus=offering.vcpus,
                                    max_nodes=item.max_nodes, capacity=item.capacity,
                                    accelerator_type=getattr(offering, "accelerator_type", None),
                                    zones=tuple(getattr(item, "zones", None) or ())))
    return fleets


def _endpoints(plan: Plan, cloud: str) -> list[ManagedEndpoint]:
    adapter = clouds.adapter(cloud)
    found = []
    for endpoint in plan.platform.endpoints:
        offering = plan.endpoint_offerings.get((endpoint.name, cloud))
        if endpoint.runtime == "managed" and offering is not None:
            found.append(ManagedEndpoint(
                name=endpoint.name, instance_type=adapter.managed_machine_type(offering),
                machine_type=offering.instance_type, accelerator=endpoint.accelerator,
                gpus=offering.gpus, max_replicas=endpoint.max_replicas))
    return found


def cloud_plan(platform, cloud: str, plan: Optional[Plan] = None) -> Optional[CloudPlan]:
    """``cloud``'s part of a validated ``aiscale.model.Platform`` (from ``plan`` when given,
    else its resolved plan), or None when ``cloud`` is not one of its clouds."""
    settings = getattr(platform.clouds, cloud, None)
    if settings is None:
        return None
    resolved = plan if plan is not None else make_plan(platform)
    zones = getattr(settings, "zones", None)
    existing = getattr(platform.network.existing, cloud, None)
    subnet_ids = getattr(existing, "subnet_ids", None) or ()
    return CloudPlan(region=clouds.adapter(cloud).region_of(settings),
                     zones=tuple(zones) if zones else None, subnet_ids=tuple(subnet_ids),
                     fleets=tuple(_fleets(resolved, cloud)), endpoints=tuple(_endpoints(resolved, cloud)))
