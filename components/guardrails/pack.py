"""CrossGuard wrappers: each check becomes a pulumi_policy Resource- or StackValidationPolicy.

A pack's ``__main__.py`` calls :func:`aiscale.guardrails.serve.serve`, which hands
``build_policies(pack)`` to the stock ``PolicyPack``. Each wrapper reads its config through
``args.get_config()`` merged with the check's defaults (the Python SDK applies none), unwraps the
SDK's unknown-checking proxies into plain dicts, runs the rule and reports each message. Only
the SDK's public API is used; pulumi_policy is imported lazily.
"""

from __future__ import annotations

import functools
import json
import os
from types import MappingProxyType
from typing import Any, Optional

from .catalogue import checks_for_pack
from .context import (Context, Estimator, GpuLookup, ResourceView, catalog_lookup, default_estimator,
                      resolve_environment)
from .props import canonical_type, plain
from .registry import Check, NotApplicable
from .runner import WRONG_TYPE, run_resource, run_stack

PACK_NAMES = MappingProxyType({"security": "aiscale-security", "cost": "aiscale-cost", "wiring": "aiscale-wiring"})
"""Pack -> the PolicyPack name the CLI shows."""


def platform_environment() -> Optional[str]:
    """``aiscale:platform.environment`` from the stack config the CLI hands the pack, if any."""
    try:
        from pulumi.runtime.config import get_config

        raw = get_config("aiscale:platform")
        value = json.loads(raw) if isinstance(raw, str) else raw
        env = value.get("environment") if isinstance(value, dict) else None
        return env if isinstance(env, str) else None
    except Exception:  # no runtime config in this process: fall back to tags and stack name
        return None


def pack_environment(stack_tags) -> str:
    """The environment as the pack sees it (before a check's own ``environment`` config)."""
    return _environment(tuple(sorted((stack_tags or {}).items())), os.environ.get("PULUMI_STACK"))


@functools.lru_cache(maxsize=8)
def _environment(stack_tags: tuple, stack: Optional[str]) -> str:
    """One resolution per pack process and stack (the stack config does not change within one)."""
    return resolve_environment(None, platform_environment(), dict(stack_tags), stack)


def _provider_fields(provider) -> dict[str, Any]:
    if provider is None:
        return {}
    return {"provider_type": provider.resource_type, "provider_urn": provider.urn,
            "provider_props": plain(provider.props)}


def view_of(resource) -> ResourceView:
    """A ResourceView of a pulumi_policy PolicyResource (stack validation)."""
    deps = {k: tuple(r.urn for r in v) for k, v in (resource.property_dependencies or {}).items()}
    return ResourceView(type=resource.resource_type, urn=resource.urn, name=resource.name,
                        props=plain(resource.props),
                        parent=resource.parent.urn if resource.parent is not None else None,
                        dependencies=tuple(r.urn for r in resource.dependencies or ()),
                        property_dependencies=deps, **_provider_fields(resource.provider))


def resource_validator(check: Check, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator):
    """The ``validate(args, report_violation)`` callback of a resource check."""

    def validate(args, report_violation) -> None:
        if canonical_type(args.resource_type) not in check.types:
            return  # before any decoding: most checks concern a few types
        config = check.merged_config(args.get_config())
        view = ResourceView(type=args.resource_type, urn=args.urn, name=args.name, props=plain(args.props),
                            **_provider_fields(args.provider))
        ctx = Context(config=config, environment=pack_environment(args.stack_tags), urn=args.urn,
                      name=args.name, provider_props=view.provider_props, lookup=lookup, estimator=estimator)
        outcome = run_resource(check, view, ctx)
        if outcome is WRONG_TYPE:
            return
        if isinstance(outcome, NotApplicable):
            args.not_applicable(outcome.reason or None)  # the SDK raises its signal here
            return
        for message in outcome:
            report_violation(message)

    return validate


def views_of(resources) -> list[ResourceView]:
    """A ResourceView of each pulumi_policy PolicyResource of a stack validation."""
    return [view_of(resource) for resource in resources]


def stack_validator(check: Check, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator):
    """The ``validate(args, report_violation)`` callback of a stack check."""

    def validate(args, report_violation) -> None:
        config = check.merged_config(args.get_config())
        ctx = Context(config=config, environment=pack_environment(args.stack_tags), lookup=lookup, estimator=estimator)
        outcome = run_stack(check, views_of(args.resources), ctx)
        if isinstance(outcome, NotApplicable):
            args.not_applicable(outcome.reason or None)  # the SDK raises its signal here
            return
        for violation in outcome:
            report_violation(violation.message, violation.urn)

    return validate


def build_policy(check: Check, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator):
    """One pulumi_policy policy object for `check`."""
    from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity,
                               StackValidationPolicy)

    common = dict(
        name=check.id, description=check.description,
        enforcement_level=EnforcementLevel(check.enforcement),
        config_schema=PolicyConfigSchema(properties={k: dict(v) for k, v in check.config_schema.items()})
        if check.config_schema else None,
        display_name=check.title, severity=Severity(check.severity),
        tags=[check.pack, check.id.split("-")[1].lower()],
        remediation_steps=check.remediation, url=check.url)
    if check.scope == "stack":
        return StackValidationPolicy(validate=stack_validator(check, lookup, estimator), **common)
    return ResourceValidationPolicy(validate=resource_validator(check, lookup, estimator), **common)


def build_policies(pack: str, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator) -> list:
    """The policies of `pack` ("security" or "cost"), in check order."""
    return [build_policy(check, lookup, estimator) for check in checks_for_pack(pack)]
