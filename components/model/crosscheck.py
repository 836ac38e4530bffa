"""Rules across sections and against the accelerator catalog, and resolution of target clouds.

Runs on the parts that validated on their own (see `_parts`), collects every problem, and
returns, for each item of a list section, the clouds it targets (explicit clouds, every
configured cloud by default, or the cloud `placement: cheapest` chose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from ._base import canonical_clouds, choices
from ._parts import LIST_SECTIONS, Parts
from .errors import MISSING, Problem, format_path

Key = tuple[str, int]
"""(list section, index): one item of a list section."""

GCP_LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}")
GCP_LABEL_VALUE = re.compile(r"[a-z0-9_-]{0,63}")
S3_MIN_DAYS_BEFORE_IA = 30
"""S3 moves objects to Standard-IA only once they are at least 30 days old."""
S3_MIN_DAYS_IN_IA = 30
"""S3 refuses a Glacier transition less than 30 days after the Standard-IA transition."""


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
    from . import _endpoint_rules, _fleet_rules

    ctx = Context(parts)
    for section in LIST_SECTIONS:
        _unique_names(ctx, section)
    if parts.clouds is not None:
        ctx.configured = parts.clouds.configured
        for section in LIST_SECTIONS:
            for index, item in ctx.items(section):
                ctx.targets[(section, index)] = _declared_targets(ctx, section, index, item)
        _fleet_rules.check_fleets(ctx)
        _bucket_rules(ctx)
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


def _bucket_rules(ctx: Context) -> None:
    for index, bucket in ctx.items("buckets"):
        cool = bucket.lifecycle.cool_after_days
        on_aws = "aws" in (ctx.targets.get(("buckets", index)) or ())
        if on_aws and cool is not None and cool < S3_MIN_DAYS_BEFORE_IA:
            ctx.add(("buckets", index, "lifecycle", "cool_after_days"), cool,
                    f"must be >= {S3_MIN_DAYS_BEFORE_IA} for a bucket on aws: S3 moves objects "
                    f"to Standard-IA only once they are {S3_MIN_DAYS_BEFORE_IA} days old")
        archive = bucket.lifecycle.archive_after_days
        if on_aws and cool is not None and archive is not None and archive < cool + S3_MIN_DAYS_IN_IA:
            ctx.add(("buckets", index, "lifecycle", "archive_after_days"), archive,
                    f"must be >= cool_after_days + {S3_MIN_DAYS_IN_IA} ({cool + S3_MIN_DAYS_IN_IA}) "
                    f"for a bucket on aws: S3 keeps objects in Standard-IA at least {S3_MIN_DAYS_IN_IA} days")


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
    gcp = network.existing.gcp
    if gcp is not None and "gcp" in ctx.configured:
        region = ctx.region("gcp")
        if gcp.subnetwork_region != region:
            ctx.add(("network", "existing", "gcp", "subnetwork"), gcp.subnetwork,
                    f"is in region {gcp.subnetwork_region}, but clouds.gcp.region is {region}; "
                    "use a subnetwork of that region")


def _tag_rules(ctx: Context) -> None:
    tags = ctx.parts.tags
    if tags is None or "gcp" not in ctx.configured:
        return
    for key, value in tags.items():
        if not GCP_LABEL_KEY.fullmatch(key):
            ctx.add(("tags", key), key,
                    "tag key must also be a valid GCP label key (gcp is configured): 1-63 "
                    "lowercase letters, digits, '_' or '-', starting with a letter")
        if not GCP_LABEL_VALUE.fullmatch(value):
            ctx.add(("tags", key), value,
                    "tag value must also be a valid GCP label value (gcp is configured): up to "
                    "63 lowercase letters, digits, '_' or '-'")


def _operations_rules(ctx: Context) -> None:
    operations = ctx.parts.operations
    if operations is None or operations.budget is None:
        return
    if "gcp" in ctx.configured and operations.gcp_billing_account is None:
        ctx.add(("operations", "gcp_billing_account"), MISSING,
                "is required for a budget when gcp is configured: GCP budgets belong to a "
                "billing account; give its id, e.g. 012345-6789AB-CDEF01")
