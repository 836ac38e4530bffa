"""The component package's schema, inferred in-process by Pulumi's own analyzer.

``package_schema`` builds the schema with ``ComponentProvider``, exactly what the plugin answers
to ``GetSchema`` when ``pulumi package add`` runs it. Every component must be there with every
input and output it declares, required inputs as declared, and a description everywhere.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.util import camel_case

from aiscale.multilang import PACKAGE_NAME, package_components
from aiscale.multilang.host import package_schema
from tests.conftest import REPO

# (component, required inputs (schema names), outputs (schema names), reason)
EXPECTED = [
    ("ObjectStore", {"cloud", "platform", "environment", "bucket", "region"},
     {"bucketName", "bucketUrl", "keyId"}, "hosted as the Python face is"),
    ("GpuNodePool", {"cloud", "platform", "environment", "region", "clusterName", "pool",
                     "accelerator", "gpusPerNode", "maxNodes"},
     {"poolName", "machineType"}, "plain-args pool on an existing cluster"),
    ("AiPlatform", {"platform"},
     {"bucketNames", "bucketUrls", "clusterNames", "endpointUrls", "nodePoolNames", "kubeconfigs"},
     "the platform model as a plain map"),
]


@pytest.fixture(scope="module")
def schema() -> dict:
    return package_schema()


def _args_type(component: type) -> type:
    return inspect.get_annotations(component.__init__)["args"]


def test_package_is_named_aiscale_with_a_version(schema):
    assert schema["name"] == PACKAGE_NAME == "aiscale"
    assert schema["version"] and schema["version"] != "0.0.0"
    assert sorted(schema["resources"]) == sorted(f"aiscale:index:{c.__name__}" for c in package_components())


@pytest.mark.parametrize("name,required,outputs,reason", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_component_is_in_schema_with_inputs_outputs_and_docs(schema, name, required, outputs, reason):
    resource = schema["resources"].get(f"aiscale:index:{name}")
    assert resource is not None, reason
    assert resource["isComponent"] is True
    assert resource["description"].strip(), f"{name} has no description"
    component = next(c for c in package_components() if c.__name__ == name)
    args = _args_type(component)
    declared = {camel_case(key) for key in args.__required_keys__ | args.__optional_keys__}
    assert set(resource["inputProperties"]) == declared, "every args field is an input"
    assert set(resource.get("requiredInputs", [])) == required
    assert set(resource["properties"]) == outputs
    assert set(resource.get("required", [])) <= outputs
    for kind in ("inputProperties", "properties"):
        for prop, spec in resource[kind].items():
            assert spec.get("description", "").strip(), f"{name}.{prop} ({kind}) has no description"


def test_nested_types_have_descriptions(schema):
    assert schema["types"], "ObjectStore's lifecycle is a named type"
    for token, spec in schema["types"].items():
        assert token.startswith("aiscale:index:")
        assert (spec.get("description") or "").strip(), token
        for prop, prop_spec in spec.get("properties", {}).items():
            assert prop_spec.get("description", "").strip(), f"{token}.{prop}"


def test_inputs_use_multi_language_types_only(schema):
    """No unions or Python objects: every input is a primitive, array, map, named type or Any."""
    primitive = {"string", "integer", "number", "boolean", "array", "object"}
    for token, resource in schema["resources"].items():
        for prop, spec in resource["inputProperties"].items():
            assert spec.get("type") in primitive or spec.get("$ref", "").startswith(
                ("#/types/aiscale:index:", "pulumi.json#/Any")), f"{token}.{prop}: {spec}"
            assert "oneOf" not in spec, f"{token}.{prop} is a union"


# The Python faces, and whether the analyzer infers them as they are (reason when not).
FACES = [
    ("aiscale.object_store", "ObjectStore", True, "plain, real annotations: hosted directly"),
    ("aiscale.network", "Network", False, "postponed annotations; takes a CloudScope"),
    ("aiscale.kubernetes_cluster", "KubernetesCluster", False, "takes a CloudScope and a Network"),
    ("aiscale.gpu_node_pool", "GpuNodePool", True, "plain args; AiPlatform's placed pools go through it too"),
    ("aiscale.autoscaling_group", "AutoscalingGroup", False, "takes CloudScope, Network, model, Offering"),
    ("aiscale.model_endpoint", "ModelEndpoint", False, "takes CloudScope, Endpoint, components"),
    ("aiscale.platform", "AiPlatform", True, "the model as a plain map (or, from Python, the object)"),
]


@pytest.mark.parametrize("module,name,inferable,reason", FACES, ids=[f[1] for f in FACES])
def test_which_python_faces_the_analyzer_infers_as_they_are(module, name, inferable, reason):
    """If a face becomes inferable, it can be hosted directly instead of through a wrapper."""
    face = getattr(importlib.import_module(module), name)
    try:
        Analyzer(PACKAGE_NAME).analyze([face])
        inferred = True
    except Exception:  # noqa: BLE001 - the analyzer raises many kinds
        inferred = False
    assert inferred is inferable, reason
    hosted = face in package_components()
    assert hosted is inferable, f"{name}: hosted directly exactly when inferable"


def test_each_type_token_is_registered_by_exactly_one_class():
    """The package hosts the Python classes themselves: no second class per token."""
    import aiscale

    for component in package_components():
        assert getattr(aiscale, component.__name__) is component, component.__name__
    tokens = [f"aiscale:index:{c.__name__}" for c in package_components()]
    assert len(tokens) == len(set(tokens))


# (component, wire inputs (numbers as floats), python name path, expected value, reason)
WIRE_NUMBERS = [
    ("ObjectStore", {"cloud": "aws", "platform": "p", "environment": "dev", "bucket": "b",
                     "region": "r", "lifecycle": {"coolAfterDays": 30.0}},
     ("lifecycle", "cool_after_days"), 30, "integers inside a named type"),
    ("GpuNodePool", {"cloud": "aws", "platform": "p", "environment": "dev", "region": "r",
                     "clusterName": "c", "pool": "p", "accelerator": "a", "gpusPerNode": 8.0,
                     "maxNodes": 4.0}, ("gpus_per_node",), 8, "top-level integers"),
    ("GpuNodePool", {"cloud": "aws", "platform": "p", "environment": "dev", "region": "r",
                     "clusterName": "c", "pool": "p", "accelerator": "a", "gpusPerNode": 1.5,
                     "maxNodes": 4.0}, ("gpus_per_node",), 1.5, "a fraction is left for validation"),
]


@pytest.mark.parametrize("component,inputs,path,expected,reason", WIRE_NUMBERS, ids=[w[4] for w in WIRE_NUMBERS])
def test_provider_delivers_integer_inputs_as_ints(component, inputs, path, expected, reason):
    """Numbers cross the wire as floats; the package's provider hands integers over as ints."""
    from aiscale.multilang.host import package_provider

    provider = package_provider()
    value = provider.map_inputs(inputs, provider._component_defs[component])
    for key in path:
        value = value[key]
    assert value == expected and type(value) is type(expected), reason


def test_docs_list_every_component_and_every_pool_input(schema):
    docs = (REPO / "docs" / "reach.md").read_text()
    for token, resource in schema["resources"].items():
        assert f"`{token}`" in docs, token
    for name in schema["resources"]["aiscale:index:GpuNodePool"]["inputProperties"]:
        assert f"`{name}`" in docs, f"GpuNodePool input {name} is not in docs/reach.md"
    for name in schema["resources"]["aiscale:index:AiPlatform"]["properties"]:
        assert f"`{name}`" in docs, f"AiPlatform output {name} is not in docs/reach.md"
