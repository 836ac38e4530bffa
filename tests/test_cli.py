"""The `aiscale schema` and `aiscale catalog` commands."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aiscale import catalog
from aiscale.cli import app


def _invoke(*args: str):
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args), catch_exceptions=False)


def test_schema_prints_the_platform_json_schema(tmp_path):
    result = _invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"name", "environment", "clouds", "node_pools", "buckets", "endpoints"} <= set(schema["properties"])
    target = tmp_path / "schema.json"
    assert _invoke("schema", "--output", str(target)).exit_code == 0
    assert json.loads(target.read_text()) == schema


def test_catalog_lists_offerings_with_filters():
    result = _invoke("catalog", "--cloud", "gcp", "--accelerator", "nvidia-l4", "--region", "us-central1")
    assert result.exit_code == 0
    for offering in catalog.offerings(cloud="gcp", accelerator="nvidia-l4", region="us-central1"):
        assert offering.instance_type in result.stdout
    assert "g6." not in result.stdout, "AWS rows are filtered out"


def test_catalog_rejects_an_unknown_accelerator_with_the_valid_names():
    result = _invoke("catalog", "--accelerator", "nvidia-x1")
    assert result.exit_code == 2
    assert "nvidia-x1" in result.stderr and "nvidia-l4" in result.stderr


def test_catalog_with_no_match_exits_2():
    result = _invoke("catalog", "--cloud", "azure", "--accelerator", "nvidia-l4")
    assert result.exit_code == 2 and "no offering" in result.stderr
