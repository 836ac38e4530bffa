"""The whole preview: cost, policy packs over the Analyzer protocol, report and exit codes."""

from __future__ import annotations

import json
import shutil

import pytest

from aiscale.preview.pipeline import BUNDLED_PACKS, bundled_pack_dir
from tests.conftest import REPO, run_cli

INSECURE = REPO / "examples" / "insecure-gpu"


@pytest.fixture(scope="module")
def insecure_report(tmp_path_factory):
    report_file = tmp_path_factory.mktemp("insecure") / "report.json"
    done = run_cli("preview", "--cwd", str(INSECURE), "--json", str(report_file), "--no-tree")
    return done, json.loads(report_file.read_text())


def _findings(report, policy):
    return [v for v in report["policies"]["violations"] if v["policy"] == policy]


def test_a_program_without_aiscale_gets_its_findings_and_exit_1(insecure_report):
    done, report = insecure_report
    assert done.returncode == 1, done.stdout + done.stderr
    by_name = lambda v: v["urn"].rsplit("::", 1)[-1] if v["urn"] else None  # noqa: E731
    assert {by_name(v) for v in _findings(report, "SEC-STORAGE-003")} == {"public-data"}, "public ACL"
    assert {by_name(v) for v in _findings(report, "SEC-STORAGE-002")} == {"public-data"}, "no PAB"
    (open_api,) = _findings(report, "SEC-K8S-001")
    assert by_name(open_api) == "open" and open_api["enforcement"] == "mandatory"
    assert "0.0.0.0/0" in open_api["message"]
    (gpu_cap,) = _findings(report, "COST-GPU-002")
    assert "400 GPUs" in gpu_cap["message"] and gpu_cap["enforcement"] == "mandatory"
    untagged = {by_name(v) for v in _findings(report, "COST-TAG-001")}
    assert {"public-data", "open", "h100"} <= untagged
    assert "Policy findings" in done.stdout and "mandatory" in done.stdout


def test_the_cost_of_a_foreign_program_is_priced_from_its_own_inputs(insecure_report):
    from aiscale import catalog

    _, report = insecure_report
    (item,) = [i for i in report["cost"]["items"] if i["urn"].endswith("::h100")]
    price = catalog.find_instance_type("aws", "p5.48xlarge", "us-east-1").price_hour_ondemand
    assert item["monthly_min"] == pytest.approx(10 * price * 730, abs=0.01)
    assert item["monthly_max"] == pytest.approx(50 * price * 730, abs=0.01)
    assert report["cost"]["monthly_max"] == pytest.approx(sum(i["monthly_max"] for i in report["cost"]["items"]))


def test_a_policy_config_file_beside_the_stack_changes_enforcement(tmp_path):
    project = tmp_path / "insecure"
    shutil.copytree(INSECURE, project)
    (project / "policy").mkdir()
    for pack in BUNDLED_PACKS:
        (project / "policy" / f"dev-{pack}.json").write_text(json.dumps({"all": "advisory"}))
    report_file = tmp_path / "r.json"
    done = run_cli("preview", "--cwd", str(project), "--json", str(report_file), "--no-tree")
    assert done.returncode == 0, done.stdout + done.stderr
    violations = json.loads(report_file.read_text())["policies"]["violations"]
    assert violations and all(v["enforcement"] == "advisory" for v in violations)
    assert "config dev-security.json" in done.stdout


def test_policy_pack_selects_packs_and_no_policies_skips_them(tmp_path):
    report_file = tmp_path / "r.json"
    done = run_cli("preview", "--cwd", str(INSECURE), "--policy-pack", "security", "--json", str(report_file))
    packs = {v["pack"] for v in json.loads(report_file.read_text())["policies"]["violations"]}
    assert packs == {"aiscale-security"} and done.returncode == 1
    done = run_cli("preview", "--cwd", str(INSECURE), "--no-policies", "--json", str(report_file))
    assert json.loads(report_file.read_text())["policies"]["violations"] == [] and done.returncode == 0


def test_a_folder_that_is_not_a_pack_exits_2(tmp_path):
    done = run_cli("preview", "--cwd", str(INSECURE), "--policy-pack", str(tmp_path))
    assert done.returncode == 2 and "not a policy pack folder" in done.stderr


def test_bundled_packs_ship_inside_the_package():
    for pack in BUNDLED_PACKS:
        folder = bundled_pack_dir(pack)
        assert (folder / "PulumiPolicy.yaml").is_file() and (folder / "__main__.py").is_file()
        assert "components" in folder.parts or "site-packages" in folder.parts


def test_the_repository_packs_for_the_pulumi_cli_run_over_the_analyzer_protocol():
    """policies/security and policies/cost, as `pulumi preview --policy-pack` starts them."""
    from aiscale.preview.engine import run_directory
    from aiscale.preview.policy_driver import run_policy_packs

    prod = run_directory(REPO, "prod")
    violations = run_policy_packs([REPO / "policies" / "security", REPO / "policies" / "cost"],
                                  prod.resources, project=prod.project, stack=prod.stack,
                                  stack_config=prod.config)
    assert {v.pack for v in violations} <= {"aiscale-security", "aiscale-cost"}
    assert not [v for v in violations if v.enforcement == "mandatory"], "prod: no mandatory finding"
    insecure = run_directory(INSECURE, "dev")
    found = run_policy_packs([REPO / "policies" / "security"], insecure.resources,
                             project=insecure.project, stack=insecure.stack, stack_config=insecure.config)
    assert "SEC-STORAGE-003" in {v.policy for v in found}


def test_each_stack_has_policy_config_files_the_pulumi_cli_accepts_and_they_apply(tmp_path):
    """stacks/policy/<stack>-<pack>.json: the --policy-pack-config format, read by the preview."""
    import copy

    from aiscale.preview.pipeline import run_preview
    from aiscale.preview.project import load_project

    for stack in ("dev", "prod"):
        for pack in BUNDLED_PACKS:
            config = json.loads((REPO / "stacks" / "policy" / f"{stack}-{pack}.json").read_text())
            assert all(isinstance(v, (str, dict)) for v in config.values()), "name -> level or object"
    project = load_project(REPO, "dev")
    tight = copy.deepcopy(project)
    strict = {"COST-BUDGET-001": {"enforcementLevel": "mandatory", "monthly_budget_usd": 100}}
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "dev-cost.json").write_text(json.dumps(strict))
    object.__setattr__(tight, "stack_config_dir", tmp_path)
    outcome = run_preview(tight, packs=["cost"])
    (budget,) = [v for v in outcome.violations if v.policy == "COST-BUDGET-001"]
    assert budget.enforcement == "mandatory" and outcome.exit_code == 1
    own = run_preview(project, packs=["cost"])
    assert own.exit_code == 0, "the dev stack's one budget (operations.budget.monthly_usd) holds"
    assert "monthly_budget_usd" not in json.dumps(json.loads((REPO / "stacks" / "policy" / "dev-cost.json").read_text())), \
        "one budget: the pack reads the model's figure, its config repeats none"
