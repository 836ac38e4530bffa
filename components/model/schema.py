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
