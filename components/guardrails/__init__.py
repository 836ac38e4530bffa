"""Guardrails: the security and cost policy rules, shared by the CrossGuard packs and ``aiscale preview``.

Each check is one small pure rule over a resource's camelCase inputs (or the stack's resources)
with a stable id, severity, default enforcement, remediation, scanner anchors and a config
schema whose defaults the code applies. ``pack.build_policies`` wraps them for pulumi_policy;
:func:`evaluate` runs the same rules in-process.
"""

from .catalogue import all_checks, checks_for_pack, get_check
from .context import Context, ResourceView, catalog_lookup, resolve_environment
from .docs import checks_markdown
from .evaluate import Finding, evaluate, views_from_records
from .props import UnknownValue, canonical_type, plain
from .registry import NOT_APPLICABLE, Check, NotApplicable, Violation
from .runner import run_resource, run_stack

__all__ = [
    "NOT_APPLICABLE",
    "Check",
    "Context",
    "Finding",
    "NotApplicable",
    "ResourceView",
    "UnknownValue",
    "Violation",
    "all_checks",
    "canonical_type",
    "catalog_lookup",
    "checks_for_pack",
    "checks_markdown",
    "evaluate",
    "get_check",
    "plain",
    "resolve_environment",
    "run_resource",
    "run_stack",
    "views_from_records",
]
