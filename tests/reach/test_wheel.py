"""``pip install <path>``: the wheel holds every module of components/ as ``aiscale``, the
catalog data and the policy packs, and an installed copy serves a consumer project that has its
own ``components`` package.

The wheel is built from a copy of the sources (pyproject.toml, README.md, components/), so the
build leaves nothing in the work tree. It is built offline (``--no-build-isolation``) when this
environment can build wheels itself (setuptools >= 70.1 or the ``wheel`` package); otherwise pip
fetches the build requirements pyproject.toml declares.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

COMPONENTS = REPO / "components"
CONSUMER = REPO / "examples" / "consumer-python"
SKIPPED_DIRS = {"__pycache__", "venv", ".venv"}


def _can_build_offline() -> bool:
    """True when setuptools here has ``bdist_wheel`` (>= 70.1, or the wheel package is there)."""
    version = tuple(int(part) for part in importlib.metadata.version("setuptools").split(".")[:2])
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _source_files(suffixes: tuple[str, ...]) -> list[Path]:
    """Files of components/ with one of ``suffixes``, outside caches and virtualenvs."""
    return sorted(path for path in COMPONENTS.rglob("*") if path.suffix in suffixes
                  and not SKIPPED_DIRS & set(path.relative_to(COMPONENTS).parts))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, a folder it is installed into with ``pip install --target``)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(COMPONENTS, source / "components",
                    ignore=shutil.ignore_patterns(*SKIPPED_DIRS, "*.pyc"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    isolation = ["--no-build-isolation"] if _can_build_offline() else []
    done = subprocess.run([*pip, "wheel", "--no-deps", *isolation, "-q", "-w", str(work / "dist"),
                           str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel = next((work / "dist").glob("aiscale-*.whl"))
    done = subprocess.run([*pip, "install", "--no-deps", "--no-compile", "-q", "--target",
                           str(work / "site"), str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return wheel, work / "site"


@pytest.fixture(scope="module")
def names(built) -> set[str]:
    return set(zipfile.ZipFile(built[0]).namelist())


def test_every_module_of_components_is_in_the_wheel_as_aiscale(names):
    modules = _source_files((".py",))
    assert len(modules) > 50
    missing = [str(m.relative_to(COMPONENTS)) for m in modules
               if f"aiscale/{m.relative_to(COMPONENTS).as_posix()}" not in names]
    assert missing == []


# (glob under components/, reason)
DATA = [
    ("catalog/data/*.csv", "the accelerator catalog and prices"),
    ("catalog/data/*.md", "the catalog's provenance"),
    ("policy_packs/*/__main__.py", "the bundled policy packs' programs"),
    ("policy_packs/*/PulumiPolicy.yaml", "the bundled policy packs' manifests"),
    ("PulumiPlugin.yaml", "the component package manifest"),
]


@pytest.mark.parametrize("pattern,reason", DATA, ids=[d[1] for d in DATA])
def test_data_files_are_in_the_wheel(names, pattern, reason):
    files = sorted(COMPONENTS.glob(pattern))
    assert files, f"no {pattern} in components/"
    for path in files:
        assert f"aiscale/{path.relative_to(COMPONENTS).as_posix()}" in names, reason


def test_the_wheel_installs_only_the_aiscale_package_and_the_command(names):
    assert {name.split("/")[0] for name in names} == {"aiscale", "aiscale-0.1.0.dist-info"}
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert entry_points.startswith("aiscale-")


def _run_installed(site: Path, *args: str) -> subprocess.CompletedProcess:
    """Python with the installed wheel first on the path, in the consumer's folder."""
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, *args], cwd=CONSUMER, env=env, capture_output=True,
                          text=True, timeout=300)


def test_installed_aiscale_has_every_component_beside_the_consumers_components(built):
    site = built[1]
    probe = """
import json, aiscale, components.naming
from aiscale import catalog
from aiscale.network import Network
from aiscale.kubernetes_cluster import KubernetesCluster
from aiscale.gpu_node_pool import GpuNodePool
from aiscale.autoscaling_group import AutoscalingGroup
from aiscale.object_store import ObjectStore
from aiscale.model_endpoint import ModelEndpoint
from aiscale.platform import AiPlatform
from aiscale.multilang import package_components
print(json.dumps({"aiscale": aiscale.__file__, "components": components.naming.__file__,
                  "public": [getattr(aiscale, n).__name__ for n in aiscale.__all__ if hasattr(getattr(aiscale, n), "__name__")],
                  "package": [c.__name__ for c in package_components()],
                  "offerings": len(catalog.offerings())}))
"""
    done = _run_installed(site, "-c", probe)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["aiscale"] == str(site / "aiscale" / "__init__.py"), "the installed copy"
    assert seen["components"] == str(CONSUMER / "components" / "naming.py"), "the consumer's own"
    assert {"AiPlatform", "ObjectStore"} <= set(seen["public"])
    assert seen["package"] == ["ObjectStore", "GpuNodePool", "AiPlatform"]
    assert seen["offerings"] > 0, "catalog data read from the installed package"


def test_installed_aiscale_previews_the_consumer_with_its_bundled_policy_packs(built, tmp_path):
    report = tmp_path / "report.json"
    done = _run_installed(built[1], "-m", "aiscale", "preview", "--cwd", str(CONSUMER),
                          "--json", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(report.read_text())
    assert {"aiscale:index:ObjectStore", "aiscale:index:GpuNodePool"} <= {r["type"] for r in data["resources"]}
    assert "Policies (security, cost, wiring)" in done.stdout
