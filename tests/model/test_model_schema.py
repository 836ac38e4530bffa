"""The JSON Schema for editors, and the documentation contract of every model field."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

import aiscale.model as model
from aiscale import catalog
from aiscale.model import Platform, platform_json_schema

MODELS = sorted(
    (obj for obj in vars(model).values()
     if isinstance(obj, type) and issubclass(obj, BaseModel)),
    key=lambda cls: cls.__name__,
)


def test_schema_is_json_with_the_top_level_properties():
    schema = json.loads(json.dumps(platform_json_schema()))

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "name", "environment", "tags", "clouds", "kubernetes", "network", "node_pools",
        "autoscaling_groups", "buckets", "endpoints", "operations"}
    assert sorted(schema["required"]) == ["clouds", "environment", "name"]


def test_schema_carries_defaults_patterns_and_accelerators():
    schema = platform_json_schema()
    pool = schema["$defs"]["NodePool"]["properties"]

    assert pool["disk_gb"]["default"] == 100
    assert pool["name"]["pattern"] == "^[a-z][a-z0-9-]{0,18}[a-z0-9]$"
    assert pool["accelerator"]["enum"] == list(catalog.accelerators())
    assert schema["$defs"]["KubernetesSettings"]["properties"]["version"]["default"] == "1.31"
    assert "\n" not in pool["clouds"]["description"], "wrapped docstring lines are joined"


def test_schema_is_deterministic():
    assert json.dumps(platform_json_schema()) == json.dumps(platform_json_schema())


def test_the_public_names_are_exported():
    for name in ("Problem", "PlatformValidationError", "load_platform", "platform_json_schema",
                 "Platform", "AwsCloud", "AzureCloud", "GcpCloud", "Clouds",
                 "KubernetesSettings", "NetworkSettings", "NodePool", "AutoscalingGroup",
                 "Bucket", "Lifecycle", "Endpoint", "ModelLocation", "Operations", "Budget",
                 "Notifications"):
        assert name in model.__all__ and hasattr(model, name), name


@pytest.mark.parametrize("cls", MODELS, ids=[cls.__name__ for cls in MODELS])
def test_every_model_and_field_is_documented_with_its_default(cls):
    assert cls.__doc__ and cls.__doc__.strip()
    for name, info in cls.model_fields.items():
        assert info.description, f"{cls.__name__}.{name} has no docstring"
        said = "Required." if info.is_required() else "Omitted:"
        assert said in info.description, f"{cls.__name__}.{name} must say {said!r}"


def test_platform_fields_are_the_contract():
    assert list(Platform.model_fields) == [
        "name", "environment", "tags", "clouds", "kubernetes", "network", "node_pools",
        "autoscaling_groups", "buckets", "endpoints", "operations"]
