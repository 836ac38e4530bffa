"""The rich table for `aiscale catalog`."""

from __future__ import annotations

from rich.console import Console

import aiscale.catalog as catalog
from aiscale.catalog.table import offerings_table

COLUMNS = [
    "cloud", "region", "accelerator", "GPUs", "instance type", "vCPUs", "memory",
    "$/h on-demand", "$/h spot",
]


def _cells(table, column):
    return list(table.columns[COLUMNS.index(column)].cells)


def test_columns_and_rows():
    rows = catalog.offerings("aws", "nvidia-l4", "us-east-1", 1)
    table = offerings_table(rows)
    assert [c.header for c in table.columns] == COLUMNS
    assert table.row_count == len(rows) > 0
    assert _cells(table, "instance type") == [o.instance_type for o in rows]
    assert _cells(table, "GPUs") == ["1"] * len(rows)


def test_missing_prices_show_a_dash():
    h100 = catalog.offerings("azure", "nvidia-h100-nvl", "eastus")  # no spot figure (source placeholder)
    assert h100
    table = offerings_table(h100)
    assert _cells(table, "$/h spot") == ["-"] * len(h100)
    assert "-" not in _cells(table, "$/h on-demand")


def test_prices_are_formatted():
    offering = catalog.find_instance_type("aws", "g6.xlarge", "us-east-1")
    table = offerings_table([offering])
    assert _cells(table, "$/h on-demand") == [f"{offering.price_hour_ondemand:,.3f}"]
    assert _cells(table, "memory") == ["16 GiB"]


def test_renders_whole_catalog():
    console = Console(width=200, record=True)
    console.print(offerings_table(catalog.offerings()))
    text = console.export_text()
    assert "a3-megagpu-8g" in text and "Standard_ND96isr_H100_v5" in text
