"""The preview pauses the cyclic garbage collector for a run and frees the run's garbage at
its end, walking only what the run made (aiscale.preview.engine.collector_paused)."""

from __future__ import annotations

import gc
import weakref

import pytest

from aiscale.preview.engine import collector_paused


class _Node:
    """A object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other = None


def _cycle() -> weakref.ref:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_the_collector_is_paused_during_the_run_and_restored_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0, "what existed before the run is left out of the pass"
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_the_runs_cyclic_garbage_is_freed_when_it_ends():
    with collector_paused():
        watched = _cycle()
        assert watched() is not None, "nothing collects during the run"
    assert watched() is None, "the cycle the run dropped is freed by the end of the run"


def test_a_failing_run_still_restores_the_collector():
    with pytest.raises(RuntimeError):
        with collector_paused():
            raise RuntimeError("program failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0
