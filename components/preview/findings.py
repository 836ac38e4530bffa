"""Policy findings for the terminal: grouped by severity, most severe first."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rich.table import Table

#: Severity order, most severe first.
SEVERITIES = ("critical", "high", "medium", "low", "unspecified")
_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "unspecified": "dim"}


def findings_table(violations: Sequence) -> Table:
    """One row per finding: severity, enforcement, pack, policy, resource name, message."""
    table = Table(title=f"Policy findings ({len(violations)})", show_lines=False)
    for header in ("severity", "enforcement", "pack", "policy", "resource", "message"):
        table.add_column(header, overflow="fold")
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    for violation in sorted(violations, key=lambda v: (rank.get(v.severity, len(rank)), v.sort_key())):
        resource = violation.urn.rsplit("::", 1)[-1] if violation.urn else "(stack)"
        table.add_row(f"[{_STYLE.get(violation.severity, '')}]{violation.severity}[/]",
                      violation.enforcement, violation.pack, violation.policy, resource,
                      violation.message.splitlines()[-1] if violation.message else "")
    return table


def findings_summary(violations: Sequence) -> str:
    """``3 mandatory, 5 advisory; critical 1, high 2, ...`` (``no policy findings`` when empty)."""
    if not violations:
        return "no policy findings"
    by_enforcement = Counter(v.enforcement for v in violations)
    by_severity = Counter(v.severity for v in violations)
    levels = ", ".join(f"{by_enforcement[level]} {level}" for level in sorted(by_enforcement))
    severities = ", ".join(f"{s} {by_severity[s]}" for s in SEVERITIES if by_severity[s])
    return f"{levels}; {severities}"
