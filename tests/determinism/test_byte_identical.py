"""Previews are byte-identical across runs and hash seeds, and the in-process policy evaluation
of the bundled packs reports exactly what their pack processes report over the Analyzer
protocol."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from aiscale.preview.pipeline import TRANSPORT_ENV, run_preview
from aiscale.preview.project import load_project
from aiscale.preview.report import dumps
from tests.conftest import REPO

INSECURE = REPO / "examples" / "insecure-gpu"
SEEDS = ("0", "12345")


def test_the_dev_report_and_output_are_byte_identical_under_two_hash_seeds(tmp_path):
    """Two processes at once, each with its own PYTHONHASHSEED: set and dict orders differ,
    the report and the printed preview must not."""
    runs = {}
    for seed in SEEDS:
        report = tmp_path / f"dev-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "200", "NO_COLOR": "1"}
        runs[seed] = (report, subprocess.Popen(
            [sys.executable, "-m", "aiscale", "preview", "--stack", "dev", "--json", str(report)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = {}
    for seed, (report, process) in runs.items():
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        outputs[seed] = (report.read_bytes(), stdout.replace(str(report), "REPORT"))
    (first_report, first_out), (second_report, second_out) = outputs.values()
    assert len(json.loads(first_report)["resources"]) > 100, "a real preview"
    assert first_report == second_report
    assert first_out == second_out


def test_two_previews_in_one_process_write_the_same_bytes():
    """No state leaks from one run into the next (tests and benchmarks run many)."""
    project = load_project(REPO, "prod")
    first, second = (dumps(run_preview(project).report()) for _ in range(2))
    assert first == second and '"stack": "prod"' in first


POLICY_CONFIGS = [
    ({}, "the packs' own defaults"),
    ({"security": {"SEC-STORAGE-002": "remediate", "SEC-STORAGE-003": "disabled"},
      "cost": {"all": "mandatory", "COST-GPU-002": {"max_gpus_per_pool": 16}, "SEC-NOPE-1": "advisory"}},
     "levels, all, a numeric property and a name no pack has"),
]


@pytest.mark.parametrize("configs, why", POLICY_CONFIGS, ids=[c[1] for c in POLICY_CONFIGS])
def test_in_process_findings_equal_the_analyzer_protocol_findings(tmp_path, monkeypatch, configs, why):
    project_dir = tmp_path / "insecure"
    shutil.copytree(INSECURE, project_dir)
    if configs:
        (project_dir / "policy").mkdir()
        for pack, config in configs.items():
            (project_dir / "policy" / f"dev-{pack}.json").write_text(json.dumps(config))
    project = load_project(project_dir, "dev")
    over_protocol = [v.to_report() for v in run_preview(project).violations]
    monkeypatch.setenv(TRANSPORT_ENV, "inprocess")
    in_process = [v.to_report() for v in run_preview(project).violations]
    assert len(in_process) > 5, "the insecure example has findings"
    assert in_process == over_protocol, why


def test_an_invalid_policy_config_fails_the_same_way_on_both_paths(tmp_path, monkeypatch):
    from aiscale.preview.policy_driver import PolicyPackError

    project_dir = tmp_path / "insecure"
    shutil.copytree(INSECURE, project_dir)
    (project_dir / "policy").mkdir()
    (project_dir / "policy" / "dev-cost.json").write_text(json.dumps({"COST-GPU-002": {"max_gpus_per_pool": "many"}}))
    project = load_project(project_dir, "dev")
    messages = []
    for transport in ("inprocess", ""):
        monkeypatch.setenv(TRANSPORT_ENV, transport)
        with pytest.raises(PolicyPackError) as raised:
            run_preview(project, packs=["cost"])
        messages.append(str(raised.value))
    assert "max_gpus_per_pool" in messages[0]
    assert messages[0].split("\n")[0] == messages[1].split("\n")[0]
