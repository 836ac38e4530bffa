"""`aiscale preflight --cloud azure|gcp` as a user runs it: the typer command on a throwaway
project with a fake reader injected, its exit codes, missing credentials and missing SDKs."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from aiscale.preflight import azure, gcp
from tests.preflight.cloud_fakes import T4_FAMILY, azure_reader, azure_sku, azure_usage, gcp_reader, gcp_region
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


def _gcp_factory(spot_quota: float, calls: list):
    def factory(project: str):
        calls.append(project)
        zones = {f"us-central1-{z}": ("g2-standard-4",) for z in "abc"}
        return gcp_reader(gcp_region(quotas={"PREEMPTIBLE_NVIDIA_L4_GPUS": (spot_quota, 0)}), zones,
                          {z: ("nvidia-l4",) for z in zones}, project=project)
    return factory


@pytest.mark.parametrize("quota, code, words", [
    (16, 0, ["machine type g2-standard-4 is offered", "PREEMPTIBLE_NVIDIA_L4_GPUS", "3 ok"]),
    (2, 1, ["needs 3 GPUs at max size", "the quota is 2", "2 ok, 1 fail"]),
], ids=["quota covers the pool: exit 0", "spot GPU quota too small: exit 1"])
def test_gcp_end_to_end_with_an_injected_reader(tmp_path, monkeypatch, quota, code, words):
    project = write_project(tmp_path / "p", _model(clouds=GCP, node_pools=[GCP_POOL]))
    calls: list = []
    monkeypatch.setattr(gcp, "default_reader", _gcp_factory(quota, calls))
    result = _invoke("--cloud", "gcp", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == code, result.output
    assert "Pre-flight: preflight-test/dev on GCP us-central1" in result.output
    assert all(word in result.output for word in words), result.output
    assert calls == ["acme-ml-dev"]  # the project is the model's clouds.gcp.project


def test_azure_end_to_end_with_an_injected_reader(tmp_path, monkeypatch):
    project = write_project(tmp_path / "p", _model(clouds=AZURE, node_pools=[AZURE_POOL]))
    monkeypatch.setattr(azure, "default_reader", lambda: azure_reader(
        skus=(azure_sku(),), usages=(azure_usage(T4_FAMILY, 8, 0), azure_usage("cores", 100, 0))))
    result = _invoke("--cloud", "azure", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 1, result.output
    assert "Pre-flight: preflight-test/dev on Azure eastus" in result.output
    assert "needs 12 vCPUs" in result.output and "the quota is 8" in result.output


def test_without_cloud_every_cloud_of_the_stack_is_checked(tmp_path, monkeypatch):
    project = write_project(tmp_path / "p", _model(clouds={**GCP, **AZURE},
                                                        node_pools=[{**GCP_POOL, "clouds": ["gcp"]}]))
    monkeypatch.setattr(gcp, "default_reader", _gcp_factory(16, []))
    monkeypatch.setattr(azure, "default_reader", lambda: pytest.fail("azure has no GPU demand here"))
    result = _invoke("--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 0, result.output
    assert "does not use AWS: nothing to check" in result.output
    assert "has no GPU fleet or managed endpoint on Azure" in result.output
    assert "on GCP us-central1" in result.output


def test_gcp_without_application_default_credentials_exits_2(tmp_path, monkeypatch):
    import google.auth
    from google.auth import exceptions as auth_exceptions

    def no_adc(scopes=None, **_):
        raise auth_exceptions.DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(google.auth, "default", no_adc)
    project = write_project(tmp_path / "p", _model(clouds=GCP, node_pools=[GCP_POOL]))
    result = _invoke("--cloud", "gcp", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert "no GCP Application Default Credentials found" in result.output
    assert "gcloud auth application-default login" in result.output and "Traceback" not in result.output


def test_azure_without_a_subscription_exits_2(tmp_path, monkeypatch):
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    project = write_project(tmp_path / "p", _model(clouds=AZURE, node_pools=[AZURE_POOL]))
    result = _invoke("--cloud", "azure", "--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert "AZURE_SUBSCRIPTION_ID is not set" in result.output and "az login" in result.output


@pytest.mark.parametrize("cloud, clouds, pool, hidden, extra", [
    ("gcp", GCP, GCP_POOL, "google.cloud.compute_v1", "gcp"),
    ("azure", AZURE, AZURE_POOL, "azure.identity", "azure"),
], ids=["gcp", "azure"])
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
