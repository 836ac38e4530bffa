"""Reading a Pulumi project: ``Pulumi.yaml`` and a stack's ``Pulumi.<stack>.yaml``.

The rules follow the Pulumi CLI: the stack file lives in ``stackConfigDir`` (default: beside
``Pulumi.yaml``); a config key without a namespace belongs to the project; structured values
reach the program as JSON strings; project-level ``config`` supplies defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class ProjectError(Exception):
    """The project or stack files are missing or malformed (exit code 2)."""


@dataclass(frozen=True)
class Project:
    """A Pulumi Python project on disk, with one stack's configuration resolved."""

    directory: Path
    """The folder that holds ``Pulumi.yaml``."""
    name: str
    """The project name."""
    stack: str
    """The stack name."""
    program: Path
    """The folder or file the Python runtime runs (``main``, default the project folder)."""
    config: dict[str, str] = field(default_factory=dict)
    """Fully qualified config keys (``aws:region``) to the string values the runtime holds."""
    secret_keys: tuple[str, ...] = ()
    """Config keys given as ``secure:`` values (which cannot be decrypted offline)."""
    stack_file: Path | None = None
    """The stack file that was read, or None when the stack has none."""
    stack_config_dir: Path | None = None
    """The folder stack files live in (``stackConfigDir``, default the project folder)."""


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ProjectError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise ProjectError(f"{path}: expected a mapping at the top level, got {type(loaded).__name__}")
    return loaded


def _qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _as_runtime_string(value: Any) -> str:
    """Config values reach a Python program as strings; structures as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def load_project(directory: Path, stack: str) -> Project:
    """Read ``Pulumi.yaml`` in ``directory`` and the configuration of ``stack``."""
    directory = directory.resolve()
    project_file = next((directory / name for name in ("Pulumi.yaml", "Pulumi.yml")
                         if (directory / name).is_file()), None)
    if project_file is None:
        raise ProjectError(f"no Pulumi.yaml in {directory}: pass --cwd with a Pulumi project folder")
    meta = _read_yaml(project_file)
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{project_file}: 'name' is required")
    runtime = meta.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProjectError(f"{project_file}: runtime is {runtime_name!r}; aiscale preview runs Python programs only")
    program = directory / meta["main"] if isinstance(meta.get("main"), str) else directory

    config: dict[str, str] = {}
    for key, spec in (meta.get("config") or {}).items():
        default = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        if default is not None:
            config[_qualify(key, name)] = _as_runtime_string(default)

    stack_dir = directory / meta.get("stackConfigDir", ".")
    stack_file = next((stack_dir / f"Pulumi.{stack}.{ext}" for ext in ("yaml", "yml")
                       if (stack_dir / f"Pulumi.{stack}.{ext}").is_file()), None)
    secret_keys: list[str] = []
    if stack_file is not None:
        for key, value in (_read_yaml(stack_file).get("config") or {}).items():
            qualified = _qualify(key, name)
            if isinstance(value, dict) and set(value) == {"secure"}:
                secret_keys.append(qualified)
                config[qualified] = "[secret]"
            else:
                config[qualified] = _as_runtime_string(value)
    return Project(directory=directory, name=name, stack=stack, program=program,
                   config=dict(sorted(config.items())), secret_keys=tuple(sorted(secret_keys)),
                   stack_file=stack_file, stack_config_dir=stack_dir.resolve())
