"""In-process evaluation over preview records: findings, enforcement config, environment, providers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.guardrails import Finding, evaluate, views_from_records
from aiscale.preview.records import UNKNOWN, ResourceRecord

ROOT = "urn:pulumi:dev::aiscale::"


def record(token, name, inputs, **kw):
    return ResourceRecord(urn=f"{ROOT}{token}::{name}", type=token, name=name, custom=kw.pop("custom", True), inputs=inputs, **kw)


PROVIDER = record("pulumi:providers:aws", "aws-east", {"region": "us-east-1", "defaultTags": '{"tags":{"team":"ml","cost-center":"c"}}'})
COMPONENT = record("aiscale:index:ObjectStore", "models", {"acl": "public-read"}, custom=False)
BAD_PAB = record("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab",
                 {"blockPublicAcls": False, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True})
TRAIN = record("aws:eks/nodeGroup:NodeGroup", "train", {"instanceTypes": ["g6.xlarge"], "capacityType": "ON_DEMAND",
                                                        "scalingConfig": {"minSize": 0.0, "maxSize": 2.0},
                                                        "taints": [{"key": "nvidia.com/gpu", "effect": "NO_SCHEDULE"}]},
               provider=f"{PROVIDER.urn}::{UNKNOWN}")
RECORDS = [PROVIDER, COMPONENT, BAD_PAB, TRAIN]


def policies(findings):
    return [f.policy for f in findings]


def test_findings_for_security_and_cost_in_pack_then_check_order():
    cheap = SimpleNamespace(monthly_min=0.0, monthly_max=5.0, unpriced=())
    findings = evaluate(RECORDS, ["security", "cost"], stack="dev", estimator=lambda r: cheap)
    assert policies(findings) == ["SEC-STORAGE-001", "COST-GPU-004"]
    first = findings[0]
    assert (first.pack, first.enforcement, first.severity, first.urn) == ("security", "mandatory", "high", BAD_PAB.urn)


def test_components_are_not_checked_and_provider_default_tags_count():
    findings = evaluate(RECORDS, ["cost"], {"COST-BUDGET-002": "disabled"}, stack="prod")
    assert COMPONENT.urn not in {f.urn for f in findings}
    assert "COST-TAG-001" not in policies(findings), "the provider's default tags carry team and cost-center"


def test_views_resolve_the_provider_reference():
    views = {v.name: v for v in views_from_records(RECORDS)}
    assert "models" not in views
    assert views["train"].provider_props["region"] == "us-east-1"
    assert views["train"].provider_urn == PROVIDER.urn


@pytest.mark.parametrize("config,expected,reason", [
    ({}, "mandatory", "the check's default"),
    ({"all": "advisory"}, "advisory", "pack-wide level"),
    ({"all": "advisory", "SEC-STORAGE-001": "mandatory"}, "mandatory", "per-policy level wins"),
    ({"SEC-STORAGE-001": {"enforcementLevel": "remediate"}}, "mandatory", "remediate is reported as mandatory"),
    ({"SEC-STORAGE-001": {"enforcementLevel": "disabled"}}, None, "disabled"),
])
def test_enforcement_config(config, expected, reason):
    found = [f for f in evaluate([BAD_PAB], ["security"], config) if f.policy == "SEC-STORAGE-001"]
    assert [f.enforcement for f in found] == ([expected] if expected else []), reason


def test_invalid_level_names_the_policy_and_the_choices():
    with pytest.raises(ValueError, match=r"SEC-STORAGE-001.*'sometimes'.*advisory, mandatory"):
        evaluate([BAD_PAB], ["security"], {"SEC-STORAGE-001": "sometimes"})


def test_environment_argument_beats_the_stack_name():
    in_prod = evaluate([TRAIN], ["cost"], {"COST-BUDGET-002": "disabled"}, stack="dev", environment="prod")
    assert "COST-GPU-004" not in policies(in_prod)
    in_dev = evaluate([TRAIN], ["cost"], {"COST-BUDGET-002": "disabled"}, stack="prod", stack_tags={"environment": "dev"})
    assert "COST-GPU-004" in policies(in_dev)


def test_finding_report_shape():
    finding = Finding("cost", "COST-GPU-004", "mandatory", "medium", None, "m")
    assert finding.to_report() == {"pack": "cost", "policy": "COST-GPU-004", "enforcement": "mandatory",
                                   "severity": "medium", "urn": None, "message": "m"}


def test_unknown_pack_is_refused():
    with pytest.raises(ValueError, match="security, cost"):
        evaluate([], ["finops"])
