"""Small builders for the JSON-schema config properties of checks (each with its default).

The schemas are enforced: a policy config is validated against them with ``jsonschema`` (type,
enum, minimum, maximum, items...) as the Pulumi CLI validates it
(:func:`aiscale.preview.policy_wire.reconcile_config`).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from .context import DEFAULT_NONPROD_ENVS


def boolean(default: bool, description: str) -> dict[str, Any]:
    """A boolean config property."""
    return {"type": "boolean", "default": default, "description": description}


def number(default: Optional[float], description: str, minimum: float = 0,
           maximum: Optional[float] = None) -> dict[str, Any]:
    """A number config property of at least `minimum` (and at most `maximum`, if given); a None
    default means "not set": the check is then not applicable."""
    kind: Any = "number" if default is not None else ["number", "null"]
    schema: dict[str, Any] = {"type": kind, "minimum": minimum, "default": default, "description": description}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def string(default: str, description: str, enum: Optional[Sequence[str]] = None) -> dict[str, Any]:
    """A string config property, optionally limited to `enum`."""
    schema: dict[str, Any] = {"type": "string", "default": default, "description": description}
    if enum:
        schema["enum"] = list(enum)
    return schema


def strings(default: Sequence[str], description: str) -> dict[str, Any]:
    """A list-of-strings config property."""
    return {"type": "array", "items": {"type": "string"}, "default": list(default),
            "description": description}


def mapping(default: dict[str, Any], description: str, values: dict[str, Any]) -> dict[str, Any]:
    """An object config property whose values follow the schema `values` (keys: environments)."""
    return {"type": "object", "additionalProperties": values, "default": dict(default),
            "description": description}


def env_config() -> dict[str, dict[str, Any]]:
    """The two properties every environment-dependent check shares."""
    return {
        "environment": string(
            "", "The stack's environment. Empty: aiscale:platform.environment, then the stack "
                "tag 'environment', then the stack name."),
        "nonprod_envs": strings(DEFAULT_NONPROD_ENVS, "Environments treated as non-production."),
    }
