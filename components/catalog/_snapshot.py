"""When the catalog's prices were taken: the dated public sources behind them (data/price_sources.csv)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

from ._data import data_file

PRICE_SOURCES_FILE = "price_sources.csv"
"""One row per public source of catalog prices, with the date its figures are as of."""


@dataclass(frozen=True)
class PriceSource:
    """One public source of catalog prices."""

    source: str
    """Repository and file the figures were transcribed from."""
    commit: str
    """The source's commit."""
    as_of: str
    """ISO date the figures are as of (see ``as_of_means``)."""
    covers: str
    """Which catalog rows come from it."""
    as_of_means: str
    """What the date is: the source's own timestamp, or the day the figures were transcribed."""


@lru_cache(maxsize=1)
def price_sources() -> tuple[PriceSource, ...]:
    """Every dated source of the packaged catalog's prices."""
    text = data_file(PRICE_SOURCES_FILE).read_text(encoding="utf-8")
    return tuple(PriceSource(**row) for row in csv.DictReader(io.StringIO(text)))


def snapshot_date() -> str:
    """The date of the oldest price source (ISO ``YYYY-MM-DD``): no packaged price is older.

    A catalog overlay's rows carry the user's own prices and are not dated here.
    """
    return min(source.as_of for source in price_sources())
