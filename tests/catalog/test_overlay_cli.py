"""The catalog overlay from the command line: `--catalog-overlay` on `catalog` and `preview`, and
the stack's `aiscale:catalogOverlay` (relative to the stack file), with bad files exiting 2."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from aiscale import catalog
from tests.catalog.conftest import GCP_L4_ASIA_EAST1
from aiscale.cli import app
from tests.conftest import REPO

OVERLAY = {"gpu_instances": [{"cloud": "gcp", "instance_type": "g2-standard-4", "accelerator": "nvidia-l4",
                              "accelerator_count": 1, "vcpus": 4, "memory_gib": 16, "region": "asia-east1",
                              "price_hour_ondemand_usd": 0.78, "price_hour_spot_usd": 0.31}]}

PLATFORM = GCP_L4_ASIA_EAST1


def _invoke(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args), catch_exceptions=False)


def _project(tmp_path, *, overlay_key: bool):
    """This repository's program, with a GCP stack in a region only the overlay has L4 data for."""
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "overlay.yaml").write_text(yaml.safe_dump(OVERLAY))
    config = {"aiscale:platform": PLATFORM, "gcp:project": "acme-ml-dev", "gcp:region": "asia-east1"}
    if overlay_key:
        config["aiscale:catalogOverlay"] = "overlay.yaml"
    (stacks / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": config}))
    return tmp_path


def test_catalog_lists_overlay_rows(tmp_path):
    overlay = tmp_path / "o.yaml"
    overlay.write_text(yaml.safe_dump(OVERLAY))
    assert _invoke("catalog", "--cloud", "gcp", "--region", "asia-east1").exit_code == 2
    result = _invoke("catalog", "--cloud", "gcp", "--region", "asia-east1", "--catalog-overlay", str(overlay))
    assert result.exit_code == 0, result.output
    assert "g2-standard-4" in result.output and "0.780" in result.output


def test_catalog_refuses_a_bad_overlay_with_exit_2(tmp_path):
    overlay = tmp_path / "o.yaml"
    overlay.write_text(yaml.safe_dump({"discounts": {"aws": 2}}))
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["catalog", "--catalog-overlay", str(overlay)])
    assert result.exit_code == 2
    assert "o.yaml" in result.output and "discounts.aws: got 2; must be a fraction" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("how", ["stack config", "flag"])
def test_preview_uses_the_stack_overlay_or_the_flag(tmp_path, how):
    project = _project(tmp_path, overlay_key=how == "stack config")
    report = tmp_path / "report.json"
    args = ["preview", "--cwd", str(project), "--stack", "dev", "--no-policies", "--no-tree", "--json", str(report)]
    if how == "flag":
        args += ["--catalog-overlay", str(project / "stacks" / "overlay.yaml")]
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    pools = [r for r in json.loads(report.read_text())["resources"] if r["type"] == "gcp:container/nodePool:NodePool"]
    machine_types = {pool["inputs"]["nodeConfig"]["machineType"] for pool in pools}
    assert "g2-standard-4" in machine_types, machine_types


def test_preview_without_the_overlay_says_the_catalog_lacks_the_region(tmp_path):
    project = _project(tmp_path, overlay_key=False)
    result = _invoke("preview", "--cwd", str(project), "--stack", "dev", "--no-policies", "--no-tree")
    assert result.exit_code == 2
    assert "the catalog has no data for nvidia-l4 on gcp in region asia-east1" in result.output


def test_preflight_reads_the_stack_overlay(tmp_path):
    from aiscale.preflight.runner import PreflightInputError, load_stack_plan

    row = {"cloud": "aws", "instance_type": "g6.xlarge", "accelerator": "nvidia-l4", "accelerator_count": 1,
           "vcpus": 4, "memory_gib": 16, "region": "ap-southeast-4", "price_hour_ondemand_usd": 1.2}
    platform = {"name": "acme-ml", "environment": "dev", "clouds": {"aws": {"region": "ap-southeast-4"}},
                "node_pools": [{"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 2}]}
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "overlay.yaml").write_text(yaml.safe_dump({"gpu_instances": [row]}))
    stack = {"config": {"aiscale:platform": platform}}
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    with pytest.raises(PreflightInputError, match="add it with the catalog overlay"):
        load_stack_plan(tmp_path, "dev")
    plan = load_stack_plan(tmp_path, "dev", tmp_path / "stacks" / "overlay.yaml").plan
    assert [fleet.instance_type for fleet in plan.fleets] == ["g6.xlarge"]
    stack["config"]["aiscale:catalogOverlay"] = "overlay.yaml"
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    assert [fleet.instance_type for fleet in load_stack_plan(tmp_path, "dev").plan.fleets] == ["g6.xlarge"]


def test_the_program_does_not_load_an_overlay_the_cli_already_put_in_effect(tmp_path):
    """One loader, applied once: the program's activation finds the CLI's overlay in effect."""
    from aiscale.catalog.overlay_file import CatalogOverlayError
    from aiscale.catalog.stack_overlay import activate_from_config

    overlay_file = tmp_path / "stacks" / "overlay.yaml"
    project = _project(tmp_path, overlay_key=True)
    first = activate_from_config("overlay.yaml", project)
    assert first.source == str(overlay_file.resolve()) and catalog.active_overlay() is first
    overlay_file.unlink()  # a second load would fail: it must not happen
    assert activate_from_config(str(overlay_file.resolve()), project) is first
    assert activate_from_config("overlay.yaml", project) is first
    catalog.activate_overlay(None)
    with pytest.raises(CatalogOverlayError, match="cannot be read"):
        activate_from_config("overlay.yaml", project)
