"""Run the packs' checks in-process over recorded resources (no policy engine, no gRPC).

The same rules the CrossGuard packs run, fed from ``aiscale preview`` records (or anything with
``urn``, ``type``, ``name`` and ``inputs``). Config follows the Pulumi policy-config file shape:
``{"all": "advisory", "SEC-STORAGE-009": {"enforcementLevel": "disabled"},
"COST-GPU-002": {"max_gpus_per_pool": 16}}``.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable, Mapping, Optional, Sequence

from aiscale.facts.references import provider_urn_of

from .catalogue import checks_for_pack
from .context import Context, Estimator, GpuLookup, ResourceView, catalog_lookup, default_estimator, resolve_environment
from .props import plain
from .registry import NotApplicable, Check
from .runner import run_resource, run_stack
from .finding import Finding

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
"""Enforcement levels accepted in config (remediate is reported as mandatory)."""


def enforcement_for(check: Check, config: Mapping[str, Any]) -> str:
    """The level `check` runs at: its own config entry, else config "all", else its default."""
    entry = config.get(check.id)
    level = entry.get("enforcementLevel") if isinstance(entry, Mapping) else entry
    level = level or config.get("all") or check.enforcement
    if level not in LEVELS:
        raise ValueError(f"config {check.id}.enforcementLevel {level!r} is not valid; valid: {', '.join(LEVELS)}")
    return "mandatory" if level == "remediate" else level


def check_config(check: Check, config: Mapping[str, Any]) -> dict[str, Any]:
    """The check's config: its defaults overlaid with its entry in `config`."""
    entry = config.get(check.id)
    return check.merged_config(entry if isinstance(entry, Mapping) else None)


def views_from_records(records: Iterable[Any]) -> list[ResourceView]:
    """ResourceViews of the custom resources among `records` (components and the stack skipped)."""
    records = [r for r in records if getattr(r, "custom", True)]
    by_urn = {r.urn: r for r in records}
    views = []
    for r in records:
        provider_urn = provider_urn_of(getattr(r, "provider", None))
        provider = by_urn.get(provider_urn) if provider_urn else None
        deps = getattr(r, "property_dependencies", None) or {}
        views.append(ResourceView(
            type=r.type, urn=r.urn, name=getattr(r, "name", r.urn.rsplit("::", 1)[-1]),
            props=plain(getattr(r, "inputs", {}) or {}), parent=getattr(r, "parent", None),
            dependencies=tuple(getattr(r, "dependencies", None) or ()),
            property_dependencies={k: tuple(v) for k, v in deps.items()},
            provider_type=provider.type if provider else None, provider_urn=provider_urn,
            provider_props=plain(provider.inputs) if provider else None, record=r))
    return views


def evaluate(
    resources: Iterable[Any],
    pack_names: Sequence[str] = ("security", "cost"),
    config: Optional[Mapping[str, Any]] = None,
    *,
    stack: Optional[str] = None,
    environment: Optional[str] = None,
    stack_tags: Optional[Mapping[str, str]] = None,
    lookup: GpuLookup = catalog_lookup,
    estimator: Estimator = default_estimator,
    stack_config: Optional[Mapping[str, Any]] = None,
) -> list[Finding]:
    """Every violation of the named packs over `resources`, packs in order, then check order.

    `environment` (e.g. the platform model's) wins over the stack tag and the stack name; a
    check's own config ``environment`` wins over all. `lookup` and `estimator` replace the
    catalog and the cost estimator (tests inject fakes); `stack_config` (``aws:region``...) is
    what the default estimator uses for regions the resources do not name.
    """
    config = config or {}
    if estimator is default_estimator and stack_config is not None:
        estimator = functools.partial(default_estimator, config=dict(stack_config))
    views = views_from_records(resources)
    env = resolve_environment(environment, None, stack_tags, stack)
    findings: list[Finding] = []
    for pack in pack_names:
        for check in checks_for_pack(pack):
            level = enforcement_for(check, config)
            if level == "disabled":
                continue
            base = Context(config=check_config(check, config), environment=env, lookup=lookup, estimator=estimator)
            findings.extend(_run(check, views, base, level))
    return findings


def _run(check: Check, views: Sequence[ResourceView], base: Context, level: str) -> list[Finding]:
    def finding(urn, message):
        return Finding(check.pack, check.id, level, check.severity, urn, message)

    if check.scope == "stack":
        outcome = run_stack(check, views, base)
        return [] if isinstance(outcome, NotApplicable) else [finding(v.urn, v.message) for v in outcome]
    out = []
    for view in views:
        if view.canonical not in check.types:
            continue
        ctx = Context(config=base.config, environment=base.environment, urn=view.urn, name=view.name,
                      provider_props=view.provider_props, lookup=base.lookup, estimator=base.estimator)
        outcome = run_resource(check, view, ctx)
        if not isinstance(outcome, NotApplicable):
            out.extend(finding(view.urn, message) for message in outcome)
    return out
