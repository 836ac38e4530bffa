"""Shared fixtures for the object-storage tests: run a program on the offline preview engine."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from aiscale.preview import fake_cloud
from aiscale.preview.engine import PreviewResult, run_inline


def _identity_as_map(original: Callable) -> Callable:
    """Answer a StorageAccount's ``identity.userAssignedIdentities`` as Azure does: a map.

    The input is a list of identity ids, the state a map keyed by id; echoing the list back
    breaks the SDK's output translation. Workaround until the shared fake cloud does this itself
    (a no-op once it does).
    """

    def answer(self, typ: str, name: str, inputs: dict) -> tuple[str, dict]:
        resource_id, state = original(self, typ, name, inputs)
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            state["identity"] = {**identity, "userAssignedIdentities": {
                i: {} for i in identity["userAssignedIdentities"] if isinstance(i, str)}}
        return resource_id, state

    return answer


@pytest.fixture
def preview(monkeypatch) -> Callable[..., PreviewResult]:
    """``preview(program, **run_inline_kwargs)``: the engine's ``run_inline`` for these tests."""
    monkeypatch.setattr(fake_cloud.FakeCloud, "_azure", _identity_as_map(fake_cloud.FakeCloud._azure))

    def run(program: Callable[[], Any], **kwargs: Any) -> PreviewResult:
        return run_inline(program, **kwargs)

    return run
