"""Every check of the packs, and lookups by pack and id."""

from __future__ import annotations

from . import cost, security, wiring
from .registry import PACKS, Check


def all_checks() -> tuple[Check, ...]:
    """Every check: the security pack's, then the cost pack's, then the wiring pack's."""
    return security.checks() + cost.checks() + wiring.checks()


def checks_for_pack(pack: str) -> tuple[Check, ...]:
    """The checks of one pack ("security", "cost" or "wiring")."""
    if pack not in PACKS:
        raise ValueError(f"pack {pack!r} is not valid; valid: {', '.join(PACKS)}")
    return tuple(c for c in all_checks() if c.pack == pack)


def get_check(check_id: str) -> Check:
    """The check with id `check_id`; KeyError naming the valid ids otherwise."""
    for check in all_checks():
        if check.id == check_id:
            return check
    raise KeyError(f"no check {check_id!r}; valid: {', '.join(c.id for c in all_checks())}")
