"""`aiscale schema --stack-file`: a JSON Schema for a whole Pulumi.<stack>.yaml, checked with the
jsonschema library against this repository's stacks, the base-platform fixtures and bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from aiscale.cli import app
from tests.conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "base_stacks"


@pytest.fixture(scope="module")
def validator():
    result = CliRunner().invoke(app, ["schema", "--stack-file"], catch_exceptions=False)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", [REPO / "stacks" / "Pulumi.dev.yaml", REPO / "stacks" / "Pulumi.prod.yaml",
                                  FIXTURES / "Pulumi.spot.yaml", FIXTURES / "Pulumi.ondemand.yaml"],
                         ids=lambda p: p.name)
def test_every_stack_file_validates(validator, path):
    assert list(validator.iter_errors(_load(path))) == []


def test_the_broken_fixture_stack_is_rejected_at_its_override(validator):
    errors = list(validator.iter_errors(_load(FIXTURES / "Pulumi.broken.yaml")))
    assert [list(e.absolute_path) for e in errors] == [["config", "aiscale:platform", "node_pools", 0, "min_nodes"]]


def test_other_config_keys_and_top_level_keys_are_allowed(validator):
    stack = _load(REPO / "stacks" / "Pulumi.dev.yaml")
    stack["config"]["aws:region"] = "us-west-2"
    stack["config"]["myproject:token"] = {"secure": "v1:abc"}
    stack["encryptionsalt"] = "v1:xyz"
    assert list(validator.iter_errors(stack)) == []


def test_a_bad_platform_is_rejected_at_its_path(validator):
    stack = _load(REPO / "stacks" / "Pulumi.dev.yaml")
    bad = copy.deepcopy(stack)
    bad["config"]["aiscale:platform"]["environment"] = "qa"
    bad["config"]["aiscale:platform"]["node_pools"][0]["accelerator"] = "nvidia-x999"
    paths = sorted("/".join(map(str, error.absolute_path)) for error in validator.iter_errors(bad))
    assert "config/aiscale:platform/environment" in paths
    assert "config/aiscale:platform/node_pools/0/accelerator" in paths
    from tests.platform.conftest import stack_model

    whole = {"config": {"aiscale:platform": stack_model("dev")}}  # no base: the whole platform
    assert list(validator.iter_errors(whole)) == []
    del whole["config"]["aiscale:platform"]["name"]
    assert any("'name' is a required property" in e.message for e in validator.iter_errors(whole))


def test_overrides_of_a_base_need_no_required_field_but_entries_need_their_name(validator):
    stack = {"config": {"aiscale:base": "base.yaml", "aiscale:platform": {"node_pools": [{"max_nodes": 6}]}}}
    assert any("'name' is a required property" in e.message for e in validator.iter_errors(stack))
    stack["config"]["aiscale:platform"]["node_pools"][0]["name"] = "serve"
    assert list(validator.iter_errors(stack)) == []
    stack["config"]["aiscale:platform"]["node_pools"][0]["capacity"] = "cheap"
    assert [list(e.absolute_path) for e in validator.iter_errors(stack)] == [
        ["config", "aiscale:platform", "node_pools", 0, "capacity"]]
    assert list(validator.iter_errors({"config": {"aiscale:base": ""}})) != []
