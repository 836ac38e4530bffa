"""Invalid policy configuration: `aiscale preview` exits 2 before the program runs, naming the
pack, the config file, the policy, the path in its config, the value and what is valid (the
schema validated with jsonschema, refusing what the Pulumi CLI refuses), on both paths."""

from __future__ import annotations

import json
import shutil

import pytest

from aiscale.preview.pipeline import TRANSPORT_ENV, run_preview
from aiscale.preview.policy_process import PolicyPackError
from aiscale.preview.project import load_project
from tests.conftest import REPO, run_cli

INSECURE = REPO / "examples" / "insecure-gpu"

# (pack, config file content, words of the error, why)
INVALID = [
    ("security", {"SEC-COMPUTE-001": {"max_hop_limit": -5}},
     "SEC-COMPUTE-001: max_hop_limit is -5; valid: a number >= 1", "below the minimum"),
    ("cost", {"COST-TAG-001": {"required_tags": [1, 2]}},
     "COST-TAG-001: required_tags[0] is 1; valid: string; COST-TAG-001: required_tags[1] is 2; "
     "valid: string", "numbers in a list of strings (items)"),
    ("cost", {"COST-BUDGET-001": {"basis": "average"}},
     "COST-BUDGET-001: basis is 'average'; valid: 'max', 'min'", "not one of the enum"),
    ("cost", {"COST-GPU-002": {"max_gpus_per_pool": "many"}},
     "COST-GPU-002: max_gpus_per_pool is 'many'; valid: number", "a string for a number"),
    ("cost", {"COST-BUDGET-001": {"monthly_budget_usd": True}},
     "COST-BUDGET-001: monthly_budget_usd is True; valid: number or null", "a boolean is no number"),
    ("cost", {"COST-GPU-001": {"allowed_accelerators": {"dev": ["h100", 7]}}},
     "COST-GPU-001: allowed_accelerators.dev[1] is 7; valid: string", "inside a mapping's values"),
    ("security", {"SEC-STORAGE-009": "blocking"},
     "config['SEC-STORAGE-009'].enforcementLevel is 'blocking'; valid: advisory, mandatory",
     "an unknown enforcement level"),
]


def _project_with(tmp_path, pack: str, config: dict):
    project_dir = tmp_path / "insecure"
    shutil.copytree(INSECURE, project_dir)
    (project_dir / "policy").mkdir()
    config_file = project_dir / "policy" / f"dev-{pack}.json"
    config_file.write_text(json.dumps(config))
    return project_dir, config_file


@pytest.mark.parametrize("pack, config, words, why", INVALID, ids=[case[3] for case in INVALID])
def test_invalid_config_is_refused_naming_pack_file_policy_path_value_and_what_is_valid(
        tmp_path, monkeypatch, pack, config, words, why):
    monkeypatch.delenv(TRANSPORT_ENV, raising=False)
    project_dir, config_file = _project_with(tmp_path, pack, config)
    with pytest.raises(PolicyPackError) as raised:
        run_preview(load_project(project_dir, "dev"))
    message = str(raised.value)
    assert words in message, why
    assert message.startswith("policy pack ") and f"policy_packs/{pack}: " in message, "names the pack"
    assert f"invalid policy configuration in {config_file}:" in message, "names the config file"


def test_the_cli_exits_2_before_the_program_runs_without_a_traceback(tmp_path):
    project_dir, config_file = _project_with(tmp_path, "security",
                                             {"SEC-COMPUTE-001": {"max_hop_limit": -5}})
    report = tmp_path / "report.json"
    done = run_cli("preview", "--cwd", str(project_dir), "--json", str(report))
    assert done.returncode == 2, done.stdout + done.stderr
    error = " ".join(done.stderr.split())  # the console wraps long lines
    assert "SEC-COMPUTE-001: max_hop_limit is -5; valid: a number >= 1" in error
    assert str(config_file) in error and "policy_packs/security" in error
    assert "Traceback" not in done.stderr and "Previewing" not in done.stdout and not report.exists()


def test_an_invalid_config_fails_the_same_way_over_the_analyzer_protocol(tmp_path, monkeypatch):
    """The packs served by the stock SDK get the same validation at Configure."""
    project_dir, _ = _project_with(tmp_path, "cost", {"COST-GPU-002": {"max_gpus_per_pool": -1}})
    project = load_project(project_dir, "dev")
    messages = []
    for transport in ("inprocess", "protocol"):
        monkeypatch.setenv(TRANSPORT_ENV, transport)
        with pytest.raises(PolicyPackError) as raised:
            run_preview(project, packs=["cost"])
        first_line = str(raised.value).split("\n")[0]
        assert "policy_packs/cost: invalid policy configuration in " in first_line
        messages.append(first_line.split("policy_packs/cost: ", 1)[1])  # the folder, maybe via a link
    assert "COST-GPU-002: max_gpus_per_pool is -1; valid: a number >= 0" in messages[0]
    assert messages[0] == messages[1]


def test_a_valid_config_of_every_kind_is_accepted(tmp_path, monkeypatch):
    monkeypatch.delenv(TRANSPORT_ENV, raising=False)
    project_dir, _ = _project_with(tmp_path, "cost", {
        "COST-TAG-001": {"required_tags": ["team"]}, "COST-BUDGET-001": {"basis": "min",
                                                                          "monthly_budget_usd": None},
        "COST-GPU-002": {"max_gpus_per_pool": 8}, "all": "advisory"})
    outcome = run_preview(load_project(project_dir, "dev"), packs=["cost"])
    assert outcome.violations and all(v.enforcement == "advisory" for v in outcome.violations)


def test_an_unknown_transport_exits_2_naming_the_variable_and_the_valid_values(monkeypatch):
    monkeypatch.setenv(TRANSPORT_ENV, "grpc")
    done = run_cli("preview", "--cwd", str(INSECURE))
    assert done.returncode == 2
    assert "AISCALE_POLICY_TRANSPORT='grpc' is not valid; valid: inprocess, protocol" in " ".join(done.stderr.split())
