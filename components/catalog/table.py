"""Rendering offerings as a rich table for `aiscale catalog`."""

from __future__ import annotations

from typing import Iterable

from rich.table import Table

from ._model import Offering

MISSING = "-"
"""Shown in place of a price the catalog does not have."""


def _price(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.3f}"


def offerings_table(offerings: Iterable[Offering]) -> Table:
    """A table of `offerings` in the order given, one row each; missing prices show as "-"."""
    table = Table(title="GPU offerings (list prices, USD per instance-hour)")
    table.add_column("cloud")
    table.add_column("region")
    table.add_column("accelerator")
    table.add_column("GPUs", justify="right")
    table.add_column("instance type")
    table.add_column("vCPUs", justify="right")
    table.add_column("memory", justify="right")
    table.add_column("$/h on-demand", justify="right")
    table.add_column("$/h spot", justify="right")
    for o in offerings:
        table.add_row(
            o.cloud,
            o.region,
            o.accelerator,
            str(o.gpus),
            o.instance_type,
            str(o.vcpus),
            f"{o.memory_gib:g} GiB",
            _price(o.price_hour_ondemand),
            _price(o.price_hour_spot),
        )
    return table
