"""A stack or program that needs a provider SDK that is not installed fails with one message naming
the install extra (aiscale.sdk_extras), with the import machinery faked: the SDK's modules are
taken out of ``sys.modules`` and a finder in front of ``sys.meta_path`` refuses them, as a
virtualenv without that extra would."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from aiscale.cli import app
from aiscale.preview.engine import PreviewError, describe_failure, run_inline
from aiscale.preview.monitor import STACK_TYPE
from aiscale.sdk_extras import (
    cloud_sdks,
    MissingSdkError,
    missing_cloud_sdks,
    missing_sdk_hint,
    require_cloud_sdks,
)
from tests.conftest import REPO

GCP_ONLY = {"name": "solo-gcp", "environment": "dev",
            "clouds": {"gcp": {"project": "solo-gcp-dev", "region": "us-central1"}},
            "buckets": [{"name": "models"}]}


class _Refuse:
    """A meta-path finder for which some top-level packages do not exist."""

    def __init__(self, roots: set[str]) -> None:
        self.roots = roots

    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in self.roots:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@pytest.fixture
def uninstall(monkeypatch):
    """``uninstall("pulumi_gcp", ...)``: those packages cannot be found until the test ends."""

    def hide(*roots: str) -> None:
        for name in [n for n in sys.modules if n.split(".", 1)[0] in roots]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setattr(sys, "meta_path", [_Refuse(set(roots)), *sys.meta_path])

    return hide


def test_every_cloud_extra_is_declared_with_its_sdk():
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for cloud, modules in cloud_sdks().items():
        distributions = {requirement.split(">")[0].split("[")[0].replace("-", "_") for requirement in extras[cloud]}
        assert set(modules) <= distributions, f"aiscale[{cloud}] must install {modules}"


def test_the_message_names_the_cloud_the_module_and_the_extra():
    absent = {"pulumi_gcp"}
    with pytest.raises(MissingSdkError) as raised:
        require_cloud_sdks(("aws", "gcp"), installed=lambda module: module not in absent)
    assert str(raised.value) == "the stack uses gcp but pulumi_gcp is not installed: pip install 'aiscale[gcp]'"


def test_the_error_is_a_run_error_so_pulumi_up_prints_it_without_a_traceback():
    import pulumi

    assert issubclass(MissingSdkError, pulumi.RunError)


def test_every_missing_cloud_is_named_with_one_command_for_all():
    with pytest.raises(MissingSdkError) as raised:
        require_cloud_sdks(("aws", "azure", "gcp"), installed=lambda module: module in ("pulumi_gcp", "pulumi_kubernetes"))
    lines = str(raised.value).splitlines()
    assert lines[0] == "the stack uses aws but pulumi_aws is not installed: pip install 'aiscale[aws]'"
    assert lines[1].startswith("the stack uses azure but pulumi_azure_native is not installed")
    assert "pip install 'aiscale[aws,azure]'" in lines[2]


def test_a_missing_kubernetes_sdk_names_the_cloud_extra_that_brings_it():
    assert missing_cloud_sdks(("aws",), installed=lambda module: module != "pulumi_kubernetes") == [
        ("aws", "pulumi_kubernetes")]


def test_installed_sdks_and_unknown_clouds_pass():
    require_cloud_sdks(("aws", "azure", "gcp"))  # this environment has every extra
    assert missing_cloud_sdks(("mars",), installed=lambda module: False) == []


def test_the_real_lookup_finds_a_faked_missing_sdk(uninstall):
    uninstall("pulumi_gcp")
    assert missing_cloud_sdks(("aws", "gcp")) == [("gcp", "pulumi_gcp")]


@pytest.mark.parametrize(("module", "extra"), [
    ("pulumi_aws", "aws"), ("pulumi_aws.s3", "aws"), ("pulumi_azure_native.storage", "azure"),
    ("pulumi_gcp", "gcp"), ("boto3", "aws"), ("botocore.exceptions", "aws")])
def test_a_program_importing_a_missing_sdk_is_told_the_extra(module, extra):
    hint = missing_sdk_hint(ModuleNotFoundError(f"No module named {module!r}", name=module))
    assert hint == (f"the program imports {module.split('.')[0]}, which is not installed: "
                    f"pip install 'aiscale[{extra}]'")


def test_other_failures_get_no_sdk_hint():
    assert missing_sdk_hint(ModuleNotFoundError("No module named 'numpy'", name="numpy")) is None
    assert missing_sdk_hint(ModuleNotFoundError("no name")) is None
    assert missing_sdk_hint(ValueError("pulumi_aws")) is None
    assert "pulumi_kubernetes" in missing_sdk_hint(ModuleNotFoundError("x", name="pulumi_kubernetes"))


def test_an_ai_platform_on_a_missing_cloud_registers_nothing(uninstall):
    from aiscale import AiPlatform, load_platform

    uninstall("pulumi_gcp")

    def program():
        AiPlatform("solo", {"platform": load_platform(GCP_ONLY)})

    with pytest.raises(PreviewError) as raised:
        run_inline(program)
    assert str(raised.value) == "the stack uses gcp but pulumi_gcp is not installed: pip install 'aiscale[gcp]'"
    assert [record.type for record in raised.value.resources if record.type != STACK_TYPE] == []


def test_a_plain_program_importing_a_missing_sdk_fails_with_the_extra(uninstall):
    uninstall("pulumi_azure_native")

    def program():
        import pulumi_azure_native.resources  # noqa: F401

    with pytest.raises(PreviewError) as raised:
        run_inline(program)
    assert str(raised.value) == ("the program imports pulumi_azure_native, which is not installed: "
                                 "pip install 'aiscale[azure]'")
    assert describe_failure(ModuleNotFoundError("No module named 'numpy'", name="numpy")).startswith(
        "program error: ModuleNotFoundError")


def test_aiscale_preview_exits_2_naming_the_extra(uninstall, tmp_path):
    import shutil

    import yaml

    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.gcp.yaml").write_text(
        yaml.safe_dump({"config": {"aiscale:platform": GCP_ONLY}}))
    uninstall("pulumi_gcp")
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["preview", "--cwd", str(tmp_path), "--stack", "gcp", "--no-policies"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "the stack uses gcp but pulumi_gcp is not installed: pip install 'aiscale[gcp]'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_aiscale_preflight_without_boto3_exits_2_naming_the_extra(uninstall, monkeypatch):
    uninstall("boto3", "botocore")
    for name in [n for n in sys.modules if n in ("aiscale.preflight.aws", "aiscale.preflight.runner")]:
        monkeypatch.delitem(sys.modules, name)
    result = CliRunner().invoke(app, ["preflight", "--cwd", str(REPO), "--stack", "dev"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "aiscale preflight imports" in result.stderr and "pip install 'aiscale[aws]'" in result.stderr
