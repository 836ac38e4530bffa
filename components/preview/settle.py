"""Let a program's outputs settle in a few large waits before Pulumi's own end-of-run wait.

When a Pulumi Python program returns, the runtime's ``wait_for_rpcs`` waits for every output
the program created (``SETTINGS.outputs``) with ``asyncio.wait(..., FIRST_COMPLETED)``, putting
back the unfinished ones after each wait. Each wait adds and removes a callback on every
pending output, and it returns as soon as one of them finishes, so its cost grows with the
number of outputs times the number of times they finish in separate steps of the event loop:
on a platform of 950 resources (44,000 outputs, finishing over about 90 steps) that is about a
million callback operations, a fifth of the program's time.

:func:`settled` runs the program, then waits for the outputs it created the other way round:
all of them at once, until they have finished or one of them failed, one wait per second of
progress. Pulumi's own wait then runs as before and finds them finished: it still raises the
first failure, waits for the RPCs and the stack's outputs, and stays the only judge of when the
run is over. Two cases hand back to it at once, whatever is pending: an output that failed or
was cancelled (the runtime reports it, as it would have), and a second in which no output
finished (one waiting on something only the runtime's end of the run provides, or a hang,
which the preview's stall watchdog reports).
"""

from __future__ import annotations

import asyncio
import threading
from inspect import isawaitable
from typing import Any, Awaitable, Callable, MutableSet

IDLE_SECONDS = 1.0
"""A wait without any output finishing for this long hands the rest to the runtime."""


class TrackedOutputs(set):
    """The set the runtime tracks a run's pending outputs in (``SETTINGS.outputs``; it adds
    each output's future when the output is made and removes it when it finishes), which also
    remembers every future ever added: the run's outputs, for finding the secret values it
    resolved (:func:`aiscale.preview.redaction.secret_texts`) without walking the heap."""

    def __init__(self) -> None:
        super().__init__()
        self.every: list[asyncio.Future] = []
        """Every output future the runtime tracked during the run, in the order it was made."""

    def add(self, future: asyncio.Future) -> None:
        """Track ``future`` (the runtime's call) and remember it."""
        self.every.append(future)
        super().add(future)


def settled(program: Callable[[], Any], outputs: MutableSet[asyncio.Future], lock: threading.Lock
            ) -> Callable[[], Awaitable[None]]:
    """``program`` followed by :func:`settle` on the run's tracked ``outputs`` (the set and lock
    the engine gave the runtime's settings), as the callable ``run_in_stack`` runs."""

    def run() -> Awaitable[None]:
        return _after(program(), outputs, lock)

    return run


async def _after(result: Any, outputs: MutableSet[asyncio.Future], lock: threading.Lock) -> None:
    if isawaitable(result):
        await result
    await settle(outputs, lock)


async def settle(outputs: MutableSet[asyncio.Future], lock: threading.Lock,
                 idle_seconds: float = IDLE_SECONDS) -> int:
    """Wait until every output in ``outputs`` (outputs created meanwhile included) has finished,
    or one has failed, or none finished for ``idle_seconds``; returns the number of waits made.

    The outputs are only waited for, never awaited: their results and errors stay for the
    runtime's own wait to collect and raise."""
    waits = 0
    while True:
        with lock:
            pending = [future for future in outputs if not future.done()]
        if not pending:
            return waits
        done, _ = await asyncio.wait(pending, timeout=idle_seconds, return_when=asyncio.FIRST_EXCEPTION)
        waits += 1
        if not done or any(future.cancelled() or future.exception() is not None for future in done):
            return waits
