"""docs/policies.md (security, cost) and docs/wiring.md (wiring) carry the generated tables of
every check, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiscale.guardrails import all_checks
from aiscale.guardrails.docs import DOCUMENTS, END, START, checks_markdown, generated_section, pair_location

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_doc_holds_the_generated_tables(document):
    text = (DOCS / document).read_text()
    assert text.count(START) == 1 and text.count(END) == 1
    assert generated_section(DOCUMENTS[document]) in text, \
        f"regenerate: aiscale.guardrails.docs.generated_section({DOCUMENTS[document]})"


def test_table_has_one_row_per_check_in_each_table():
    documented = [pack for packs in DOCUMENTS.values() for pack in packs]
    assert sorted(documented) == sorted({check.pack for check in all_checks()}), "every pack in one document"
    for check in all_checks():
        (packs,) = [packs for packs in DOCUMENTS.values() if check.pack in packs]
        assert checks_markdown(packs).count(f"| {check.id} |") == 3, check.id


def test_every_security_check_states_its_omitted_default_and_verdict():
    for check in all_checks():
        if check.pack == "security" or check.id.startswith("COST-TAG"):
            assert check.when_omitted.strip() and check.omitted_verdict, check.id
            assert f"| {check.id} | {check.when_omitted.split('|')[0][:40]}" in checks_markdown(), check.id


def test_the_test_pair_each_row_names_holds_cases_of_that_check():
    from tests.guardrails.test_guardrails_resource_cases import CASES
    from tests.guardrails.test_guardrails_stack_cases import STACK_CASES

    tests = Path(__file__).resolve().parents[1]
    resource = {c.check for c in CASES if c.mutations}
    stack = {c[0] for c in STACK_CASES if c[4]}
    for check in all_checks():
        named = pair_location(check).split("`")[1]
        assert (tests / named).is_file(), (check.id, named)
        if named == "guardrails/test_guardrails_resource_cases.py":
            assert check.id in resource, check.id
        elif named == "guardrails/test_guardrails_stack_cases.py":
            assert check.id in stack, check.id
        else:
            assert check.id in (tests / named).read_text(), check.id
