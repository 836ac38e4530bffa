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


_ONE_SHOT_PROBE = """
import gc, weakref
from aiscale.preview.collector import collector_paused, leave_garbage_to_exit

class Node:
    other = None

def cycle():
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)

leave_garbage_to_exit()
before = gc.get_freeze_count()
with collector_paused():
    watched = cycle()
print(watched() is not None, gc.isenabled(), gc.get_freeze_count() > before)
"""


def test_a_one_shot_process_leaves_the_runs_garbage_to_exit_frozen():
    """The command line skips the end-of-run pass (the OS frees the memory at exit) and freezes
    the run's objects, so later automatic passes skip them; run in its own interpreter, since
    the switch holds for the rest of the process."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _ONE_SHOT_PROBE], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["True", "True", "True"]


def test_the_console_entry_point_sets_the_one_shot_switch():
    import subprocess
    import sys

    probe = ("import sys\nfrom aiscale import cli\nfrom aiscale.preview import collector\n"
             "cli.app = lambda: print(collector.garbage_left_to_exit())\ncli.main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_a_library_caller_keeps_freeing_each_runs_garbage():
    from aiscale.preview import collector

    assert not collector.garbage_left_to_exit()
