"""The capacity fixture platform (``platform.yaml``: every node pool capacity field on all three
clouds), previewed once per session as a copy of this Pulumi project."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from tests.conftest import REPO

FIXTURE = Path(__file__).with_name("platform.yaml")


def capacity_model() -> dict[str, Any]:
    """A fresh copy of the fixture platform model."""
    return yaml.safe_load(FIXTURE.read_text())


def make_project(folder: Path, model: dict[str, Any]) -> Path:
    """A copy of this Pulumi project in ``folder`` whose ``test`` stack holds ``model``."""
    shutil.copy(REPO / "Pulumi.yaml", folder / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", folder / "__main__.py")
    (folder / "stacks").mkdir(exist_ok=True)
    (folder / "stacks" / "Pulumi.test.yaml").write_text(
        yaml.safe_dump({"config": {"aiscale:platform": model}}))
    return folder


@pytest.fixture
def project_with(tmp_path: Path) -> Callable[[dict], Path]:
    """A project folder for a given platform model."""
    return lambda model: make_project(tmp_path, model)


@pytest.fixture(scope="session")
def capacity_preview(tmp_path_factory):
    """The fixture platform's preview (run once per session)."""
    from aiscale.preview.engine import run_directory

    folder = make_project(tmp_path_factory.mktemp("capacity"), capacity_model())
    return run_directory(folder, "test")
