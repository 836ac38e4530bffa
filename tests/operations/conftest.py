"""Fixtures for the operations tests: preview one cloud's Operations on the offline engine."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from aiscale.preview.engine import PreviewResult, run_inline

from .helpers import CONFIG, operations_program


@pytest.fixture(scope="session")
def ops_preview() -> Callable[..., PreviewResult]:
    """``ops_preview(cloud, **program_kwargs)``: preview one cloud's endpoints and Operations.

    Results are shared within the session (a preview is deterministic and tests only read it).
    """
    cache: dict[str, PreviewResult] = {}

    def run(cloud: str, **kwargs: Any) -> PreviewResult:
        key = json.dumps([cloud, kwargs], sort_keys=True, default=str)
        if key not in cache:
            cache[key] = run_inline(operations_program(cloud, **kwargs), config=CONFIG[cloud])
        return cache[key]

    return run


def ours(result: PreviewResult) -> list:
    """The resources declared directly under the Operations component."""
    component = result.one("aiscale:index:Operations").urn
    return [r for r in result.resources if r.parent == component]


def named(result: PreviewResult, type_token: str, name_contains: str = "") -> Any:
    """The inputs of the one resource of ``type_token`` under Operations named *name_contains*."""
    found = [r for r in ours(result) if r.type == type_token and name_contains in r.name]
    assert len(found) == 1, f"{type_token} *{name_contains}*: {[r.name for r in found]}"
    return found[0].inputs
