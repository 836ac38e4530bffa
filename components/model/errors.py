"""Validation problems and the one error that reports them all.

A `Problem` names where (`node_pools[1].max_nodes`), what was received and what would be valid.
`load_platform` collects every problem it finds and raises one `PlatformValidationError`.
"""

from __future__ import annotations

import json
import re
from typing import Iterable, NamedTuple, Sequence


class _Missing:
    """The type of MISSING: a value that was not given at all."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()
"""`Problem.value` of a required field that was omitted (distinct from an explicit null)."""

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_MAX_VALUE_CHARS = 80


def format_path(parts: Sequence[str | int]) -> str:
    """`("node_pools", 1, "labels", "a.b/c")` -> `node_pools[1].labels["a.b/c"]`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text


def render_value(value: object) -> str:
    """A short, JSON-like rendering of a received value for a message."""
    try:
        text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


class Problem(NamedTuple):
    """One thing wrong with a platform model."""

    path: str
    """Where: `node_pools[1].max_nodes`, `clouds.aws.region`; "" for the model as a whole."""
    value: object
    """The value received at `path` (MISSING when a required field was omitted)."""
    message: str
    """What is wrong and what would be valid, e.g. "must be >= min_nodes (4)"."""

    def __str__(self) -> str:
        """`node_pools[0].max_nodes: got 2; must be >= min_nodes (4)`."""
        where = self.path or "(platform)"
        if self.value is MISSING:
            return f"{where}: {self.message}"
        return f"{where}: got {render_value(self.value)}; {self.message}"


class PlatformValidationError(ValueError):
    """The platform model is invalid; `problems` lists every problem found, in input order."""

    problems: tuple[Problem, ...]
    """Every problem found (never empty)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        """`invalid platform model: N problem(s)` then one indented line per problem."""
        lines = [f"invalid platform model: {len(self.problems)} problem(s)"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __reduce__(self):
        """Keep the error picklable (its only argument is the problems)."""
        return (PlatformValidationError, (self.problems,))
