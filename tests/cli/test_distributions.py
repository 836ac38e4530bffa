"""The distributions: one version, an sdist and a wheel (built as ``python -m build`` builds
them) holding the catalog data and the policy packs, with metadata an index accepts, and a
CHANGELOG entry for the version. (A clean virtualenv installing the wheel with the aws extra and
previewing outside the repository: tests/install/test_extras_venv.py.)"""

from __future__ import annotations

import email
import re
import tarfile
import tomllib
import zipfile

import pytest

import aiscale
from aiscale._version import __version__
from tests.conftest import REPO
from tests.distributions import build_distributions

DATA = ("catalog/data/gpu_instances.csv", "catalog/data/storage_prices.csv",
        "policy_packs/security/PulumiPolicy.yaml", "policy_packs/security/__main__.py",
        "policy_packs/cost/PulumiPolicy.yaml", "policy_packs/cost/__main__.py", "PulumiPlugin.yaml")


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    return build_distributions(tmp_path_factory.mktemp("dists"))


def test_the_version_is_written_once():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "aiscale._version.__version__"}
    assert aiscale.__version__ == __version__ and re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{__version__}]")


def test_both_distributions_are_named_by_the_version(dists):
    sdist, wheel = dists
    assert sdist.name == f"aiscale-{__version__}.tar.gz"
    assert wheel.name == f"aiscale-{__version__}-py3-none-any.whl"


def test_the_wheel_and_sdist_hold_the_catalog_data_and_the_packs(dists):
    sdist, wheel = dists
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    in_sdist = set(tarfile.open(sdist).getnames())
    for path in DATA:
        assert f"aiscale/{path}" in in_wheel, path
        assert f"aiscale-{__version__}/components/{path}" in in_sdist, path
    assert f"aiscale-{__version__}/CHANGELOG.md" in in_sdist


def test_the_wheel_metadata_is_what_an_index_checks(dists):
    wheel = zipfile.ZipFile(dists[1])
    metadata = email.message_from_bytes(wheel.read(f"aiscale-{__version__}.dist-info/METADATA"))
    assert metadata["Name"] == "aiscale" and metadata["Version"] == __version__
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# aiscale"), "the README is the long description"
    assert {"aws", "azure", "gcp", "all"} <= set(metadata.get_all("Provides-Extra"))
    assert metadata["Requires-Python"] == ">=3.10"
    entry_points = wheel.read(f"aiscale-{__version__}.dist-info/entry_points.txt").decode()
    assert "aiscale = aiscale.cli:main" in entry_points
