"""The JSON Schema of the platform model, for editors and for validating stack files."""

from __future__ import annotations

import re
from typing import Any

from .platform import Platform

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic generates."""

ACCELERATOR_MODELS = ("NodePool", "AutoscalingGroup", "Endpoint")
"""Definitions whose `accelerator` property lists the catalog's accelerators."""

_WRAPPED_LINE = re.compile(r"(?<!\n)\n(?!\n)")


def platform_json_schema() -> dict[str, Any]:
    """The JSON Schema of the value of the stack config key `aiscale:platform`.

    Field shapes, defaults, descriptions and the catalog's accelerator names (as an enum, so
    editors complete them); the rules across sections and the catalog's regions and GPU
    counts are checked only by `load_platform`.
    """
    from aiscale import catalog

    schema = Platform.model_json_schema(mode="validation")
    accelerators = list(catalog.accelerators())
    for name in ACCELERATOR_MODELS:
        schema["$defs"][name]["properties"]["accelerator"]["enum"] = accelerators
    _unwrap_descriptions(schema)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "aiscale:platform",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def _unwrap_descriptions(node: Any) -> None:
    """Join the hard-wrapped lines of docstring descriptions (paragraph breaks stay)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = _WRAPPED_LINE.sub(" ", value)
            else:
                _unwrap_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            _unwrap_descriptions(value)


STACK_FILE_TITLE = "Pulumi stack file with an aiscale platform"
"""The title of :func:`stack_file_json_schema`."""


def _without_required(node: Any, keep_name: bool) -> Any:
    """A copy of a schema node with no ``required`` (overrides may set any subset), except
    ``name`` on list entries, which is how overrides find the base entry they change."""
    if isinstance(node, dict):
        copy = {key: _without_required(value, keep_name) for key, value in node.items() if key != "required"}
        if keep_name and "name" in node.get("properties", {}) and "required" in node:
            copy["required"] = ["name"]
        return copy
    if isinstance(node, list):
        return [_without_required(value, keep_name) for value in node]
    return node


def stack_file_json_schema() -> dict[str, Any]:
    """The JSON Schema of a whole ``Pulumi.<stack>.yaml``: any top-level key and any config
    key are allowed; ``aiscale:platform`` is checked against the platform model (every
    required field) or, when the stack sets ``aiscale:base``, as overrides (any subset of the
    fields; list entries need their ``name``); ``aiscale:base`` is a file path."""
    platform = platform_json_schema()
    definitions = platform.pop("$defs", {})
    platform.pop("$schema", None)
    overrides = _without_required({**platform, "title": "aiscale:platform (overrides of aiscale:base)"},
                                  keep_name=False)
    definitions = {**definitions,
                   **{f"{name}Override": _without_required(node, keep_name=True) for name, node in definitions.items()}}
    overrides = _retarget(overrides)
    for name in [n for n in definitions if n.endswith("Override")]:
        definitions[name] = _retarget(definitions[name])
    return {
        "$schema": SCHEMA_DIALECT,
        "title": STACK_FILE_TITLE,
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "description": "Stack configuration: any key; aiscale:platform and aiscale:base are checked.",
                "properties": {
                    "aiscale:base": {"type": "string", "minLength": 1,
                                     "description": "A YAML file holding a base platform, relative to this "
                                                    "stack file; aiscale:platform is deep-merged over it."},
                },
                "if": {"required": ["aiscale:base"]},
                "then": {"properties": {"aiscale:platform": {"$ref": "#/$defs/PlatformOverride"}}},
                "else": {"properties": {"aiscale:platform": {"$ref": "#/$defs/Platform"}}},
            },
        },
        "$defs": {**definitions, "Platform": platform, "PlatformOverride": overrides},
    }


def _retarget(node: Any) -> Any:
    """References to ``#/$defs/X`` in an override schema point at ``#/$defs/XOverride``."""
    if isinstance(node, dict):
        return {key: (value + "Override" if key == "$ref" and isinstance(value, str)
                      and value.startswith("#/$defs/") else _retarget(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_retarget(value) for value in node]
    return node
