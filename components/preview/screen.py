"""A finished preview printed for people (``rich``) or pipes (``plain``): the summary first,
then the resource tree, the cost table and the policy findings, and the next step last.

``rich`` lays every table out for the console's width (:func:`aiscale.terminal.fit_table`);
``plain`` prints whole values, tables as tab-separated rows, so ``grep`` finds what it looks
for. The JSON report (``--output json``) is printed by the command itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from rich.console import Console
from rich.text import Text

from aiscale.terminal import fit_table, hidden_note, plain_table, print_plain, short_type

COST_TOKENS = ("name", "type", "cloud", "min / month", "max / month")
"""Cost table columns that never wrap."""
COST_OPTIONAL = ("type", "cloud")
"""Cost table columns dropped, in this order, when the table does not fit."""


@dataclass(frozen=True)
class ScreenOptions:
    """What the command line asked to see."""

    mode: str
    """``rich`` or ``plain``."""
    tree: str
    """``components``, ``resources`` or ``none``."""
    cost_table: bool
    """Print the per-resource cost table."""
    command: str
    """The command line that ran, for the next step (``aiscale preview --stack dev``)."""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def headline(outcome: Any) -> str:
    """One sentence: resources per cloud, the monthly cost range, the findings and the exit."""
    from aiscale.preview.findings import findings_summary
    from aiscale.preview.tree import cloud_counts

    result, cost = outcome.result, outcome.cost
    counts = cloud_counts(result)
    per_cloud = ", ".join(f"{cloud} {counts[cloud]}" for cloud in sorted(counts))
    created = sum(counts.values())
    components = sum(1 for r in result.resources if not r.custom)
    parts = [f"{_plural(created, 'resource')} to create" + (f" ({per_cloud})" if per_cloud else "")
             + (f", plus {_plural(components, 'component')} (the stack included)" if components else "")]
    if result.reads:
        parts.append(f"{len(result.reads)} to read")
    parts.append(f"${cost.monthly_min:,.2f} - ${cost.monthly_max:,.2f} a month")
    parts.append(findings_summary(outcome.violations) if outcome.packs else "no policy pack run")
    return "Summary: " + "; ".join(parts) + f". Exit {outcome.exit_code}."


def next_step(outcome: Any, options: ScreenOptions) -> str:
    """What to do now, given the outcome."""
    mandatory = sum(1 for v in outcome.violations if v.enforcement == "mandatory")
    if mandatory:
        return (f"Next: fix the {_plural(mandatory, 'mandatory finding')} above (each names its "
                f"resource and the fix), then run `{options.command}` again.")
    if options.tree == "components":
        return (f"Next: `{options.command} --tree resources` lists every resource; "
                f"`pulumi preview` with credentials checks it against the clouds.")
    return "Next: `pulumi preview` with credentials checks it against the clouds, `pulumi up` creates it."


def _table(console: Console, options: ScreenOptions, table, **layout) -> None:
    if options.mode == "plain":
        print_plain(console, plain_table(table))
        return
    fitted, dropped = fit_table(table, console, **layout)
    console.print(fitted)
    note = hidden_note(dropped, console.width)
    if note is not None:
        console.print(note)


def print_preview(outcome: Any, console: Console, options: ScreenOptions,
                  findings: Optional[list] = None) -> None:
    """Print `outcome` (an ``aiscale.preview.pipeline.PreviewOutcome``) on `console`.
    `findings` are the violations to show (their secrets redacted; default: the outcome's)."""
    from aiscale.cost.table import cost_table
    from aiscale.preview.findings import findings_summary, findings_table, findings_view
    from aiscale.preview.tree import resource_tree, summary

    result, estimate = outcome.result, outcome.cost
    findings = outcome.violations if findings is None else findings
    console.print(f"Previewing [bold]{result.project}[/] stack [bold]{result.stack}[/] (offline, mock runtime)")
    console.print(Text(headline(outcome), style="bold"))
    console.print()
    if options.tree != "none":
        console.print(resource_tree(result, options.tree, console.width))
    console.print(summary(result))
    if options.cost_table and (estimate.items or estimate.unpriced):
        _table(console, options, cost_table(estimate, result.resources), tokens=COST_TOKENS,
               prose=("basis",), optional=COST_OPTIONAL,
               transform={"type": short_type})
    usage_based = f", {len(estimate.usage_based)} usage-based without usage" if estimate.usage_based else ""
    console.print(f"\nEstimated monthly cost: ${estimate.monthly_min:,.2f} - ${estimate.monthly_max:,.2f} "
                  f"({len(estimate.items)} priced, {len(estimate.unpriced)} unpriced{usage_based}; "
                  f"prices as of {estimate.prices_as_of or 'unknown'})")
    if outcome.packs:
        if findings:
            if options.mode == "plain":
                print_plain(console, plain_table(findings_table(findings)))
            else:
                console.print(findings_view(findings, console.width))
        packs = ", ".join(run.name + (f" (config {run.config_file.name})" if run.config_file else "")
                          for run in outcome.packs)
        console.print(f"Policies ({packs}): {findings_summary(outcome.violations)}", markup=False)


def print_next_step(outcome: Any, console: Console, options: ScreenOptions) -> None:
    """The last line: what to do now."""
    console.print(Text("\n" + next_step(outcome, options), style="bold"))
