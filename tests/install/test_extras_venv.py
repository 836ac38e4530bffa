"""A clean virtualenv with only ``pip install 'aiscale-<version>-py3-none-any.whl[aws]'`` (the
wheel built as a release builds it) previews an AWS-only stack, has no Azure
or GCP SDK, and refuses a stack that names GCP with exit 2 and the extra to install.

This is the one test that installs packages: a fresh ``python -m venv`` and a real ``pip install``
from the package indexes pip is configured with (about 30 MB of wheels). It takes about 75 s on
two cores (most of it pip writing the ~270 MB pulumi-aws package; docs/benchmarks.md, "Install
extras"). The sources are copied first (pyproject.toml, README.md, components/), so the build
leaves nothing in the work tree, and the previews run with a clean environment (no PYTHONPATH),
so they can only import what the virtualenv has.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.distributions import build_distributions

FIXTURE = Path(__file__).resolve().parent / "aws_only"
INSTALL_TIMEOUT_S = 900
"""A generous ceiling for venv creation plus ``pip install '.[aws]'`` (about 75 s measured)."""


def _clean_env() -> dict[str, str]:
    """The environment without anything that would let the virtualenv see other packages."""
    hidden = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    return {**{k: v for k, v in os.environ.items() if k not in hidden},
            "COLUMNS": "200", "NO_COLOR": "1", "PIP_NO_INPUT": "1"}


@pytest.fixture(scope="module")
def aws_venv(tmp_path_factory) -> Path:
    """A virtualenv with aiscale installed from a copy of this repository with the aws extra only."""
    work = tmp_path_factory.mktemp("extras")
    _, wheel = build_distributions(work)  # the wheel a release publishes, installed with its extra
    venv = work / "venv"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=_clean_env(),
                   timeout=INSTALL_TIMEOUT_S)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile",
                           "--disable-pip-version-check", f"{wheel}[aws]"],
                          capture_output=True, text=True, env=_clean_env(), timeout=INSTALL_TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"\nvenv + pip install '.[aws]': {time.perf_counter() - start:.0f} s")
    return venv


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The AWS-only project: the fixture's Pulumi.yaml and stacks, and this repository's program."""
    folder = tmp_path_factory.mktemp("aws-only")
    for path in FIXTURE.iterdir():
        shutil.copy(path, folder / path.name)
    shutil.copy(REPO / "__main__.py", folder / "__main__.py")
    return folder


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, capture_output=True,
                          text=True, env=_clean_env(), timeout=600)


def test_only_the_aws_and_kubernetes_sdks_are_installed(aws_venv, project):
    probe = ("import importlib.util, json; print(json.dumps({m: importlib.util.find_spec(m) is not None "
             "for m in ('pulumi_aws', 'pulumi_kubernetes', 'boto3', 'pulumi_azure_native', 'pulumi_gcp')}))")
    done = _run(aws_venv, "python", "-c", probe, cwd=project)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"pulumi_aws": True, "pulumi_kubernetes": True, "boto3": True,
                                       "pulumi_azure_native": False, "pulumi_gcp": False}
    done = _run(aws_venv, "python", "-c", "import pulumi_gcp", cwd=project)
    assert done.returncode != 0 and "No module named 'pulumi_gcp'" in done.stderr


def test_an_aws_only_stack_previews(aws_venv, project):
    done = _run(aws_venv, "aiscale", "preview", "--stack", "aws", "--json", "report.json", cwd=project)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    resources = json.loads((project / "report.json").read_text())["resources"]
    providers = {r["type"].split(":", 1)[0] for r in resources}
    assert {"aws", "kubernetes", "aiscale"} <= providers <= {"aws", "kubernetes", "aiscale", "pulumi"}
    assert any(r["type"] == "aws:eks/nodeGroup:NodeGroup" for r in resources)
    assert any(r["type"] == "aws:s3/bucket:Bucket" for r in resources)


def test_a_stack_naming_gcp_exits_2_naming_the_extra(aws_venv, project):
    done = _run(aws_venv, "aiscale", "preview", "--stack", "gcp", "--json", "gcp.json", cwd=project)
    assert done.returncode == 2
    assert "the stack uses gcp but pulumi_gcp is not installed: pip install 'aiscale[gcp]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "gcp.json").exists(), "nothing previewed, no report"
