"""The cost change between two offline preview reports: the monthly range before and after and
the change of each resource whose estimate differs (``aiscale preview --compare``).

Both figures come from the reports' own ``cost`` objects, so a comparison states what each
report said. A report without an estimate (no ``cost`` object, or one without ``monthly_min``)
gives no cost change; a malformed one is an error naming the field path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from rich.table import Table


class CostChangeError(ValueError):
    """A report's ``cost`` object is missing or malformed; the message names the field path."""


@dataclass(frozen=True)
class ResourceCostChange:
    """One resource whose monthly estimate differs between the reports."""

    urn: str
    """The resource's URN."""
    name: str
    """Its logical name (the URN's last part)."""
    before: Optional[tuple[float, float]]
    """(min, max) USD per month in the old report; None when it had no item."""
    after: Optional[tuple[float, float]]
    """(min, max) USD per month in the new report; None when it has no item."""

    @property
    def delta(self) -> tuple[float, float]:
        """(min, max) after minus before (a missing side counts as 0)."""
        was, now = self.before or (0.0, 0.0), self.after or (0.0, 0.0)
        return round(now[0] - was[0], 2), round(now[1] - was[1], 2)


@dataclass(frozen=True)
class CostChange:
    """The monthly cost range before and after, and the resources whose estimate changed."""

    before: tuple[float, float]
    """(monthly_min, monthly_max) of the old report."""
    after: tuple[float, float]
    """(monthly_min, monthly_max) of the new report."""
    resources: tuple[ResourceCostChange, ...]
    """Resources whose item differs, by URN."""

    @property
    def delta(self) -> tuple[float, float]:
        """(min, max) after minus before."""
        return round(self.after[0] - self.before[0], 2), round(self.after[1] - self.before[1], 2)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CostChangeError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _items(cost: Mapping[str, Any], which: str) -> dict[str, tuple[float, float]]:
    items = cost.get("items", [])
    if not isinstance(items, list):
        raise CostChangeError(f"{which} report: cost.items must be a list, got {type(items).__name__}")
    found = {}
    for index, item in enumerate(items):
        where = f"{which} report: cost.items[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("urn"), str):
            raise CostChangeError(f"{where}: expected an object with a urn")
        found[item["urn"]] = (_number(item.get("monthly_min"), f"{where}.monthly_min"),
                              _number(item.get("monthly_max"), f"{where}.monthly_max"))
    return found


def _cost(report: Mapping[str, Any], which: str) -> Optional[Mapping[str, Any]]:
    cost = report.get("cost")
    if cost is None or (isinstance(cost, Mapping) and "monthly_min" not in cost):
        return None
    if not isinstance(cost, Mapping):
        raise CostChangeError(f"{which} report: 'cost' must be the estimate object of aiscale "
                              f"preview --json, got {type(cost).__name__}")
    return cost


def cost_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> Optional[CostChange]:
    """The cost change from report `old` to report `new`; None when either has no estimate."""
    was, now = _cost(old, "old"), _cost(new, "new")
    if was is None or now is None:
        return None
    before_items, after_items = _items(was, "old"), _items(now, "new")
    changed = []
    for urn in sorted(set(before_items) | set(after_items)):
        before, after = before_items.get(urn), after_items.get(urn)
        if before != after:
            changed.append(ResourceCostChange(urn, urn.rsplit("::", 1)[-1], before, after))
    total = (lambda cost, which: (_number(cost.get("monthly_min"), f"{which} report: cost.monthly_min"),
                                  _number(cost.get("monthly_max"), f"{which} report: cost.monthly_max")))
    return CostChange(total(was, "old"), total(now, "new"), tuple(changed))


def money(amount: float) -> str:
    """$1,234.56"""
    return f"${amount:,.2f}"


def signed(amount: float) -> str:
    """+$12.00, -$3.50, $0.00"""
    if amount == 0:
        return "$0.00"
    return ("+" if amount > 0 else "-") + money(abs(amount))


def range_text(pair: Optional[tuple[float, float]]) -> str:
    """"$1.00 - $2.00", or "-" for none."""
    return "-" if pair is None else f"{money(pair[0])} - {money(pair[1])}"


def summary_line(change: CostChange) -> str:
    """One sentence: the range before, after, and the change of each end."""
    low, high = change.delta
    return (f"Monthly cost: {range_text(change.before)} before, {range_text(change.after)} after "
            f"({signed(low)} min, {signed(high)} max; {len(change.resources)} resource(s) changed)")


def cost_change_table(change: CostChange) -> Table:
    """The resources whose estimate changed: before, after and the change of min and max."""
    table = Table(title="Monthly cost change", title_justify="left", expand=False)
    for column, justify in (("name", "left"), ("before", "right"), ("after", "right"),
                            ("change min", "right"), ("change max", "right")):
        table.add_column(column, justify=justify, overflow="fold")
    for resource in change.resources:
        low, high = resource.delta
        table.add_row(resource.name, range_text(resource.before), range_text(resource.after),
                      signed(low), signed(high))
    low, high = change.delta
    table.add_row("total", range_text(change.before), range_text(change.after), signed(low),
                  signed(high), style="bold")
    return table
