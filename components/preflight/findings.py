"""Pre-flight findings, their exit code and their table."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from rich.table import Table
from rich.text import Text

OK, WARN, FAIL = "ok", "warn", "fail"
"""Finding statuses: fine; worth a look but `pulumi up` can succeed; `pulumi up` will fail or
the platform cannot reach its configured size."""
STATUSES = (OK, WARN, FAIL)
"""Every status, mildest first."""
EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2
"""Exit codes: no failing check; a failing check; invalid input or no AWS credentials."""

_STYLE = {OK: "green", WARN: "yellow", FAIL: "bold red"}


@dataclass(frozen=True)
class Finding:
    """The outcome of one check on one resource."""

    check: str
    """What was checked, e.g. "offered in region"."""
    resource: str
    """What it was checked on, e.g. "node pool serve (g6.xlarge)" or a quota name and code."""
    status: str
    """"ok", "warn" or "fail"."""
    detail: str
    """One or two sentences: what AWS says, and for warn/fail what to do."""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status: got {self.status!r}; valid: {', '.join(STATUSES)}")


def number(value: float) -> str:
    """A count as people write it: ``8``, not ``8.0``; ``0.5`` stays."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def quota_finding(check: str, resource: str, needed: float, breakdown: str, limit: float,
                  used: float, how_to_raise: str) -> Finding:
    """FAIL when the free part of a quota (``limit - used``) is below ``needed``, else OK; the
    detail says what is needed, the quota's state and, when short, ``how_to_raise`` it."""
    free = limit - used
    state = f"the quota is {number(limit)}, {number(used)} in use, {number(free)} free"
    if free < needed:
        return Finding(check, resource, FAIL, f"needs {breakdown}; {state}. {how_to_raise} or lower max_nodes")
    return Finding(check, resource, OK, f"needs {breakdown}; {state}")


def exit_code(findings: Sequence[Finding]) -> int:
    """1 when any finding failed, else 0 (warnings do not fail)."""
    return EXIT_FAIL if any(f.status == FAIL for f in findings) else EXIT_OK


def summary(findings: Sequence[Finding]) -> str:
    """"5 ok, 1 warn, 2 fail" (statuses with no finding left out; "no checks" when empty)."""
    counts = Counter(f.status for f in findings)
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]) or "no checks"


def findings_table(findings: Sequence[Finding], title: str = "Pre-flight checks") -> Table:
    """A rich table with one row per finding, in the order given: check, resource, status,
    detail (plain text: brackets in names are never read as markup)."""
    table = Table(title=title, show_lines=False)
    for header in ("check", "resource", "status", "detail"):
        table.add_column(header, overflow="fold")
    for finding in findings:
        table.add_row(Text(finding.check), Text(finding.resource),
                      Text(finding.status, style=_STYLE[finding.status]), Text(finding.detail))
    return table
