"""The neutral modules name no cloud: what differs by cloud lives in its adapter.

Scans every module of ``components/`` outside the per-cloud folders for a string literal that
is a cloud's name (``"aws"``, ``'gcp'``): a branch on a cloud, a per-cloud table or a list of
clouds. Docstrings and prose inside longer strings are not flagged.
"""

from __future__ import annotations

import ast
from pathlib import Path

from aiscale import clouds
from tests.conftest import REPO

COMPONENTS = REPO / "components"

#: Folders that are per cloud by design: the registry and adapters, the builders, catalog data.
PER_CLOUD = {"clouds", *clouds.names(), "catalog"}

#: Folders owned by other changes, which move onto the registry later: allowed for now.
ALLOWED_FOR_NOW = {
    "preview": "the offline engine's fake cloud answers per provider (not model code)",
}

#: Neutral modules that still name a cloud, and why: each is a known, listed debt. Remove an
#: entry when its module is moved onto the registry; a module not listed here fails the test.
PENDING: dict[str, str] = {}


def _named_clouds(path: Path) -> list[tuple[int, str]]:
    """(line, cloud) of every string literal in ``path`` that is exactly a cloud's name."""
    names = set(clouds.names())
    tree = ast.parse(path.read_text(), filename=str(path))
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in names)


def _neutral_modules() -> list[Path]:
    found = []
    for path in sorted(COMPONENTS.rglob("*.py")):
        top = path.relative_to(COMPONENTS).parts[0]
        per_cloud_module = path.stem.lstrip("_") in clouds.names()  # facts/aws.py: one cloud's readers
        if (top not in PER_CLOUD and top not in ALLOWED_FOR_NOW and not per_cloud_module
                and "venv" not in path.parts):
            found.append(path)
    return found


def test_no_neutral_module_names_a_cloud():
    offenders = {}
    for path in _neutral_modules():
        relative = path.relative_to(COMPONENTS).as_posix()
        named = _named_clouds(path)
        if named and relative not in PENDING:
            offenders[relative] = named
    assert not offenders, ("these modules name a cloud; put what differs by cloud in its adapter "
                           f"(aiscale.clouds): {offenders}")


def test_the_pending_list_holds_only_modules_that_still_name_a_cloud():
    """So the list shrinks as modules move onto the registry, and never hides a clean one."""
    stale = [module for module in PENDING if not _named_clouds(COMPONENTS / module)]
    assert not stale, f"remove from PENDING (they name no cloud now): {stale}"


def test_the_scan_sees_a_branch_on_a_cloud(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text('"""Mentions aws in prose."""\nif cloud == "gcp":\n    pass\n')
    assert _named_clouds(module) == [(2, "gcp")]
