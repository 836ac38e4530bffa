"""The catalog overlay in effect: a user's extra rows and negotiated discounts, applied once.

A :class:`CatalogOverlay` is loaded from YAML by ``aiscale.catalog.overlay_file.load_overlay``
(docs/catalog.md). ``activate_overlay`` puts it in effect for the whole process (the CLI does so
for ``--catalog-overlay`` or the stack's ``aiscale:catalogOverlay``; a Pulumi program may too);
every catalog look-up (offerings, placement, machine prices) then reads the packaged rows with
the overlay's rows merged in and its discounts applied. ``overlay_in_effect`` does the same for
a ``with`` block and restores the previous overlay.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator, Optional, TypeVar

from ._model import CpuMachine, Offering

Row = TypeVar("Row", Offering, CpuMachine)

PRICE_DECIMALS = 6
"""Decimals kept of a discounted hourly price."""


@dataclass(frozen=True)
class CatalogOverlay:
    """A user's additions to the catalog: rows that add or replace catalog rows, and discounts."""

    source: str = ""
    """Where the overlay was read from (a file path), for messages; "" for none."""
    gpu_instances: tuple[Offering, ...] = ()
    """GPU machine rows; one with the same (cloud, instance type, region, accelerator, GPUs) as a
    packaged row replaces it."""
    cpu_instances: tuple[CpuMachine, ...] = ()
    """CPU machine rows; one with the same (cloud, instance type, region) replaces the packaged row."""
    discounts: tuple[tuple[str, float], ...] = ()
    """(cloud, fraction off list prices), e.g. (("aws", 0.12),) for a 12 % negotiated discount."""

    def discount(self, cloud: str) -> float:
        """The fraction taken off `cloud`'s list prices (0.0 when none is set)."""
        return dict(self.discounts).get(cloud, 0.0)

    def __bool__(self) -> bool:
        """True when the overlay changes anything."""
        return bool(self.gpu_instances or self.cpu_instances or self.discounts)


NO_OVERLAY = CatalogOverlay()
"""The overlay in effect until one is activated: the packaged catalog as is."""


class _Holder:
    """The process-wide overlay in effect (read by every look-up, from any thread)."""

    def __init__(self) -> None:
        self.overlay = NO_OVERLAY
        self.lock = threading.Lock()


_IN_EFFECT = _Holder()


def active_overlay() -> CatalogOverlay:
    """The overlay in effect (``NO_OVERLAY`` unless one was activated)."""
    return _IN_EFFECT.overlay


def activate_overlay(overlay: Optional[CatalogOverlay]) -> None:
    """Put `overlay` in effect for the whole process (None: back to the packaged catalog)."""
    with _IN_EFFECT.lock:
        _IN_EFFECT.overlay = overlay or NO_OVERLAY


@contextmanager
def overlay_in_effect(overlay: Optional[CatalogOverlay]) -> Iterator[CatalogOverlay]:
    """Activate `overlay` for a ``with`` block, then restore the overlay that was in effect."""
    previous = active_overlay()
    activate_overlay(overlay)
    try:
        yield active_overlay()
    finally:
        activate_overlay(previous)


def discount(cloud: str) -> float:
    """The fraction the overlay in effect takes off `cloud`'s list prices (0.0 by default)."""
    return active_overlay().discount(cloud)


def _row_key(row: Offering | CpuMachine) -> tuple:
    if isinstance(row, Offering):
        return (row.cloud, row.instance_type, row.region, row.accelerator, row.gpus)
    return (row.cloud, row.instance_type, row.region)


def _discounted(row: Row, fraction: float) -> Row:
    if not fraction:
        return row

    def off(price: Optional[float]) -> Optional[float]:
        return None if price is None else round(price * (1.0 - fraction), PRICE_DECIMALS)

    return replace(row, price_hour_ondemand=off(row.price_hour_ondemand), price_hour_spot=off(row.price_hour_spot))


def merged(packaged: tuple[Row, ...], extra: tuple[Row, ...], overlay: CatalogOverlay) -> list[Row]:
    """`packaged` rows with `extra` rows added (replacing rows of the same key), discounted."""
    rows = {_row_key(row): row for row in packaged}
    rows.update((_row_key(row), row) for row in extra)
    return [_discounted(row, overlay.discount(row.cloud)) for row in rows.values()]
