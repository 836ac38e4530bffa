"""`aiscale preview --compare OLD.json` on the command line."""

from __future__ import annotations

import copy

from tests.platform.conftest import invoke, project_with, stack_model  # noqa: F401 - a fixture


def _report(project_with, model, path):
    folder = project_with(model)
    result = invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree", "--no-cost",
                    "--no-policies", "--json", str(path))
    assert result.exit_code == 0, result.output
    return folder


def test_renaming_a_prod_bucket_fails_and_says_what_would_be_deleted(project_with, tmp_path):
    model = stack_model("prod")
    _report(project_with, model, tmp_path / "old.json")
    renamed = copy.deepcopy(model)
    renamed["buckets"][1]["name"] = "ckpts"
    folder = project_with(renamed)
    result = invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree", "--no-cost",
                    "--no-policies", "--compare", str(tmp_path / "old.json"))
    assert result.exit_code == 1, result.output
    assert "delete" in result.output and "checkpoints" in result.output


def test_adding_a_node_pool_in_prod_passes(project_with, tmp_path):
    model = stack_model("prod")
    _report(project_with, model, tmp_path / "old.json")
    grown = copy.deepcopy(model)
    grown["node_pools"].append({"name": "batch", "accelerator": "nvidia-l4", "gpus_per_node": 1,
                                "max_nodes": 2, "capacity": "on-demand"})
    folder = project_with(grown)
    result = invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree", "--no-cost",
                    "--no-policies", "--compare", str(tmp_path / "old.json"))
    assert result.exit_code == 0, result.output
    assert "create" in result.output


def test_an_unreadable_old_report_exits_2(project_with, tmp_path):
    (tmp_path / "old.json").write_text("{not json")
    folder = project_with(stack_model("dev"))
    result = invoke("preview", "--cwd", str(folder), "--stack", "test", "--compare", str(tmp_path / "old.json"))
    assert result.exit_code == 2 and "old.json" in result.stderr
