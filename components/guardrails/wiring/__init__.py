"""The wiring pack's checks: stack-level checks across resources, grouped by question (can this
GPU pod be scheduled, is this metric served, is this policy enforced, will this volume bind,
can these pods reach that bucket, can this runtime pull its image, does the server load its
model, can this group start)."""

from __future__ import annotations

from . import metrics, network, runtimes, scaling, scheduling, storage


def checks() -> tuple:
    """Every wiring check, in catalogue order."""
    return (scheduling.CHECKS + metrics.CHECKS + network.CHECKS + storage.CHECKS + runtimes.CHECKS
            + scaling.CHECKS)
