"""The preview as a short Markdown report, fit for a pull-request comment or a CI job summary.

Sections: the verdict (the exit code's meaning), resource counts per cloud (and per type, folded),
the estimated monthly cost range, with ``--compare`` the changes and the cost change, and the
policy findings with mandatory ones first, capped at `MAX_FINDING_ROWS` rows. The text is deterministic: the same outcome always renders the same
bytes (no timestamps; every list sorted), so a CI job can compare or update comments.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from aiscale.preview.findings import SEVERITIES
from aiscale.preview.report import redact, secret_texts
from aiscale.preview.tree import CLOUD_OF_PACKAGE

MARKER_PREFIX = "<!-- aiscale-preview "
"""Start of every report's first line, ``<!-- aiscale-preview <project>/<stack> -->``: lets a CI
job find and update its earlier comment for the same stack."""
MAX_FINDING_ROWS = 20
"""Policy findings listed at most; the rest are counted."""
MAX_UNPRICED_ROWS = 20
"""Unpriced resources listed at most; the rest are counted."""
MAX_MESSAGE_CHARS = 240
"""Longest finding message shown in a table cell."""


def marker(project: str, stack: str) -> str:
    """The report's first line: an HTML comment naming the project and stack (characters
    outside letters, digits, '.', '_' and '-' become '_')."""
    safe = [re.sub(r"[^A-Za-z0-9._-]", "_", part) for part in (project, stack)]
    return f"{MARKER_PREFIX}{safe[0]}/{safe[1]} -->"


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, no raw HTML."""
    value = " ".join(str(text).split())
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    return f"`{str(text).replace('`', chr(39))}`"


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def _name(urn: str | None) -> str:
    return urn.rsplit("::", 1)[-1] if urn else "(stack)"


def _cloud(record: Any) -> str:
    return CLOUD_OF_PACKAGE.get(record.package, "other")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    """A Markdown table; `align` holds one of l/r per column (default all left)."""
    marks = [("---:" if (align[i:i + 1] == "r") else "---") for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def exit_code_of(outcome: Any, comparison: Any = None) -> int:
    """The exit code ``aiscale preview`` ends with: the outcome's, or the comparison's when it
    is higher (a stateful resource deleted or replaced in prod)."""
    return max(outcome.exit_code, comparison.exit_code if comparison is not None else 0)


def _verdict(outcome: Any, comparison: Any = None) -> list[str]:
    code = exit_code_of(outcome, comparison)
    mandatory = sum(1 for v in outcome.violations if v.enforcement == "mandatory")
    lost = len(comparison.data_loss) if comparison is not None and comparison.exit_code else 0
    reasons = ([_plural(mandatory, "mandatory policy violation")] if mandatory else []) + \
        ([f"{_plural(lost, 'stateful resource')} deleted or replaced in {comparison.environment}"] if lost else [])
    if reasons:
        return [f"**Blocked:** {' and '.join(reasons)} (exit code {code}); fix them before merging."]
    if not outcome.packs:
        return [f"**Passed** (exit code {code}); no policy pack was run."]
    return [f"**Passed:** no mandatory policy violation (exit code {code})."]


def _resources(resources: Sequence[Any], reads: Sequence[Any] = ()) -> list[str]:
    custom = [r for r in resources if r.custom]
    components = len(resources) - len(custom)
    per_cloud = Counter(_cloud(r) for r in custom)
    per_type = Counter((_cloud(r), r.type) for r in custom)
    read = f" {_plural(len(reads), 'existing resource')} read (not managed by this stack)." if reads else ""
    lines = ["### Resources", "",
             f"{_plural(len(custom), 'resource')} to create, plus {_plural(components, 'component')} "
             f"(including the stack).{read}", ""]
    remote = sorted((r.type, r.name) for r in resources if getattr(r, "remote", False))
    if remote:
        lines += [f"**Not previewed offline:** {_plural(len(remote), 'remote (multi-language) component')}"
                  f" whose plugin an offline preview does not run; the resources inside "
                  f"{'it are' if len(remote) == 1 else 'them are'} not listed, priced or checked: "
                  + ", ".join(f"{_code(kind)} {_cell(name)}" for kind, name in remote) + ".", ""]
    if not custom:
        return lines
    lines += _table(["Cloud", "Resources"], [(c, str(per_cloud[c])) for c in sorted(per_cloud)], "lr")
    lines += ["", f"<details><summary>By type ({_plural(len(per_type), 'type')})</summary>", ""]
    lines += _table(["Cloud", "Type", "Count"],
                    [(cloud, _code(kind), str(count)) for (cloud, kind), count in sorted(per_type.items())],
                    "llr")
    return lines + ["", "</details>"]


def _cost(cost: Any, resources: Sequence[Any], hide: Callable[[str], str] = str) -> list[str]:
    lines = ["### Estimated monthly cost", "",
             f"**{_money(cost.monthly_min)} to {_money(cost.monthly_max)}** per month "
             f"({cost.currency} list prices as of {getattr(cost, 'prices_as_of', '') or 'unknown'}, "
             f"smallest to largest scale): {len(cost.items)} priced, {len(cost.unpriced)} unpriced"
             + (f", {len(cost.usage_based)} usage-based without usage (listed at their unit prices)"
                if getattr(cost, "usage_based", ()) else "") + ".", ""]
    if cost.unpriced:
        types = {r.urn: r.type for r in resources}
        unpriced = sorted(cost.unpriced, key=lambda urn: (types.get(urn, ""), _name(urn)))
        lines += [f"<details><summary>Unpriced ({len(unpriced)}): the estimate leaves them out"
                  f"</summary>", ""]
        lines += [f"- {_code(types.get(urn, '?'))} {_cell(hide(_name(urn)))}" for urn in unpriced[:MAX_UNPRICED_ROWS]]
        if len(unpriced) > MAX_UNPRICED_ROWS:
            lines.append(f"- ... and {len(unpriced) - MAX_UNPRICED_ROWS} more")
        lines += ["", "</details>", ""]
    return lines + _usage_based(cost, hide)


def _usage_based(cost: Any, hide: Callable[[str], str]) -> list[str]:
    """The items with usage charges no usage was given for, each with its unit prices."""
    items = [item for item in getattr(cost, "items", ()) if getattr(item, "usage_unknown", ())]
    if not items:
        return []
    lines = [f"<details><summary>Usage-based ({len(items)}): priced per unit, no usage given "
             f"(aiscale preview --usage)</summary>", ""]
    for item in sorted(items, key=lambda i: _name(i.urn))[:MAX_UNPRICED_ROWS]:
        charges = ", ".join(f"{c.what} {_money_unit(c.unit_price)}/{c.unit} ({_code(c.key)})"
                            for c in item.usage_unknown)
        lines.append(f"- {_cell(hide(_name(item.urn)))}: {charges}")
    if len(items) > MAX_UNPRICED_ROWS:
        lines.append(f"- ... and {len(items) - MAX_UNPRICED_ROWS} more")
    return lines + ["", "</details>", ""]


def _money_unit(price: float) -> str:
    """A unit price with the digits it has: 0.045 -> "$0.045", 0.5 -> "$0.50"."""
    text = f"{price:.8f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def _finding_order(violation: Any) -> tuple:
    rank = SEVERITIES.index(violation.severity) if violation.severity in SEVERITIES else len(SEVERITIES)
    return (violation.enforcement != "mandatory", rank, violation.sort_key())


def _message(text: str) -> str:
    last = text.strip().splitlines()[-1] if text and text.strip() else ""
    return last if len(last) <= MAX_MESSAGE_CHARS else last[:MAX_MESSAGE_CHARS - 3] + "..."


def _findings(outcome: Any, max_rows: int, secrets: Sequence[str] = (),
              hide: Callable[[str], str] = str) -> list[str]:
    lines = ["### Policy findings", ""]
    if not outcome.packs:
        return lines + ["No policy pack was run."]
    violations = sorted(outcome.violations, key=_finding_order)
    if not violations:
        return lines + [f"No findings from {', '.join(sorted(p.name for p in outcome.packs))}."]
    enforcement = Counter(v.enforcement for v in violations)
    severity = Counter(v.severity for v in violations)
    known = [s for s in SEVERITIES if severity[s]] + sorted(set(severity) - set(SEVERITIES))
    lines.append(", ".join(f"**{enforcement[e]} {e}**" if e == "mandatory" else f"{enforcement[e]} {e}"
                           for e in sorted(enforcement, key=lambda e: (e != "mandatory", e)))
                 + "; " + ", ".join(f"{s} {severity[s]}" for s in known) + ".")
    lines.append("")
    rows = [(_cell(v.enforcement), _cell(v.severity), _code(v.policy), _cell(hide(_name(v.urn))),
             _cell(_message(hide(redact(v.message or "", list(secrets)))))) for v in violations[:max_rows]]
    lines += _table(["Enforcement", "Severity", "Policy", "Resource", "Message"], rows)
    if len(violations) > max_rows:
        lines += ["", f"... and {len(violations) - max_rows} more (see the JSON report)."]
    return lines


def _platform_picture(outcome: Any, hide: Callable[[str], str] = str) -> list[str]:
    """The Mermaid diagram of the platform and its cost per cloud (aiscale.preview.diagram)."""
    from aiscale.preview.diagram import markdown_section

    return [hide(line) for line in markdown_section(outcome)]


def render_markdown(outcome: Any, max_rows: int = MAX_FINDING_ROWS, hide: Callable[[str], str] = str,
                    comparison: Any = None) -> str:
    """The report of an `aiscale.preview.pipeline.PreviewOutcome`, as Markdown text ending in a
    newline; at most `max_rows` policy findings are listed. `hide` replaces secret texts (the
    config secrets' `SecretMask.text`) in names and messages before they are escaped or cut.
    With `comparison` (an ``aiscale.preview.compare.Comparison``) the report carries the changes,
    the cost change, and the verdict of the exit code ``--compare`` ends with."""
    result = outcome.result
    lines = [marker(result.project, result.stack), f"## aiscale preview: {_code(result.project)} / {_code(result.stack)}", ""]
    lines += _verdict(outcome, comparison) + [""]
    lines += _resources(result.resources, getattr(result, "reads", ())) + [""]
    lines += _platform_picture(outcome, hide)
    lines += _cost(outcome.cost, result.resources, hide)
    if comparison is not None:
        from aiscale.preview.markdown_compare import comparison_section

        lines += comparison_section(comparison, hide) + [""]
    lines += _findings(outcome, max_rows, secret_texts(result), hide)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def write_markdown(outcome: Any, path: Path, hide: Callable[[str], str] = str,
                   comparison: Any = None) -> None:
    """Write `render_markdown(outcome, comparison=comparison)` to `path` (UTF-8), creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(outcome, hide=hide, comparison=comparison), encoding="utf-8")
