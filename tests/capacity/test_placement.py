"""Placement you can see: the plan, the report, the console and ``--compare`` say where
``placement: cheapest`` put each pool, at which price and against which alternatives."""

from __future__ import annotations

import copy
import json

from typer.testing import CliRunner

from aiscale import catalog
from aiscale.cli import app
from aiscale.model import PlatformValidationError, load_platform
from aiscale.plan import make_plan
from aiscale.preview.compare import compare_reports

from .conftest import capacity_model


def test_the_plan_records_the_choice_and_its_alternatives():
    plan = make_plan(load_platform(capacity_model()))
    choice = plan.placements[("node_pools", "cheap")]
    assert choice.capacity == "spot", "a spot-with-fallback pool is placed on its spot price"
    prices = {choice.chosen.cloud: choice.chosen.price_hour,
              **{o.cloud: o.price_hour for o in choice.alternatives}}
    assert set(prices) == {"aws", "azure", "gcp"}, "every configured cloud offers 1 x V100"
    assert choice.chosen.price_hour == min(prices.values())
    expected = catalog.cheapest("nvidia-v100", 1, {c: r for c, r in
                                                   (("aws", "us-west-2"), ("azure", "eastus"),
                                                    ("gcp", "us-central1"))}, "spot")
    assert (choice.chosen.cloud, choice.chosen.instance_type) == (expected.cloud, expected.instance_type)
    assert [o.price_hour for o in choice.alternatives] == sorted(o.price_hour for o in choice.alternatives)


def test_report_and_console_show_the_placement(project_with, tmp_path):
    folder = project_with(capacity_model())
    report = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["preview", "--cwd", str(folder), "--stack", "test", "--no-tree",
                                      "--json", str(report)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    line = next(l for l in result.stdout.splitlines() if l.startswith("placement: node_pools.cheap on "))
    assert "alternatives: " in line and "$" in line
    data = json.loads(report.read_text())
    platform, = [r for r in data["resources"] if r["type"] == "aiscale:index:AiPlatform"]
    placed = platform["inputs"]["placements"]["node_pools.cheap"]
    assert line.startswith(f"placement: node_pools.cheap on {placed['cloud']} ")
    assert len(placed["alternatives"]) == 2
    on_demand = [v["urn"] for v in data["policies"]["violations"] if v["policy"] == "COST-GPU-004"]
    assert on_demand == [], "fallback halves and reserved pools are on-demand by design, not findings"


def test_compare_shows_a_move():
    def report(cloud):
        return {"stack": "test", "resources": [{
            "urn": "urn:pulumi:test::aiscale::aiscale:index:AiPlatform::acme", "type": "aiscale:index:AiPlatform",
            "name": "acme", "inputs": {"placements": {"node_pools.cheap": {
                "cloud": cloud, "region": "r", "instance_type": f"{cloud}-type", "price_hour": 1.5,
                "capacity": "spot", "alternatives": [], "not_offered": []}}}}]}
    moved = compare_reports(report("aws"), report("gcp"))
    assert moved.moves == ("node_pools.cheap moves from aws (aws-type spot $1.5000/h) to gcp "
                           "(gcp-type spot $1.5000/h)",)
    assert compare_reports(report("aws"), copy.deepcopy(report("aws"))).moves == ()


def test_an_endpoint_naming_a_cloud_without_the_pool_mentions_the_placement():
    model = capacity_model()
    chosen = make_plan(load_platform(model)).placements[("node_pools", "cheap")].chosen.cloud
    other = next(cloud for cloud in ("gcp", "aws", "azure") if cloud != chosen)
    model["endpoints"][1]["clouds"] = [other]
    try:
        load_platform(model)
    except PlatformValidationError as error:
        text = str(error)
    else:
        raise AssertionError("expected a validation error")
    assert f"no node pool on {other} has accelerator nvidia-v100 (node_pools[" in text
    assert f"(cheap) has placement: cheapest, which put it on {chosen}" in text
