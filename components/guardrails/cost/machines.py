"""Which machines and accelerators a resource asks for, and how many GPUs each carries.

Machine types are resolved through the context's catalog lookup (``ctx.lookup``); accelerator
names in provider vocabularies (GKE ``nvidia-tesla-t4``, Vertex ``NVIDIA_TESLA_T4``) are mapped
to the catalog's canonical names (``nvidia-t4``) from the catalog's own data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from aiscale.facts import reader
from aiscale.facts.model import MachineRequest

from ..props import is_unknown

MACHINE_TYPES: tuple[str, ...] = reader.MACHINE_TYPES
"""Canonical tokens whose inputs name machine types or accelerators (see :func:`machines`)."""

Machine = MachineRequest
"""One machine (or accelerator) request found in a resource's inputs (``aiscale.facts``)."""


@lru_cache(maxsize=1)
def _accelerator_aliases() -> dict[str, str]:
    """Provider accelerator names (lower-case) -> canonical names, from the catalog."""
    from aiscale import catalog

    aliases = {name: name for name in catalog.accelerators()}
    for offering in catalog.offerings():
        if offering.accelerator_type:  # a row that names the provider's attached-GPU type
            aliases[offering.accelerator_type.lower()] = offering.accelerator
    for name in catalog.accelerators():
        vertex = catalog.accelerator_info(name).vertex_type
        if vertex:
            aliases[vertex.lower()] = name
    return aliases


def canonical_accelerator(name: Any) -> Optional[str]:
    """The catalog's canonical name for an accelerator name in any vocabulary, or None."""
    if not isinstance(name, str) or not name or is_unknown(name):
        return None
    return _accelerator_aliases().get(name.lower())


def machines(resource_type: str, props) -> list[Machine]:
    """Every machine / accelerator request in a resource's inputs (the facts reader's)."""
    return list(reader.machine_requests(resource_type, props))


@dataclass(frozen=True)
class GpuFacts:
    """What the catalog says about one machine request."""

    gpus: Optional[float]
    """GPUs per machine (0 = no GPU, None = unknown machine type)."""
    accelerator: Optional[str]
    """Canonical accelerator name, if known."""


def facts(machine: Machine, lookup, region: Optional[str] = None) -> GpuFacts:
    """GPU count and canonical accelerator of `machine` (explicit accelerators win)."""
    accelerator = canonical_accelerator(machine.accelerator)
    if machine.accelerator:
        count = machine.accelerator_count if machine.accelerator_count is not None else 1.0
        if accelerator is None and machine.instance_type:
            offering = lookup(machine.cloud, machine.instance_type, region)
            accelerator = getattr(offering, "accelerator", None)
        return GpuFacts(count, accelerator or machine.accelerator)
    if not machine.instance_type:
        return GpuFacts(None, None)
    offering = lookup(machine.cloud, machine.instance_type, region)
    if offering is None:
        return GpuFacts(None, None)
    return GpuFacts(float(offering.gpus), offering.accelerator)
