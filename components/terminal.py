"""How the command line prints for people and for pipes.

Three output modes (``--output``): ``rich`` tables laid out for the terminal's width, ``plain``
text with whole values (tables as tab-separated rows under a header line, so ``grep``, ``cut``
and ``awk`` work), and ``json``. ``auto`` (the default) is ``rich`` on a terminal, or when
``COLUMNS`` is set, and ``plain`` in a pipe: piped output is never cut to 80 columns.

:func:`fit_table` lays out any rich ``Table`` for a width: identifier columns (names, type tokens,
prices) never wrap, prose columns wrap as sentences and take the space left, and optional columns
are dropped, least useful first, until the table fits; the caller says which were hidden.
"""

from __future__ import annotations

import os
import re
from typing import Iterable, Optional, Sequence

from rich.console import Console
from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

MODES = ("auto", "rich", "plain", "json")
"""The values of ``--output``."""
WIDE_COLUMNS = 120
"""At this width or more, type tokens are shown whole (``aws:s3/bucket:Bucket``); below it as
Pulumi's display shortens them (``aws:s3:Bucket``)."""
PROSE_MIN_WIDTH = 20
"""The narrowest a prose column (a message, a basis) may be made before columns are dropped."""
PLAIN_WIDTH = 1_000_000
"""The width plain output is rendered at: wide enough that no value is ever cut."""


def resolve_mode(mode: str, console: Console) -> str:
    """``rich``, ``plain`` or ``json``: ``auto`` is ``rich`` on a terminal (or with ``COLUMNS``
    exported, a width asked for explicitly) and ``plain`` otherwise."""
    if mode != "auto":
        return mode
    return "rich" if console.is_terminal or os.environ.get("COLUMNS", "").isdigit() else "plain"


def make_console(mode: str, stderr: bool = False) -> Console:
    """The console for a resolved `mode`: plain output has no colour and no width limit."""
    if mode == "rich":
        return Console(highlight=False, emoji=False, stderr=stderr)
    return Console(highlight=False, emoji=False, stderr=stderr, width=PLAIN_WIDTH,
                   color_system=None, soft_wrap=True)


_TOKEN = re.compile(r"^(?P<package>[^:]+):(?P<module>[^:/]+)/(?P<lower>[^:]+):(?P<kind>[^:]+)$")


def short_type(token: str) -> str:
    """A type token as ``pulumi preview`` displays it: ``aws:s3/bucket:Bucket`` ->
    ``aws:s3:Bucket`` (the module's lowercase duplicate of the class dropped)."""
    match = _TOKEN.match(token)
    if not match or match["lower"].lower() != match["kind"].lower():
        return token
    return f"{match['package']}:{match['module']}:{match['kind']}"


def display_type(token: str, width: int) -> str:
    """`token` whole on a wide console, :func:`short_type` on a narrow one."""
    return token if width >= WIDE_COLUMNS else short_type(token)


def cell_text(cell) -> str:
    """The plain text of a table cell (markup and styles removed)."""
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return Text.from_markup(cell).plain
    return str(cell)


def header_text(column) -> str:
    """The plain text of a column's header."""
    return cell_text(column.header)


def print_plain(console: Console, text: str) -> None:
    """Write `text` and a newline as is (tabs kept: rich would expand them) to `console`'s file."""
    console.file.write(text + "\n")
    console.file.flush()


def plain_table(table: Table) -> str:
    """`table` as its title line (if any), a header line and one line per row, cells separated
    by tabs, whole values (tabs and newlines inside a cell become spaces)."""
    columns = list(table.columns)
    title = [cell_text(table.title)] if table.title else []
    lines = title + ["\t".join(header_text(c) for c in columns)]
    cells = [list(c.cells) for c in columns]
    for index in range(len(table.rows)):
        lines.append("\t".join(" ".join(cell_text(column[index]).split()) if index < len(column) else ""
                               for column in cells))
    return "\n".join(lines)


def _copy(table: Table, keep: Sequence[int], tokens: set[str], prose: set[str],
          transform: dict[str, callable], prose_min: Optional[int] = PROSE_MIN_WIDTH,
          light: bool = False) -> Table:
    fitted = Table(title=table.title, caption=table.caption, box=box.SIMPLE_HEAD if light else table.box,
                   show_lines=table.show_lines, show_edge=table.show_edge and not light,
                   pad_edge=table.pad_edge and not light, padding=(0, 1, 0, 0) if light else table.padding)
    columns = [table.columns[i] for i in keep]
    for column in columns:
        name = header_text(column)
        fitted.add_column(column.header, justify=column.justify, style=column.style,
                          header_style=column.header_style, no_wrap=name in tokens or name not in prose,
                          overflow="fold", min_width=prose_min if name in prose else None,
                          )
    cells = [list(c.cells) for c in columns]
    for index, row in enumerate(table.rows):
        values = []
        for column, column_cells in zip(columns, cells):
            value = column_cells[index] if index < len(column_cells) else ""
            change = transform.get(header_text(column))
            values.append(change(cell_text(value)) if change else value)
        fitted.add_row(*values, style=row.style, end_section=row.end_section)
    return fitted


def _least_width(table: Table, tokens: set[str], prose: set[str]) -> int:
    """The narrowest `table` can be laid out without wrapping a token column, cutting a word
    or squeezing a prose column under its minimum: column contents, padding and borders."""
    total = 0
    for column in table.columns:
        texts = [header_text(column), *(cell_text(cell) for cell in column.cells)]
        name = header_text(column)
        if name in tokens:
            width = max(cell_len(text) for text in texts)
        else:
            words = [word for text in texts for word in text.split()]
            width = PROSE_MIN_WIDTH if name in prose else max([cell_len(word) for word in words] + [1])
        total += width + table.padding[1] + table.padding[3]
    if not table.pad_edge:
        total -= table.padding[1] + table.padding[3]
    borders = (len(table.columns) - 1 + (2 if table.show_edge else 0)) if table.box else 0
    return total + borders


def fit_table(table: Table, console: Console, *, tokens: Iterable[str] = (), prose: Iterable[str] = (),
              optional: Sequence[str] = (), transform: Optional[dict] = None) -> tuple[Table, list[str]]:
    """`table` laid out for `console`'s width: the columns named in `tokens` never wrap (nor
    break mid-word), those in `prose` wrap at words and share the space left (at least
    :data:`PROSE_MIN_WIDTH`), and the columns in `optional` are dropped in that order until the
    table fits. Returns the new table and the headers dropped. `transform` maps a header to a
    function applied to that column's plain cell text (e.g. :func:`short_type`)."""
    tokens, prose, transform = set(tokens), set(prose), dict(transform or {})
    headers = [header_text(c) for c in table.columns]
    dropped: list[str] = []
    while True:
        keep = [i for i, h in enumerate(headers) if h not in dropped]
        fitted = _copy(table, keep, tokens, prose, transform)
        needed = _least_width(fitted, tokens, prose)
        remaining = [h for h in optional if h in headers and h not in dropped]
        if needed <= console.width:
            return fitted, dropped
        if not remaining:  # then no side borders; then prose gives up its minimum, never the edge cut
            light = _copy(table, keep, tokens, prose, transform, light=True)
            if _least_width(light, tokens, prose) <= console.width:
                return light, dropped
            return _copy(table, keep, tokens, prose, transform, prose_min=None, light=True), dropped
        dropped.append(remaining[0])


def hidden_note(dropped: Sequence[str], width: int) -> Optional[Text]:
    """The line printed under a table whose columns did not fit, or None."""
    if not dropped:
        return None
    return Text(f"Not shown at {width} columns: {', '.join(dropped)} (a wider terminal or "
                f"--output plain shows every column).", style="dim")
