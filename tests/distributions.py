"""Build aiscale's sdist and wheel as ``python -m build --no-isolation`` does: the PEP 517 hooks
of the backend pyproject.toml names (setuptools), called from a copy of the sources so the build
leaves nothing in the work tree. Shared by tests/cli/test_distributions.py and
tests/install/test_extras_venv.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SOURCES = ("pyproject.toml", "README.md", "CHANGELOG.md", "MANIFEST.in")
"""The files besides components/ that a distribution is built from."""
_HOOKS = """
import sys
from setuptools import build_meta
out = sys.argv[1]
sdist, wheel = build_meta.build_sdist(out), build_meta.build_wheel(out)
print("built:", sdist, wheel)
"""


def copy_sources(folder: Path) -> Path:
    """A copy of what the distributions are built from, in `folder`/src."""
    source = folder / "src"
    source.mkdir()
    for name in SOURCES:
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "components", source / "components",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "venv", ".venv"))
    return source


def build_distributions(folder: Path) -> tuple[Path, Path]:
    """(sdist, wheel) built into `folder`/dist from a copy of the sources."""
    source = copy_sources(folder)
    dist = folder / "dist"
    dist.mkdir()
    done = subprocess.run([sys.executable, "-c", _HOOKS, str(dist)], cwd=source, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    built = [line for line in done.stdout.splitlines() if line.startswith("built: ")][-1]
    sdist_name, wheel_name = built.split()[1:]
    return dist / sdist_name, dist / wheel_name
