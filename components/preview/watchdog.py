"""The stall watchdog: a preview that stops making progress ends instead of hanging.

Progress is anything the program asks of the engine: a registration, a read, an invoke, a log
message, registered outputs. When none happens for :func:`stall_seconds` seconds, the run is
cancelled and reported as a program error naming the last resource registered (a program that
awaits an output which can never resolve would otherwise wait forever, silently).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from typing import Optional

#: The environment variable that sets the stall limit in seconds (``aiscale preview --timeout``).
STALL_ENV = "AISCALE_PREVIEW_STALL_SECONDS"
#: The stall limit when neither the caller nor the environment sets one.
DEFAULT_STALL_SECONDS = 120.0


class StallLimitError(ValueError):
    """The stall limit given is not a positive number of seconds."""


def stall_seconds(given: Optional[float] = None) -> float:
    """The stall limit: ``given``, else ``$AISCALE_PREVIEW_STALL_SECONDS``, else 120 s."""
    source, value = ("the stall limit", given) if given is not None else \
        (f"{STALL_ENV} (--timeout)", os.environ.get(STALL_ENV))
    if value is None or value == "":
        return DEFAULT_STALL_SECONDS
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise StallLimitError(f"{source} is {value!r}; valid: a positive number of seconds, e.g. 120")
    return seconds


@contextlib.contextmanager
def stall_limit_env(seconds: Optional[float]):
    """Set :data:`STALL_ENV` to ``seconds`` (unless None) for the ``with`` block, then restore
    it: how ``aiscale preview --timeout`` reaches the run."""
    if seconds is None:
        yield
        return
    saved = os.environ.get(STALL_ENV)
    os.environ[STALL_ENV] = repr(float(seconds))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(STALL_ENV, None)
        else:
            os.environ[STALL_ENV] = saved


class Progress:
    """When the program last asked something of the engine, and the last resource it registered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self.last_resource: Optional[str] = None
        """The URN of the last resource registered (or read), or None before the first."""

    def touch(self, resource: Optional[str] = None) -> None:
        """Note progress now; ``resource`` is the URN just registered, if any."""
        with self._lock:
            self._last = time.monotonic()
            if resource is not None:
                self.last_resource = resource

    def idle_seconds(self) -> float:
        """Seconds since the last progress."""
        with self._lock:
            return time.monotonic() - self._last


class Stalled(Exception):
    """The program made no progress for the stall limit."""

    def __init__(self, seconds: float, last_resource: Optional[str]) -> None:
        last = f"the last resource registered was {last_resource}" if last_resource else \
            "no resource was registered"
        super().__init__(
            f"the program made no progress for {seconds:g} s (no resource registered, no invoke, "
            f"no log) and was stopped; {last}. It probably awaits an output or a future that never "
            f"resolves. Raise the limit with --timeout SECONDS or {STALL_ENV} if the program is "
            f"only slow.")
        self.seconds = seconds
        self.last_resource = last_resource


async def run_watched(main, progress: Progress, seconds: float) -> None:
    """Run the coroutine ``main``; raise :class:`Stalled` if ``progress`` stays idle for
    ``seconds`` while it runs."""
    task = asyncio.ensure_future(main)
    poll = min(1.0, seconds / 4)
    while not task.done():
        await asyncio.wait({task}, timeout=poll)
        if not task.done() and progress.idle_seconds() >= seconds:
            task.cancel()  # the caller cancels what remains: it may never finish
            raise Stalled(seconds, progress.last_resource)
    task.result()
