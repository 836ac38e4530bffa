"""Fixtures for the endpoint tests: preview a program on the offline engine."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from aiscale.preview.engine import PreviewResult, run_inline

from .helpers import CONFIG, endpoint_program


@pytest.fixture(scope="session")
def endpoint_preview() -> Callable[..., PreviewResult]:
    """``endpoint_preview(cloud, **program_kwargs)``: preview one ModelEndpoint on ``cloud``.

    Results are shared within the session (a preview is deterministic and tests only read it);
    ``extra`` callables bypass the cache.
    """
    cache: dict[str, PreviewResult] = {}

    def run(cloud: str, **kwargs: Any) -> PreviewResult:
        if kwargs.get("extra") is not None:
            return run_inline(endpoint_program(cloud, **kwargs), config=CONFIG[cloud])
        key = json.dumps([cloud, kwargs], sort_keys=True)
        if key not in cache:
            cache[key] = run_inline(endpoint_program(cloud, **kwargs), config=CONFIG[cloud])
        return cache[key]

    return run
