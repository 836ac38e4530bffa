"""Each cloud's known regions and their availability zones, read from ``clouds/data/<cloud>_regions.csv``.

The data and its sources: ``clouds/data/REGIONS.md``. :class:`RegionTable` is what an adapter's
``regions`` and ``zones(region)`` read.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping


class UnknownRegionError(ValueError):
    """A region the cloud's region list does not know; the message names the closest known ones."""

    def __init__(self, cloud: str, region: str, choices: str) -> None:
        self.cloud, self.region = cloud, region
        super().__init__(f"unknown {cloud} region {region!r}; {choices}")


@dataclass(frozen=True)
class RegionTable:
    """One cloud's regions, in the data file's order, each with its zones."""

    cloud: str
    """The cloud id (``aws``)."""
    zones_by_region: Mapping[str, tuple[str, ...]]
    """Region -> its availability zones (empty when the region has none)."""

    @property
    def regions(self) -> tuple[str, ...]:
        """Every known region."""
        return tuple(self.zones_by_region)

    def close_to(self, region: str, limit: int = 5) -> tuple[str, ...]:
        """The known regions whose names are closest to ``region`` (at most ``limit``; maybe none)."""
        return tuple(difflib.get_close_matches(region, self.regions, n=limit, cutoff=0.75))

    def choices(self, region: str) -> str:
        """What to say instead of an unknown ``region``: ``closest known: a, b`` or ``known: <all>``."""
        close = self.close_to(region)
        return f"closest known: {', '.join(close)}" if close else f"known: {', '.join(self.regions)}"

    def zones(self, region: str) -> tuple[str, ...]:
        """The zones of ``region``; :class:`UnknownRegionError` for a region not in the table."""
        if region not in self.zones_by_region:
            raise UnknownRegionError(self.cloud, region, self.choices(region))
        return self.zones_by_region[region]


@lru_cache(maxsize=None)
def region_table(cloud: str) -> RegionTable:
    """The region table of ``cloud`` (read once)."""
    text = resources.files("aiscale.clouds").joinpath("data", f"{cloud}_regions.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    table = {row["region"]: tuple(row["zones"].split()) for row in rows}
    return RegionTable(cloud, MappingProxyType(table))
