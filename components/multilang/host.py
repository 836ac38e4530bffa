"""The provider entry point of the component package, and its schema in-process.

``serve`` is what runs when Pulumi launches the plugin (``components/__main__.py`` run as a
folder): Pulumi's ``component_provider_host`` infers the schema from the components'
annotations and docstrings, answers ``GetSchema`` (what ``pulumi package add`` asks for) and
constructs the components a consumer program declares. ``package_schema`` infers the same
schema in-process, with the same analyzer, for tests and docs.
"""

import json
from importlib import metadata
from pathlib import Path
from typing import Any

from aiscale.multilang import PACKAGE_NAME, package_components

DEFAULT_VERSION = "0.0.0"
"""The version when neither the installed distribution nor pyproject.toml says one."""


def package_version() -> str:
    """The version of the package: the installed ``aiscale`` distribution's, else the one in
    the ``pyproject.toml`` beside this folder (a repository checkout), else ``0.0.0``."""
    try:
        return metadata.version(PACKAGE_NAME)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        import tomllib

        project = tomllib.loads(pyproject.read_text()).get("project", {})
    except (ImportError, OSError, ValueError):
        return DEFAULT_VERSION
    return project.get("version", DEFAULT_VERSION) if project.get("name") == PACKAGE_NAME else DEFAULT_VERSION


def package_schema() -> dict[str, Any]:
    """The package schema exactly as the plugin reports it to ``pulumi package add``."""
    from pulumi.provider.experimental.component import ComponentProvider

    provider = ComponentProvider(package_components(), PACKAGE_NAME, None, package_version())
    return json.loads(provider.schema)


def serve() -> None:
    """Run the component provider (reads the engine address from ``sys.argv``); blocks."""
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(package_components(), PACKAGE_NAME, version=package_version())
