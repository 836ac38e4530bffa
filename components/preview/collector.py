"""When Python's cyclic garbage collector runs during a preview (see :func:`collector_paused`)."""

from __future__ import annotations

import contextlib
import gc

_garbage_left_to_exit = False


def leave_garbage_to_exit(enabled: bool = True) -> None:
    """Skip the end-of-run pass of :func:`collector_paused` for the rest of this process.

    For a process that previews once and exits (the ``aiscale`` command line): the operating
    system frees the run's memory at exit, so walking the run's objects for cycles only delays
    the answer (about a fifth of the program's CPU time on the 929-resource pool-heavy
    platform). The run's objects are frozen instead, so the collector's later passes (cost,
    policies, rendering) walk only what those phases allocate. A library caller or a test suite
    running many previews in one process keeps the default, which frees each run's garbage at
    its end. ``enabled=False`` restores that default (the benchmark's warm runs).
    """
    global _garbage_left_to_exit
    _garbage_left_to_exit = enabled


def garbage_left_to_exit() -> bool:
    """Whether :func:`leave_garbage_to_exit` was called in this process."""
    return _garbage_left_to_exit


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for one run, then free the run's garbage.

    The Pulumi runtime keeps nearly everything a program creates (resources, outputs, futures)
    alive until the run ends, so the collector's full passes, which also walk the hundreds of
    thousands of objects of the provider SDKs, free almost nothing: with it running, a preview
    of 1,000 resources spent three quarters of its time in it, and more per resource the larger
    the program. Reference counting still frees acyclic garbage during the run.

    At the end, the run's own garbage (cycles of tasks, futures and outputs) is collected at
    once, with the objects that existed before the run frozen out of that pass (``gc.freeze``):
    its cost follows the run's size, not the size of the imported SDKs, and every run leaves
    the heap as it found it, whatever its size (the collector's own thresholds collected after
    a large run inside it, and after a small one later, outside it).
    """
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if _garbage_left_to_exit:
            gc.freeze()  # the run's objects join the frozen heap: later passes skip them
            if was_enabled:
                gc.enable()
        else:
            try:
                gc.collect()
            finally:
                gc.unfreeze()
                if was_enabled:
                    gc.enable()
