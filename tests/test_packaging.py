"""The distribution ships every subpackage of components/ under the import name aiscale."""

from __future__ import annotations

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
