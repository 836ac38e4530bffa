"""CrossGuard wrappers: each check becomes a pulumi_policy Resource- or StackValidationPolicy.

``policies/<pack>/__main__.py`` does only ``PolicyPack(name=..., policies=build_policies(pack))``.
Each wrapper reads its config through ``args.get_config()`` merged with the check's defaults (the
Python SDK applies none), unwraps the SDK's unknown-checking proxies into plain dicts, runs the
rule and reports each message. pulumi_policy is imported here only, lazily.
"""

from __future__ import annotations

import functools
import json
import os
from types import MappingProxyType
from typing import Any, Callable, Optional

from .catalogue import checks_for_pack
from .context import (Context, Estimator, GpuLookup, ResourceView, catalog_lookup, default_estimator,
                      resolve_environment)
from .props import canonical_type, plain
from .registry import Check, NotApplicable
from .runner import WRONG_TYPE, run_resource, run_stack

PACK_NAMES = MappingProxyType({"security": "aiscale-security", "cost": "aiscale-cost"})
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


Decoder = Callable[[Any], Any]
"""Turns the policy SDK's property proxies into plain data (:func:`aiscale.guardrails.plain`, or a
memoising wrapper of it when the pack is served: ``aiscale.guardrails.serve``)."""


def _provider_fields(provider, decode: Decoder = plain) -> dict[str, Any]:
    if provider is None:
        return {}
    return {"provider_type": provider.resource_type, "provider_urn": provider.urn,
            "provider_props": decode(provider.props)}


def view_of(resource, decode: Decoder = plain) -> ResourceView:
    """A ResourceView of a pulumi_policy PolicyResource (stack validation)."""
    deps = {k: tuple(r.urn for r in v) for k, v in (resource.property_dependencies or {}).items()}
    return ResourceView(type=resource.resource_type, urn=resource.urn, name=resource.name,
                        props=decode(resource.props),
                        parent=resource.parent.urn if resource.parent is not None else None,
                        dependencies=tuple(r.urn for r in resource.dependencies or ()),
                        property_dependencies=deps, **_provider_fields(resource.provider, decode))


def resource_validator(check: Check, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator,
                       decode: Decoder = plain):
    """The ``validate(args, report_violation)`` callback of a resource check."""

    def validate(args, report_violation) -> None:
        if canonical_type(args.resource_type) not in check.types:
            return  # before any decoding: most checks concern a few types
        config = check.merged_config(args.get_config())
        view = ResourceView(type=args.resource_type, urn=args.urn, name=args.name, props=decode(args.props),
                            **_provider_fields(args.provider, decode))
        ctx = Context(config=config, environment=pack_environment(args.stack_tags), urn=args.urn,
                      name=args.name, provider_props=view.provider_props, lookup=lookup, estimator=estimator)
        outcome = run_resource(check, view, ctx)
        if outcome is WRONG_TYPE:
            return
        if isinstance(outcome, NotApplicable):
            args.not_applicable(outcome.reason or None)
        for message in outcome:
            report_violation(message)

    return validate


StackViews = Callable[[list], list[ResourceView]]
"""The ResourceViews of a stack validation's resources (:func:`views_of`, or a memoising
wrapper of it when the pack is served: ``aiscale.guardrails.servicer.stack_views_once``)."""


def views_of(resources, decode: Decoder = plain) -> list[ResourceView]:
    """A ResourceView of each pulumi_policy PolicyResource of a stack validation."""
    return [view_of(resource, decode) for resource in resources]


def stack_validator(check: Check, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator,
                    decode: Decoder = plain, stack_views: Optional[StackViews] = None):
    """The ``validate(args, report_violation)`` callback of a stack check."""
    views = stack_views or functools.partial(views_of, decode=decode)

    def validate(args, report_violation) -> None:
        config = check.merged_config(args.get_config())
        ctx = Context(config=config, environment=pack_environment(args.stack_tags), lookup=lookup, estimator=estimator)
        outcome = run_stack(check, views(args.resources), ctx)
        if isinstance(outcome, NotApplicable):
            args.not_applicable(outcome.reason or None)
        for violation in outcome:
            report_violation(violation.message, violation.urn)

    return validate


def build_policy(check: Check, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator,
                 decode: Decoder = plain, stack_views: Optional[StackViews] = None):
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
        return StackValidationPolicy(validate=stack_validator(check, lookup, estimator, decode, stack_views),
                                     **common)
    return ResourceValidationPolicy(validate=resource_validator(check, lookup, estimator, decode), **common)


def build_policies(pack: str, lookup: GpuLookup = catalog_lookup, estimator: Estimator = default_estimator,
                   decode: Decoder = plain, stack_views: Optional[StackViews] = None) -> list:
    """The policies of `pack` ("security" or "cost"), in check order."""
    return [build_policy(check, lookup, estimator, decode, stack_views) for check in checks_for_pack(pack)]
