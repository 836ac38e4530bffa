"""`aiscale preview` on a corpus of real-world Pulumi Python program shapes (issue 18).

Every program in tests/fixtures/programs/ (written anew to the shapes of the public
pulumi/examples and pulumi/templates programs; each README names its shape) is previewed by the
real CLI in a subprocess, as a CI job would run it, with a hard timeout: a hang fails its test
with a message, it never blocks CI. tests/fixtures/programs/manifest.yaml says, per run, the exit
code expected and what the report must and must not contain. Each program is also run on
Pulumi's own mock runtime (stock_check.py), proving the fixture itself is a correct program.

The runs are independent subprocesses, so they are started together on a few workers before the
first test asserts (``AISCALE_CORPUS_WORKERS``, default 4).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from tests.conftest import REPO

PROGRAMS = REPO / "tests" / "fixtures" / "programs"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((PROGRAMS / "manifest.yaml").read_text())
#: A preview takes 2-5 s; this long means it stopped making progress.
PREVIEW_TIMEOUT_S = 60
WORKERS = int(os.environ.get("AISCALE_CORPUS_WORKERS", "4"))
_MISSING = object()


@dataclass(frozen=True)
class Run:
    """One finished subprocess: its exit code (None when killed for hanging) and output."""

    argv: tuple[str, ...]
    returncode: Optional[int]
    stdout: str
    stderr: str
    seconds: float

    @property
    def console(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        tail = "\n".join(self.console.strip().splitlines()[-15:])
        return f"`{' '.join(self.argv[2:])}` exited {self.returncode}; last output:\n{tail}"


def run_command(argv: list[str], *, cwd: Path = REPO, env_changes: Optional[dict] = None) -> Run:
    """Run ``argv`` with a hard timeout, killing its whole process group if it hangs."""
    import time

    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    for key, value in (env_changes or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=PREVIEW_TIMEOUT_S)
        code: Optional[int] = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        code = None
    return Run(tuple(argv), code, stdout, stderr, time.monotonic() - started)


def preview_argv(program: str, report: Path, *, stack: str = "dev", policies: bool = False,
                 extra: tuple[str, ...] = ()) -> list[str]:
    """The CLI call a CI job makes on a program folder."""
    argv = [sys.executable, "-m", "aiscale", "preview", "--cwd", str(PROGRAMS / program),
            "--stack", stack, "--json", str(report)]
    return argv + ([] if policies else ["--no-policies"]) + list(extra)


def case_program(case: dict) -> str:
    return case.get("program", case["id"])


def case_plaintexts(case: dict) -> list[str]:
    """The KEY=VALUE plaintexts of a case's --secret arguments (given to the stock check too)."""
    args = case.get("args", [])
    return [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--secret"]


def stock_argv(case: dict) -> list[str]:
    """Run the program on Pulumi's stock mocks; secure values get the case's or dummy plaintexts."""
    stack_file = PROGRAMS / case_program(case) / "Pulumi.dev.yaml"
    config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {} if stack_file.exists() else {}
    given = dict(pair.split("=", 1) for pair in case_plaintexts(case))
    plaintexts = [f"{key}={given.get(key, '7')}" for key, value in config.items()
                  if isinstance(value, dict) and "secure" in value]
    return [sys.executable, str(PROGRAMS / "stock_check.py"), str(PROGRAMS / case_program(case)), *plaintexts]


@pytest.fixture(scope="session")
def corpus_runs(request, tmp_path_factory) -> dict[str, Future]:
    """Start every selected corpus run (aiscale and stock) at once on a few workers."""
    selected = {item.callspec.params["case"]["id"] for item in request.session.items
                if hasattr(item, "callspec") and "case" in item.callspec.params
                and item.path == Path(__file__)}  # other modules parametrize a "case" too
    folder = tmp_path_factory.mktemp("corpus")
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="corpus")
    runs: dict[str, Future] = {}
    for case in MANIFEST:
        if case["id"] not in selected:
            continue
        report = folder / f"{case['id']}.json"
        argv = preview_argv(case_program(case), report, stack=case.get("stack", "dev"),
                            extra=tuple(case.get("args", [])))
        runs[case["id"]] = pool.submit(run_command, argv, env_changes=case.get("env"))
        runs["stock:" + case["id"]] = pool.submit(run_command, stock_argv(case), cwd=PROGRAMS)
        runs["report:" + case["id"]] = report
    yield runs
    pool.shutdown(wait=True, cancel_futures=True)


def lookup(value: Any, path: str) -> Any:
    """``spec.template.spec.containers[0].ports[0].containerPort`` inside nested inputs."""
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(value, list) or index >= len(value):
                return _MISSING
            value = value[index]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def same(actual: Any, expected: Any) -> bool:
    """Equal with the same JSON types all the way down (20 is not 20.0, "20" is not 20)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and actual.keys() == expected.keys() and all(
            same(actual[key], expected[key]) for key in expected)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            same(a, e) for a, e in zip(actual, expected))
    return type(actual) is type(expected) and actual == expected


def check_value(where: str, actual: Any, check: dict) -> Optional[str]:
    """The problem with ``actual`` against one manifest check, or None."""
    if actual is _MISSING:
        return f"{where}: missing"
    if "equals" in check and not same(actual, check["equals"]):
        return f"{where}: expected {check['equals']!r} ({type(check['equals']).__name__}), got {actual!r}"
    if "one_of" in check and actual not in check["one_of"]:
        return f"{where}: expected one of {check['one_of']!r}, got {actual!r}"
    if check.get("nonempty") and actual in (None, "", [], {}, "<unknown>"):
        return f"{where}: expected a known, non-empty value, got {actual!r}"
    if "startswith" in check and not (isinstance(actual, str) and actual.startswith(check["startswith"])):
        return f"{where}: expected a string starting with {check['startswith']!r}, got {actual!r}"
    return None


def report_problems(case: dict, report: dict, report_text: str, console: str) -> list[str]:
    """Everything the manifest says about this run that the report and console contradict."""
    problems = []
    types = {resource["type"] for resource in report.get("resources", [])}
    problems += [f"resource type {wanted} not in the report" for wanted in case.get("types", []) if wanted not in types]
    for check in case.get("inputs", []):
        matches = [r for r in report.get("resources", []) if r["type"] == check["type"]
                   and ("name" not in check or r["name"] == check["name"])]
        where = f"{check['type']}{'/' + check['name'] if 'name' in check else ''} input {check['path']}"
        if not matches:
            problems.append(f"{where}: no such resource in the report")
            continue
        problem = check_value(where, lookup(matches[0].get("inputs", {}), check["path"]), check)
        problems += [problem] if problem else []
    for check in case.get("outputs", []):
        problem = check_value(f"output {check['key']}", report.get("outputs", {}).get(check["key"], _MISSING), check)
        problems += [problem] if problem else []
    problems += [f"the plaintext {secret!r} appears in the report or the console"
                 for secret in case.get("absent", []) if secret in report_text or secret in console]
    problems += [f"{wanted!r} is not mentioned on the console (a warning should name it)"
                 for wanted in case.get("mentions", []) if wanted not in console]
    return problems


@pytest.mark.parametrize("case", MANIFEST, ids=[case["id"] for case in MANIFEST])
def test_real_program_previews(case, corpus_runs):
    run: Run = corpus_runs[case["id"]].result()
    assert run.returncode is not None, (
        f"{case['id']}: no exit within {PREVIEW_TIMEOUT_S} s, the preview hangs. " + run.describe())
    assert "Traceback" not in run.console, f"{case['id']}: a traceback. " + run.describe()
    assert run.returncode == case.get("exit", 0), f"{case['id']}: wrong exit code. " + run.describe()
    report_file: Path = corpus_runs["report:" + case["id"]]
    assert report_file.exists(), f"{case['id']}: no JSON report written. " + run.describe()
    report_text = report_file.read_text()
    report = json.loads(report_text)
    assert {"project", "stack", "resources", "outputs", "cost", "policies"} <= set(report)
    problems = report_problems(case, report, report_text, run.console)
    assert not problems, f"{case['id']}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("case", MANIFEST, ids=[case["id"] for case in MANIFEST])
def test_fixture_is_a_correct_program_on_the_stock_mock_runtime(case, corpus_runs):
    """Pulumi's own mocks run the program to the end and register every type the manifest
    expects: the fixture is right, so a failure of the preview above is aiscale's."""
    run: Run = corpus_runs["stock:" + case["id"]].result()
    assert run.returncode == 0, f"{case['id']} fails on the stock mock runtime. " + run.describe()
    registered = set(json.loads(run.stdout.strip().splitlines()[-1])["types"])
    assert set(case.get("types", [])) <= registered, sorted(set(case["types"]) - registered)


def test_stack_outputs_chain_two_previews(tmp_path):
    """The network stack's report gives the app's StackReference its outputs (--stack-outputs)."""
    network_report, app_report = tmp_path / "network.json", tmp_path / "app.json"
    network = run_command(preview_argv("stack-ref-network", network_report))
    assert network.returncode == 0, network.describe()
    exported = json.loads(network_report.read_text())["outputs"]
    app = run_command(preview_argv("stack-ref-app", app_report,
                                   extra=("--stack-outputs", f"acme/network/dev={network_report}")))
    assert app.returncode is not None, "the preview hangs. " + app.describe()
    assert "Traceback" not in app.console, app.describe()
    assert app.returncode == 0, app.describe()
    resources = json.loads(app_report.read_text())["resources"]
    group = next(r for r in resources if r["type"] == "aws:ec2/securityGroup:SecurityGroup")
    server = next(r for r in resources if r["type"] == "aws:ec2/instance:Instance")
    assert group["inputs"]["vpcId"] == exported["vpcId"]
    assert server["inputs"]["subnetId"] == exported["privateSubnetIds"][0]


@pytest.mark.parametrize("program", ["aws-s3-folder", "k8s-deployment-service", "azure-storage-keys"])
def test_policy_packs_run_on_real_programs(program, tmp_path):
    """With the bundled packs on: exit 0 or 1 (a mandatory finding), findings in the report."""
    report_file = tmp_path / "report.json"
    run = run_command(preview_argv(program, report_file, policies=True))
    assert run.returncode is not None, "the preview hangs. " + run.describe()
    assert "Traceback" not in run.console, run.describe()
    assert run.returncode in (0, 1), run.describe()
    violations = json.loads(report_file.read_text())["policies"]["violations"]
    assert isinstance(violations, list)
    assert (run.returncode == 1) == any(v.get("enforcement") == "mandatory"
                                        for v in violations), run.describe()
