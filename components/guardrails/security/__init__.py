"""The security pack's checks, grouped by area."""

from __future__ import annotations

from . import compute, kubernetes, ml, storage, versioning, workloads


def checks() -> tuple:
    """Every security check, in catalogue order (each area's checks by id)."""
    areas = (storage.CHECKS + versioning.CHECKS, kubernetes.CHECKS, compute.CHECKS, ml.CHECKS, workloads.CHECKS)
    return tuple(check for area in areas for check in sorted(area, key=lambda c: c.id))
