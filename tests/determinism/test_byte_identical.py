"""Previews are byte-identical across runs and hash seeds. (That the in-process policy evaluation
reports exactly what the pack processes report over the Analyzer protocol is
tests/policy_driver/test_parity.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aiscale.preview.pipeline import run_preview
from aiscale.preview.project import load_project
from aiscale.preview.report import dumps
from tests.conftest import REPO

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
