"""Reading engine inputs for pricing: the facts layer's strict readers, failing as Unpriced."""

from __future__ import annotations

from typing import Any, Optional

from aiscale.facts import tokens
from aiscale.facts.values import Input, UnknownValue, Unreadable, dotted, is_unknown, known_str
from aiscale.facts.values import dig as get  # noqa: F401 - the pricers' name for it

__all__ = ["PRICING_ERRORS", "Unpriced", "canonical_type", "count_at", "dotted", "get", "is_unknown", "known_input",
           "known_str", "require_str", "unpriced"]


class Unpriced(Exception):
    """A resource costs money but cannot be priced; `str(error)` says why, in one sentence."""


def unpriced(error: Exception) -> Unpriced:
    """The Unpriced of a facts error: an unknown input or a missing / malformed one."""
    if isinstance(error, Unpriced):
        return error
    if isinstance(error, UnknownValue):
        return Unpriced(f"{error.path} is unknown during preview")
    return Unpriced(str(error))


def known_input(value: object, what: str) -> Optional[str]:
    """`value` if it is a known string; Unpriced when it is unknown during preview."""
    if is_unknown(value):
        raise Unpriced(f"{what} is unknown during preview")
    return known_str(value)


PRICING_ERRORS = (Unpriced, UnknownValue, Unreadable)
"""What a pricer may raise: its own Unpriced, or a facts error of an input it read."""


def canonical_type(token: str) -> str:
    """The comparable form of a type token: the facts layer's canonical form, lower case.

    ``azure-native:containerservice/v20240901:AgentPool`` and
    ``azure-native:containerservice:AgentPool`` compare equal; so do tokens differing in case.
    """
    return tokens.canonical_type(token).lower()


def require_str(inputs: Any, *path: str | int) -> str:
    """The string at `path`; raises Unpriced naming the path when it is missing or unknown."""
    try:
        return Input.at(inputs, *path).require_text()
    except (UnknownValue, Unreadable) as error:
        raise unpriced(error) from None


def count_at(inputs: Any, *path: str | int, default: Optional[int] = None) -> int:
    """The whole number at `path` (engine numbers arrive as floats, strings are accepted).

    A missing value gives `default` (or Unpriced when there is none); an unknown, negative or
    non-numeric value raises Unpriced naming the path and the value.
    """
    try:
        return Input.at(inputs, *path).count(default)
    except (UnknownValue, Unreadable) as error:
        raise unpriced(error) from None
