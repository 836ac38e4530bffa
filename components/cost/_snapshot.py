"""The date of the price snapshot an estimate uses."""

from __future__ import annotations

import csv
import io

from aiscale import catalog
from aiscale.catalog._data import data_file
from aiscale.catalog._services import service_prices

_MACHINE_SOURCES = ("gpu_instances_sources.csv", "storage_prices_sources.csv")
"""Machine and storage provenance files; their dates are read when the catalog exposes none."""


def _dates_in(name: str) -> list[str]:
    """ISO dates (YYYY-MM-DD) in the provenance file `name` (any column), [] when absent."""
    try:
        text = data_file(name).read_text(encoding="utf-8")
    except OSError:
        return []
    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            for word in cell.replace("(", " ").replace(")", " ").split():
                if len(word) == 10 and word[4] == "-" and word[7] == "-" and word[:4].isdigit():
                    found.append(word)
    return found


def snapshot_date() -> str:
    """The date of the oldest price the estimate may use (ISO ``YYYY-MM-DD``): no packaged price
    is older. The machine catalog's ``snapshot_date()`` (its oldest source) or, without one, the
    dates in its provenance files, and the oldest service price row."""
    dates = [min(price.as_of for price in service_prices())]
    own = getattr(catalog, "snapshot_date", None)
    if callable(own):
        dates.append(str(own()))
    else:
        for name in _MACHINE_SOURCES:
            dates += _dates_in(name)
    return min(dates)
