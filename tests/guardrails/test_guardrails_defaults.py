"""Read the defaults: every check's verdict on a resource that leaves its property out is the
verdict its registry entry states, and that entry says what the cloud does and where."""

from __future__ import annotations

import pytest

from aiscale.facts.tokens import canonical_type, cloud_of
from aiscale.guardrails import all_checks, get_check, run_stack
from tests.guardrails.cases_defaults import RESOURCE_OMITTED, STACK_OMITTED
from tests.guardrails.helpers import context, is_na, run

STATED = [c for c in all_checks() if c.omitted_verdict]


def verdict(outcome) -> str:
    """"not applicable", "pass" (no violation) or "fail"."""
    return "not applicable" if is_na(outcome) else ("fail" if outcome else "pass")


def expected(check_id: str, token: str) -> str:
    check = get_check(check_id)
    return check.verdict_when_omitted(canonical_type(token), cloud_of(token))


@pytest.mark.parametrize("check_id,token,props", RESOURCE_OMITTED,
                         ids=[f"{c}:{t.rsplit(':', 1)[-1]}" for c, t, _p in RESOURCE_OMITTED])
def test_omitted_property_gets_the_stated_verdict(check_id, token, props):
    stated = expected(check_id, token)
    assert stated, f"{check_id} states no verdict for {token}"
    assert verdict(run(check_id, token, props)) == stated


@pytest.mark.parametrize("check_id,stack,token", STACK_OMITTED,
                         ids=[f"{c}:{t.rsplit(':', 1)[-1]}" for c, _s, t in STACK_OMITTED])
def test_omitted_resource_in_a_stack_gets_the_stated_verdict(check_id, stack, token):
    stated = expected(check_id, token)
    assert stated, f"{check_id} states no verdict for {token}"
    outcome = run_stack(get_check(check_id), stack, context(check_id))
    assert verdict(outcome) == stated


def test_every_stated_check_has_an_omitted_case_for_every_verdict_it_states():
    covered = {(c, canonical_type(t)) for c, t, _p in RESOURCE_OMITTED} | {
        (c, canonical_type(t)) for c, _s, t in STACK_OMITTED}
    for check in STATED:
        tokens = {t for c, t in covered if c == check.id}
        assert tokens, f"{check.id} has no omitted case"
        if isinstance(check.omitted_verdict, dict):
            keys = {k for t in tokens for k in (t, cloud_of(t))}
            assert set(check.omitted_verdict) <= keys, f"{check.id}: a stated verdict has no case"


def test_every_security_check_states_a_verdict():
    assert [c.id for c in all_checks() if c.pack == "security" and not c.omitted_verdict] == []
