"""`render_markdown`: the preview as a pull-request comment, on real outcomes (the insecure
example and the dev stack) and on small built ones for the edge cases."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from aiscale.cost import CostEstimate, CostItem
from aiscale.preview.engine import PreviewResult
from aiscale.preview.markdown import MAX_FINDING_ROWS, marker, render_markdown, write_markdown
from aiscale.preview.pipeline import PackRun, PreviewOutcome, run_preview
from aiscale.preview.policy_driver import Violation
from aiscale.preview.project import load_project
from aiscale.preview.records import ResourceRecord
from aiscale.preview.tree import cloud_counts
from tests.conftest import REPO

ROW = re.compile(r"^\| (mandatory|advisory) \| ")


@pytest.fixture(scope="module")
def insecure():
    return run_preview(load_project(REPO / "examples" / "insecure-gpu", "dev"))


@pytest.fixture(scope="module")
def dev():
    return run_preview(load_project(REPO, "dev"))


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if ROW.match(line)]


def _shuffled(outcome: PreviewOutcome) -> PreviewOutcome:
    """The same outcome with resources and findings in reverse order."""
    stack, *rest = outcome.result.resources
    result = dataclasses.replace(outcome.result, resources=[stack, *reversed(rest)])
    return dataclasses.replace(outcome, result=result, violations=list(reversed(outcome.violations)))


def test_insecure_example_is_blocked_with_mandatory_findings_first(insecure):
    text = render_markdown(insecure)
    mandatory = [v for v in insecure.violations if v.enforcement == "mandatory"]
    assert insecure.exit_code == 1 and mandatory
    assert text.startswith("<!-- aiscale-preview insecure-gpu/dev -->\n"
                           "## aiscale preview: `insecure-gpu` / `dev`\n")
    assert f"**Blocked:** {len(mandatory)} mandatory policy violation" in text
    rows = _rows(text)
    assert len(rows) == min(len(insecure.violations), MAX_FINDING_ROWS)
    kinds = [row.split(" | ")[0].strip("| ") for row in rows]
    assert kinds == sorted(kinds, key=lambda k: k != "mandatory"), "mandatory rows come first"
    for violation in mandatory:
        name = violation.urn.rsplit("::", 1)[-1] if violation.urn else "(stack)"
        assert any(f"`{violation.policy}` | {name} |" in row for row in rows), violation
    severities = [row.split(" | ")[1] for row in rows if row.startswith("| mandatory")]
    order = ["critical", "high", "medium", "low", "unspecified"]
    assert severities == sorted(severities, key=order.index), "most severe first"


def test_insecure_example_counts_and_cost(insecure):
    text = render_markdown(insecure)
    for cloud, count in cloud_counts(insecure.result).items():
        assert f"| {cloud} | {count} |" in text
    for record in insecure.result.resources:
        if record.custom:
            assert f"`{record.type}`" in text
    cost = insecure.cost
    assert f"**${cost.monthly_min:,.2f} to ${cost.monthly_max:,.2f}** per month" in text
    assert f"{len(cost.items)} priced, {len(cost.unpriced)} unpriced" in text


def test_the_list_is_capped_and_says_how_many_more(insecure):
    total = len(insecure.violations)
    assert total > 3
    text = render_markdown(insecure, max_rows=3)
    assert len(_rows(text)) == 3
    assert f"... and {total - 3} more (see the JSON report)." in text


def test_dev_stack_report(dev):
    text = render_markdown(dev)
    custom = [r for r in dev.result.resources if r.custom]
    assert f"{len(custom)} resources to create" in text
    type_rows = re.findall(r"^\| (\w+) \| `[^`]+` \| (\d+) \|$", text, flags=re.M)
    assert sum(int(count) for _, count in type_rows) == len(custom)
    assert {cloud for cloud, _ in type_rows} == set(cloud_counts(dev.result))
    verdict = "**Blocked:**" if dev.exit_code else "**Passed:** no mandatory policy violation"
    assert verdict in text
    if dev.cost.unpriced:
        assert f"<summary>Unpriced ({len(dev.cost.unpriced)})" in text
    assert len(_rows(text)) == min(len(dev.violations), MAX_FINDING_ROWS)


@pytest.mark.parametrize("which", ["insecure", "dev"])
def test_output_is_deterministic(which, request):
    outcome = request.getfixturevalue(which)
    text = render_markdown(outcome)
    assert render_markdown(outcome) == text
    assert render_markdown(_shuffled(outcome)) == text, "order of registration or findings leaks"
    assert text.endswith("\n") and not text.endswith("\n\n")


# Small built outcomes for the edge cases.

STACK = "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t"


def _record(urn_name: str, type_: str, custom: bool = True) -> ResourceRecord:
    return ResourceRecord(urn=f"urn:pulumi:t::p::{type_}::{urn_name}", type=type_, name=urn_name,
                          custom=custom, parent=STACK)


def _outcome(violations=(), packs=("security",), unpriced=()) -> PreviewOutcome:
    resources = [ResourceRecord(urn=STACK, type="pulumi:pulumi:Stack", name="p-t", custom=False),
                 _record("b", "aws:s3/bucket:Bucket"), _record("k", "gcp:kms/keyRing:KeyRing"),
                 _record("c", "aiscale:index:ObjectStore", custom=False)]
    cost = CostEstimate(currency="USD", monthly_min=1.5, monthly_max=1234.5,
                        items=(CostItem(resources[1].urn, 1.5, 1234.5, "basis"),), unpriced=tuple(unpriced))
    runs = [PackRun(name=name, directory=Path(name)) for name in packs]
    return PreviewOutcome(result=PreviewResult(project="p", stack="t", resources=resources),
                          cost=cost, violations=list(violations), packs=runs)


def test_cells_are_escaped_to_one_line_without_html():
    message = "Description line.\nbad | value <script>alert(1)</script>\\ end"
    text = render_markdown(_outcome([Violation("aiscale-security", "SEC-X-1", "mandatory", "high",
                                               _record("b", "aws:s3/bucket:Bucket").urn, message)]))
    (row,) = _rows(text)
    assert row == ("| mandatory | high | `SEC-X-1` | b | bad \\| value &lt;script&gt;alert(1)&lt;/script&gt;"
                   "\\\\ end |")
    assert "Description line." not in text


def test_small_outcome_sections():
    text = render_markdown(_outcome(unpriced=[_record("k", "gcp:kms/keyRing:KeyRing").urn]))
    assert "2 resources to create, plus 2 components (including the stack)." in text
    assert "| aws | 1 |\n| gcp | 1 |" in text
    assert "**$1.50 to $1,234.50** per month" in text
    assert "- `gcp:kms/keyRing:KeyRing` k" in text
    assert "No findings from security." in text
    assert "**Passed:** no mandatory policy violation (exit code 0)." in text


def test_no_pack_run_is_said():
    text = render_markdown(_outcome(packs=()))
    assert "No policy pack was run." in text and "no policy pack was run" in text


def test_long_messages_are_shortened_and_advisory_only_summary():
    violations = [Violation("aiscale-cost", "COST-1", "advisory", sev, None, "x" * 500)
                  for sev in ("low", "medium")]
    text = render_markdown(_outcome(violations))
    assert "2 advisory; medium 1, low 1." in text
    rows = _rows(text)
    assert [row.split(" | ")[1] for row in rows] == ["medium", "low"]
    assert all(row.endswith("x" * 237 + "... |") for row in rows)


def test_write_markdown(tmp_path):
    path = tmp_path / "out" / "report.md"
    outcome = _outcome()
    write_markdown(outcome, path)
    assert path.read_text(encoding="utf-8") == render_markdown(outcome)


@pytest.mark.parametrize("project, stack, expected", [
    ("insecure-gpu", "dev", "<!-- aiscale-preview insecure-gpu/dev -->"),
    ("my_app.v2", "org/prod", "<!-- aiscale-preview my_app.v2/org_prod -->"),
    ("x", "a -->b", "<!-- aiscale-preview x/a_--_b -->"),
], ids=["plain", "a slash in the stack is replaced", "cannot close the comment early"])
def test_marker_names_project_and_stack(project, stack, expected):
    assert marker(project, stack) == expected
