"""Which catalog overlay a stack uses, and putting it in effect once for CLI and program alike.

A stack names its overlay with the config key ``aiscale:catalogOverlay: <file>`` (relative to the
stack file); ``--catalog-overlay FILE`` on ``aiscale preview``, ``catalog`` and ``preflight``
takes precedence (relative to the current folder). The CLI loads and activates the overlay
before anything reads the catalog, and hands the program the file's absolute path in the same
config key, so a program that calls :func:`activate_from_config` (this project's
``__main__.py`` does, for ``pulumi up``) finds it already in effect and does not load it again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Optional

from ._overlay import CatalogOverlay, activate_overlay, active_overlay
from .overlay_file import load_overlay

CONFIG_KEY = "aiscale:catalogOverlay"
"""The stack config key naming the stack's catalog overlay file."""

PROJECT_FILE = "Pulumi.yaml"
"""The Pulumi project file, whose ``stackConfigDir`` says where stack files live."""


def overlay_path(flag: Optional[Path], config: Mapping[str, str], stack_dir: Optional[Path]) -> Optional[Path]:
    """The overlay file to use: `flag` (``--catalog-overlay``) if given, else the stack's
    ``aiscale:catalogOverlay`` relative to `stack_dir`; None when neither names one."""
    if flag is not None:
        return Path(flag).resolve()
    value = config.get(CONFIG_KEY)
    if not value:
        return None
    path = Path(value)
    return (path if path.is_absolute() else (stack_dir or Path.cwd()) / path).resolve()


def use_for_project(project: Any, flag: Optional[Path] = None) -> Any:
    """Load and activate the overlay of an ``aiscale.preview.project.Project`` (or none), and
    return the project with ``aiscale:catalogOverlay`` set to the file's absolute path (removed
    when there is none). Raises ``CatalogOverlayError`` naming the file and each problem."""
    path = overlay_path(flag, project.config, project.stack_config_dir)
    config = {key: value for key, value in project.config.items() if key != CONFIG_KEY}
    if path is None:
        activate_overlay(None)
    else:
        activate_overlay(load_overlay(path))
        config[CONFIG_KEY] = str(path)
    return replace(project, config=dict(sorted(config.items())))


def _stack_dir(project_dir: Path) -> Path:
    import yaml

    project_file = project_dir / PROJECT_FILE
    try:
        meta = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        meta = {}
    return project_dir / str(meta.get("stackConfigDir", "."))


def activate_from_config(value: Optional[str], project_dir: Optional[Path] = None) -> CatalogOverlay:
    """For a Pulumi program: put the stack's overlay (the ``aiscale:catalogOverlay`` value, or
    None) in effect and return it. A relative path is read from the stack file's folder
    (``stackConfigDir`` of the project in `project_dir`, default the current folder, which is
    where Pulumi runs a program). Does nothing when that file's overlay is already in effect."""
    if not value:
        return active_overlay()
    path = overlay_path(None, {CONFIG_KEY: value}, _stack_dir(project_dir or Path.cwd()))
    assert path is not None
    if active_overlay().source == str(path):
        return active_overlay()
    overlay = load_overlay(path)
    activate_overlay(overlay)
    return overlay
