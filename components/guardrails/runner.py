"""Running one check against one resource or one stack: type matching and unknown values."""

from __future__ import annotations

from typing import Sequence, Union

from .context import Context, ResourceView
from .props import UnknownValue
from .registry import Check, NotApplicable, Violation

WRONG_TYPE = NotApplicable("the check does not cover this resource type")
"""The outcome for a resource whose type the check does not cover."""


def run_resource(check: Check, view: ResourceView, ctx: Context) -> Union[list[str], NotApplicable]:
    """Violation messages of `check` on one resource, or NotApplicable.

    Tokens are matched in canonical form; an input unknown during preview makes the check not
    applicable (with the input's path as the reason) unless the rule decided otherwise.
    """
    if check.scope != "resource":
        raise ValueError(f"{check.id} is a {check.scope} check; use run_stack")
    canonical = view.canonical
    if canonical not in check.types:
        return WRONG_TYPE
    try:
        outcome = check.rule(canonical, view.props, ctx)
    except UnknownValue as unknown:
        return NotApplicable(str(unknown))
    return outcome if isinstance(outcome, NotApplicable) else [str(m) for m in outcome]


def run_stack(check: Check, views: Sequence[ResourceView], ctx: Context) -> Union[list[Violation], NotApplicable]:
    """Violations of a stack `check` over every resource of the stack, or NotApplicable."""
    if check.scope != "stack":
        raise ValueError(f"{check.id} is a {check.scope} check; use run_resource")
    try:
        outcome = check.rule(list(views), ctx)
    except UnknownValue as unknown:
        return NotApplicable(str(unknown))
    return outcome if isinstance(outcome, NotApplicable) else [
        v if isinstance(v, Violation) else Violation(None, str(v)) for v in outcome]
