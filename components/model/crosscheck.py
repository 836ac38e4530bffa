"""Rules across sections and against the accelerator catalog, and resolution of target clouds.

Runs on the parts that validated on their own (see `_parts`), collects every problem, and
returns, for each item of a list section, the clouds it targets (explicit clouds, every
configured cloud by default, or the cloud `placement: cheapest` chose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from aiscale import clouds

from ._base import canonical_clouds, choices
from ._parts import LIST_SECTIONS, Parts
from .errors import Problem, format_path

Key = tuple[str, int]
"""(list section, index): one item of a list section."""



@dataclass(frozen=True)
class CrossCheckResult:
    """What the rules across sections found."""

    problems: tuple[Problem, ...]
    """Every problem found, in section order."""
    clouds: Mapping[Key, tuple[str, ...]]
    """Resolved target clouds per (section, index), in the order aws, azure, gcp."""


@dataclass
class Context:
    """State shared by the rules: the parts, the resolved targets and the problems so far."""

    parts: Parts
    """The parts of the model that validated."""
    configured: tuple[str, ...] = ()
    """The configured clouds (empty when the clouds section was invalid)."""
    targets: dict[Key, Optional[tuple[str, ...]]] = field(default_factory=dict)
    """Target clouds per item; None when they could not be resolved."""
    problems: list[Problem] = field(default_factory=list)
    """Problems found so far."""
    unknown_regions: set[str] = field(default_factory=set)
    """Configured clouds whose region is unknown (reported once; catalog rules skip them)."""

    def add(self, path: Sequence[str | int], value: object, message: str) -> None:
        """Record a problem at `path` (a sequence of fields and indexes)."""
        self.problems.append(Problem(format_path(path), value, message))

    def region(self, cloud: str) -> str:
        """The region of configured `cloud`."""
        assert self.parts.clouds is not None
        return self.parts.clouds.region_of(cloud)

    def items(self, section: str) -> tuple[tuple[int, Any], ...]:
        """The valid items of a list section, with their index."""
        return tuple(self.parts.items.get(section, ()))


def crosscheck(parts: Parts) -> CrossCheckResult:
    """Apply every rule across sections and the catalog to `parts`."""
    from . import _endpoint_rules, _fleet_rules, _region_rules

    ctx = Context(parts)
    for section in LIST_SECTIONS:
        _unique_names(ctx, section)
    if parts.clouds is not None:
        ctx.configured = parts.clouds.configured
        for section in LIST_SECTIONS:
            for index, item in ctx.items(section):
                ctx.targets[(section, index)] = _declared_targets(ctx, section, index, item)
        _region_rules.check_regions(ctx)
        _fleet_rules.check_fleets(ctx)
        for adapter in clouds.adapters():
            adapter.check_buckets(ctx)
        _endpoint_rules.check_endpoints(ctx)
        _network_rules(ctx)
        _tag_rules(ctx)
        _operations_rules(ctx)
    resolved = {key: clouds for key, clouds in ctx.targets.items() if clouds is not None}
    return CrossCheckResult(tuple(ctx.problems), resolved)


def _unique_names(ctx: Context, section: str) -> None:
    first: dict[str, int] = {}
    for index, item in ctx.items(section):
        if item.name in first:
            ctx.add((section, index, "name"), item.name,
                    f"duplicate name: {section}[{first[item.name]}] already uses it; names "
                    f"must be unique within {section}")
        else:
            first[item.name] = index


def _declared_targets(ctx: Context, section: str, index: int,
                      item: Any) -> Optional[tuple[str, ...]]:
    """The configured clouds an item targets before placement; None when placement decides."""
    if getattr(item, "placement", None) is not None:
        return None
    if not item.clouds:
        return ctx.configured
    for position, cloud in enumerate(item.clouds):
        if cloud not in ctx.configured:
            ctx.add((section, index, "clouds", position), cloud,
                    f"cloud {cloud} is not configured in clouds; valid: "
                    f"{choices(ctx.configured)}")
    return canonical_clouds(c for c in item.clouds if c in ctx.configured)


def _network_rules(ctx: Context) -> None:
    network = ctx.parts.network
    if network is None:
        return
    for cloud in network.existing.clouds:
        if cloud not in ctx.configured:
            ctx.add(("network", "existing", cloud),
                    getattr(network.existing, cloud).model_dump(mode="json"),
                    f"cloud {cloud} is not configured in clouds; valid: "
                    f"{choices(ctx.configured)}")
    for cloud in network.existing.clouds:
        if cloud in ctx.configured:
            clouds.adapter(cloud).check_existing_network(ctx, getattr(network.existing, cloud))


def _tag_rules(ctx: Context) -> None:
    tags = ctx.parts.tags
    if tags is None:
        return
    for cloud in ctx.configured:
        clouds.adapter(cloud).check_tags(ctx, tags)


def _operations_rules(ctx: Context) -> None:
    operations = ctx.parts.operations
    if operations is None or operations.budget is None:
        return
    for cloud in ctx.configured:
        clouds.adapter(cloud).check_budget(ctx, operations)
