"""Helpers of the cost tests: expected figures computed from the catalog row (so a test fails
when the lookup or the arithmetic is wrong), URNs by name, hand-made records."""

from __future__ import annotations

from typing import Optional

from aiscale import catalog
from aiscale.preview.engine import PreviewResult
from aiscale.preview.records import ResourceRecord


def urn_of(result: PreviewResult, name: str) -> str:
    """The URN of the one custom resource called `name`."""
    found = [r.urn for r in result.resources if r.custom and r.name == name]
    assert len(found) == 1, f"expected one resource named {name}, found {found}"
    return found[0]


def hourly(cloud: str, machine: str, region: str, capacity: str, *,
           accelerator_type: Optional[str] = None, gpus: Optional[int] = None) -> float:
    """The catalog's hourly price of one machine, asserting the row and the figure exist."""
    row = catalog.find_instance_type(cloud, machine, region,
                                     accelerator_type=accelerator_type, gpus=gpus)
    assert row is not None, f"catalog row {cloud} {machine} {region} is missing"
    price = row.price_hour(capacity)
    assert price is not None and price > 0, f"no {capacity} price for {machine} in {region}"
    return price


def monthly(count: int, price: float) -> float:
    """count x hourly price x the catalog's hours per month."""
    return count * price * catalog.HOURS_PER_MONTH


def record(type_token: str, name: str, inputs: dict, *, provider: Optional[str] = None,
           custom: bool = True, **extra) -> ResourceRecord:
    """A hand-made record (for edge cases the SDK classes would refuse to build)."""
    urn = f"urn:pulumi:dev::test::pulumi:pulumi:Stack${type_token}::{name}"
    return ResourceRecord(urn=urn, type=type_token, name=name, custom=custom, inputs=inputs,
                          provider=provider, **extra)
