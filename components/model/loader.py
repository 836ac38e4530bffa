"""`load_platform`: validate a raw platform model completely and resolve its defaults."""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import ValidationError

from ._parts import LIST_SECTIONS, Parts
from ._translate import problems_from_error
from .crosscheck import Key, crosscheck
from .errors import PlatformValidationError, Problem
from .platform import Platform


def load_platform(raw: Mapping[str, Any]) -> Platform:
    """Validate `raw` (the value of `aiscale:platform`) and return the resolved Platform.

    Every problem is collected (field shapes, rules across sections, the accelerator catalog)
    and raised together as one PlatformValidationError. On success every section's `clouds`
    holds its resolved target clouds, in the order aws, azure, gcp.
    """
    if not isinstance(raw, Mapping):
        raise PlatformValidationError(
            [Problem("", raw, "the platform model must be a mapping with at least name, "
                     "environment and clouds")]
        )
    platform: Platform | None
    try:
        platform = Platform.model_validate(dict(raw))
    except ValidationError as error:
        platform = None
        problems = problems_from_error(error, Platform)
        parts = Parts.from_raw(raw)
    else:
        problems = []
        parts = Parts.from_platform(platform)
    result = crosscheck(parts)
    problems.extend(result.problems)
    if problems or platform is None:
        raise PlatformValidationError(problems)
    return _with_clouds(platform, result.clouds)


def _with_clouds(platform: Platform, clouds: Mapping[Key, tuple[str, ...]]) -> Platform:
    """`platform` with every list item's `clouds` set to its resolved targets."""
    updates = {
        section: tuple(
            item.model_copy(update={"clouds": clouds[(section, index)]})
            for index, item in enumerate(getattr(platform, section))
        )
        for section in LIST_SECTIONS
    }
    return platform.model_copy(update=updates)
