"""A base platform shared by stacks, and each stack's overrides deep-merged over it.

A stack file may set ``aiscale:base: <file>`` (a path relative to the stack file) naming a YAML
file that holds a platform model (the value ``aiscale:platform`` would hold); the stack's own
``aiscale:platform`` is then merged over it (:func:`merge_platform`): mappings key by key, lists
of named entries (``node_pools``, ``buckets``...) entry by entry by ``name`` (an entry only in
the stack is added at the end), any other value replaced. A problem in the merged model names
the file its value came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import yaml

from .errors import MISSING, PlatformValidationError, Problem

BASE_KEY = "aiscale:base"
"""The stack config key naming the base platform file."""
PLATFORM_KEY = "aiscale:platform"
"""The stack config key holding the platform model (or, with a base, its overrides)."""


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, Mapping) and "name" in item for item in value)


def merge_platform(base: Any, override: Any) -> Any:
    """`override` deep-merged over `base`: mappings merge key by key, two lists whose entries
    are all mappings with a ``name`` merge entry by entry by name (base order first, new entries
    appended), and anything else in `override` replaces the base value."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge_platform(base[key], value) if key in base else value
        return merged
    if _named_list(base) and _named_list(override):
        by_name = {item["name"]: item for item in override}
        merged = [merge_platform(item, by_name.pop(item["name"])) if item["name"] in by_name else item
                  for item in base]
        return merged + [item for item in override if item["name"] in by_name]
    return override


def read_base(reference: Any, stack_file: Path) -> Mapping[str, Any]:
    """The platform in the file `reference` names (relative to `stack_file`); a
    PlatformValidationError naming ``aiscale:base``, the file and the problem otherwise."""
    if not isinstance(reference, str) or not reference.strip():
        raise PlatformValidationError([Problem(BASE_KEY, reference, f"must be the path of a YAML file "
                                               f"holding a platform, relative to {stack_file}")])
    path = stack_file.parent / reference
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlatformValidationError([Problem(BASE_KEY, reference, f"cannot read {path}: "
                                               f"{error.strerror or error} (the path is relative to {stack_file})")]) from None
    except yaml.YAMLError as error:
        raise PlatformValidationError([Problem(BASE_KEY, reference, f"{path} is not valid YAML: {error}")]) from None
    if isinstance(loaded, Mapping) and PLATFORM_KEY in loaded and len(loaded) == 1:
        loaded = loaded[PLATFORM_KEY]
    if not isinstance(loaded, Mapping):
        raise PlatformValidationError([Problem(BASE_KEY, reference, f"{path} must hold a platform "
                                               f"mapping (name, environment, clouds...)")])
    return loaded


def _walk(value: Any, parts: Sequence[str | int], merged: Any) -> bool:
    """True when `value` (the stack's overrides) sets the path `parts` of `merged`."""
    for part in parts:
        if isinstance(part, int):
            if not (isinstance(merged, list) and part < len(merged)):
                return False
            entry = merged[part]
            name = entry.get("name") if isinstance(entry, Mapping) else None
            if _named_list(value) and name is not None:
                value = next((item for item in value if item.get("name") == name), MISSING)
            elif isinstance(value, list) and part < len(value):
                value = value[part]
            else:
                return False
            merged = entry
        else:
            if not isinstance(value, Mapping) or part not in value:
                return False
            value, merged = value[part], merged.get(part) if isinstance(merged, Mapping) else None
        if value is MISSING:
            return False
    return True


def _path_parts(path: str) -> list[str | int]:
    """`node_pools[1].labels.x` -> ["node_pools", 1, "labels", "x"] (quoted keys kept whole)."""
    import json
    import re

    parts: list[str | int] = []
    for token in re.finditer(r'\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.\[\]]+)', path):
        index, quoted, plain = token.groups()
        parts.append(int(index) if index is not None else json.loads(quoted) if quoted else plain)
    return parts


def with_origins(error: PlatformValidationError, override: Mapping[str, Any], merged: Mapping[str, Any],
                 stack_file: Path, base_file: Path) -> PlatformValidationError:
    """`error` with each problem's message ending in the file its value came from."""
    problems = []
    for problem in error.problems:
        came_from = stack_file if _walk(override, _path_parts(problem.path), merged) else base_file
        problems.append(problem._replace(message=f"{problem.message} (in {came_from})"))
    return PlatformValidationError(problems)


def base_path(reference: str, stack_file: Path) -> Path:
    """The base file `reference` names, relative to `stack_file`."""
    return stack_file.parent / reference


def stack_file_of(project_dir: Path, stack: str) -> Optional[Path]:
    """``Pulumi.<stack>.yaml`` (or ``.yml``) in the project's ``stackConfigDir``, or None."""
    settings: Any = {}
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        if (project_dir / name).is_file():
            settings = yaml.safe_load((project_dir / name).read_text(encoding="utf-8")) or {}
            break
    folder = project_dir / (settings.get("stackConfigDir") or "." if isinstance(settings, Mapping) else ".")
    return next((folder / f"Pulumi.{stack}.{ext}" for ext in ("yaml", "yml")
                 if (folder / f"Pulumi.{stack}.{ext}").is_file()), None)
