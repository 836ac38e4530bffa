"""The dev and prod previews, once per session, for the schema conformance tests."""

from __future__ import annotations

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="session")
def stack_previews():
    """``{"dev": PreviewResult, "prod": PreviewResult}`` of this repository's own stacks."""
    from aiscale.preview.engine import run_directory

    return {stack: run_directory(REPO, stack) for stack in ("dev", "prod")}
