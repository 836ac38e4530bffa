"""The security pack's checks, grouped by area."""

from __future__ import annotations

from . import access_logs, compute, iam, keys, kubernetes, ml, network, pod_hardening, storage, versioning, workloads


def checks() -> tuple:
    """Every security check, in catalogue order (each area's checks by id)."""
    areas = (storage.CHECKS + versioning.CHECKS + access_logs.CHECKS, iam.CHECKS, keys.CHECKS, network.CHECKS, kubernetes.CHECKS,
             compute.CHECKS, ml.CHECKS, workloads.CHECKS + pod_hardening.CHECKS)
    return tuple(check for area in areas for check in sorted(area, key=lambda c: c.id))
