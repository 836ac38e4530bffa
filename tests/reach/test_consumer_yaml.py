"""examples/consumer-yaml: a Pulumi YAML program using the component package.

No YAML runtime or CLI here, so the test does what they would: it checks every resource and
output against the schema ``pulumi package add`` generates, resolves the program's config
interpolations, sends the properties as the wire does (numbers as floats) and constructs each
component through the package's provider (``construct``, as the plugin does) on the offline
runtime.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from aiscale.multilang.host import package_provider, package_schema
from tests.conftest import REPO

from .helpers import NODE_GROUP, records_of

EXAMPLE = REPO / "examples" / "consumer-yaml"
INTERPOLATION = re.compile(r"^\$\{([A-Za-z0-9_.]+)\}$")


@pytest.fixture(scope="module")
def program() -> dict:
    return yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())


@pytest.fixture(scope="module")
def schema() -> dict:
    return package_schema()


def test_package_entry_points_at_the_component_package(program):
    assert program["runtime"] == "yaml"
    source = (EXAMPLE / program["packages"]["aiscale"]).resolve()
    assert source == (REPO / "components").resolve()
    assert (source / "PulumiPlugin.yaml").is_file()


def _check_properties(props: dict, spec: dict, schema: dict, where: str) -> None:
    """Every property is declared in ``spec`` (and in the named types it refers to)."""
    declared = spec.get("inputProperties", spec.get("properties", {}))
    for key, value in props.items():
        assert key in declared, f"{where}.{key} is not an input; inputs: {sorted(declared)}"
        ref = declared[key].get("$ref", "")
        if ref.startswith("#/types/") and isinstance(value, dict):
            _check_properties(value, schema["types"][ref.removeprefix("#/types/")], schema, f"{where}.{key}")


def test_every_resource_and_output_matches_the_schema(program, schema):
    resources = program["resources"]
    assert {r["type"] for r in resources.values()} == set(schema["resources"]), "all three used"
    for name, resource in resources.items():
        spec = schema["resources"][resource["type"]]
        _check_properties(resource["properties"], spec, schema, name)
        missing = set(spec.get("requiredInputs", [])) - set(resource["properties"])
        assert not missing, f"{name} misses required inputs {missing}"
    for output, text in program["outputs"].items():
        resource, prop = INTERPOLATION.match(text).group(1).split(".")
        assert prop in schema["resources"][resources[resource]["type"]]["properties"], output


def _resolve(value: Any, variables: dict[str, Any]) -> Any:
    """Config interpolations replaced, numbers as the wire carries them (floats)."""
    if isinstance(value, str) and INTERPOLATION.match(value):
        return _resolve(variables[INTERPOLATION.match(value).group(1)], variables)
    if isinstance(value, dict):
        return {key: _resolve(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, variables) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def test_components_construct_through_the_provider(program, schema):
    variables = {"pulumi.stack": "dev", **{key: spec["default"] for key, spec in program["config"].items()}}
    states = {}

    def run() -> None:
        provider = package_provider()
        for name, resource in program["resources"].items():
            inputs = _resolve(resource["properties"], variables)
            states[name] = provider.construct(name, resource["type"], inputs, None).state

    records = records_of(run)
    types = {(r.type, r.name) for r in records}
    assert ("aws:s3/bucket:Bucket", "models-bucket") in types
    assert ("aws:eks/cluster:Cluster", "platform-aws-k8s-eks") in types
    groups = {r.name: r for r in records if r.type == NODE_GROUP}
    assert groups["inference-gpu"].inputs["clusterName"] == "vision-dev"
    assert groups["inference-gpu"].inputs["capacityType"] == "SPOT"
    assert groups["platform-aws-train-gpu"].inputs["instanceTypes"] == ["p4de.24xlarge"]
    for name, resource in program["resources"].items():
        assert set(states[name]) <= set(schema["resources"][resource["type"]]["properties"])
        assert states[name], f"{name} returned no outputs"
