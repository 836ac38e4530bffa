"""`aiscale preflight` as a user runs it: the typer command on a throwaway project, with moto
and a stubbed Service Quotas client behind it, and its exit codes."""

from __future__ import annotations

import boto3
import pytest
import typer
from moto import mock_aws
from typer.testing import CliRunner

from aiscale.preflight import runner
from aiscale.preflight.aws import AwsReader
from aiscale.preflight.command import preflight_command
from tests.preflight.helpers import ec2_quota_answer, platform_model, stubbed_quotas, write_project

SPOT_L4_POOL = {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "min_nodes": 0,
                "max_nodes": 3, "capacity": "spot"}


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)
    app.callback()(lambda: None)  # keep `preflight` a subcommand, as in aiscale.cli
    app.command("preflight")(preflight_command)
    return app


def _invoke(*args: str):
    return CliRunner().invoke(_app(), ["preflight", *args], env={"COLUMNS": "220", "NO_COLOR": "1"})


def _with_quota(value: float):
    """A reader factory: moto's EC2 and a spot G quota of `value` vCPUs."""
    def factory(region: str) -> AwsReader:
        quotas, stubber = stubbed_quotas(region)
        ec2_quota_answer(stubber, "L-3819A6DF", value)
        return AwsReader(boto3.client("ec2", region_name=region), quotas)
    return factory


@pytest.mark.parametrize("quota, code, words", [
    (64.0, 0, ["offered in zones", "us-west-2a, us-west-2b", "needs 12 vCPUs", "4 ok"]),
    (8.0, 1, ["All G and VT Spot Instance Requests (L-3819A6DF)", "fail", "3 ok, 1 fail"]),
], ids=["quota covers the pool: exit 0", "spot quota too small: exit 1"])
def test_preflight_prints_the_table_and_exits_by_the_findings(tmp_path, monkeypatch, fake_aws_credentials,
                                                              quota, code, words):
    project = write_project(tmp_path / "p", platform_model(node_pools=[SPOT_L4_POOL]))
    monkeypatch.setattr(runner, "default_reader", _with_quota(quota))
    with mock_aws():
        result = _invoke("--stack", "dev", "--cwd", str(project))
    assert result.exit_code == code, result.output
    assert "Pre-flight: preflight-test/dev on AWS us-west-2" in result.output
    assert all(word in result.output for word in words), result.output


def test_no_credentials_exit_2_with_a_clear_message(tmp_path, no_aws_credentials):
    project = write_project(tmp_path / "p", platform_model(node_pools=[SPOT_L4_POOL]))
    result = _invoke("--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert "no AWS credentials found" in result.output
    assert "AWS_PROFILE" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("platform, stack, words", [
    (platform_model(node_pools=[SPOT_L4_POOL]), "prod", ["no stack file Pulumi.prod.yaml"]),
    (None, "dev", ["no aiscale:platform config value"]),
    (platform_model(node_pools=[{**SPOT_L4_POOL, "max_nodes": 0}]), "dev",
     ["invalid aiscale:platform", "node_pools[0].max_nodes"]),
], ids=["unknown stack", "stack without a platform model", "invalid model names the field"])
def test_invalid_input_exits_2(tmp_path, no_aws_credentials, platform, stack, words):
    project = write_project(tmp_path / "p", platform)
    result = _invoke("--stack", stack, "--cwd", str(project))
    assert result.exit_code == 2, result.output
    assert all(word in result.output for word in words), result.output


def test_a_project_folder_without_pulumi_yaml_exits_2(tmp_path, no_aws_credentials):
    result = _invoke("--stack", "dev", "--cwd", str(tmp_path))
    assert result.exit_code == 2 and "no Pulumi.yaml" in result.output


@pytest.mark.parametrize("platform, words", [
    ({"name": "acme-ml", "environment": "dev",
      "clouds": {"gcp": {"project": "acme-ml-dev", "region": "us-central1"}}}, ["does not use AWS"]),
    (platform_model(buckets=[{"name": "models"}]), ["has no GPU fleet or managed endpoint on AWS"]),
], ids=["no aws cloud", "aws without GPU demand"])
def test_nothing_to_check_exits_0_without_credentials(tmp_path, no_aws_credentials, platform, words):
    project = write_project(tmp_path / "p", platform)
    result = _invoke("--stack", "dev", "--cwd", str(project))
    assert result.exit_code == 0, result.output
    assert all(word in result.output for word in words), result.output


def test_stack_is_required(tmp_path):
    result = _invoke("--cwd", str(tmp_path))
    assert result.exit_code == 2 and "--stack" in result.output
