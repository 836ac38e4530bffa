"""The cost estimate as a terminal table: one row per resource, a subtotal per cloud, a total."""

from __future__ import annotations

from typing import Sequence

from rich.table import Table

from aiscale.facts.tokens import cloud_of
from aiscale.preview.records import ResourceRecord

from ._model import CostEstimate, sum_cents

def money(amount: float) -> str:
    """USD with cents and thousands separators: 1033.39 -> "$1,033.39"."""
    return f"${amount:,.2f}"


def cost_table(estimate: CostEstimate, records: Sequence[ResourceRecord]) -> Table:
    """A rich Table of `estimate`: per resource its name, type, cloud, monthly min and max and
    basis (unpriced resources show "unpriced" and why), grouped by cloud with a subtotal per
    cloud, then the total. `records` supply names and types (by URN)."""
    by_urn = {record.urn: record for record in records}
    table = Table(title=f"Estimated monthly cost ({estimate.currency})", show_lines=False)
    for header, justify in (("name", "left"), ("type", "left"), ("cloud", "left"),
                            ("min / month", "right"), ("max / month", "right"),
                            ("basis", "left")):
        table.add_column(header, justify=justify, overflow="fold")

    def describe(urn: str) -> tuple[str, str, str]:
        record = by_urn.get(urn)
        type_token = record.type if record else urn.split("::")[-2].split("$")[-1]
        name = record.name if record else urn.rsplit("::", 1)[-1]
        return name, type_token, cloud_of(type_token)

    rows: dict[str, list[tuple[str, ...]]] = {}
    subtotals: dict[str, tuple[list[float], list[float]]] = {}
    for item in estimate.items:
        name, type_token, cloud = describe(item.urn)
        rows.setdefault(cloud, []).append((name, type_token, cloud, money(item.monthly_min),
                                           money(item.monthly_max), item.basis))
        lows, highs = subtotals.setdefault(cloud, ([], []))
        lows.append(item.monthly_min)
        highs.append(item.monthly_max)
    for urn in estimate.unpriced:
        name, type_token, cloud = describe(urn)
        rows.setdefault(cloud, []).append((name, type_token, cloud, "unpriced", "unpriced",
                                           estimate.reason(urn) or ""))
    for cloud in sorted(rows):
        for row in rows[cloud]:
            table.add_row(*row)
        lows, highs = subtotals.get(cloud, ([], []))
        table.add_row(f"{cloud} subtotal", "", cloud, money(sum_cents(lows)),
                      money(sum_cents(highs)), "", style="bold", end_section=True)
    table.add_row("total", "", "", money(estimate.monthly_min), money(estimate.monthly_max),
                  f"{len(estimate.unpriced)} unpriced" if estimate.unpriced else "",
                  style="bold")
    return table
