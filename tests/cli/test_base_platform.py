"""`aiscale:base`: a stack's `aiscale:platform` deep-merged over a shared base platform file,
the same in `aiscale preview` (running the repository's Pulumi program) and in the loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aiscale.cli import app
from aiscale.model import PlatformValidationError, load_platform
from aiscale.model.base import merge_platform
from aiscale.model.loader import load_stack_platform
from tests.conftest import REPO

STACKS = Path(__file__).parent / "fixtures" / "base_stacks"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A Pulumi project with this repository's program and the fixture's stacks."""
    folder = tmp_path_factory.mktemp("base-project")
    (folder / "Pulumi.yaml").write_text("name: basetest\nruntime: python\nstackConfigDir: stacks\n")
    shutil.copy(REPO / "__main__.py", folder / "__main__.py")
    shutil.copytree(STACKS, folder / "stacks")
    return folder


def _config(stack: str) -> dict:
    return yaml.safe_load((STACKS / f"Pulumi.{stack}.yaml").read_text())["config"]


def _preview(project: Path, stack: str, tmp_path: Path):
    report = tmp_path / f"{stack}.json"
    result = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"}).invoke(
        app, ["preview", "--cwd", str(project), "--stack", stack, "--no-policies", "--json", str(report)],
        catch_exceptions=False)
    return result, (json.loads(report.read_text()) if report.exists() else None)


def test_merge_by_name_keeps_base_order_and_appends_new_entries():
    base = {"name": "a", "tags": {"x": "1", "y": "2"},
            "node_pools": [{"name": "p", "max_nodes": 3, "capacity": "spot"}, {"name": "q", "max_nodes": 1}]}
    override = {"tags": {"y": "3"}, "node_pools": [{"name": "r", "max_nodes": 5}, {"name": "p", "max_nodes": 6}]}
    assert merge_platform(base, override) == {
        "name": "a", "tags": {"x": "1", "y": "3"},
        "node_pools": [{"name": "p", "max_nodes": 6, "capacity": "spot"}, {"name": "q", "max_nodes": 1},
                       {"name": "r", "max_nodes": 5}]}
    assert merge_platform({"zones": ["a", "b"]}, {"zones": ["c"]}) == {"zones": ["c"]}, "unnamed lists replace"


def test_loader_merges_the_stack_over_its_base():
    config = _config("ondemand")
    merged = load_stack_platform(config.get("aiscale:platform"), config["aiscale:base"], STACKS / "Pulumi.ondemand.yaml")
    pool = merged.node_pools[0]
    assert (merged.environment, pool.capacity, pool.max_nodes, pool.accelerator) == ("prod", "on-demand", 6, "nvidia-l4")
    assert pool.labels == {"workload": "inference"}, "kept from the base"
    assert [b.name for b in merged.buckets] == ["models", "scratch"]
    whole = yaml.safe_load((STACKS / "base.yaml").read_text())
    assert load_stack_platform(None, "base.yaml", STACKS / "Pulumi.spot.yaml") == load_platform(whole)


def test_preview_and_program_agree_on_the_merged_platform(project, tmp_path):
    spot, spot_report = _preview(project, "spot", tmp_path)
    ondemand, ondemand_report = _preview(project, "ondemand", tmp_path)
    assert spot.exit_code == 0, spot.stderr
    assert ondemand.exit_code == 0, ondemand.stderr

    def node_groups(report):
        return [r["inputs"] for r in report["resources"] if r["type"] == "aws:eks/nodeGroup:NodeGroup"
                and "serve" in r["name"]]

    assert [(g["capacityType"], g["scalingConfig"]["maxSize"]) for g in node_groups(spot_report)] == [("SPOT", 3)]
    assert [(g["capacityType"], g["scalingConfig"]["maxSize"]) for g in node_groups(ondemand_report)] == [("ON_DEMAND", 6)]
    stores = [r["name"] for r in ondemand_report["resources"] if r["type"] == "aiscale:index:ObjectStore"]
    assert len(stores) == 2 and any("scratch" in name for name in stores)


def test_a_problem_names_the_file_its_value_came_from(project, tmp_path):
    result, _ = _preview(project, "broken", tmp_path)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    error = " ".join(result.stderr.split())
    assert "node_pools[0].min_nodes: got -1" in error and "(in " in error
    assert error.split("node_pools[0].min_nodes")[1].split("(in ")[1].startswith("stacks/Pulumi.broken.yaml)")
    with pytest.raises(PlatformValidationError) as raised:
        load_stack_platform({"node_pools": [{"name": "serve", "accelerator": "nvidia-x9"}]}, "base.yaml",
                            STACKS / "Pulumi.broken.yaml")
    assert "Pulumi.broken.yaml" in str(raised.value)


def test_a_missing_or_bad_base_file_is_named(tmp_path):
    stack_file = tmp_path / "Pulumi.x.yaml"
    with pytest.raises(PlatformValidationError) as raised:
        load_stack_platform({}, "nowhere.yaml", stack_file)
    assert "aiscale:base" in str(raised.value) and str(tmp_path / "nowhere.yaml") in str(raised.value)
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(PlatformValidationError) as raised:
        load_stack_platform({}, "list.yaml", stack_file)
    assert "must hold a platform mapping" in str(raised.value)
    (tmp_path / "bad.yaml").write_text("name: acme-base\nenvironment: qa\nclouds: {aws: {region: us-west-2}}\n")
    with pytest.raises(PlatformValidationError) as raised:
        load_stack_platform({"tags": {"a": "b"}}, "bad.yaml", stack_file)
    assert f'environment: got "qa"' in str(raised.value) and str(tmp_path / "bad.yaml") in str(raised.value)
