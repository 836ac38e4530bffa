"""Policy findings for the terminal: grouped by severity, most severe first.

A table when the console is wide enough for its columns (the message wrapping as sentences),
else one block per finding (its severity, enforcement, policy and resource on one line, the
message wrapped under it), so nothing is split a word per line on an 80-column terminal.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

#: Severity order, most severe first.
SEVERITIES = ("critical", "high", "medium", "low", "unspecified")
_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "unspecified": "dim"}
TABLE_MIN_WIDTH = 120
"""Narrower consoles get the findings as blocks rather than a table."""


def _ordered(violations: Sequence) -> list:
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(violations, key=lambda v: (v.enforcement != "mandatory", rank.get(v.severity, len(rank)),
                                             v.sort_key()))


def _resource(violation) -> str:
    return violation.urn.rsplit("::", 1)[-1] if violation.urn else "(stack)"


def _message(violation) -> str:
    return violation.message.splitlines()[-1] if violation.message else ""


def findings_table(violations: Sequence) -> Table:
    """One row per finding (mandatory first, then by severity): severity, enforcement, pack,
    policy, resource name, message."""
    table = Table(title=f"Policy findings ({len(violations)})", show_lines=False)
    for header in ("severity", "enforcement", "pack", "policy", "resource"):
        table.add_column(header, no_wrap=header != "resource", overflow="fold")
    table.add_column("message", overflow="fold", ratio=1, min_width=30)
    for violation in _ordered(violations):
        table.add_row(f"[{_STYLE.get(violation.severity, '')}]{violation.severity}[/]",
                      violation.enforcement, violation.pack, violation.policy, _resource(violation),
                      _message(violation))
    return table


def findings_blocks(violations: Sequence) -> Group:
    """The findings for a narrow console: per finding a heading line and its message indented
    beneath, wrapped at words."""
    parts: list = [Text(f"Policy findings ({len(violations)})", style="bold")]
    for violation in _ordered(violations):
        heading = Text.assemble((violation.severity, _STYLE.get(violation.severity, "")), " ",
                                violation.enforcement, "  ", (violation.policy, "bold"), "  ",
                                _resource(violation), (f"  ({violation.pack})", "dim"))
        parts += [heading, Padding(Text(_message(violation)), (0, 0, 0, 4))]
    return Group(*parts)


def findings_view(violations: Sequence, width: int):
    """:func:`findings_table` on a console at least :data:`TABLE_MIN_WIDTH` wide, else
    :func:`findings_blocks`."""
    return findings_table(violations) if width >= TABLE_MIN_WIDTH else findings_blocks(violations)


def findings_summary(violations: Sequence) -> str:
    """``3 mandatory, 5 advisory; critical 1, high 2, ...`` (``no policy findings`` when empty)."""
    if not violations:
        return "no policy findings"
    by_enforcement = Counter(v.enforcement for v in violations)
    by_severity = Counter(v.severity for v in violations)
    levels = ", ".join(f"{by_enforcement[level]} {level}" for level in sorted(by_enforcement))
    severities = ", ".join(f"{s} {by_severity[s]}" for s in SEVERITIES if by_severity[s])
    return f"{levels}; {severities}"
