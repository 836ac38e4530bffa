"""Reading engine inputs: nested paths, unknown values, counts, and tolerant type tokens."""

from __future__ import annotations

import re
from typing import Any, Optional

from aiscale.preview.records import UNKNOWN

_AZURE_API_VERSION = re.compile(r"/v\d[0-9a-z]*$", re.IGNORECASE)


class Unpriced(Exception):
    """A resource costs money but cannot be priced; `str(error)` says why, in one sentence."""


def canonical_type(token: str) -> str:
    """The comparable form of a type token: lower case, Azure API-version modules folded.

    ``azure-native:containerservice/v20240901:AgentPool`` and
    ``azure-native:containerservice:AgentPool`` compare equal; so do tokens differing in case.
    """
    parts = token.split(":")
    if len(parts) == 3 and parts[0] == "azure-native":
        parts[1] = _AZURE_API_VERSION.sub("", parts[1])
    return ":".join(parts).lower()


def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know during preview."""
    return isinstance(value, str) and value == UNKNOWN


def get(value: Any, *path: str | int) -> Any:
    """The value at `path` inside nested dicts and lists, or None when any step is missing.

    An unknown value on the way is returned as is (callers check it with `is_unknown`).
    """
    for step in path:
        if is_unknown(value):
            return value
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and -len(value) <= step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def dotted(*path: str | int) -> str:
    """A path as users read it: ``scalingConfig.minSize``, ``instanceTypes[0]``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def known_str(value: Any) -> Optional[str]:
    """`value` when it is a known, non-empty string, else None."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def require_str(inputs: Any, *path: str | int) -> str:
    """The string at `path`; raises Unpriced naming the path when it is missing or unknown."""
    value = get(inputs, *path)
    if is_unknown(value):
        raise Unpriced(f"{dotted(*path)} is unknown during preview")
    if not isinstance(value, str) or not value:
        raise Unpriced(f"{dotted(*path)} is not set")
    return value


def count_at(inputs: Any, *path: str | int, default: Optional[int] = None) -> int:
    """The whole number at `path` (engine numbers arrive as floats, strings are accepted).

    A missing value gives `default` (or Unpriced when there is none); an unknown, negative or
    non-numeric value raises Unpriced naming the path and the value.
    """
    value = get(inputs, *path)
    if value is None:
        if default is None:
            raise Unpriced(f"{dotted(*path)} is not set")
        return default
    if is_unknown(value):
        raise Unpriced(f"{dotted(*path)} is unknown during preview")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Unpriced(f"{dotted(*path)} is {value!r}, not a number") from None
    if number < 0 or number != int(number):
        raise Unpriced(f"{dotted(*path)} is {value!r}, not a whole number >= 0")
    return int(number)
