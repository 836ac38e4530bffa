"""The CrossGuard wrappers: policy objects, config merging, proxies, report_violation, not-applicable.

PolicyPack itself is never constructed here (it starts a gRPC server and blocks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pulumi_policy import (EnforcementLevel, PolicyProviderResource, PolicyResource, PolicyResourceOptions,
                           ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.policy import PolicyCustomTimeouts
from pulumi_policy.proxy import unknown_checking_proxy

from aiscale.guardrails import checks_for_pack
from aiscale.guardrails import pack as pack_module
from aiscale.guardrails.pack import PACK_NAMES, build_policies, pack_environment
from aiscale.preview.records import UNKNOWN

REPO = Path(__file__).resolve().parents[2]
OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}


def policy(pack: str, name: str):
    return next(p for p in build_policies(pack) if p.name == name)


def resource_args(token, props, config=None, provider=None, stack_tags=None):
    return ResourceValidationArgs(token, unknown_checking_proxy(props), f"urn:pulumi:dev::p::{token}::r", "r", OPTS,
                                  provider, config, stack_tags)


def validate(policy_object, args) -> list:
    reports = []
    policy_object.validate(args, lambda message, urn=None: reports.append((message, urn)))
    return reports


@pytest.mark.parametrize("pack", ["security", "cost", "wiring"])
def test_policies_mirror_the_checks(pack):
    policies = build_policies(pack)
    checks = checks_for_pack(pack)
    assert [p.name for p in policies] == [c.id for c in checks]
    for p, c in zip(policies, checks):
        assert isinstance(p, StackValidationPolicy if c.scope == "stack" else ResourceValidationPolicy)
        assert p.enforcement_level == EnforcementLevel(c.enforcement)
        assert p.severity == Severity(c.severity)
        assert p.description == c.description and p.display_name == c.title and p.remediation_steps == c.remediation
        assert (p.config_schema.properties if p.config_schema else {}) == dict(c.config_schema)


def test_resource_policy_reports_each_message():
    reports = validate(policy("security", "SEC-STORAGE-001"), resource_args(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {**FLAGS, "blockPublicAcls": False}))
    assert len(reports) == 1 and "blockPublicAcls" in reports[0][0]


def test_other_types_are_silently_skipped():
    assert validate(policy("security", "SEC-STORAGE-001"), resource_args("aws:s3/bucket:Bucket", {"acl": "private"})) == []


def test_unknown_inputs_reach_the_rule_and_become_not_applicable():
    args = resource_args("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {**FLAGS, "blockPublicAcls": UNKNOWN})
    reasons = []
    args.not_applicable = reasons.append  # the public call (the SDK's own raises its private signal)
    assert validate(policy("security", "SEC-STORAGE-001"), args) == []
    assert len(reasons) == 1 and "blockPublicAcls" in reasons[0]


def test_config_is_merged_with_defaults():
    token = "aws:ec2/launchTemplate:LaunchTemplate"
    props = {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2.0}}
    imds = policy("security", "SEC-COMPUTE-001")
    assert validate(imds, resource_args(token, props)) == []
    assert validate(imds, resource_args(token, props, config={"max_hop_limit": 1.0}))


def test_provider_default_tags_count_for_tagging():
    provider = PolicyProviderResource("pulumi:providers:aws", unknown_checking_proxy(
        {"region": "us-west-2", "defaultTags": '{"tags":{"team":"ml","cost-center":"cc"}}'}), "urn:prov", "default")
    tagging = policy("cost", "COST-TAG-001")
    assert validate(tagging, resource_args("aws:s3/bucket:Bucket", {"tags": {}}, provider=provider)) == []
    assert validate(tagging, resource_args("aws:s3/bucket:Bucket", {"tags": {}}))


def test_environment_comes_from_the_platform_model_first(monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aiscale:platform": json.dumps({"name": "acme", "environment": "staging"})}))
    monkeypatch.setenv("PULUMI_STACK", "acme-dev")
    assert pack_environment({"environment": "qa"}) == "staging"


def test_environment_comes_from_stack_tags_then_stack_name(monkeypatch):
    monkeypatch.setattr(pack_module, "platform_environment", lambda: None)
    monkeypatch.setenv("PULUMI_STACK", "dev")
    assert pack_environment({}) == "dev"
    assert pack_environment({"environment": "staging"}) == "staging"
    monkeypatch.delenv("PULUMI_STACK")
    assert pack_environment({}) == ""


def _stack_resource(token, name, props, deps=None):
    resource = PolicyResource(token, unknown_checking_proxy(props), f"urn:pulumi:dev::p::{token}::{name}", name, OPTS,
                              None, None, [], {})
    resource.property_dependencies = deps or {}
    return resource


def test_stack_policy_reports_with_urns_and_follows_dependencies():
    bucket = _stack_resource("aws:s3/bucket:Bucket", "models", {"bucket": "m"})
    orphan = _stack_resource("aws:s3/bucket:Bucket", "orphan", {"bucket": "o"})
    block = _stack_resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {**FLAGS, "bucket": UNKNOWN},
                            deps={"bucket": [bucket]})
    reports = []
    policy("security", "SEC-STORAGE-002").validate(StackValidationArgs([bucket, orphan, block]),
                                                   lambda message, urn=None: reports.append((message, urn)))
    assert [urn for _m, urn in reports] == [orphan.urn]


def test_stack_policy_not_applicable_uses_the_sdk_signal():
    args, reasons = StackValidationArgs([], {}), []
    args.not_applicable = reasons.append  # the public call; the SDK's own raises its private signal
    policy("cost", "COST-GPU-002").validate(args, lambda *a: None)
    assert len(reasons) == 1 and reasons[0]


@pytest.mark.parametrize("pack", ["security", "cost"])
def test_every_config_schema_is_a_json_schema_its_defaults_satisfy(pack):
    """What the CLI (and aiscale preview) validate a policy config against: jsonschema must
    accept the schema, and the check's own defaults must pass it."""
    from jsonschema import Draft7Validator

    checked = 0
    for check in checks_for_pack(pack):
        if not check.config_schema:
            continue
        schema = {"type": "object", "properties": {k: dict(v) for k, v in check.config_schema.items()}}
        Draft7Validator.check_schema(schema)
        assert list(Draft7Validator(schema).iter_errors(check.defaults())) == [], check.id
        numbers = [v for v in check.config_schema.values() if "number" in v["type"]]
        assert all("minimum" in v for v in numbers), f"{check.id}: every number has a minimum"
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("pack", ["security", "cost", "wiring"])
def test_pack_folders(pack):
    folder = REPO / "policies" / pack
    manifest = yaml.safe_load((folder / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert (REPO / "policies" / pack / manifest["runtime"]["options"]["virtualenv"]).resolve() == REPO / ".venv"
    main = (folder / "__main__.py").read_text()
    assert f'serve("{pack}")' in main, "the pack only assembles the rules from the package"
    assert "pulumi-policy" in (folder / "requirements.txt").read_text()
    assert PACK_NAMES[pack] == f"aiscale-{pack}"
