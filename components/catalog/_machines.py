"""Whole-machine prices: CPU machines (system pools, CPU node groups) and any catalog machine by name.

``machine_price(cloud, region, machine_type, capacity)`` is the one look-up the cost estimator
uses for a machine it finds in a program: CPU rows first, then GPU rows whose price covers the
whole machine. Prices are list prices after the active catalog overlay's discount for the cloud
(docs/catalog.md); None means the catalog has no figure (never a guess from another region).
"""

from __future__ import annotations

from ._lookup import _check_capacity, _check_cloud, all_offerings
from ._data import all_cpu_machines
from ._model import CpuMachine


def cpu_machines(cloud: str | None = None, region: str | None = None) -> tuple[CpuMachine, ...]:
    """The CPU machines matching every filter given (None = any), in (cloud, type, region) order."""
    if cloud is not None:
        _check_cloud(cloud)
    return tuple(m for m in all_cpu_machines()
                 if (cloud is None or m.cloud == cloud) and (region is None or m.region == region))


def cpu_machine(cloud: str, machine_type: str, region: str) -> CpuMachine | None:
    """The CPU machine row for `machine_type` on `cloud` in `region`, or None."""
    _check_cloud(cloud)
    for machine in all_cpu_machines():
        if (machine.cloud, machine.instance_type, machine.region) == (cloud, machine_type, region):
            return machine
    return None


def machine_price(cloud: str, region: str, machine_type: str, capacity: str = "on-demand") -> float | None:
    """The hourly price in USD of one `machine_type` on `cloud` in `region` for `capacity`
    ("on-demand" or "spot"), or None when the catalog has no figure.

    CPU machines come from ``cpu_instances.csv``; GPU machines from ``gpu_instances.csv`` when
    the row prices the whole machine (not GCP N1 hosts, whose price depends on the GPUs
    attached: use ``find_instance_type`` with the accelerator for those). No fallback: a spot
    price the catalog lacks is None. An unknown cloud or capacity raises (CatalogLookupError,
    ValueError); an unknown machine type or region is None.
    """
    _check_cloud(cloud)
    _check_capacity(capacity)
    found = cpu_machine(cloud, machine_type, region)
    if found is not None:
        return found.price_hour(capacity)
    for offering in all_offerings():
        if (offering.cloud, offering.instance_type, offering.region) == (cloud, machine_type, region) \
                and not offering.gpu_attached:
            return offering.price_hour(capacity)
    return None
