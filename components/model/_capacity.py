"""How a GPU node pool gets its capacity: machine types, reservations and GPU sharing.

The sub-sections of a ``node_pools`` entry that say which machines may be bought
(``machine_types``), which reserved capacity they come from (``reservation``) and how a GPU is
shared between pods (``sharing``). Rules that need the catalog (a pinned type must offer the
pool's accelerator and GPU count in the region; a capacity block only on the types that have
them) are in ``_capacity_rules``; what fits in one section is checked here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Mapping, Optional

from pydantic import AfterValidator, Field, model_validator

from ._base import ProblemCollector, SpecModel, no_duplicates

PoolCapacity = Literal["on-demand", "spot", "spot-with-fallback"]
"""How a node pool's machines are bought: on-demand, spot, or spot preferred with on-demand
machines when spot is short (two pools, the autoscaler told to try spot first)."""

MAX_TIME_SLICES = 48
"""Most pods one GPU is time-sliced between (GKE's limit on ``max_shared_clients_per_gpu``)."""

MIG_PROFILES: Mapping[str, tuple[str, ...]] = {
    "nvidia-a100-40gb": ("1g.5gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb"),
    "nvidia-a100-80gb": ("1g.10gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"),
    "nvidia-h100-80gb": ("1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"),
    "nvidia-h100-nvl": ("1g.12gb", "1g.24gb", "2g.24gb", "3g.47gb", "4g.47gb", "7g.94gb"),
    "nvidia-h200": ("1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb"),
    "nvidia-b200": ("1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb", "4g.90gb", "7g.180gb"),
}
"""Multi-Instance GPU profiles per accelerator (NVIDIA MIG user guide, "Supported MIG
profiles"); an accelerator absent here (L4, T4, A10G, L40S, V100 ...) has no MIG."""

MIG_SLICES_PER_GPU = 7
"""MIG compute slices of one GPU: a ``<n>g.<mem>`` profile gives ``7 // n`` instances."""

CAPACITY_BLOCK_FAMILIES: tuple[str, ...] = ("p4d", "p4de", "p5", "p5e", "p5en", "p6-b200",
                                            "trn1", "trn2")
"""EC2 instance families sold as Capacity Blocks for ML (AWS EC2 user guide, "Capacity Blocks
for ML", supported instance types); any other type refuses ``capacity_block``."""

_CAPACITY_RESERVATION_ID = r"^cr-[0-9a-f]{8,17}$"
_GCP_RESERVATION_NAME = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
_AZURE_CAPACITY_RESERVATION_GROUP = (r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/"
                                     r"Microsoft\.Compute/capacityReservationGroups/[^/]+$")

TypeList = Annotated[tuple[str, ...], Field(min_length=1), AfterValidator(no_duplicates)]
"""A non-empty list of machine type names without repeats."""


def _one_size(kind: str) -> Any:
    def check(types: tuple[str, ...]) -> tuple[str, ...]:
        if len(types) > 1:
            raise ValueError(f"{kind} takes exactly one machine type; list one (spread over "
                             "types with one pool per type)")
        return types
    return AfterValidator(check)


class MachineTypes(SpecModel):
    """Machine types a pool may use, per cloud, instead of the catalog's choice."""

    aws: Optional[TypeList] = None
    """EC2 instance types for the EKS managed node group (it takes several: EC2 picks among
    them, spot by price and capacity). Omitted: one type for on-demand (the cheapest), every
    catalog type with the accelerator and GPU count in the region for spot."""
    azure: Optional[Annotated[TypeList, _one_size("an AKS agent pool")]] = None
    """One Azure VM size (an AKS agent pool takes one). Omitted: the catalog's cheapest."""
    gcp: Optional[Annotated[TypeList, _one_size("a GKE node pool")]] = None
    """One GCE machine type (a GKE node pool takes one). Omitted: the catalog's cheapest."""


class AwsReservation(SpecModel):
    """Reserved EC2 capacity for an EKS node group."""

    capacity_reservation_id: Optional[str] = None
    """An On-Demand Capacity Reservation (``cr-...``) the nodes launch into; with
    ``capacity_block``, the Capacity Block's reservation id. Omitted: no reservation."""
    capacity_block: bool = False
    """True: the nodes run in a Capacity Block for ML (launch template market type
    ``capacity-block``, node group capacity type ``CAPACITY_BLOCK``); needs
    ``capacity_reservation_id`` and a type in a Capacity Block family. Omitted: false."""

    @model_validator(mode="after")
    def _shape(self) -> "AwsReservation":
        problems = ProblemCollector()
        rid = self.capacity_reservation_id
        if rid is not None and not re.fullmatch(_CAPACITY_RESERVATION_ID, rid):
            problems.add(("capacity_reservation_id",), rid,
                         "must be a capacity reservation id such as cr-0123456789abcdef0")
        if self.capacity_block and rid is None:
            problems.add(("capacity_block",), True,
                         "a Capacity Block is consumed by its reservation id: set "
                         "capacity_reservation_id to the block's cr-... id")
        if rid is None and not self.capacity_block:
            problems.add((), {}, "set capacity_reservation_id, or capacity_block: true with it")
        problems.raise_if_any()
        return self


class GcpReservation(SpecModel):
    """Reserved or queued Compute Engine capacity for a GKE node pool."""

    reservation: Optional[str] = None
    """The name of a specific Compute Engine reservation the nodes consume (reservation
    affinity ``SPECIFIC_RESERVATION``); in another project: ``projects/<p>/reservations/<name>``.
    Omitted: no reservation."""
    flex_start: bool = False
    """True: GKE flex-start provisioning (queued until the whole node can be obtained, at most
    7 days per node, at a discounted price). Omitted: false."""

    @model_validator(mode="after")
    def _shape(self) -> "GcpReservation":
        problems = ProblemCollector()
        name = self.reservation
        if name is not None and not re.fullmatch(_GCP_RESERVATION_NAME, name.rsplit("/", 1)[-1]):
            problems.add(("reservation",), name, "must be a reservation name: lowercase letters, "
                         "digits and '-', starting with a letter")
        if name is not None and self.flex_start:
            problems.add(("flex_start",), True, "flex-start does not consume reservations: set "
                         "reservation or flex_start, not both")
        if name is None and not self.flex_start:
            problems.add((), {}, "set reservation, or flex_start: true")
        problems.raise_if_any()
        return self


class AzureReservation(SpecModel):
    """An Azure capacity reservation group for an AKS agent pool."""

    capacity_reservation_group_id: str
    """The resource id of a capacity reservation group (``/subscriptions/.../providers/
    Microsoft.Compute/capacityReservationGroups/<name>``) holding reservations of the pool's VM
    size in its zones. Required."""

    @model_validator(mode="after")
    def _shape(self) -> "AzureReservation":
        if not re.fullmatch(_AZURE_CAPACITY_RESERVATION_GROUP, self.capacity_reservation_group_id):
            problems = ProblemCollector()
            problems.add(("capacity_reservation_group_id",), self.capacity_reservation_group_id,
                         "must be a capacity reservation group resource id: /subscriptions/<id>/"
                         "resourceGroups/<rg>/providers/Microsoft.Compute/"
                         "capacityReservationGroups/<name>")
            problems.raise_if_any()
        return self


class Reservation(SpecModel):
    """Reserved capacity per cloud; each entry's cloud must be one the pool runs on."""

    aws: Optional[AwsReservation] = None
    """An On-Demand Capacity Reservation or Capacity Block. Omitted: none on AWS."""
    azure: Optional[AzureReservation] = None
    """A capacity reservation group. Omitted: none on Azure."""
    gcp: Optional[GcpReservation] = None
    """A specific reservation, or flex-start. Omitted: none on GCP."""

    @property
    def clouds(self) -> tuple[str, ...]:
        """The clouds with an entry."""
        return tuple(cloud for cloud in type(self).model_fields if getattr(self, cloud) is not None)


class Sharing(SpecModel):
    """How one GPU is shared by several pods."""

    mode: Literal["time-slicing", "mig"]
    """``time-slicing``: pods take turns on the whole GPU (no memory isolation); ``mig``: the GPU
    is split into isolated Multi-Instance GPU slices (A100, H100, H200, B200 only). Required."""
    replicas: Optional[int] = Field(None, ge=2, le=MAX_TIME_SLICES)
    """time-slicing only: pods per GPU (2-48). Required for time-slicing."""
    profile: Optional[str] = None
    """mig only: the MIG profile of every slice, e.g. ``1g.10gb`` (valid profiles depend on the
    accelerator). Required for mig."""

    @model_validator(mode="after")
    def _shape(self) -> "Sharing":
        problems = ProblemCollector()
        if self.mode == "time-slicing":
            if self.replicas is None:
                problems.add(("replicas",), None, "required for time-slicing: pods per GPU (2-48)")
            if self.profile is not None:
                problems.add(("profile",), self.profile, "only for mode mig")
        else:
            if self.profile is None:
                problems.add(("profile",), None, "required for mig: a MIG profile such as 1g.10gb")
            if self.replicas is not None:
                problems.add(("replicas",), self.replicas, "only for mode time-slicing (a MIG "
                             "profile fixes the slices per GPU)")
        problems.raise_if_any()
        return self

    @property
    def slices_per_gpu(self) -> int:
        """How many pods one GPU serves: the time-slicing replicas, or the MIG instances."""
        if self.mode == "time-slicing":
            return int(self.replicas or 1)
        compute = int(str(self.profile).split("g.", 1)[0])
        return MIG_SLICES_PER_GPU // compute


def mig_profile_problem(accelerator: str, profile: str) -> Optional[str]:
    """Why ``profile`` is not a MIG profile of ``accelerator``, or None when it is."""
    profiles = MIG_PROFILES.get(accelerator)
    if profiles is None:
        return (f"{accelerator} has no Multi-Instance GPU; MIG accelerators: "
                f"{', '.join(MIG_PROFILES)} (use mode time-slicing on {accelerator})")
    if profile not in profiles:
        return f"not a MIG profile of {accelerator}; valid: {', '.join(profiles)}"
    return None


def capacity_block_family(instance_type: str) -> bool:
    """True when ``instance_type``'s family is sold as Capacity Blocks."""
    return instance_type.split(".", 1)[0] in CAPACITY_BLOCK_FAMILIES
