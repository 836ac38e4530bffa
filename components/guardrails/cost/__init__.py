"""The cost pack's checks, grouped by area."""

from __future__ import annotations

from . import budget, gpu, scale, serving, storage, tags


def checks() -> tuple:
    """Every cost check, in catalogue order."""
    return gpu.CHECKS + scale.CHECKS + serving.CHECKS + tags.CHECKS + storage.CHECKS + budget.CHECKS
