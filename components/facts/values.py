"""Reading one input of a resource: paths, the engine's unknown values, numbers, text, flags.

Inputs arrive as the engine registers them: camelCase dicts, numbers as floats, some booleans as
strings, and during preview values that are not known yet (a sentinel string). An :class:`Input`
is one value at one path; its accessors come in two strengths:

- lenient (:meth:`Input.number`, :meth:`Input.flag`, :meth:`Input.text`): the policy packs'
  reading, None when missing or malformed;
- strict (:meth:`Input.count`, :meth:`Input.require_text`): the cost estimator's reading,
  :class:`Unreadable` naming the path and the value when missing or malformed.

Both raise :class:`UnknownValue` on a value not known during preview.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

UNKNOWN_SENTINELS: frozenset[str] = frozenset({
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})
"""Sentinels the engine and the policy SDK use for values not known during preview. The first
(the "string" sentinel) is what the engine sends for every unknown input over gRPC; it is also
``aiscale.preview.records.UNKNOWN``."""

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})

Path = tuple[str | int, ...]
"""Steps into nested inputs: keys of dicts and indexes of lists."""


class UnknownValue(Exception):
    """An input a reader needs is not known yet (preview)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"input '{path}' is not known during preview")
        self.path = path
        """The dotted input path that was unknown."""


class Unreadable(Exception):
    """An input a strict reader needs is missing or malformed; `str(error)` names the path, the
    value and what was expected, in one sentence."""


def is_unknown(value: Any) -> bool:
    """True when `value` is one of the engine's unknown-value sentinels."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def dotted(*path: str | int) -> str:
    """A path as users read it: ``scalingConfig.minSize``, ``instanceTypes[0]``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def dig(value: Any, *path: str | int) -> Any:
    """The value at `path` inside nested dicts and lists, or None when any step is missing.

    An unknown value on the way is returned as is (check it with :func:`is_unknown`).
    """
    for step in path:
        if is_unknown(value):
            return value
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and -len(value) <= step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, Mapping) else None
        if value is None:
            return None
    return value


def as_bool(value: Any, default: Optional[bool] = None) -> Optional[bool]:
    """`value` as a bool: accepts bools, "true"/"false" (any case), 1/0; else `default`."""
    if is_unknown(value):
        raise UnknownValue("<value>")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return default


def as_number(value: Any) -> Optional[float]:
    """`value` as a float (ints, floats and numeric strings), else None. Bools are not numbers."""
    if is_unknown(value):
        raise UnknownValue("<value>")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def known_str(value: Any) -> Optional[str]:
    """`value` when it is a known, non-empty string, else None."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None


@dataclass(frozen=True)
class Input:
    """One input of a resource: its path and the value registered there."""

    path: Path
    """Where the value sits in the resource's inputs."""
    value: Any
    """The value as registered; None when missing, an unknown sentinel when not known yet."""

    @classmethod
    def at(cls, inputs: Any, *path: str | int) -> "Input":
        """The input at `path` of `inputs`."""
        return cls(tuple(path), dig(inputs, *path))

    @property
    def where(self) -> str:
        """The dotted path, e.g. ``scalingConfig.minSize``."""
        return dotted(*self.path)

    @property
    def unknown(self) -> bool:
        """True when the value is not known during preview."""
        return is_unknown(self.value)

    @property
    def missing(self) -> bool:
        """True when nothing is registered at the path."""
        return self.value is None

    def known(self) -> Any:
        """The value (None when missing); UnknownValue when not known yet."""
        if self.unknown:
            raise UnknownValue(self.where)
        return self.value

    def text(self) -> Optional[str]:
        """The value when it is a known, non-empty string, else None (unknowns included)."""
        return known_str(self.value)

    def number(self) -> Optional[float]:
        """Lenient: the value as a float, None when missing or not a number."""
        return as_number(self.known())

    def flag(self, default: Optional[bool] = None) -> Optional[bool]:
        """Lenient: the value as a bool ("true"/"false" strings accepted), else `default`."""
        return as_bool(self.known(), default)

    def items(self) -> list[Any]:
        """Lenient: the list at the path ([] when missing; a lone object or string is a
        one-element list); UnknownValue naming the element when one is not known yet."""
        value = self.known()
        if value is None:
            return []
        if isinstance(value, (Mapping, str)):
            return [value]
        out = []
        for index, element in enumerate(value):
            if is_unknown(element):
                raise UnknownValue(f"{self.where}[{index}]")
            out.append(element)
        return out

    def require_text(self) -> str:
        """Strict: the non-empty string at the path; Unreadable naming the path otherwise."""
        value = self.known()
        if not isinstance(value, str) or not value:
            raise Unreadable(f"{self.where} is not set")
        return value

    def count(self, default: Optional[int] = None) -> int:
        """Strict: the whole number >= 0 at the path (floats and numeric strings accepted).

        A missing value gives `default` (Unreadable when there is none); a negative, fractional
        or non-numeric value raises Unreadable naming the path and the value.
        """
        if self.value is None:
            if default is None:
                raise Unreadable(f"{self.where} is not set")
            return default
        value = self.known()
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise Unreadable(f"{self.where} is {value!r}, not a number") from None
        if number < 0 or number != int(number):
            raise Unreadable(f"{self.where} is {value!r}, not a whole number >= 0")
        return int(number)


def value_at(inputs: Any, *path: str | int) -> Any:
    """The value at `path` (None when missing); UnknownValue when it is not known yet."""
    return Input.at(inputs, *path).known()


def items_at(inputs: Any, *path: str | int) -> list[Any]:
    """The list at `path`, read leniently (see :meth:`Input.items`)."""
    return Input.at(inputs, *path).items()


ABSENT = Input((), None)
"""The input of a fact the resource kind does not have (always missing)."""


def json_object(value: Any) -> Any:
    """Provider inputs hold nested config as JSON text; decode it (other values pass through,
    undecodable text is None)."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
