"""The security pack's checks, grouped by area."""

from __future__ import annotations

from . import compute, kubernetes, ml, storage, workloads


def checks() -> tuple:
    """Every security check, in catalogue order."""
    return storage.CHECKS + kubernetes.CHECKS + compute.CHECKS + ml.CHECKS + workloads.CHECKS
