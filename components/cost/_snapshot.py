"""The date of the price snapshot an estimate uses."""

from __future__ import annotations

from aiscale import catalog
from aiscale.catalog._services import service_prices


def snapshot_date() -> str:
    """The date of the oldest price the estimate may use (ISO ``YYYY-MM-DD``): no packaged price
    is older. The older of the machine catalog's ``snapshot_date()`` (its oldest source) and the
    oldest service price row."""
    return min(catalog.snapshot_date(), min(price.as_of for price in service_prices()))
