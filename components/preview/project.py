"""Reading a Pulumi project: ``Pulumi.yaml`` and a stack's ``Pulumi.<stack>.yaml``.

The rules follow the Pulumi CLI: the stack file lives in ``stackConfigDir`` (default: beside
``Pulumi.yaml``); a config key without a namespace belongs to the project; structured values
reach the program as JSON strings; project-level ``config`` supplies defaults. ``secure:`` values
are resolved by :mod:`aiscale.preview.secrets` (``--secret``, environment, passphrase, placeholder).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from aiscale.preview.secrets import SecretMask, SecretsError, StackSecrets, contains_secure, resolve_stack_secrets


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
    config: dict[str, str] = field(default_factory=dict, repr=False)
    """Fully qualified config keys (``aws:region``) to the string values the runtime holds
    (secure values resolved: see :mod:`aiscale.preview.secrets`)."""
    secret_keys: tuple[str, ...] = ()
    """Config keys whose values are secrets (``secure:`` values, ``--secret``)."""
    stack_file: Path | None = None
    """The stack file that was read, or None when the stack has none."""
    stack_config_dir: Path | None = None
    """The folder stack files live in (``stackConfigDir``, default the project folder)."""
    warnings: tuple[str, ...] = ()
    """What the user should know before the run (secure values left with a placeholder)."""
    secret_mask: SecretMask = field(default_factory=lambda: SecretMask(()), repr=False, compare=False)
    """Hides the text of every secret the program may see in what is printed or written."""
    stack_outputs: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """Other stacks' outputs for the program's StackReferences, by stack name
    (``aiscale.preview.stack_refs.StackOutputs``, from ``--stack-outputs``)."""


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


def load_project(directory: Path, stack: str, *, secrets: Optional[Mapping[str, str]] = None,
                 environ: Optional[Mapping[str, str]] = None) -> Project:
    """Read ``Pulumi.yaml`` in ``directory`` and the configuration of ``stack``; ``secrets``
    (``--secret``: keys qualified or not) and ``environ`` (default: the process environment)
    supply secure values (see :mod:`aiscale.preview.secrets`)."""
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
    stack_meta = _read_yaml(stack_file) if stack_file is not None else {}
    secure: dict[str, Any] = {}
    for key, value in (stack_meta.get("config") or {}).items():
        qualified = _qualify(key, name)
        if contains_secure(value):
            secure[qualified] = value
        else:
            config[qualified] = _as_runtime_string(value)
    supplied = {_qualify(key, name): value for key, value in (secrets or {}).items()}
    stack_secrets = StackSecrets(stack_file=stack_file, project=name,
                                 encryption_salt=_optional_str(stack_meta, "encryptionsalt"),
                                 secrets_provider=_optional_str(stack_meta, "secretsprovider"))
    try:
        resolved = resolve_stack_secrets(stack_secrets, secure, supplied, environ)
    except SecretsError as error:
        raise ProjectError(str(error)) from None
    config.update(resolved.config)
    return Project(directory=directory, name=name, stack=stack, program=program,
                   config=dict(sorted(config.items())), secret_keys=tuple(sorted(resolved.config)),
                   stack_file=stack_file, stack_config_dir=stack_dir.resolve(),
                   warnings=tuple(resolved.warnings), secret_mask=SecretMask(resolved.plaintexts))


def _optional_str(meta: Mapping[str, Any], key: str) -> Optional[str]:
    value = meta.get(key)
    return value if isinstance(value, str) and value else None
