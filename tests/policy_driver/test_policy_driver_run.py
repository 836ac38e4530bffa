"""The policy driver against real pack processes (tests/policy_driver/fixtures/*)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest

from aiscale.preview import policy_process
from aiscale.preview.policy_driver import PolicyPackError, Violation, run_policy_packs
from aiscale.preview.records import UNKNOWN, ResourceRecord

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE, OTHER, BROKEN = FIXTURES / "sample_pack", FIXTURES / "other_pack", FIXTURES / "broken_pack"
ROOT = "urn:pulumi:dev::proj::"
STACK_URN = ROOT + "pulumi:pulumi:Stack::proj-dev"


def _record(type_token: str, name: str, inputs: dict, **extra) -> ResourceRecord:
    return ResourceRecord(urn=f"{ROOT}pulumi:pulumi:Stack${type_token}::{name}",
                          type=type_token, name=name, custom=extra.pop("custom", True),
                          inputs=inputs, parent=extra.pop("parent", STACK_URN), **extra)


def _records() -> list[ResourceRecord]:
    stack = ResourceRecord(urn=STACK_URN, type="pulumi:pulumi:Stack", name="proj-dev",
                           custom=False)
    west = _record("pulumi:providers:aws", "west", {"region": "us-west-2"}, id="west-id")
    store = _record("aiscale:index:ObjectStore", "store", {}, custom=False)
    good = _record("aws:s3/bucket:Bucket", "good", {"bucket": "good-1", "tags": {"team": "ml"}},
                   parent=store.urn, protect=True)
    bad = _record("aws:s3/bucket:Bucket", "bad", {"bucket": UNKNOWN, "tags": {"x": "y"}},
                  parent=store.urn, dependencies=[good.urn],
                  property_dependencies={"tags": [good.urn]})
    node_group = "aws:eks/nodeGroup:NodeGroup"
    big = _record(node_group, "big", {"scalingConfig": {"maxSize": 20.0}},
                  provider=f"{west.urn}::west-id")
    huge = _record(node_group, "huge", {"scalingConfig": {"maxSize": 40.0}})
    small = _record(node_group, "small", {"scalingConfig": {"maxSize": 5.0}},
                    provider=f"{west.urn}::west-id")
    return [stack, west, store, good, bad, big, huge, small]


RECORDS = _records()
URN = {r.name: r.urn for r in RECORDS}


@pytest.fixture()
def started(monkeypatch) -> list[subprocess.Popen]:
    """Every pack process the driver starts (to check none outlives the run)."""
    processes: list[subprocess.Popen] = []
    real = subprocess.Popen

    def spy(*args, **kwargs):
        process = real(*args, **kwargs)
        processes.append(process)
        return process

    monkeypatch.setattr(policy_process.subprocess, "Popen", spy)
    return processes


@pytest.fixture(scope="module")
def default_run() -> list[Violation]:
    """The sample pack with its own defaults, stack config aws:region us-east-1."""
    return run_policy_packs([SAMPLE], RECORDS, project="proj", stack="dev",
                            stack_config={"aws:region": "us-east-1"})


def _find(violations, policy, name=None):
    urn = URN[name] if name else None
    return [v for v in violations if v.policy == policy and v.urn == urn]


# (policy, resource, enforcement, severity, words of the message, why)
FINDINGS = [
    ("bucket-tagged", "bad", "mandatory", "high", "bucket bad has no team tag",
     "a failing resource gets the mandatory policy's violation, severity from the policy"),
    ("node-group-size", "big", "advisory", "unspecified",
     "maxSize 20 exceeds 10.0 (provider pulumi:providers:aws region us-west-2)",
     "schema default maxNodes=10 applied; the explicit provider resource reaches the policy"),
    ("node-group-size", "huge", "advisory", "unspecified",
     "provider pulumi:providers:aws region us-east-1",
     "a resource on the default provider gets the stack config as provider inputs"),
    ("unknown-name", "bad", "advisory", "low",
     "bucket name is unknown: string value at .bucket can't be known during preview",
     "an unknown input reaches the policy as unknown"),
]


@pytest.mark.parametrize("policy,name,enforcement,severity,words,why", FINDINGS,
                         ids=[f"{c[0]}-{c[1]}" for c in FINDINGS])
def test_failing_resources_are_reported(default_run, policy, name, enforcement, severity,
                                        words, why):
    found = _find(default_run, policy, name)
    assert len(found) == 1, default_run
    assert (found[0].pack, found[0].enforcement, found[0].severity) == ("sample", enforcement,
                                                                       severity)
    assert words in found[0].message


@pytest.mark.parametrize("policy,name", [
    ("bucket-tagged", "good"), ("unknown-name", "good"), ("node-group-size", "small"),
    ("bucket-tagged", "store"), ("bucket-tagged", "west"),
])
def test_compliant_resources_are_not_reported(default_run, policy, name):
    assert _find(default_run, policy, name) == []


def test_stack_policy_sees_every_resource_with_parents_and_dependencies(default_run):
    inventory = _find(default_run, "stack-inventory")
    assert len(inventory) == 1 and f"{len(RECORDS)} resources:" in inventory[0].message
    assert "aiscale:index:ObjectStore" in inventory[0].message
    for bucket, deps in (("good", "[]"), ("bad", "['good']")):
        found = _find(default_run, "stack-inventory", bucket)
        assert found and f"parent aiscale:index:ObjectStore deps {deps}" in found[0].message


def test_violations_are_in_deterministic_order(default_run):
    assert default_run == sorted(default_run, key=Violation.sort_key)
    assert all(set(v.to_report()) == {"pack", "policy", "enforcement", "severity", "urn",
                                      "message"} for v in default_run)


def test_config_changes_enforcement_and_values(started):
    config = {"node-group-size": {"enforcementLevel": "mandatory", "maxNodes": 30},
              "bucket-tagged": "disabled"}
    found = run_policy_packs([SAMPLE], RECORDS, project="proj", stack="dev", config=config)
    assert _find(found, "bucket-tagged", "bad") == [], "disabled by config"
    assert _find(found, "node-group-size", "big") == [], "20 is within the configured 30"
    huge = _find(found, "node-group-size", "huge")
    assert len(huge) == 1 and huge[0].enforcement == "mandatory"
    assert "exceeds 30" in huge[0].message
    assert started and all(p.poll() is not None for p in started), "no pack process is left"


def test_two_packs_run_together_in_order(started):
    found = run_policy_packs([OTHER, SAMPLE], RECORDS, project="proj", stack="dev",
                             config={"all": "advisory"})
    assert {v.pack for v in found} == {"other", "sample"}
    protected = [v for v in found if v.pack == "other"]
    assert [(v.urn, v.severity) for v in protected] == [(URN["good"], "medium")]
    assert found == sorted(found, key=Violation.sort_key)
    assert all(v.enforcement == "advisory" for v in found), "'all' applied to every policy"
    assert len(started) == 2 and all(p.poll() is not None for p in started)


def test_pack_log_messages_reach_the_driver_log(caplog):
    with caplog.at_level(logging.INFO, logger="aiscale.preview.policy_driver"):
        run_policy_packs([OTHER], RECORDS[:1], project="proj", stack="dev",
                         config={"bucket-tagged": "advisory"})
    assert "policy config names 'bucket-tagged', which no policy pack has" in caplog.text
    with caplog.at_level(logging.INFO, logger="aiscale.preview.policy_driver"):
        run_policy_packs([SAMPLE], RECORDS[:1], project="proj", stack="dev")
    assert "sample pack loaded" in caplog.text


def test_a_broken_pack_raises_with_its_stderr_and_leaves_no_process(started):
    with pytest.raises(PolicyPackError) as raised:
        run_policy_packs([BROKEN], RECORDS, project="proj", stack="dev")
    message = str(raised.value)
    assert str(BROKEN) in message and "exited with code" in message
    assert "RuntimeError: this pack is broken on purpose" in message
    assert started and all(p.poll() is not None for p in started)


def test_invalid_config_raises_naming_policy_and_value(started):
    with pytest.raises(PolicyPackError, match=r"node-group-size: maxNodes is 'ten'; valid: "
                                              r"integer"):
        run_policy_packs([SAMPLE], RECORDS, project="proj", stack="dev",
                         config={"node-group-size": {"maxNodes": "ten"}})
    assert started and all(p.poll() is not None for p in started)


@pytest.mark.parametrize("files,words", [
    ({"__main__.py": "print('hello')\n"}, "no PulumiPolicy.yaml"),
    ({"PulumiPolicy.yaml": "runtime: nodejs\n", "index.ts": ""}, "runtime is 'nodejs'"),
    ({"PulumiPolicy.yaml": "runtime: python\n", "__main__.py": "print('hello')\n"},
     "printed 'hello' where its port was expected"),
])
def test_packs_that_cannot_be_run_raise_clearly(tmp_path, started, files, words):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(PolicyPackError, match=words):
        run_policy_packs([tmp_path], RECORDS, project="proj", stack="dev")
    assert all(p.poll() is not None for p in started)


def test_a_pack_failing_during_analysis_names_the_resource(tmp_path, started):
    shutil.copy(SAMPLE / "PulumiPolicy.yaml", tmp_path)
    (tmp_path / "__main__.py").write_text(
        "from pulumi_policy import PolicyPack, ResourceValidationPolicy\n"
        "def boom(args, report):\n"
        "    if args.name == 'bad':\n"
        "        raise ValueError('cannot judge ' + args.name)\n"
        "PolicyPack('boom', [ResourceValidationPolicy('boom', 'Explodes.', boom)])\n")
    with pytest.raises(PolicyPackError, match=r"Analyze for .*::bad failed: .*cannot judge bad"):
        run_policy_packs([tmp_path], RECORDS, project="proj", stack="dev")
    assert started and all(p.poll() is not None for p in started)


def test_no_packs_no_violations():
    assert run_policy_packs([], RECORDS, project="proj", stack="dev") == []


REMEDIATING_PACK = '''
from pulumi_policy import (EnforcementLevel, PolicyPack, ResourceValidationPolicy,
                           StackValidationPolicy)

def fix(args):
    if args.resource_type == "aws:s3/bucket:Bucket" and args.name == "good":
        return {**args.props, "bucket": "fixed-name"}

def seen(args, report):
    if args.resource_type == "aws:s3/bucket:Bucket" and args.name == "good":
        report("analyze saw " + args.props["bucket"])

def seen_in_stack(args, report):
    for r in args.resources:
        if r.name == "good":
            report("stack saw " + r.props["bucket"], r.urn)

PolicyPack("fixer", [
    ResourceValidationPolicy("fix-name", "Fixes names.", remediate=fix,
                             enforcement_level=EnforcementLevel.REMEDIATE),
    ResourceValidationPolicy("seen", "Reports names.", seen),
    StackValidationPolicy("seen-in-stack", "Reports names.", seen_in_stack),
])
'''


def test_remediations_apply_before_analysis_as_in_the_engine(tmp_path):
    shutil.copy(SAMPLE / "PulumiPolicy.yaml", tmp_path)
    (tmp_path / "__main__.py").write_text(REMEDIATING_PACK)
    found = run_policy_packs([tmp_path], RECORDS, project="proj", stack="dev")
    messages = [v.message for v in found if v.urn == URN["good"]]
    assert any(m.endswith("analyze saw fixed-name") for m in messages), found
    assert any(m.endswith("stack saw fixed-name") for m in messages), found


def test_a_pack_starts_as_the_pulumi_cli_starts_a_python_pack(started):
    """`python -u -m pulumi.policy <engine-address> <pack folder>` (the CLI's python policy
    analyzer plugin), which runs the folder's __main__.py with the stock SDK."""
    import re
    import sys

    run_policy_packs([SAMPLE], RECORDS[:1], project="proj", stack="dev")
    (process,) = started
    assert process.args[:4] == [sys.executable, "-u", "-m", "pulumi.policy"]
    assert re.fullmatch(r"127\.0\.0\.1:\d+", process.args[4]) and process.args[5:] == ["."]
