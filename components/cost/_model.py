"""Value types of a cost estimate: one item per priced resource, and the whole estimate."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Optional

CURRENCY = "USD"
"""The currency of every figure: the catalog's list prices are USD."""

_CENT = Decimal("0.01")


def to_cents(amount: float) -> float:
    """`amount` rounded half-up to whole cents (the one rounding every figure goes through)."""
    return float(Decimal(repr(amount)).quantize(_CENT, rounding=ROUND_HALF_UP))


def sum_cents(amounts: Iterable[float]) -> float:
    """The exact sum of amounts already rounded to cents (no float drift in the total)."""
    return float(sum((Decimal(repr(a)) for a in amounts), Decimal("0")).quantize(_CENT))


@dataclass(frozen=True)
class UsageCharge:
    """A usage-based part of a resource's cost: a unit price and, when known, the quantity."""

    key: str
    """The usage key of the usage file (``resource_usage.<resource>.<key>``), e.g.
    ``monthly_data_ingested_gb``."""
    what: str
    """What is charged, e.g. "log ingestion"."""
    unit: str
    """The unit of `unit_price` and `quantity`, e.g. "GB", "GB-month", "10k-requests"."""
    unit_price: float
    """USD per unit (the catalog's list price)."""
    quantity: Optional[float] = None
    """Units per month from the usage file or the model; None when no usage was given."""
    source: str = ""
    """Where the quantity came from ("usage file", "expected_size_gb"), "" when none."""

    @property
    def monthly(self) -> float:
        """USD per month: quantity x unit price (0 when no quantity is known)."""
        return (self.quantity or 0.0) * self.unit_price

    def to_report(self) -> dict[str, Any]:
        """The charge as the JSON report's ``cost.items[].usage[]`` entry."""
        return {"key": self.key, "what": self.what, "unit": self.unit,
                "unit_price": self.unit_price, "quantity": self.quantity,
                "monthly": to_cents(self.monthly) if self.quantity is not None else None}


@dataclass(frozen=True)
class CostItem:
    """The estimated monthly cost of one resource, as a range from its minimum to maximum size."""

    urn: str
    """The URN of the priced resource."""
    monthly_min: float
    """USD per month at the smallest size the resource can scale to, rounded to cents."""
    monthly_max: float
    """USD per month at the largest size the resource can scale to, rounded to cents."""
    basis: str
    """How the figure was computed, as one sentence (counts, machine type, capacity, region,
    hourly price, hours), e.g. "0-4 x g6.xlarge spot in us-west-2 at $0.4048/h x 730 h"."""
    usage: tuple[UsageCharge, ...] = ()
    """Usage-based charges (log GB, stored GB, requests): those with a quantity are included in
    both figures; those without are listed with their unit price and counted in neither."""

    @property
    def usage_unknown(self) -> tuple[UsageCharge, ...]:
        """The usage-based charges no usage was given for."""
        return tuple(charge for charge in self.usage if charge.quantity is None)

    def to_report(self) -> dict[str, Any]:
        """The item as the JSON report's ``cost.items[]`` entry (``usage`` only when it has any)."""
        entry: dict[str, Any] = {"urn": self.urn, "monthly_min": self.monthly_min,
                                 "monthly_max": self.monthly_max, "basis": self.basis}
        if self.usage:
            entry["usage"] = [charge.to_report() for charge in self.usage]
        return entry


@dataclass(frozen=True)
class CostEstimate:
    """The estimated monthly cost of a set of resources, with what could not be priced."""

    currency: str
    """Currency of every figure ("USD")."""
    monthly_min: float
    """Sum of the items' ``monthly_min`` (the items are rounded to cents first)."""
    monthly_max: float
    """Sum of the items' ``monthly_max`` (the items are rounded to cents first)."""
    items: tuple[CostItem, ...]
    """One item per priced resource, in the order the resources were given."""
    unpriced: tuple[str, ...]
    """URNs of resources that cost money but that the catalog cannot price (managed ML
    services, machine types or regions missing from the catalog, unknown sizes). A resource
    only part of which could be priced (a cluster with one unpriceable pool) is in both."""
    reasons: tuple[tuple[str, str], ...] = field(default=())
    """(urn, why) for every unpriced URN; not part of the JSON report."""
    prices_as_of: str = ""
    """The date of the price snapshot the estimate used (ISO 8601), "" when unknown."""

    @property
    def usage_based(self) -> tuple[str, ...]:
        """URNs of items with a usage-based charge that no usage was given for (listed with its
        unit price, counted as nothing)."""
        return tuple(item.urn for item in self.items if item.usage_unknown)

    @classmethod
    def of(cls, items: Iterable[CostItem], unpriced: Iterable[tuple[str, str]],
           prices_as_of: str = "") -> "CostEstimate":
        """Build an estimate whose totals are the exact sums of the (rounded) items."""
        items = tuple(items)
        reasons: dict[str, str] = {}
        for urn, why in unpriced:
            reasons[urn] = f"{reasons[urn]}; {why}" if urn in reasons else why
        return cls(
            currency=CURRENCY,
            monthly_min=sum_cents(item.monthly_min for item in items),
            monthly_max=sum_cents(item.monthly_max for item in items),
            items=items,
            unpriced=tuple(reasons),
            reasons=tuple(reasons.items()),
            prices_as_of=prices_as_of,
        )

    def reason(self, urn: str) -> Optional[str]:
        """Why `urn` is unpriced, or None when it is not."""
        return dict(self.reasons).get(urn)

    def item(self, urn: str) -> Optional[CostItem]:
        """The item of `urn`, or None when that resource was not priced."""
        return next((item for item in self.items if item.urn == urn), None)

    def to_report(self) -> dict[str, Any]:
        """Exactly the JSON report's ``cost`` object (DESIGN.md)."""
        return {
            "currency": self.currency,
            "monthly_min": self.monthly_min,
            "monthly_max": self.monthly_max,
            "items": [item.to_report() for item in self.items],
            "unpriced": list(self.unpriced),
            "usage_based": list(self.usage_based),
            "prices_as_of": self.prices_as_of,
        }
