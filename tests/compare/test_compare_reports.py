"""compare_reports over synthetic reports: each action, the force-new table, stateful marking,
the environment and the exit rule, malformed reports."""

from __future__ import annotations

import copy
import json

import pytest
from rich.console import Console

from aiscale.preview.compare import (FORCE_NEW_INPUTS, STATEFUL_TYPES, CompareError, canonical_type,
                                     compare_reports, comparison_table, load_report, report_environment)

STACK = "urn:pulumi:prod::aiscale::pulumi:pulumi:Stack::aiscale-prod"


def resource(name: str, type_: str, protect: bool = False, **inputs) -> dict:
    """A report entry (DESIGN.md format)."""
    return {"urn": f"urn:pulumi:prod::aiscale::{type_}::{name}", "type": type_, "name": name,
            "parent": STACK, "inputs": inputs, "protect": protect, "retain_on_delete": protect}


def report(*resources: dict, stack: str = "prod") -> dict:
    return {"project": "aiscale", "stack": stack, "resources": list(resources), "cost": {},
            "policies": {"violations": []}}


BUCKET = resource("models", "aws:s3/bucket:Bucket", True, bucket="acme-models", tags={"environment": "prod"})
KEY = resource("models-key", "aws:kms/key:Key", True, keyUsage="ENCRYPT_DECRYPT", description="models")
POOL = resource("serve", "aws:eks/nodeGroup:NodeGroup", scalingConfig={"maxSize": 2})


def with_inputs(entry: dict, **inputs) -> dict:
    changed = copy.deepcopy(entry)
    changed["inputs"].update(inputs)
    return changed


def renamed(entry: dict, name: str) -> dict:
    changed = copy.deepcopy(entry)
    changed["name"] = name
    changed["urn"] = changed["urn"].rsplit("::", 1)[0] + "::" + name
    return changed


CASES = [
    # (old resources, new resources, expected (action, name, stateful) list, exit code, why)
    ([BUCKET, KEY, POOL], [BUCKET, KEY, POOL], [], 0, "identical reports change nothing"),
    ([BUCKET, KEY, POOL], [POOL, KEY, BUCKET], [], 0, "order of resources does not matter"),
    ([BUCKET, KEY], [BUCKET, KEY, POOL], [("create", "serve", False)], 0, "a new pool is created"),
    ([BUCKET, KEY, POOL], [BUCKET, KEY], [("delete", "serve", False)], 0,
     "deleting a stateless resource in prod is fine"),
    ([BUCKET, KEY, POOL], [BUCKET, KEY, with_inputs(POOL, scalingConfig={"maxSize": 4})],
     [("update", "serve", False)], 0, "a scaling change is an in-place update"),
    ([BUCKET, KEY], [with_inputs(BUCKET, versioning={"enabled": True}), KEY],
     [("update", "models", True)], 0, "a non-force-new bucket input is an update, not data loss"),
    ([BUCKET, KEY], [with_inputs(BUCKET, bucket="acme-models-2"), KEY],
     [("replace", "models", True)], 1, "a new S3 bucket name replaces the bucket"),
    ([BUCKET, KEY], [BUCKET, with_inputs(KEY, customerMasterKeySpec="RSA_2048")],
     [("replace", "models-key", True)], 1, "a new key spec replaces the KMS key"),
    ([BUCKET, KEY], [with_inputs(BUCKET, bucket="<unknown>"), KEY],
     [("replace", "models", True)], 1, "an unknown force-new input may replace: treated as one"),
    ([BUCKET, KEY], [renamed(BUCKET, "models-v2"), KEY],
     [("delete", "models", True), ("create", "models-v2", True)], 1,
     "a renamed bucket is a delete and a create of a stateful resource"),
    ([BUCKET, KEY, POOL], [renamed(POOL, "serve-2"), BUCKET, KEY],
     [("delete", "serve", False), ("create", "serve-2", False)], 0, "a renamed pool loses no data"),
]


@pytest.mark.parametrize("old, new, expected, exit_code, why", CASES, ids=[c[-1] for c in CASES])
def test_actions_stateful_marks_and_exit_code(old, new, expected, exit_code, why):
    comparison = compare_reports(report(*old), report(*new))
    assert [(c.action, c.name, c.stateful) for c in comparison.changes] == expected, why
    assert comparison.exit_code == exit_code, why
    assert comparison.unchanged == len({r["urn"] for r in old} & {r["urn"] for r in new}) - sum(
        1 for c in comparison.changes if c.action in ("update", "replace")), why


def test_replace_names_the_forcing_input_and_update_the_changed_ones():
    comparison = compare_reports(report(BUCKET), report(with_inputs(BUCKET, bucket="b2", acl="private")))
    (change,) = comparison.changes
    assert change.action == "replace" and change.inputs == ("bucket",)
    comparison = compare_reports(report(BUCKET), report(with_inputs(BUCKET, acl="private")))
    assert comparison.changes[0].inputs == ("acl",)


def test_protected_and_retained_flags_come_from_the_old_resource():
    old = report(BUCKET)
    unprotected = copy.deepcopy(BUCKET)
    unprotected.update(protect=False, retain_on_delete=False, urn=BUCKET["urn"])
    change = compare_reports(old, report(with_inputs(unprotected, bucket="x"))).changes[0]
    assert change.protected and change.retained


@pytest.mark.parametrize("environment_source, expected, why", [
    ({"stack": "prod"}, "prod", "the stack name when no resource is tagged"),
    ({"stack": "main", "tags": "prod"}, "prod", "the environment tag wins over the stack name"),
    ({"stack": "prod", "tags": "dev"}, "dev", "a dev platform previewed as stack prod is dev"),
    ({"stack": "prod", "environment": "staging"}, "staging", "an explicit report field wins"),
    ({"stack": "x", "tags": "prod", "labels": "dev"}, "x", "resources disagree: the stack name"),
])
def test_environment_resolution(environment_source, expected, why):
    entries = []
    if "tags" in environment_source:
        entries.append(resource("b", "aws:s3/bucket:Bucket", tags={"environment": environment_source["tags"]}))
    if "labels" in environment_source:
        entries.append(resource("g", "gcp:storage/bucket:Bucket", labels={"environment": environment_source["labels"]}))
    data = report(*entries, stack=environment_source["stack"])
    if "environment" in environment_source:
        data["environment"] = environment_source["environment"]
    assert report_environment(data) == expected, why


@pytest.mark.parametrize("environment, exit_code", [("prod", 1), ("production", 1), ("staging", 0), ("dev", 0)])
def test_data_loss_fails_only_in_prod(environment, exit_code):
    old, new = report(BUCKET), report(renamed(BUCKET, "models-v2"))
    new["environment"] = environment
    comparison = compare_reports(old, new)
    assert [c.action for c in comparison.data_loss] == ["delete"] and comparison.exit_code == exit_code


@pytest.mark.parametrize("token, canonical", [
    ("azure-native:storage/v20230101:StorageAccount", "azure-native:storage:StorageAccount"),
    ("azure-native:keyvault:Vault", "azure-native:keyvault:Vault"),
    ("aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"),
    ("gcp:storage/bucket:Bucket", "gcp:storage/bucket:Bucket"),
])
def test_versioned_type_tokens_are_stateful_too(token, canonical):
    assert canonical_type(token) == canonical and canonical in STATEFUL_TYPES


def test_every_force_new_table_entry_is_a_stateful_type_with_camel_case_inputs():
    for token, inputs in FORCE_NEW_INPUTS.items():
        assert token in STATEFUL_TYPES, token
        assert inputs and all(name[0].islower() and "_" not in name for name in inputs), token


@pytest.mark.parametrize("bad, path, why", [
    ([], "expected a JSON object", "a list is not a report"),
    ({"stack": "dev"}, "'resources' must be a list", "no resources"),
    ({"resources": [5]}, "resources[0]: expected an object", "an entry is not an object"),
    ({"resources": [{"type": "aws:s3/bucket:Bucket"}]}, "resources[0].urn", "no urn"),
    ({"resources": [{"urn": "u", "type": "t", "inputs": []}]}, "resources[0].inputs", "inputs not an object"),
    ({"resources": [{"urn": "u", "type": "t"}, {"urn": "u", "type": "t"}]}, "resources[1].urn", "duplicate urn"),
])
def test_malformed_reports_name_the_field(bad, path, why):
    with pytest.raises(CompareError, match=None) as raised:
        compare_reports(bad, report(BUCKET))
    assert path in str(raised.value) and str(raised.value).startswith("old report"), why


def test_load_report_errors_name_the_file(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(CompareError, match="cannot read"):
        load_report(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CompareError, match="not valid JSON"):
        load_report(broken)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(report(BUCKET)))
    assert load_report(good)["resources"][0]["name"] == "models"


def test_the_table_shows_each_change_and_the_verdict():
    comparison = compare_reports(report(BUCKET, KEY, POOL), report(renamed(BUCKET, "models-v2"), KEY))
    console = Console(width=200, record=True, color_system=None)
    console.print(comparison_table(comparison))
    text = console.export_text()
    assert "- delete" in text and "+ create" in text and "models-v2" in text
    assert "stateful, protected, retained" in text
    assert "+ 1 to create" in text and "- 2 to delete" in text
    assert "1 stateful resource(s) would be deleted or replaced in prod" in text
    console = Console(width=200, record=True, color_system=None)
    console.print(comparison_table(compare_reports(report(BUCKET), report(BUCKET))))
    assert "No stateful resource would be deleted or replaced." in console.export_text()
