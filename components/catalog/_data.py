"""Loading the packaged catalog files, lazily and once per process.

The CSV files live in `aiscale/catalog/data/` and are read through importlib.resources, so the
catalog works from a wheel, a zip or an editable checkout alike. See data/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Mapping

from ._accelerators import (
    ACCELERATORS,
    GCP_ACCELERATOR_TYPES,
    GCP_ATTACHED_GPU_FAMILY_PREFIX,
    gcp_machine_family,
)
from ._model import CLOUDS, CpuMachine, Offering
from ._overlay import CatalogOverlay, active_overlay, merged

DATA_PACKAGE = "aiscale.catalog"
"""The package whose `data/` folder holds the catalog files."""

GPU_INSTANCES_FILE = "gpu_instances.csv"
"""GPU machine types per cloud and region with list prices (columns in PROVENANCE.md)."""

CPU_INSTANCES_FILE = "cpu_instances.csv"
"""CPU-only machine types (system pools, CPU node groups) per cloud and region with list prices."""

STORAGE_PRICES_FILE = "storage_prices.csv"
"""Object-storage list prices per GB-month."""


def data_file(name: str) -> Traversable:
    """The packaged data file `name` (inside the installed aiscale.catalog package)."""
    return resources.files(DATA_PACKAGE).joinpath("data", name)


def _read_rows(name: str) -> list[dict[str, str]]:
    text = data_file(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _optional_float(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


def _gcp_accelerator_type(instance_type: str, accelerator: str) -> str:
    key = (gcp_machine_family(instance_type), accelerator)
    try:
        return GCP_ACCELERATOR_TYPES[key]
    except KeyError:
        raise ValueError(
            f"{GPU_INSTANCES_FILE}: GCP row {instance_type} ({accelerator}) has no entry in "
            f"GCP_ACCELERATOR_TYPES; known: {sorted(GCP_ACCELERATOR_TYPES)}"
        ) from None


def _offering(row: Mapping[str, str]) -> Offering:
    cloud, instance_type, accelerator = row["cloud"], row["instance_type"], row["accelerator"]
    if cloud not in CLOUDS:
        raise ValueError(f"{GPU_INSTANCES_FILE}: cloud {cloud!r} is not one of {CLOUDS}")
    if accelerator not in ACCELERATORS:
        raise ValueError(
            f"{GPU_INSTANCES_FILE}: accelerator {accelerator!r} ({cloud} {instance_type}) "
            f"is not in ACCELERATORS"
        )
    is_gcp = cloud == "gcp"
    return Offering(
        cloud=cloud,
        instance_type=instance_type,
        accelerator=accelerator,
        gpus=int(row["accelerator_count"]),
        gpu_memory_gib=float(row["accelerator_memory_gib"]),
        vcpus=int(row["vcpus"]),
        memory_gib=float(row["memory_gib"]),
        region=row["region"],
        price_hour_ondemand=_optional_float(row["price_hour_ondemand_usd"]),
        price_hour_spot=_optional_float(row["price_hour_spot_usd"]),
        gpu_attached=is_gcp and instance_type.startswith(GCP_ATTACHED_GPU_FAMILY_PREFIX),
        accelerator_type=_gcp_accelerator_type(instance_type, accelerator) if is_gcp else None,
    )


def offering_sort_key(offering: Offering) -> tuple:
    """The catalog's deterministic order: (cloud, accelerator, gpus, instance_type, region)."""
    return (
        offering.cloud,
        offering.accelerator,
        offering.gpus,
        offering.instance_type,
        offering.region,
    )


@lru_cache(maxsize=1)
def packaged_offerings() -> tuple[Offering, ...]:
    """Every GPU offering in the packaged catalog, in the catalog's deterministic order."""
    return tuple(sorted(map(_offering, _read_rows(GPU_INSTANCES_FILE)), key=offering_sort_key))


def all_offerings() -> tuple[Offering, ...]:
    """Every GPU offering: the packaged rows with the catalog overlay in effect applied."""
    return _offerings_with(active_overlay())


@lru_cache(maxsize=4)
def _offerings_with(overlay: CatalogOverlay) -> tuple[Offering, ...]:
    rows = merged(packaged_offerings(), overlay.gpu_instances, overlay)
    return tuple(sorted(rows, key=offering_sort_key))


def _cpu_machine(row: Mapping[str, str]) -> CpuMachine:
    if row["cloud"] not in CLOUDS:
        raise ValueError(f"{CPU_INSTANCES_FILE}: cloud {row['cloud']!r} is not one of {CLOUDS}")
    return CpuMachine(
        cloud=row["cloud"],
        instance_type=row["instance_type"],
        vcpus=int(row["vcpus"]),
        memory_gib=float(row["memory_gib"]),
        region=row["region"],
        price_hour_ondemand=_optional_float(row["price_hour_ondemand_usd"]),
        price_hour_spot=_optional_float(row["price_hour_spot_usd"]),
    )


def cpu_machine_sort_key(machine: CpuMachine) -> tuple:
    """The deterministic order of CPU machines: (cloud, instance_type, region)."""
    return (machine.cloud, machine.instance_type, machine.region)


@lru_cache(maxsize=1)
def packaged_cpu_machines() -> tuple[CpuMachine, ...]:
    """Every CPU machine in the packaged catalog, in (cloud, instance_type, region) order."""
    return tuple(sorted(map(_cpu_machine, _read_rows(CPU_INSTANCES_FILE)), key=cpu_machine_sort_key))


def all_cpu_machines() -> tuple[CpuMachine, ...]:
    """Every CPU machine: the packaged rows with the catalog overlay in effect applied."""
    return _cpu_machines_with(active_overlay())


@lru_cache(maxsize=4)
def _cpu_machines_with(overlay: CatalogOverlay) -> tuple[CpuMachine, ...]:
    rows = merged(packaged_cpu_machines(), overlay.cpu_instances, overlay)
    return tuple(sorted(rows, key=cpu_machine_sort_key))


@lru_cache(maxsize=1)
def storage_prices() -> Mapping[tuple[str, str, str], float]:
    """(cloud, region, STORAGE_CLASS) -> USD per GB-month, from the packaged file."""
    return MappingProxyType(
        {
            (row["cloud"], row["region"], row["storage_class"].upper()): float(
                row["price_gb_month_usd"]
            )
            for row in _read_rows(STORAGE_PRICES_FILE)
        }
    )
