"""Pricing a fleet: between min and max machines of one type, on-demand or spot, in one region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from aiscale import catalog

from ._model import CostItem, UsageCharge, to_cents
from ._values import Unpriced

ON_DEMAND = "on-demand"
SPOT = "spot"


@dataclass(frozen=True)
class Quote:
    """A monthly cost range before rounding, with the sentence that explains it."""

    monthly_min: float
    """USD per month at the smallest size."""
    monthly_max: float
    """USD per month at the largest size."""
    basis: str
    """How the figures were computed."""
    unpriced: str = ""
    """Why some part of the resource could not be priced ("" when all of it was)."""
    usage: tuple[UsageCharge, ...] = ()
    """Usage-based charges; those with a known quantity add to both figures of the item."""

    def item(self, urn: str) -> CostItem:
        """The cost item of `urn`, rounded to cents, usage with a known quantity included."""
        used = sum(charge.monthly for charge in self.usage)
        return CostItem(urn=urn, monthly_min=to_cents(self.monthly_min + used),
                        monthly_max=to_cents(self.monthly_max + used), basis=self.basis,
                        usage=self.usage)


def combine(quotes: Iterable[Quote]) -> Quote:
    """The sum of several quotes of one resource (e.g. the pools of one cluster)."""
    quotes = list(quotes)
    return Quote(sum(q.monthly_min for q in quotes), sum(q.monthly_max for q in quotes),
                 "; ".join(q.basis for q in quotes if q.basis),
                 "; ".join(q.unpriced for q in quotes if q.unpriced),
                 tuple(charge for q in quotes for charge in q.usage))


def price_text(price: float) -> str:
    """An hourly price as the catalog has it, at least two decimals: 0.4048 -> "$0.4048"."""
    text = f"{price:.8f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def count_text(low: int, high: int) -> str:
    """"2" for a fixed size, "0-4" for a range."""
    return str(low) if low == high else f"{low}-{high}"


def offering(cloud: str, machine: str, region: str, *,
             accelerator_type: Optional[str] = None, gpus: Optional[int] = None
             ) -> catalog.Offering:
    """The catalog row of `machine` in `region`; Unpriced when the catalog has none."""
    found = catalog.find_instance_type(cloud, machine, region,
                                       accelerator_type=accelerator_type, gpus=gpus)
    if found is None:
        attached = f" with {gpus} x {accelerator_type}" if accelerator_type else ""
        raise Unpriced(f"the catalog has no price for {machine}{attached} in {cloud} {region}")
    return found


def hourly(found: catalog.Offering, capacity: str) -> float:
    """The hourly list price of `found` for `capacity`; Unpriced when that figure is missing."""
    price = found.price_hour(capacity)
    if price is None:
        raise Unpriced(f"the catalog has no {capacity} price for {found.instance_type} "
                       f"in {found.cloud} {found.region}")
    return price


@dataclass(frozen=True)
class Fleet:
    """Between `min_count` and `max_count` machines of one type in one region."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    machine: str
    """The provider machine type (for GCP N1, the host VM)."""
    region: str
    """The provider region."""
    capacity: str
    """"on-demand" or "spot"."""
    min_count: int
    """Machines at the smallest size."""
    max_count: int
    """Machines at the largest size."""
    note: str = ""
    """Appended to the basis, e.g. how per-zone counts were multiplied."""
    accelerator_type: Optional[str] = None
    """GCP attached GPU type (N1 hosts), e.g. "nvidia-tesla-t4"."""
    gpus: Optional[int] = None
    """GCP attached GPUs per machine (N1 hosts)."""

    def quote(self) -> Quote:
        """The monthly cost range: count x catalog hourly price x hours per month."""
        if self.max_count < self.min_count:
            raise Unpriced(f"the maximum size {self.max_count} is below the minimum "
                           f"{self.min_count}")
        price, gpu_attached = self._hourly()
        hours = catalog.HOURS_PER_MONTH
        attached = (f" + {self.gpus} x {self.accelerator_type}"
                    if gpu_attached and self.accelerator_type else "")
        basis = (f"{count_text(self.min_count, self.max_count)} x {self.machine}{attached} "
                 f"{self.capacity} in {self.region} at {price_text(price)}/h x {hours} h"
                 f"{self.note}")
        return Quote(self.min_count * price * hours, self.max_count * price * hours, basis)

    def _hourly(self) -> tuple[float, bool]:
        """(hourly price, GPU attached to the host): the GPU catalog's row, else, for a machine
        without attached GPUs, the catalog's CPU machine row (system pools); Unpriced when
        neither has the figure for this capacity."""
        found = catalog.find_instance_type(self.cloud, self.machine, self.region,
                                           accelerator_type=self.accelerator_type, gpus=self.gpus)
        if found is not None:
            return hourly(found, self.capacity), found.gpu_attached
        if self.accelerator_type is None and catalog.cpu_machine(self.cloud, self.machine, self.region):
            price = catalog.machine_price(self.cloud, self.region, self.machine, self.capacity)
            if price is None:
                raise Unpriced(f"the catalog has no {self.capacity} price for {self.machine} "
                               f"in {self.cloud} {self.region}")
            return price, False
        offering(self.cloud, self.machine, self.region,  # raises Unpriced naming what is missing
                 accelerator_type=self.accelerator_type, gpus=self.gpus)
        raise AssertionError("unreachable: offering() found no row")  # pragma: no cover


#: The node label that tells the two halves of a spot-with-fallback pool apart (aiscale.gpu_nodes).
CAPACITY_ROLE_LABEL = "aiscale.io/capacity-role"
#: The node label of a pool whose GPUs are shared between pods (aiscale.gpu_nodes).
GPU_SHARING_LABEL = "aiscale.io/gpu-sharing"

_CAPACITY_NOTES = {
    "spot": "spot half of a spot-with-fallback pool: while spot is short its on-demand fallback "
            "group runs instead, priced there",
    "fallback": "on-demand fallback of a spot-with-fallback pool: runs only while spot is short "
                "(the maximum assumes it at full size, as the declared group allows)",
    "capacity-block": "Capacity Block for ML: paid upfront for the block's duration at the block's "
                      "own price, not in the catalog (on-demand list price shown for reference)",
    "reservation": "reserved capacity: the reservation is billed for its reserved machines whether "
                   "nodes use them or not (its size is not in the model; this range counts nodes)",
    "flex-start": "flex-start: billed at a discounted flex-start rate not in the catalog (on-demand "
                  "list price shown as an upper figure)",
    "sharing": "GPUs shared between pods: the node costs the same, each replica uses a slice",
}
"""What the estimate assumes for each capacity mechanism (docs/capacity.md)."""


def _walk(value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key), item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def capacity_note(*inputs: Optional[Mapping[str, Any]]) -> str:
    """`` (assumes: ...)`` for the capacity mechanisms a node pool's inputs (and its launch
    template's) use: spot-with-fallback halves, Capacity Blocks, reservations, flex-start and
    GPU sharing; empty when none."""
    found: list[str] = []
    for key, value in (pair for one in inputs if one for pair in _walk(one)):
        kind = None
        if key == CAPACITY_ROLE_LABEL and value in ("spot", "fallback"):
            kind = value
        elif (key, value) in (("capacityType", "CAPACITY_BLOCK"), ("marketType", "capacity-block")):
            kind = "capacity-block"
        elif key in ("capacityReservationTarget", "capacityReservationGroupID") or (
                key == "consumeReservationType" and value == "SPECIFIC_RESERVATION"):
            kind = "reservation"
        elif key == "flexStart" and value is True:
            kind = "flex-start"
        elif key in (GPU_SHARING_LABEL, "gpuSharingConfig", "gpuPartitionSize", "gpuInstanceProfile"):
            kind = "sharing"
        if kind and _CAPACITY_NOTES[kind] not in found:
            found.append(_CAPACITY_NOTES[kind])
    if "capacity-block" in " ".join(found) and _CAPACITY_NOTES["reservation"] in found:
        found.remove(_CAPACITY_NOTES["reservation"])  # a block is a reservation, paid upfront
    return f" (assumes: {'; '.join(found)})" if found else ""
