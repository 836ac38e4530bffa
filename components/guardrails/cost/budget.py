"""Cost checks on the stack's estimated monthly cost: one budget, and budgets per environment.

The estimate comes from ``ctx.estimator`` (by default ``aiscale.cost.estimate``), fed the same
records ``aiscale preview`` prices, so the pack and the offline preview agree.
"""

from __future__ import annotations

import json
import os
from types import MappingProxyType
from typing import Any, Mapping, Optional

from .. import schema
from ..props import as_number
from ..registry import Check, NotApplicable, Violation

BASES = ("max", "min")
DEFAULT_LIMITS_BY_ENV = MappingProxyType({"dev": 10000.0, "staging": 50000.0})
"""Default monthly limits (USD) per environment; environments not listed have no limit."""


def estimator_inputs(resources) -> list[Any]:
    """What the estimator reads (urn, type, inputs, provider) for each resource view."""
    from aiscale.preview.records import UNKNOWN, ResourceRecord

    out, seen = [], set()
    for view in resources:
        if view.record is not None:
            out.append(view.record)
            seen.add(view.urn)
            continue
        provider = f"{view.provider_urn}::{UNKNOWN}" if view.provider_urn else None
        out.append(ResourceRecord(urn=view.urn, type=view.type, name=view.name, custom=True,
                                  parent=view.parent, inputs=dict(view.props), provider=provider,
                                  property_dependencies={k: list(v) for k, v in view.property_dependencies.items()}))
        seen.add(view.urn)
    for view in resources:  # providers the engine did not list as resources of their own
        if view.provider_urn and view.provider_urn not in seen and view.provider_type:
            out.append(ResourceRecord(urn=view.provider_urn, type=view.provider_type,
                                      name=view.provider_urn.rsplit("::", 1)[-1], custom=True,
                                      inputs=dict(view.provider_props or {})))
            seen.add(view.provider_urn)
    return out


def _estimate(resources, ctx):
    """(estimate, None) or (None, NotApplicable why)."""
    try:
        return ctx.estimator(estimator_inputs(resources)), None
    except ImportError as error:
        return None, NotApplicable(f"the cost estimator is not available ({error})")


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _over(estimate, limit: float, basis: str, label: str) -> list:
    amount = float(estimate.monthly_max if basis == "max" else estimate.monthly_min)
    if amount <= limit:
        return []
    unpriced = len(getattr(estimate, "unpriced", ()) or ())
    note = f"; {unpriced} resource(s) could not be priced" if unpriced else ""
    return [Violation(None, f"estimated monthly cost at {basis} scale is {_money(amount)} (range "
                            f"{_money(estimate.monthly_min)}-{_money(estimate.monthly_max)}); {label} is "
                            f"{_money(limit)}{note}")]


def _basis(ctx) -> str:
    basis = str(ctx.config.get("basis", "max"))
    return basis if basis in BASES else "max"


PLATFORM_KEY = "aiscale:platform"
"""The stack config key of the platform model, whose ``operations.budget.monthly_usd`` is the
budget when the pack config sets none."""


def _stack_config(ctx) -> Mapping[str, Any]:
    """The stack configuration: the one the estimator was bound to (``aiscale preview``), else
    the engine's ``PULUMI_CONFIG`` (a pack run by ``pulumi preview``)."""
    bound = getattr(ctx.estimator, "keywords", None) or {}
    if isinstance(bound.get("config"), Mapping):
        return bound["config"]
    try:
        loaded = json.loads(os.environ.get("PULUMI_CONFIG", "") or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, Mapping) else {}


def model_budget(ctx) -> Optional[float]:
    """The platform model's ``operations.budget.monthly_usd``, None when it sets none."""
    platform = _stack_config(ctx).get(PLATFORM_KEY)
    if isinstance(platform, str):
        try:
            platform = json.loads(platform)
        except ValueError:
            return None
    operations = platform.get("operations") if isinstance(platform, Mapping) else None
    budget = operations.get("budget") if isinstance(operations, Mapping) else None
    return as_number(budget.get("monthly_usd")) if isinstance(budget, Mapping) else None


def monthly_budget(resources, ctx):
    """The estimated monthly cost stays within config monthly_budget_usd, else the platform
    model's operations.budget.monthly_usd (neither set: not applicable)."""
    limit: Optional[float] = as_number(ctx.config.get("monthly_budget_usd"))
    label = "the budget"
    if limit is None:
        limit = model_budget(ctx)
        label = "the budget (operations.budget.monthly_usd)"
    if limit is None:
        return NotApplicable("no monthly_budget_usd configured and no operations.budget.monthly_usd in the model")
    estimate, why = _estimate(resources, ctx)
    return why if estimate is None else _over(estimate, limit, _basis(ctx), label)


def budget_by_environment(resources, ctx):
    """The estimated monthly cost stays within config limits_by_env[environment]."""
    limits = ctx.config.get("limits_by_env", DEFAULT_LIMITS_BY_ENV)
    limit = as_number(limits.get(ctx.env)) if isinstance(limits, Mapping) else None
    if limit is None:
        return NotApplicable(f"no limit for environment '{ctx.env}'")
    estimate, why = _estimate(resources, ctx)
    return why if estimate is None else _over(estimate, limit, _basis(ctx), f"the '{ctx.env}' limit")


def _basis_schema():
    return schema.string("max", "Compare the estimate at maximum ('max') or minimum ('min') scale.", BASES)


CHECKS = (
    Check("COST-BUDGET-001", "cost", "Monthly budget",
          "The stack's estimated monthly cost (aiscale's catalog prices x 730 h, at maximum scale by "
          "default) stays within config monthly_budget_usd, else the platform model's "
          "operations.budget.monthly_usd; not applicable until either is set.",
          "high", "mandatory", "Lower pool and endpoint maxima, use spot, or raise the budget deliberately.",
          monthly_budget, scope="stack", anchors=("Infracost OPA diffTotalMonthlyCost", "Sentinel limit-proposed-monthly-cost"),
          config_schema={"monthly_budget_usd": schema.number(None, "Monthly budget in USD (null: none)."),
                         "basis": _basis_schema()}),
    Check("COST-BUDGET-002", "cost", "Budget per environment",
          "The stack's estimated monthly cost stays within config limits_by_env[environment] "
          "(environments without an entry are not limited).", "medium", "advisory",
          "Scale the environment down or raise its limit deliberately.", budget_by_environment,
          scope="stack", anchors=("Sentinel limit-cost-by-workspace-type",),
          config_schema={**schema.env_config(),
                         "limits_by_env": schema.mapping(dict(DEFAULT_LIMITS_BY_ENV), "Environment -> monthly USD limit.",
                                                         {"type": "number", "minimum": 0}),
                         "basis": _basis_schema()}),
)
"""The budget checks of the cost pack."""
