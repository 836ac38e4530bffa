"""The distribution ships every subpackage of components/ under the import name aiscale."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(("aiscale", *init.parent.relative_to(REPO / "components").parts))
        for init in (REPO / "components").rglob("__init__.py")
        if "venv" not in init.relative_to(REPO / "components").parts
    }
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - on_disk == set(), "these listed packages do not exist"


def test_public_api_names_resolve():
    import aiscale

    for name in aiscale.__all__:
        assert getattr(aiscale, name) is not None, name


# -- install extras ----------------------------------------------------------------------------

PROVIDER_SDKS = {"pulumi-aws", "pulumi-azure-native", "pulumi-gcp", "pulumi-kubernetes"}
CLOUD_SDK = {"aws": "pulumi-aws", "azure": "pulumi-azure-native", "gcp": "pulumi-gcp"}


def _name(requirement: str) -> str:
    """The distribution name of a requirement string (``moto[s3]>=5`` -> ``moto``)."""
    return re.split(r"[\[<>=!~ ;]", requirement.strip(), maxsplit=1)[0].lower()


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_the_base_install_has_no_provider_sdk_and_no_boto3():
    names = {_name(r) for r in _project()["dependencies"]}
    assert names & (PROVIDER_SDKS | {"boto3"}) == set()
    assert {"pulumi", "pulumi-policy", "pydantic"} <= names


def test_each_cloud_extra_is_its_sdk_plus_kubernetes_only():
    extras = _project()["optional-dependencies"]
    for cloud, sdk in CLOUD_SDK.items():
        providers = {_name(r) for r in extras[cloud]} & PROVIDER_SDKS
        assert providers == {sdk, "pulumi-kubernetes"}, cloud
    assert {_name(r) for r in extras["aws"]} - PROVIDER_SDKS == {"boto3"}, "boto3 (preflight) is AWS's"


def test_all_is_every_cloud_extra_and_test_has_all():
    extras = _project()["optional-dependencies"]
    every_cloud = set().union(*(extras[cloud] for cloud in CLOUD_SDK))
    assert set(extras["all"]) == every_cloud, "the same requirement strings, so the pins agree"
    assert set(extras["all"]) <= set(extras["test"]), "the test suite covers every cloud"


def test_requirements_files_install_what_their_users_need():
    root = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert root == ["-e .[all]"], "this repository's stacks use all three clouds"
    for pack in ("security", "cost", "wiring"):  # the packs read registered inputs, never a provider SDK
        lines = (REPO / "policies" / pack / "requirements.txt").read_text()
        assert "-e ../.." in lines and not PROVIDER_SDKS & {_name(line) for line in lines.splitlines()}


def test_readme_and_ci_install_the_same_way():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    install = re.search(r"python3 -m venv \.venv && \.venv/bin/pip install [^&]+", ci).group(0).replace(" -q", "")
    first, second = re.findall(r"```bash\n(.+?)\n```", readme)[:2]
    assert first.startswith(install + "&& .venv/bin/aiscale preview")
    assert second.startswith(install + "&& .venv/bin/pytest")
