"""The wiring pack's conventions: ids, severities, default enforcement, config schemas that
jsonschema accepts and whose defaults the code applies, and a bad config refused (exit 2)
naming the policy, the path, the value and what is valid."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from aiscale.guardrails import checks_for_pack
from aiscale.preview.pipeline import PackRun, bundled_pack_dir, run_preview
from aiscale.preview.policy_inprocess import configure_bundled
from aiscale.preview.policy_process import PolicyPackError
from aiscale.preview.project import load_project
from tests.conftest import REPO, run_cli

WIRING = checks_for_pack("wiring")


@pytest.mark.parametrize("check", WIRING, ids=lambda c: c.id)
def test_every_check_is_a_stack_check_high_and_mandatory(check):
    assert check.id.startswith("WIRE-") and check.scope == "stack" and check.severity == "high"
    assert check.enforcement == "mandatory"
    assert check.url and check.rule.__doc__


def test_config_schemas_are_json_schemas_their_defaults_satisfy():
    from jsonschema import Draft7Validator

    configured = [check for check in WIRING if check.config_schema]
    assert len(configured) >= 3
    for check in configured:
        schema = {"type": "object", "properties": {k: dict(v) for k, v in check.config_schema.items()}}
        Draft7Validator.check_schema(schema)
        assert list(Draft7Validator(schema).iter_errors(check.defaults())) == [], check.id


@pytest.mark.parametrize("config, words", [
    ({"WIRE-IMAGE-001": {"allowed_registries": "ghcr.io"}}, "WIRE-IMAGE-001: allowed_registries is 'ghcr.io'; valid: array"),
    ({"WIRE-STORAGE-001": {"min_version": 1.3}}, "WIRE-STORAGE-001: min_version is 1.3; valid: string"),
    ({"WIRE-SCHED-001": "blocking"}, "config['WIRE-SCHED-001'].enforcementLevel is 'blocking'"),
])
def test_a_bad_wiring_config_is_refused_naming_the_field(tmp_path, config, words):
    config_file = tmp_path / "dev-wiring.json"
    config_file.write_text(json.dumps(config))
    run = PackRun("wiring", bundled_pack_dir("wiring"), config, config_file)
    with pytest.raises(PolicyPackError) as raised:
        configure_bundled(run)
    assert words in str(raised.value) and str(config_file) in str(raised.value)


def test_the_cli_exits_2_on_a_bad_wiring_config(tmp_path):
    project = tmp_path / "miswired"
    shutil.copytree(REPO / "examples" / "miswired", project)
    (project / "policy").mkdir()
    (project / "policy" / "dev-wiring.json").write_text(json.dumps({"WIRE-SERVE-001": {"image_patterns": [1]}}))
    done = run_cli("preview", "--cwd", str(project), "--no-tree")
    assert done.returncode == 2
    assert "WIRE-SERVE-001: image_patterns[0] is 1; valid: string" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_config_level_applies_to_the_wiring_pack(tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "dev-wiring.json").write_text(json.dumps({"all": "advisory", "WIRE-IMAGE-001": "disabled"}))
    project = dataclasses.replace(load_project(REPO / "examples" / "miswired", "dev"), stack_config_dir=tmp_path)
    outcome = run_preview(project, packs=["wiring"])
    policies = {v.policy for v in outcome.violations}
    assert "WIRE-SCHED-001" in policies and "WIRE-IMAGE-001" not in policies
    assert {v.enforcement for v in outcome.violations} == {"advisory"} and outcome.exit_code == 0
