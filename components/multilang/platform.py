"""``AiPlatform`` for every Pulumi language: the platform model as a plain map.

The one ``AiPlatform`` class (``aiscale.platform``) takes the validated ``Platform`` object or
the same model as a plain map (what the stack config ``aiscale:platform`` holds, documented in
docs/model.md); :func:`load_plain_platform` validates the map with ``aiscale.model.load_platform``
(every problem, with its path, in one error).
"""

from collections.abc import Mapping
from typing import Any

from aiscale.model import Platform, PlatformValidationError, load_platform
from aiscale._plain import first_output, whole_numbers

__all__ = ["AiPlatform", "AiPlatformArgs", "load_plain_platform"]


def __getattr__(name: str) -> Any:
    """``AiPlatform`` and ``AiPlatformArgs``: the one class, from ``aiscale.platform``."""
    if name in ("AiPlatform", "AiPlatformArgs"):
        import aiscale.platform

        return getattr(aiscale.platform, name)
    raise AttributeError(name)


def load_plain_platform(name: str, raw: Any) -> Platform:
    """Validate the plain model ``raw`` (numbers may arrive as floats); raise one ValueError."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"invalid arguments for AiPlatform {name!r}:\n  - AiPlatformArgs.platform: "
                         f"got {raw!r}; valid: a map with at least name, environment and clouds")
    unknown = first_output(raw, "platform")
    if unknown:
        raise ValueError(f"invalid arguments for AiPlatform {name!r}:\n  - AiPlatformArgs.{unknown}: "
                         "got a value another resource computes; valid: a plain value known "
                         "when the program runs (the model is validated before anything is declared)")
    try:
        return load_platform(whole_numbers(raw))
    except PlatformValidationError as error:
        listing = "\n".join(f"  - AiPlatformArgs.platform.{problem}" for problem in error.problems)
        raise ValueError(f"invalid arguments for AiPlatform {name!r}: the platform model has "
                         f"{len(error.problems)} problem(s):\n{listing}") from None
