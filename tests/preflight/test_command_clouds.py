"""`aiscale preflight --cloud azure|gcp` as a user runs it: the typer command on a throwaway
project with a fake reader injected, its exit codes, missing credentials and missing SDKs (the
GCP runs that load google-cloud-compute are in ``gcp_cases``, see ``test_gcp``)."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from aiscale.preflight import azure
from tests.preflight.cloud_fakes import T4_FAMILY, azure_reader, azure_sku, azure_usage
from tests.preflight.helpers import write_project
from tests.preflight.test_command import SPOT_L4_POOL, _app

GCP_POOL = {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "min_nodes": 0,
            "max_nodes": 3, "capacity": "spot"}
AZURE_POOL = {"name": "serve", "accelerator": "nvidia-t4", "gpus_per_node": 1, "min_nodes": 0,
              "max_nodes": 3, "capacity": "on-demand"}


def _model(**clouds_and_sections) -> dict:
    sections = {k: v for k, v in clouds_and_sections.items() if k != "clouds"}
    return {"name": "acme-ml", "environment": "dev", "clouds": clouds_and_sections["clouds"], **sections}


GCP = {"gcp": {"project": "acme-ml-dev", "region": "us-central1"}}
AZURE = {"azure": {"location": "eastus"}}
AWS = {"aws": {"region": "us-west-2", "zones": ["us-west-2a", "us-west-2b"]}}


def _invoke(*args: str, env=None):
    return CliRunner().invoke(_app(), ["preflight", *args], env={"COLUMNS": "240", "NO_COLOR": "1", **(env or {})})


def test_azure_end_to_end_with_an_injected_reader(tmp_path, monkeypatch):
    project = write_project(tmp_path / "p", _model(clouds=AZURE, node_pools=[AZURE_POOL]))
    monkeypatch.setattr(azure, "default_reader", lambda: azure_reader(
        skus=(azure_sku(),), usages=(azure_usage(T4_FAMILY, 8, 0), azure_usage("cores", 100, 0))))
    result = _invoke("--cloud", "azure", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 1, result.output
    assert "Pre-flight: preflight-test/dev on Azure eastus" in result.output
    assert "needs 12 vCPUs" in result.output and "the quota is 8" in result.output


def test_azure_without_a_subscription_exits_2(tmp_path, monkeypatch):
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    project = write_project(tmp_path / "p", _model(clouds=AZURE, node_pools=[AZURE_POOL]))
    result = _invoke("--cloud", "azure", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert "AZURE_SUBSCRIPTION_ID is not set" in result.output and "az login" in result.output


@pytest.mark.parametrize("cloud, clouds, pool, hidden, extra", [
    ("gcp", GCP, GCP_POOL, "google.cloud.compute_v1", "gcp"),
    ("azure", AZURE, AZURE_POOL, "azure.identity", "azure"),
], ids=["gcp", "azure"])  # the gcp case stops at the import: google's protos never load here
def test_a_missing_sdk_exits_2_naming_the_extra(tmp_path, monkeypatch, cloud, clouds, pool, hidden, extra):
    monkeypatch.setitem(sys.modules, hidden, None)  # the import system's "not installed"
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000")
    project = write_project(tmp_path / "p", _model(clouds=clouds, node_pools=[pool]))
    result = _invoke("--cloud", cloud, "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert f"pip install 'aiscale[{extra}]'" in result.output, result.output
    assert "Traceback" not in result.output


def test_an_unknown_cloud_exits_2_with_the_choices(tmp_path):
    project = write_project(tmp_path / "p", _model(clouds=AWS, node_pools=[SPOT_L4_POOL]))
    result = _invoke("--cloud", "mars", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2 and "--cloud: got 'mars'; valid: aws, azure, gcp" in result.output


def test_a_cloud_the_stack_does_not_use_has_nothing_to_check(tmp_path):
    project = write_project(tmp_path / "p", _model(clouds=AWS, node_pools=[SPOT_L4_POOL]))
    result = _invoke("--cloud", "gcp", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 0 and "does not use GCP: nothing to check" in result.output


def test_the_cloud_sdks_load_only_when_their_cloud_is_checked():
    """Registering the command and importing the per-cloud modules loads no Azure or GCP SDK
    (a fresh interpreter: this process may have loaded them for other tests)."""
    import os
    import subprocess

    code = ("import sys, aiscale.cli, aiscale.preflight.azure, aiscale.preflight.gcp, aiscale.preflight.runner; "
            "print(sorted({m.split('.')[0] + '.' + m.split('.')[1] for m in sys.modules "
            "if m.startswith(('azure.', 'google.cloud', 'google.auth', 'google.api_core'))}))")
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout
