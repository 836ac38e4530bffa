"""The GitHub workflows: they parse, gate as documented, and every `aiscale` command they run
exists in the CLI with the options they pass."""

from __future__ import annotations

import os
import re
import shlex

import pytest
import typer
import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _options(command) -> set[str]:
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}


def _cli_commands() -> dict[str, set[str]]:
    """Subcommand -> options registered in aiscale.cli."""
    from aiscale.cli import app

    return {name: _options(cmd) for name, cmd in typer.main.get_command(app).commands.items()}


def _aiscale_calls(script: str) -> list[list[str]]:
    """Every `aiscale ...` command line of a shell script, split into words."""
    calls = []
    for line in script.splitlines():
        words = shlex.split(line, comments=True) if line.strip() else []
        if words and words[0] == "aiscale":
            calls.append(words[1:])
    return calls


@pytest.fixture(scope="module")
def consumer() -> dict:
    return _load("aiscale.yml")


def test_consumer_workflow_runs_on_pull_requests(consumer):
    assert "pull_request" in consumer["on"]
    assert set(consumer["jobs"]) == {"preview", "credentials", "pulumi-preview"}


def test_every_aiscale_command_exists_with_its_options(consumer):
    commands = _cli_commands()
    calls = [call for _, step in _steps(consumer) for call in _aiscale_calls(step.get("run", ""))]
    assert [call[0] for call in calls] == ["preview", "preview", "preview", "preflight"], \
        "the base branch's report, the pull request's with --compare (or without one), preflight"
    for subcommand, *args in calls:
        assert subcommand in commands, f"aiscale {subcommand} is not a command"
        used = {arg.split("=", 1)[0] for arg in args if arg.startswith("-")}
        assert used - commands[subcommand] == set(), f"aiscale {subcommand}: unknown options"


def test_preview_job_gates_on_the_exit_code_and_publishes_the_report(consumer):
    steps = {step.get("name", step.get("uses")): step for _, step in _steps({"jobs": {"p": consumer["jobs"]["preview"]}})}
    run = steps["aiscale preview"]["run"]
    assert "--json report.json --markdown report.md" in run and "set +e" in run
    gate = steps["Gate on the exit code"]["run"]
    assert re.search(r"1\).*exit 1", gate) and re.search(r"2\).*exit 2", gate)
    assert steps["Gate on the exit code"]["if"] == "always()"
    assert "GITHUB_STEP_SUMMARY" in steps["Job summary"]["run"]
    assert steps["Upload the reports"]["uses"].startswith("actions/upload-artifact@")
    assert "report.md" in steps["Upload the reports"]["with"]["path"]


def test_pulumi_preview_runs_only_where_credentials_exist(consumer):
    check = consumer["jobs"]["credentials"]
    assert "secrets.PULUMI_ACCESS_TOKEN" in check["steps"][0]["env"]["PULUMI_ACCESS_TOKEN"]
    job = consumer["jobs"]["pulumi-preview"]
    assert job["needs"] == "credentials"
    assert job["if"] == "needs.credentials.outputs.present == 'true'"
    uses = [step.get("uses", "") for step in job["steps"]]
    assert any(u.startswith("pulumi/actions@") for u in uses)
    script = job["steps"][-1]["run"]
    assert "pulumi preview --stack" in script
    assert '"--policy-pack", directory, "--policy-pack-config", config' in script
    assert "BUNDLED_PACKS" in script  # every bundled pack: security, cost and wiring


def test_repository_ci_runs_ci_run():
    ci = _load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    runs = [step.get("run") for _, step in _steps(ci)]
    assert ".ci/run" in runs
    assert os.access(REPO / ".ci" / "run", os.X_OK)


@pytest.mark.parametrize("local_packs", [True, False], ids=["repository packs", "bundled packs"])
def test_pulumi_preview_script_passes_both_packs_each_with_a_config(consumer, tmp_path, local_packs):
    """Run the step's script with a stand-in `pulumi` that records its arguments."""
    import subprocess
    import sys

    project = REPO if local_packs else tmp_path / "consumer"
    if not local_packs:
        (project / "stacks" / "policy").mkdir(parents=True)
        (project / "Pulumi.yaml").write_text("name: consumer\nruntime: python\nstackConfigDir: stacks\n")
        (project / "stacks" / "Pulumi.dev.yaml").write_text("config: {}\n")
        (project / "stacks" / "policy" / "dev-cost.json").write_text('{"all": "advisory"}')
    bin_dir, log = tmp_path / "bin", tmp_path / "pulumi.log"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text('#!/bin/sh\necho "$@" >> "$PULUMI_LOG"\n')
    (bin_dir / "pulumi").chmod(0o755)
    script = consumer["jobs"]["pulumi-preview"]["steps"][-1]["run"]
    env = {**os.environ, "PATH": os.pathsep.join((str(bin_dir), os.path.dirname(sys.executable), os.environ["PATH"])), "PULUMI_LOG": str(log),
           "RUNNER_TEMP": str(tmp_path), "STACK": "dev", "PULUMI_BACKEND_URL": ""}
    done = subprocess.run(["bash", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    login, install, preview = log.read_text().splitlines()
    assert (login, install) == ("login", "install")
    words = preview.split()
    assert words[:5] == ["preview", "--stack", "dev", "--non-interactive", "--diff"]
    packs = words[6::4]
    configs = words[8::4]
    from aiscale.preview.pipeline import BUNDLED_PACKS, bundled_pack_dir

    count = len(BUNDLED_PACKS)
    assert words[5::4] == ["--policy-pack"] * count and words[7::4] == ["--policy-pack-config"] * count
    if local_packs:
        assert packs == [f"policies/{pack}" for pack in BUNDLED_PACKS]
        assert configs == [str(project / "stacks" / "policy" / f"dev-{pack}.json") for pack in BUNDLED_PACKS]
    else:
        assert packs == [str(bundled_pack_dir(pack)) for pack in BUNDLED_PACKS]
        assert configs[1] == str(project / "stacks" / "policy" / "dev-cost.json")
        # the consumer has no security config for dev: the step writes an empty one
        assert configs[0] == str(tmp_path / "security-policy-config.json")
        assert (tmp_path / "security-policy-config.json").read_text() == "{}"


@pytest.mark.parametrize("aiscale_exit, gate_exit", [(0, 0), (1, 1), (2, 2)],
                         ids=["clean passes", "mandatory violation fails", "invalid input fails with 2"])
def test_preview_step_records_the_exit_code_and_the_gate_applies_it(consumer, tmp_path, aiscale_exit, gate_exit):
    """The preview step never fails by itself (so the summary and comment still run); the gate
    step turns its exit code into the job's result."""
    import subprocess

    steps = {step.get("name"): step for step in consumer["jobs"]["preview"]["steps"]}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aiscale").write_text(f"#!/bin/sh\necho \"$@\" > args\nexit {aiscale_exit}\n")
    (bin_dir / "aiscale").chmod(0o755)
    output = tmp_path / "github_output"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STACK": "dev",
           "GITHUB_OUTPUT": str(output)}
    preview = subprocess.run(["bash", "-e", "-c", steps["aiscale preview"]["run"]], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert preview.returncode == 0, preview.stderr
    assert (tmp_path / "args").read_text().split() == [
        "preview", "--stack", "dev", "--json", "report.json", "--markdown", "report.md"]
    assert output.read_text() == f"exit-code={aiscale_exit}\n"
    gate = subprocess.run(["bash", "-e", "-c", steps["Gate on the exit code"]["run"]], cwd=tmp_path,
                          env={**env, "CODE": str(aiscale_exit)}, capture_output=True, text=True)
    assert gate.returncode == gate_exit, gate.stdout


def test_the_pull_request_report_is_compared_with_the_base_branchs_report(consumer):
    steps = {step.get("name", step.get("uses")): step for _, step in _steps({"jobs": {"p": consumer["jobs"]["preview"]}})}
    names = list(steps)
    assert names.index("Base branch report") < names.index("aiscale preview")
    base = steps["Base branch report"]
    assert base["if"] == "github.event_name == 'pull_request'"
    (call,) = _aiscale_calls(base["run"])
    assert "--json" in call and '"$RUNNER_TEMP/base.json"' not in call and "$RUNNER_TEMP/base.json" in call
    assert base["run"].rstrip().endswith("exit 0"), "a base that cannot be previewed does not fail the job"
    preview = steps["aiscale preview"]
    assert preview["env"]["BASE_REPORT"] == "${{ steps.base.outputs.report }}"
    calls = _aiscale_calls(preview["run"])
    assert any(call[-2:] == ["--compare", "$BASE_REPORT"] for call in calls)
    assert all("--markdown" in call for call in calls), "the comparison reaches the Markdown report"
