"""The ``--compare`` part of the Markdown report: what an update would do, the stateful
verdict, and the monthly cost before and after with the change per resource."""

from __future__ import annotations

from typing import Any, Callable

from aiscale.preview.cost_change import range_text, signed, summary_line

MAX_CHANGE_ROWS = 20
"""Changed resources (and cost changes) listed at most; the rest are counted."""


def _cell(text: Any) -> str:
    from aiscale.preview.markdown import _cell as cell

    return cell(text)


def _changes(comparison: Any, hide: Callable[[str], str]) -> list[str]:
    counts = comparison.counts()
    lines = ["### Changes compared with the base report", "",
             f"+ {counts['create']} to create, ~ {counts['update']} to update, +- {counts['replace']} "
             f"to replace, - {counts['delete']} to delete, {comparison.unchanged} unchanged.", ""]
    lost = comparison.data_loss
    if lost:
        names = ", ".join(f"`{c.name}` ({c.action})" for c in lost)
        where = (f"in {comparison.environment}: this update would lose data" if comparison.prod
                 else f"(environment {comparison.environment or 'unknown'}, not prod: not failing)")
        lines += [f"**{len(lost)} stateful resource(s) would be deleted or replaced {where}:** "
                  f"{_cell(hide(names))}", ""]
    else:
        lines += ["No stateful resource would be deleted or replaced.", ""]
    shown = [c for c in comparison.changes if c.action != "update"][:MAX_CHANGE_ROWS]
    if shown:
        lines += ["| Action | Type | Name |", "| --- | --- | --- |"]
        lines += [f"| {c.action} | `{c.type}` | {_cell(hide(c.name))} |" for c in shown]
        lines.append("")
    return lines


def _cost(comparison: Any, hide: Callable[[str], str]) -> list[str]:
    change = comparison.cost
    if change is None:
        return []
    lines = ["### Monthly cost change", "", summary_line(change) + ".", ""]
    if change.resources:
        lines += ["| Resource | Before | After | Change min | Change max |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for resource in change.resources[:MAX_CHANGE_ROWS]:
            low, high = resource.delta
            lines.append(f"| {_cell(hide(resource.name))} | {range_text(resource.before)} | "
                         f"{range_text(resource.after)} | {signed(low)} | {signed(high)} |")
        if len(change.resources) > MAX_CHANGE_ROWS:
            lines.append(f"| ... and {len(change.resources) - MAX_CHANGE_ROWS} more | | | | |")
        lines.append("")
    return lines


def comparison_section(comparison: Any, hide: Callable[[str], str] = str) -> list[str]:
    """The comparison's Markdown lines: changes, stateful verdict, cost change."""
    lines = _changes(comparison, hide) + _cost(comparison, hide)
    while lines and lines[-1] == "":
        lines.pop()
    return lines
