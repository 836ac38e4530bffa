"""The budget checks: a fake estimator for the rule logic, and the real aiscale.cost estimator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.guardrails import evaluate, get_check, run_stack
from aiscale.guardrails.cost.budget import estimator_inputs
from aiscale.preview.records import ResourceRecord
from tests.guardrails.helpers import context, is_na, no_estimator, view


def fake(monthly_min: float, monthly_max: float, seen: list | None = None):
    """An estimator returning a fixed range and recording what it was given."""
    def estimate(resources):
        if seen is not None:
            seen.extend(resources)
        return SimpleNamespace(monthly_min=monthly_min, monthly_max=monthly_max, unpriced=())
    return estimate


STACK = [view("aws:eks/nodeGroup:NodeGroup", "train", {"instanceTypes": ["g6.xlarge"]})]


@pytest.mark.parametrize("config,estimate,violates,reason", [
    ({"monthly_budget_usd": 5000.0}, (100.0, 4000.0), False, "within budget at max scale"),
    ({"monthly_budget_usd": 5000.0}, (100.0, 9000.0), True, "over budget at max scale"),
    ({"monthly_budget_usd": 5000.0, "basis": "min"}, (100.0, 9000.0), False, "basis min compares the floor"),
    ({"monthly_budget_usd": 50.0, "basis": "min"}, (100.0, 9000.0), True, "even the floor is over"),
])
def test_monthly_budget(config, estimate, violates, reason):
    outcome = run_stack(get_check("COST-BUDGET-001"), STACK, context("COST-BUDGET-001", config, estimator=fake(*estimate)))
    assert bool(outcome) is violates, reason
    if violates:
        assert outcome[0].urn is None and "$" in outcome[0].message


def test_monthly_budget_is_not_applicable_until_set():
    assert is_na(run_stack(get_check("COST-BUDGET-001"), STACK, context("COST-BUDGET-001", {}, estimator=no_estimator)))


@pytest.mark.parametrize("env,estimate,violates,reason", [
    ("dev", (0.0, 9000.0), False, "dev limit 10000 by default"),
    ("dev", (0.0, 12000.0), True, "over the dev limit"),
    ("staging", (0.0, 45000.0), False, "staging limit 50000"),
    ("prod", (0.0, 10 ** 7), None, "prod has no default limit"),
])
def test_budget_by_environment(env, estimate, violates, reason):
    outcome = run_stack(get_check("COST-BUDGET-002"), STACK, context("COST-BUDGET-002", {}, env, estimator=fake(*estimate)))
    if violates is None:
        assert is_na(outcome), reason
    else:
        assert bool(outcome) is violates, reason
        if violates:
            assert "'dev' limit" in outcome[0].message


def test_a_missing_estimator_makes_the_budget_not_applicable():
    def missing(_resources):
        raise ImportError("No module named 'aiscale.cost'")
    outcome = run_stack(get_check("COST-BUDGET-001"), STACK, context("COST-BUDGET-001", {"monthly_budget_usd": 1.0}, estimator=missing))
    assert is_na(outcome) and "not available" in outcome.reason


def test_estimator_inputs_carry_urn_type_inputs_provider_and_add_missing_providers():
    node = view("aws:eks/nodeGroup:NodeGroup", "ng", {"instanceTypes": ["g6.xlarge"]},
                provider_type="pulumi:providers:aws", provider_urn="urn:pulumi:dev::p::pulumi:providers:aws::default",
                provider_props={"region": "us-west-2"})
    records = estimator_inputs([node])
    assert [(r.type, r.urn) for r in records] == [(node.type, node.urn), ("pulumi:providers:aws", node.provider_urn)]
    assert records[0].inputs == node.props and records[0].provider.startswith(node.provider_urn + "::")
    assert records[1].inputs == {"region": "us-west-2"}


def test_evaluate_passes_the_original_records_to_the_estimator():
    seen: list = []
    record = ResourceRecord(urn="urn:pulumi:dev::p::aws:eks/nodeGroup:NodeGroup::ng", type="aws:eks/nodeGroup:NodeGroup",
                            name="ng", custom=True, inputs={"instanceTypes": ["g6.xlarge"]})
    findings = evaluate([record], ["cost"], {"COST-BUDGET-001": {"monthly_budget_usd": 10.0}}, stack="prod",
                        estimator=fake(0.0, 20.0, seen))
    assert seen and seen[0] is record
    assert [f.policy for f in findings if f.policy.startswith("COST-BUDGET")] == ["COST-BUDGET-001"]


def test_the_real_estimator_prices_a_gpu_pool():
    record = ResourceRecord(urn="urn:pulumi:dev::p::aws:eks/nodeGroup:NodeGroup::ng", type="aws:eks/nodeGroup:NodeGroup",
                            name="ng", custom=True, inputs={"instanceTypes": ["g6.xlarge"], "capacityType": "ON_DEMAND",
                                                            "scalingConfig": {"minSize": 0.0, "maxSize": 10.0, "desiredSize": 0.0}})
    findings = evaluate([record], ["cost"], {"COST-BUDGET-001": {"monthly_budget_usd": 100.0}}, stack="prod",
                        stack_config={"aws:region": "us-east-1"})
    budget = [f for f in findings if f.policy == "COST-BUDGET-001"]
    assert len(budget) == 1 and "max scale" in budget[0].message, findings
