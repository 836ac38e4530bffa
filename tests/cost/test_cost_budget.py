"""Issue 14, one budget: COST-BUDGET-001 uses the platform model's operations.budget.monthly_usd
when the pack config sets no limit; a pack limit still wins."""

from __future__ import annotations

import functools
import json

from aiscale.cost import CostEstimate, CostItem
from aiscale.guardrails.context import Context
from aiscale.guardrails.cost.budget import model_budget, monthly_budget


def fake_estimator(records, config=None, high=2000.0):
    return CostEstimate.of([CostItem("urn:x", 100.0, high, "x")], [])


def context(pack_config, model_budget_usd):
    platform = {"name": "acme", "operations": {"budget": {"monthly_usd": model_budget_usd}}}
    stack_config = {"aiscale:platform": json.dumps(platform)}
    estimator = functools.partial(fake_estimator, config=stack_config)
    return Context(config=pack_config, estimator=estimator)


def test_the_model_budget_applies_when_the_pack_sets_none():
    ctx = context({"basis": "max"}, 1500)
    assert model_budget(ctx) == 1500
    (violation,) = monthly_budget([], ctx)
    assert "operations.budget.monthly_usd" in violation.message and "$1,500.00" in violation.message


def test_within_the_model_budget_there_is_no_violation():
    assert monthly_budget([], context({"basis": "max"}, 2500)) == []


def test_a_pack_limit_wins_over_the_model_budget():
    assert monthly_budget([], context({"basis": "max", "monthly_budget_usd": 3000}, 1500)) == []


def test_the_model_budget_is_read_from_pulumi_config_under_pulumi_preview(monkeypatch):
    platform = {"operations": {"budget": {"monthly_usd": 999}}}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aiscale:platform": json.dumps(platform)}))
    assert model_budget(Context(config={}, estimator=fake_estimator)) == 999


def test_without_either_budget_the_check_is_not_applicable(monkeypatch):
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    outcome = monthly_budget([], Context(config={}, estimator=fake_estimator))
    assert "no monthly_budget_usd" in getattr(outcome, "reason", "")
