"""`aiscale preview` and `aiscale catalog` for people (80 and 160 columns) and for pipes."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from aiscale import catalog
from aiscale.cli import app
from aiscale.terminal import short_type
from tests.conftest import REPO

INSECURE = REPO / "examples" / "insecure-gpu"


def run(*args: str, columns: int | None):
    """The CLI in-process; `columns` None is a pipe (no COLUMNS, not a terminal)."""
    env = {"COLUMNS": str(columns) if columns else None, "NO_COLOR": "1", "TERM": "dumb"}
    return CliRunner(env=env).invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("dev") / "report.json"
    assert run("preview", "--stack", "dev", "--json", str(path), "--tree", "none", columns=200).exit_code == 0
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def dev80():
    return run("preview", "--stack", "dev", "--tree", "resources", columns=80)


@pytest.fixture(scope="module")
def dev160():
    return run("preview", "--stack", "dev", columns=160)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("width", [80, 160])
def test_every_line_fits_the_terminal_and_nothing_is_cut(width, dev80, dev160):
    out = (dev80 if width == 80 else dev160).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert "…" not in out, "no value is cut with an ellipsis"


def test_summary_first_and_next_step_last(dev160, dev_report):
    shown = lines(dev160.stdout)
    assert shown[0].startswith("Previewing aiscale stack dev")
    created = sum(1 for r in dev_report["resources"] if not r["type"].startswith(("aiscale:", "pulumi:pulumi:")))
    assert shown[1].startswith(f"Summary: {created} resources to create (aws ")
    components = len(dev_report["resources"]) - created
    assert f"), plus {components} components (the stack included);" in shown[1], \
        "the headline adds up to the tree's total"
    assert f"${dev_report['cost']['monthly_max']:,.2f} a month" in shown[1]
    assert shown[-1].startswith("Next: ") and "--tree resources" in shown[-1]


def test_type_tokens_are_never_split_at_80_columns(dev80, dev_report):
    out = dev80.stdout
    for resource in dev_report["resources"]:
        assert short_type(resource["type"]) in out, resource["type"]
    assert "aws:s3:BucketServerSideEncryptionConfiguration" in out


def _pool_basis(dev_report) -> str:
    """The cost basis of the dev stack's AWS GPU node group, as the report states it."""
    (item,) = [i for i in dev_report["cost"]["items"] if i["urn"].endswith("::acme-ml-aws-serve-gpu")]
    return item["basis"]


def test_cost_table_drops_columns_at_80_and_keeps_them_at_160(dev80, dev160, dev_report):
    assert "Not shown at 80 columns: type, cloud" in dev80.stdout
    assert "aws:eks:NodeGroup" in dev160.stdout.split("Estimated monthly cost (USD)")[1]
    assert "Not shown at 160" not in dev160.stdout
    # the basis wraps as a sentence: every word of it stays whole
    (row,) = [line for line in dev80.stdout.splitlines() if "acme-ml-aws-serve-gpu " in line]
    words = _pool_basis(dev_report).split()
    shown = row.split("$")[-1].split()[1:] + dev80.stdout.split(row, 1)[1].split()
    assert shown[:6] == words[:6], "the basis wraps between words: every word stays whole"


def test_components_tree_counts_what_each_component_holds(dev160, dev_report):
    resources = dev_report["resources"]
    store = next(r for r in resources if r["type"] == "aiscale:index:ObjectStore" and r["name"].endswith("aws-models"))

    def held(urn):
        return sum((0 if c["type"].startswith("aiscale:") else 1) + held(c["urn"])
                   for c in resources if c["parent"] == urn)

    assert f"acme-ml-aws-models  ({held(store['urn'])} resources)" in dev160.stdout
    tree = dev160.stdout.split("Resources:")[0].split("Exit 0.", 1)[1]
    assert "aws:s3/bucket:Bucket" not in tree, "compact: no provider resources"
    components = sum(1 for r in resources if r["type"].startswith(("aiscale:", "pulumi:pulumi:")))
    assert len(lines(tree)) == components, "one line per component"


def test_tree_none_and_the_no_tree_alias():
    for flag in (("--tree", "none"), ("--no-tree",)):
        out = run("preview", "--stack", "dev", "--no-policies", *flag, columns=120).stdout
        assert "pulumi:pulumi:Stack" not in out and "Resources:" in out


def test_invalid_tree_and_output_values_exit_2():
    for args in (("--tree", "all"), ("--output", "yaml")):
        result = run("preview", "--stack", "dev", *args, columns=120)
        assert result.exit_code == 2 and args[1] in result.stderr and "valid:" in result.stderr


def test_piped_preview_prints_whole_values(dev_report):
    result = run("preview", "--stack", "dev", "--tree", "resources", columns=None)
    out = result.stdout
    for resource in dev_report["resources"]:
        assert resource["type"] in out and resource["name"] in out
    cost = out.split("Estimated monthly cost (USD)")[1]
    header = cost.strip().splitlines()[0]
    assert header.split("\t") == ["name", "type", "cloud", "min / month", "max / month", "basis"]
    assert _pool_basis(dev_report) in cost, "the whole basis on one line"


def test_output_json_prints_the_report_on_stdout(dev_report):
    result = run("preview", "--stack", "dev", "--output", "json", columns=80)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == dev_report


def test_findings_at_80_columns_wrap_at_words():
    result = run("preview", "--cwd", str(INSECURE), columns=80)
    assert result.exit_code == 1
    out = result.stdout
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    for message in ("the stack can reach 400 GPUs (largest: h100 400); the cap is 256",
                    "GPU pool 'h100' uses on-demand capacity in 'dev'; use spot"):
        assert message in flat, "the message is whole once the wrapping is undone"
    last = " ".join(out.rsplit("\n\n", 1)[-1].split())
    assert last.startswith("Next: fix the ") and "mandatory findings above" in last


def test_findings_at_160_columns_are_a_table():
    out = run("preview", "--cwd", str(INSECURE), columns=160).stdout
    assert "┃ severity" in out and "┃ message" in out
    assert max(cell_len(line) for line in out.splitlines()) <= 160


def test_piped_catalog_keeps_every_row_whole_for_grep():
    out = run("catalog", columns=None).stdout
    h100 = [line for line in out.splitlines() if "h100" in line]
    expected = catalog.offerings(accelerator="nvidia-h100-80gb")
    assert len(h100) >= len(expected) > 0
    for offering in expected:
        assert any(line.split("\t")[:5] == [offering.cloud, offering.region, offering.accelerator,
                                            str(offering.gpus), offering.instance_type] for line in h100)


@pytest.mark.parametrize("width", [80, 160])
def test_catalog_fits_the_terminal(width):
    out = run("catalog", "--accelerator", "nvidia-h100-80gb", columns=width).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= width and "…" not in out
    for offering in catalog.offerings(accelerator="nvidia-h100-80gb"):
        assert offering.instance_type in out
    header = next(line for line in out.splitlines() if "instance type" in line)
    assert ("$/h spot" in header) == (width == 160)


def test_catalog_output_json():
    rows = json.loads(run("catalog", "--cloud", "gcp", "--output", "json", columns=80).stdout)
    assert rows and {row["cloud"] for row in rows} == {"gcp"}
    assert len(rows) == len(catalog.offerings(cloud="gcp"))
