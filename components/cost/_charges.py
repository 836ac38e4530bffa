"""Quotes from the catalog's service prices: fixed charges (per hour, per month, per GB-month)
and usage-based charges whose quantity comes from the usage file or the model."""

from __future__ import annotations

from aiscale import catalog
from aiscale.catalog._services import ServicePrice, service_price
from aiscale.preview.records import ResourceRecord

from ._fleet import Quote, count_text, price_text
from ._graph import Graph
from ._model import UsageCharge
from ._values import Unpriced

UNIT_LABEL = {"hour": "/h", "month": "/month", "GB-month": "/GB-month", "GB": "/GB",
              "10k-requests": "/10k requests", "second": "/s", "vcpu-second": "/vCPU-s",
              "gib-second": "/GiB-s"}
"""How a unit follows a price in a basis sentence."""


def price(cloud: str, service: str, sku: str, region: str) -> ServicePrice:
    """The catalog's price of `sku`; Unpriced naming it when the catalog has none there."""
    found = service_price(cloud, service, sku, region)
    if found is None:
        raise Unpriced(f"the catalog has no {service} {sku} price for {cloud} {region}")
    return found


def per(found: ServicePrice) -> str:
    """"$0.045/h", "$1.00/month", "$0.08/GB-month"."""
    return f"{price_text(found.price_usd)}{UNIT_LABEL[found.unit]}"


def monthly_of(found: ServicePrice, quantity: float = 1.0) -> float:
    """USD per month for `quantity` units held all month (hours x 730 for an hourly price)."""
    if found.unit == "hour":
        return quantity * found.price_usd * catalog.HOURS_PER_MONTH
    if found.unit in ("second", "vcpu-second", "gib-second"):
        return quantity * found.price_usd * 3600 * catalog.HOURS_PER_MONTH
    return quantity * found.price_usd


def fixed(what: str, found: ServicePrice, low: float = 1, high: float | None = None,
          note: str = "") -> Quote:
    """`low`..`high` units of `found` held all month, e.g. 1 x NAT gateway at $0.045/h x 730 h."""
    high = low if high is None else high
    hours = f" x {catalog.HOURS_PER_MONTH} h" if found.unit in ("hour",) else ""
    count = count_text(int(low), int(high)) if float(low).is_integer() and float(high).is_integer() \
        else f"{low:g}-{high:g}"
    region = "" if found.region == "*" else f" in {found.region}"
    basis = f"{count} x {what}{region} at {per(found)}{hours}{note}"
    return Quote(monthly_of(found, low), monthly_of(found, high), basis)


def usage(record: ResourceRecord, graph: Graph, key: str, what: str,
          found: ServicePrice) -> UsageCharge:
    """The usage-based charge `key` of `record` at `found`'s unit price, with the quantity the
    usage file or the model gives (None when neither does)."""
    quantity, source = graph.usage.quantity(record, key)
    if found.unit == "10k-requests" and quantity is not None:
        quantity = quantity / 10_000
    return UsageCharge(key=key, what=what, unit=found.unit, unit_price=found.price_usd,
                       quantity=quantity, source=source)


def usage_only(charges: tuple[UsageCharge, ...], what: str) -> Quote:
    """A resource that costs only what it is used: $0 fixed plus its usage-based charges."""
    parts = [f"{c.what} at {price_text(c.unit_price)}{UNIT_LABEL[c.unit]}"
             + (f" x {c.quantity:g} ({c.source})" if c.quantity is not None else " (usage-based: no usage given)")
             for c in charges]
    return Quote(0.0, 0.0, f"{what}: " + "; ".join(parts), usage=charges)


def with_usage(quote: Quote, charges: tuple[UsageCharge, ...]) -> Quote:
    """`quote` plus usage-based charges, said in the basis."""
    parts = [f"{c.what} at {price_text(c.unit_price)}{UNIT_LABEL[c.unit]}"
             + (f" x {c.quantity:g} ({c.source})" if c.quantity is not None else " (usage-based: no usage given)")
             for c in charges]
    return Quote(quote.monthly_min, quote.monthly_max, "; ".join([quote.basis, *parts]),
                 quote.unpriced, quote.usage + charges)
