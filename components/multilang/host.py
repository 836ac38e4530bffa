"""The provider entry point of the component package, and its schema in-process.

``serve`` is what runs when Pulumi launches the plugin (``components/__main__.py`` run as a
folder): Pulumi's component provider infers the schema from the components' annotations and
docstrings, answers ``GetSchema`` (what ``pulumi package add`` asks for) and constructs the
components a consumer program declares. ``package_schema`` infers the same schema in-process,
with the same analyzer, for tests and docs.

One correction to the SDK's provider (``PackageProvider``): numbers cross the wire as floats,
and pulumi 3.272's ``ComponentProvider.map_input_properties`` converts integer properties to
``int`` but then stores the float again, so ``lifecycle.cool_after_days: 30`` from YAML would
reach ``ObjectStore`` as ``30.0``. The subclass delivers whole numbers of integer properties
(nested types, lists and maps included) as ints; with a fixed SDK it changes nothing.
"""

import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from pulumi.provider.experimental.analyzer import PropertyDefinition, PropertyType
from pulumi.provider.experimental.component import ComponentProvider

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


def _as_declared(value: Any, prop: PropertyDefinition) -> Any:
    """``value`` with whole floats turned into ints where ``prop`` declares integers."""
    if prop.type == PropertyType.INTEGER and isinstance(value, float) and value.is_integer():
        return int(value)
    if prop.type == PropertyType.ARRAY and prop.items is not None and isinstance(value, list):
        return [_as_declared(item, prop.items) for item in value]
    if (prop.type == PropertyType.OBJECT and prop.additional_properties is not None
            and isinstance(value, dict)):
        return {key: _as_declared(item, prop.additional_properties) for key, item in value.items()}
    return value


class PackageProvider(ComponentProvider):
    """Pulumi's component provider for the package's components, integers delivered as ints."""

    def map_input_properties(self, inputs, properties, mapping, component_name, property_path):
        """The SDK's mapping of schema names to Python names, then integers as ints."""
        mapped = super().map_input_properties(inputs, properties, mapping, component_name,
                                              property_path)
        for schema_name, prop in properties.items():
            py_name = mapping[schema_name]
            if py_name in mapped and not prop.ref:
                mapped[py_name] = _as_declared(mapped[py_name], prop)
        return mapped


def package_provider() -> PackageProvider:
    """The provider the plugin serves: the package's components, name and version."""
    return PackageProvider(package_components(), PACKAGE_NAME, None, package_version())


def package_schema() -> dict[str, Any]:
    """The package schema exactly as the plugin reports it to ``pulumi package add``."""
    return json.loads(package_provider().schema)


def serve() -> None:
    """Run the provider as a plugin: ``sys.argv`` holds the engine address; blocks until the
    engine stops it."""
    from pulumi.provider import main

    main(package_provider(), sys.argv[1:])
