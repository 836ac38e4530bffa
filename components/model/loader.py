"""`load_platform`: validate a raw platform model completely and resolve its defaults."""

from __future__ import annotations

from pathlib import Path
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


def load_stack_platform(raw: Any, base: Any = None, stack_file: Path | str | None = None) -> Platform:
    """The platform of a stack: `raw` (its ``aiscale:platform``) alone, or, when `base` (its
    ``aiscale:base``) names a file (relative to `stack_file`), `raw` deep-merged over the
    platform in that file (:func:`aiscale.model.base.merge_platform`). Problems name the file
    each value came from."""
    from .base import base_path, merge_platform, read_base, with_origins

    if base is None:
        return load_platform(raw)
    if stack_file is None:
        raise PlatformValidationError([Problem("aiscale:base", base, "a base platform needs the stack "
                                               "file it is relative to, and none was found")])
    stack_file = Path(stack_file)
    overrides = {} if raw is None else raw
    if not isinstance(overrides, Mapping):
        raise PlatformValidationError([Problem("", raw, "with aiscale:base, aiscale:platform must be a "
                                               "mapping of overrides (or absent)")])
    merged = merge_platform(read_base(base, stack_file), overrides)
    try:
        return load_platform(merged)
    except PlatformValidationError as error:
        raise with_origins(error, overrides, merged, stack_file, base_path(base, stack_file)) from None


def load_program_platform(config: Any, stack: str, project_dir: Path | str = ".") -> Platform:
    """The platform of the running Pulumi program's stack: `config` is
    ``pulumi.Config("aiscale")``; the stack file (for ``aiscale:base``) is found from the
    project's ``Pulumi.yaml`` in `project_dir` (the program's folder)."""
    from .base import stack_file_of

    base = config.get("base")
    raw = config.get_object("platform")
    if base is None:
        return load_platform(config.require_object("platform"))
    return load_stack_platform(raw, base, stack_file_of(Path(project_dir), stack))
