"""Fixtures for previewing this repository's own program with any platform model."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from typer.testing import CliRunner

from aiscale.cli import app
from tests.conftest import REPO


def stack_model(stack: str) -> dict[str, Any]:
    """The platform of ``stacks/Pulumi.<stack>.yaml``: its ``aiscale:platform`` value deep-merged
    over the base file its ``aiscale:base`` names (as the program and ``aiscale preview`` read it)."""
    from aiscale.model.base import merge_platform, read_base

    stack_file = REPO / "stacks" / f"Pulumi.{stack}.yaml"
    config = yaml.safe_load(stack_file.read_text())["config"]
    own = config.get("aiscale:platform") or {}
    base = config.get("aiscale:base")
    return own if base is None else merge_platform(read_base(base, stack_file), own)


@pytest.fixture
def project_with(tmp_path: Path) -> Callable[[dict], Path]:
    """A copy of this Pulumi project whose ``test`` stack holds the given platform model."""

    def make(model: dict) -> Path:
        shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
        shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
        (tmp_path / "stacks").mkdir(exist_ok=True)
        (tmp_path / "stacks" / "Pulumi.test.yaml").write_text(
            yaml.safe_dump({"config": {"aiscale:platform": model}}))
        return tmp_path

    return make


@pytest.fixture(scope="session")
def dev():
    """The dev stack's preview (run once per test session)."""
    from aiscale.preview.engine import run_directory

    return run_directory(REPO, "dev")


@pytest.fixture(scope="session")
def prod():
    """The prod stack's preview (run once per test session)."""
    from aiscale.preview.engine import run_directory

    return run_directory(REPO, "prod")


def invoke(*args: str):
    """Run the CLI in-process (fast); returns typer's Result with exit_code, stdout, stderr."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)
