"""Streaming analysis through the relay process (aiscale.preview.policy_relay), as `aiscale
preview` runs it: the same findings and errors as driving the packs directly, the relay's log
messages reach the driver's log, and neither the relay nor a pack outlives the session."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from aiscale.preview import pipeline
from aiscale.preview.policy_driver import PolicyPackError, run_policy_packs
from aiscale.preview.policy_relay import RELAY_NICENESS, StreamingSession
from aiscale.preview.project import load_project

from .test_policy_driver_run import BROKEN, OTHER, RECORDS, SAMPLE, URN

REPO = Path(__file__).resolve().parents[2]


def _children(pid: int) -> set[int]:
    """The child processes of `pid` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def _gone(pid: int, within_s: float = 10.0) -> bool:
    """True once `pid` no longer runs (exited and reaped, or a zombie)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def streamed(pack_dirs, records, *, observed=None, configs=None, **options):
    """The findings of a StreamingSession that observes `observed` records (default: all of
    them, in order) while "the program runs", then analyzes every record."""
    observed = records if observed is None else observed
    with StreamingSession(pack_dirs, project="proj", stack="dev", configs=configs,
                          **options) as session:
        for record in observed:
            session.observe(record)
        return session.analyze(records)


@pytest.mark.parametrize("observed", [RECORDS, RECORDS[:3], []], ids=["all", "some", "none"])
def test_streamed_findings_equal_the_direct_driver(observed):
    config = {"node-group-size": {"maxNodes": 12}}
    direct = run_policy_packs([SAMPLE, OTHER], RECORDS, project="proj", stack="dev", config=config,
                              stack_config={"aws:region": "us-east-1"})
    through_relay = streamed([SAMPLE, OTHER], RECORDS, observed=observed, configs=[config, config],
                             stack_config={"aws:region": "us-east-1"})
    assert through_relay == direct
    assert {v.pack for v in direct} == {"sample", "other"} and len(direct) >= 5


def test_relay_log_messages_reach_the_driver_log(caplog):
    with caplog.at_level(logging.INFO, logger="aiscale.preview.policy_driver"):
        streamed([SAMPLE], RECORDS[:1], configs=[{"no-such-policy": "advisory"}])
    assert "policy config names 'no-such-policy', which no policy pack has" in caplog.text
    assert "sample pack loaded" in caplog.text


def test_a_broken_pack_raises_through_the_relay_with_its_stderr():
    with pytest.raises(PolicyPackError) as raised:
        streamed([BROKEN], RECORDS)
    message = str(raised.value)
    assert str(BROKEN) in message and "exited with code" in message
    assert "RuntimeError: this pack is broken on purpose" in message


def test_invalid_config_raises_through_the_relay_naming_policy_and_value():
    with pytest.raises(PolicyPackError, match=r"node-group-size: maxNodes is 'ten'; valid: integer"):
        streamed([SAMPLE], RECORDS, configs=[{"node-group-size": {"maxNodes": "ten"}}])


@pytest.mark.parametrize("ask", [True, False], ids=["analyzed", "program-failed"])
def test_neither_the_relay_nor_a_pack_outlives_the_session(ask):
    """After an answer the preview goes on while the relay stops its packs and exits; without
    one (the program failed) the session waits for that."""
    with StreamingSession([SAMPLE, OTHER], project="proj", stack="dev") as session:
        relay = session.process.pid
        for record in RECORDS:
            session.observe(record)
        deadline = time.monotonic() + 30
        while len(_children(relay)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        packs = _children(relay)
        assert len(packs) == 2, "the relay starts one process per pack"
        assert os.getpriority(os.PRIO_PROCESS, relay) == min(
            os.getpriority(os.PRIO_PROCESS, 0) + RELAY_NICENESS, 19)
        if ask:
            assert session.analyze(RECORDS)
    assert session.process.wait(timeout=10) == 0, "the relay ends by itself once its input ends"
    assert all(_gone(pid) for pid in packs)


def test_no_packs_start_no_relay():
    with StreamingSession([], project="proj", stack="dev") as session:
        session.observe(RECORDS[0])
        assert session.process is None and session.analyze(RECORDS) == []


def test_the_preview_streams_every_resource_to_the_packs_as_it_registers(monkeypatch):
    seen: list[str] = []
    analyzed: list[int] = []
    observe, analyze = StreamingSession.observe, StreamingSession.analyze

    def spy_observe(self, record):
        seen.append(record.urn)
        observe(self, record)

    def spy_analyze(self, resources):
        analyzed.append(len(seen))
        return analyze(self, resources)

    monkeypatch.setattr(StreamingSession, "observe", spy_observe)
    monkeypatch.setattr(StreamingSession, "analyze", spy_analyze)
    monkeypatch.delenv(pipeline.TRANSPORT_ENV, raising=False)
    outcome = pipeline.run_preview(load_project(REPO / "examples" / "insecure-gpu", "dev"))
    urns = [record.urn for record in outcome.result.resources]
    assert sorted(seen) == sorted(urns), "every registered resource, once"
    assert analyzed == [len(urns)], "all of them observed before the packs are asked for findings"
    assert outcome.violations and outcome.exit_code == 1


def test_streamed_remediation_stays_in_its_pack(tmp_path):
    from .test_policy_driver_run import REMEDIATING_PACK

    (tmp_path / "PulumiPolicy.yaml").write_text((SAMPLE / "PulumiPolicy.yaml").read_text())
    (tmp_path / "__main__.py").write_text(REMEDIATING_PACK)
    found = streamed([tmp_path, SAMPLE], RECORDS)
    good = [v.message for v in found if v.urn == URN["good"]]
    assert any(m.endswith("analyze saw fixed-name") for m in good), found
    assert any(m.endswith("stack saw fixed-name") for m in good), found
    assert found == run_policy_packs([tmp_path, SAMPLE], RECORDS, project="proj", stack="dev")


def test_a_relay_that_dies_fails_the_preview_with_a_clear_error():
    with StreamingSession([SAMPLE], project="proj", stack="dev") as session:
        session.observe(RECORDS[0])
        session.process.kill()
        with pytest.raises(PolicyPackError) as raised:
            session.analyze(RECORDS)
    message = str(raised.value)
    assert str(SAMPLE) in message
    assert "the policy relay (python -m aiscale.preview.policy_relay) exited with code -9" in message
