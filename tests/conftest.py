"""Shared fixtures: the repository root and a helper to run the ``aiscale`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root (holds Pulumi.yaml, stacks/, examples/)."""
    return REPO


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run ``python -m aiscale ARGS`` as a user would, capturing its output."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "aiscale", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
