"""Shared fixtures for the Azure compute tests: build platforms on the offline preview engine."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

from aiscale.preview.engine import PreviewResult, run_inline
from tests.compute.azure.helpers import LOCATION, build_platform


@pytest.fixture(scope="module")
def preview() -> Callable[..., PreviewResult]:
    """``preview(platform, cluster=True)``: build ``platform`` on Azure offline, return the result."""
    def run(platform: Any, *, cluster: bool = True,
            program: Optional[Callable[[], None]] = None) -> PreviewResult:
        return run_inline(program or (lambda: build_platform(platform, cluster=cluster)),
                          config={"azure-native:location": LOCATION})

    return run

