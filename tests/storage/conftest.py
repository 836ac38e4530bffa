"""Shared fixtures for the object-storage tests: run a program on the offline preview engine."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from aiscale.preview.engine import PreviewResult, run_inline


@pytest.fixture
def preview() -> Callable[..., PreviewResult]:
    """``preview(program, **run_inline_kwargs)``: the engine's ``run_inline`` for these tests."""
    def run(program: Callable[[], Any], **kwargs: Any) -> PreviewResult:
        return run_inline(program, **kwargs)

    return run
