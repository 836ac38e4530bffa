"""Issue 14: every comparison carries the cost change, and --markdown with --compare carries the
comparison, the cost change and the same verdict as the exit code."""

from __future__ import annotations

import copy
import json

import pytest

from aiscale.preview.compare import CompareError, compare_reports
from aiscale.preview.cost_change import cost_change
from tests.platform.conftest import invoke, project_with, stack_model  # noqa: F401 - a fixture


def _cost(items, low=None, high=None):
    low = sum(i["monthly_min"] for i in items) if low is None else low
    high = sum(i["monthly_max"] for i in items) if high is None else high
    return {"currency": "USD", "monthly_min": low, "monthly_max": high, "items": items, "unpriced": []}


def _report(cost):
    return {"project": "p", "stack": "dev", "resources": [], "cost": cost}


def test_the_cost_change_names_each_resource_whose_estimate_changed():
    old = _report(_cost([{"urn": "u::a", "monthly_min": 10.0, "monthly_max": 20.0},
                         {"urn": "u::gone", "monthly_min": 5.0, "monthly_max": 5.0},
                         {"urn": "u::same", "monthly_min": 1.0, "monthly_max": 1.0}]))
    new = _report(_cost([{"urn": "u::a", "monthly_min": 10.0, "monthly_max": 40.0},
                         {"urn": "u::new", "monthly_min": 73.0, "monthly_max": 73.0},
                         {"urn": "u::same", "monthly_min": 1.0, "monthly_max": 1.0}]))
    change = cost_change(old, new)
    assert change.before == (16.0, 26.0) and change.after == (84.0, 114.0)
    assert change.delta == (68.0, 88.0)
    by_name = {r.name: r for r in change.resources}
    assert set(by_name) == {"a", "gone", "new"}, "an unchanged item is not listed"
    assert by_name["a"].delta == (0.0, 20.0)
    assert by_name["gone"].after is None and by_name["gone"].delta == (-5.0, -5.0)
    assert by_name["new"].before is None


def test_a_malformed_cost_is_an_error_naming_the_field():
    old = _report(_cost([{"urn": "u::a", "monthly_min": "ten", "monthly_max": 1.0}], low=0, high=1))
    with pytest.raises(CompareError, match=r"cost.items\[0\].monthly_min"):
        compare_reports(old, _report(_cost([])))


def _preview(folder, *extra):
    return invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree", "--no-policies", *extra)


def test_compare_prints_the_monthly_cost_before_and_after(project_with, tmp_path):
    model = stack_model("dev")
    old = project_with(model)
    assert _preview(old, "--json", str(tmp_path / "old.json")).exit_code == 0
    grown = copy.deepcopy(model)
    grown["node_pools"][0]["max_nodes"] = 5
    result = _preview(project_with(grown), "--json", str(tmp_path / "new.json"),
                      "--compare", str(tmp_path / "old.json"))
    assert result.exit_code == 0, result.output
    before = json.loads((tmp_path / "old.json").read_text())["cost"]
    after = json.loads((tmp_path / "new.json").read_text())["cost"]
    assert after["monthly_max"] > before["monthly_max"]
    text = " ".join(result.output.split())
    assert f"${before['monthly_min']:,.2f} - ${before['monthly_max']:,.2f} before" in text
    assert f"${after['monthly_min']:,.2f} - ${after['monthly_max']:,.2f} after" in text
    assert "Monthly cost change" in text


def test_markdown_with_compare_blocks_like_the_exit_code_on_a_prod_bucket_deletion(project_with, tmp_path):
    model = stack_model("prod")
    assert _preview(project_with(model), "--json", str(tmp_path / "old.json")).exit_code == 0
    renamed = copy.deepcopy(model)
    renamed["buckets"][1]["name"] = "ckpts"
    markdown = tmp_path / "pr.md"
    result = _preview(project_with(renamed), "--compare", str(tmp_path / "old.json"),
                      "--markdown", str(markdown))
    assert result.exit_code == 1, result.output
    text = markdown.read_text()
    assert "**Blocked:**" in text and "(exit code 1)" in text and "Passed" not in text
    assert "### Changes compared with the base report" in text and "checkpoints" in text
    assert "### Monthly cost change" in text


def test_markdown_with_compare_passes_when_the_exit_code_is_0(project_with, tmp_path):
    model = stack_model("dev")
    folder = project_with(model)
    assert _preview(folder, "--json", str(tmp_path / "old.json")).exit_code == 0
    markdown = tmp_path / "pr.md"
    result = _preview(folder, "--compare", str(tmp_path / "old.json"), "--markdown", str(markdown))
    assert result.exit_code == 0
    text = markdown.read_text()
    assert "(exit code 0)" in text and "Blocked" not in text
    assert "Monthly cost:" in text and "0 resource(s) changed" in text


def test_markdown_lists_usage_based_resources_with_their_unit_prices(project_with, tmp_path):
    from aiscale.catalog._services import service_price

    markdown = tmp_path / "pr.md"
    assert _preview(project_with(stack_model("dev")), "--markdown", str(markdown)).exit_code == 0
    text = markdown.read_text()
    assert "<details><summary>Usage-based (" in text
    ingestion = service_price("aws", "cloudwatch-logs", "ingestion", "us-west-2").price_usd
    line = next(l for l in text.splitlines() if l.startswith("- acme-ml-aws-network-flow-logs:"))
    assert f"ingestion ${ingestion:.2f}/GB (`monthly_data_ingested_gb`)" in line
