"""The served pack's shortcuts (aiscale.guardrails.servicer) answer exactly as the stock SDK does.

Each test computes the stock ``_PolicyAnalyzerServicer``'s answers first, then installs every
shortcut (monkeypatch restores the SDK afterwards) and compares the serialized answers of a new
servicer: Remediate and Analyze for every resource, then AnalyzeStack, on stacks with findings.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from pulumi.runtime.proto import analyzer_pb2

from aiscale.guardrails import servicer
from aiscale.guardrails.catalogue import checks_for_pack
from aiscale.guardrails.pack import PACK_NAMES, build_policies
from aiscale.guardrails.serve import decode_once_per_call
from aiscale.preview import policy_wire as wire
from aiscale.preview.engine import run_project
from aiscale.preview.project import load_project

REPO = Path(__file__).resolve().parents[2]
STRICT = {"all": "mandatory", "SEC-STORAGE-009": "disabled", "COST-GPU-002": {"max_gpus_per_pool": 1},
          "COST-BUDGET-001": {"monthly_budget_usd": 1}}
"""Every policy mandatory, one disabled and tight limits: more findings to compare."""


@pytest.fixture(scope="module")
def stacks():
    """(project, preview) of the insecure example (many findings) and of the dev stack."""
    found = []
    for folder, stack in ((REPO / "examples" / "insecure-gpu", "dev"), (REPO, "dev")):
        project = load_project(folder, stack)
        found.append((project, run_project(project)))
    return found


def _sdk_patched(monkeypatch):
    """Let monkeypatch restore everything the shortcuts and the decoding cache replace."""
    import pulumi_policy.policy as sdk

    for name in ("json_format", "deserialize_properties", "unknown_checking_proxy", "signature"):
        monkeypatch.setattr(sdk, name, getattr(sdk, name))
    for name in ("__init__", "Analyze", "AnalyzeStack", "Remediate", "_get_resource_options",
                 "_get_provider_resource"):
        monkeypatch.setattr(sdk._PolicyAnalyzerServicer, name, getattr(sdk._PolicyAnalyzerServicer, name))
    return sdk


def _answers(sdk, policies, project, preview, config) -> list[bytes]:
    pack_servicer = sdk._PolicyAnalyzerServicer(PACK_NAMES[policies[0]], "0.0.1", policies[1],
                                                sdk.EnforcementLevel.ADVISORY)
    info = pack_servicer.GetAnalyzerInfo(None, None)
    pack_servicer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(
        policyConfig=wire.reconcile_config(info, config)), None)
    by_urn = {record.urn: record for record in preview.resources}
    answers, stack = [], []
    for record in preview.resources:
        provider = wire.provider_message(record, by_urn, project=project.name, stack=project.stack,
                                         stack_config=project.config)
        request = wire.analyze_request(
            record, wire.properties_struct(record.inputs, tuple(record.secret_paths)), provider)
        answers.append(pack_servicer.Remediate(request, None).SerializeToString(deterministic=True))
        answers.append(pack_servicer.Analyze(request, None).SerializeToString(deterministic=True))
        stack.append(wire.stack_resource(record, wire.properties_struct(
            wire.stack_properties(record), tuple(record.secret_paths)), provider))
    answers.append(pack_servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=stack),
                                              None).SerializeToString(deterministic=True))
    return answers


@pytest.mark.parametrize("config", [None, STRICT], ids=["defaults", "strict"])
@pytest.mark.parametrize("pack", ["security", "cost"])
def test_shortcuts_answer_every_call_as_the_stock_sdk(monkeypatch, stacks, pack, config):
    compared = []
    for project, preview in stacks:
        monkeypatch.setenv("PULUMI_PROJECT", project.name)
        monkeypatch.setenv("PULUMI_STACK", project.stack)
        monkeypatch.setenv("PULUMI_DRY_RUN", "true")
        monkeypatch.setenv("PULUMI_CONFIG", json.dumps(project.config))
        sdk = _sdk_patched(monkeypatch)
        stock = _answers(sdk, (pack, build_policies(pack)), project, preview, config)
        servicer.analyze_stack_once()
        decode = decode_once_per_call()
        servicer.skip_idle_remediation()
        servicer.settings_signature_once()
        servicer.index_policies_by_type(checks_for_pack(pack))
        fast = _answers(sdk, (pack, build_policies(pack, decode=decode,
                                                   stack_views=servicer.stack_views_once(decode))),
                        project, preview, config)
        monkeypatch.undo()
        assert len(fast) == len(stock) == 2 * len(preview.resources) + 1
        assert fast == stock, f"{pack} on {project.name}: the shortcuts changed an answer"
        compared += stock
    assert sum(1 for answer in compared if answer) >= 3, \
        "the stacks gave the pack little to report: the comparison would prove little"


def test_remediate_still_runs_when_a_policy_is_at_the_remediate_level(monkeypatch):
    sdk = _sdk_patched(monkeypatch)
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    calls = []

    def remediate(args):
        calls.append(args.urn)
        return {"fixed": True}

    policy = ResourceValidationPolicy(name="fixer", description="fixes", remediate=remediate,
                                      enforcement_level=EnforcementLevel.REMEDIATE)
    servicer.skip_idle_remediation()
    pack_servicer = sdk._PolicyAnalyzerServicer("p", "0.0.1", [policy], EnforcementLevel.ADVISORY)
    request = analyzer_pb2.AnalyzeRequest(type="aws:s3/bucket:Bucket", urn="urn:b", name="b")
    answer = pack_servicer.Remediate(request, None)
    assert calls == ["urn:b"] and answer.remediations[0].policyName == "fixer"


def test_analyze_asks_only_the_policies_of_the_resource_type(monkeypatch):
    sdk = _sdk_patched(monkeypatch)
    checks = checks_for_pack("security")
    resource_checks = [c for c in checks if c.scope == "resource"]
    busiest = max({t for c in resource_checks for t in c.types},
                  key=lambda t: sum(t in c.types for c in resource_checks))
    covering = [c.id for c in resource_checks if busiest in c.types]
    asked = []
    policies = build_policies("security")
    for policy in policies:
        monkeypatch.setattr(policy, "validate",
                            lambda args, report, name=policy.name: asked.append(name))
    servicer.index_policies_by_type(checks)
    pack_servicer = sdk._PolicyAnalyzerServicer("p", "0.0.1", policies, sdk.EnforcementLevel.ADVISORY)
    pack_servicer.Analyze(analyzer_pb2.AnalyzeRequest(type=busiest, urn="urn:r", name="r"), None)
    assert len(covering) >= 3 and asked == covering, f"every {busiest} check, in pack order, and no other"
    assert len(list(pack_servicer.GetAnalyzerInfo(None, None).policies)) == len(policies)


def test_the_collector_is_quieted_and_can_be_restored():
    threshold = gc.get_threshold()
    try:
        servicer.quiet_collector()
        assert gc.get_threshold()[0] == servicer.GC_FIRST_GENERATION_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
