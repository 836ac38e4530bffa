"""Issue 14: usage-based costs from a usage file (Infracost's convention) and from the model's
expected_size_gb; without usage they are listed with their unit prices, never silently $0."""

from __future__ import annotations

import copy
import json

import pytest

from aiscale.catalog._services import service_price
from aiscale.cost import UsageError, estimate, parse_usage
from tests.platform.conftest import invoke, project_with, stack_model  # noqa: F401 - a fixture

from .cost_helpers import record


def log_group(name="logs"):
    return record("aws:cloudwatch/logGroup:LogGroup", name, {"retentionInDays": 30})


def price(sku):
    return service_price("aws", "cloudwatch-logs", sku, "us-east-1").price_usd


CONFIG = {"aws:region": "us-east-1"}


def test_without_usage_the_charges_are_listed_with_their_unit_prices():
    group = log_group()
    cost = estimate([group], CONFIG)
    item = cost.item(group.urn)
    assert item.monthly_max == 0.0 and cost.usage_based == (group.urn,)
    report = item.to_report()["usage"]
    assert {u["key"]: u["unit_price"] for u in report} == {
        "monthly_data_ingested_gb": price("ingestion"), "storage_gb": price("storage")}
    assert all(u["quantity"] is None and u["monthly"] is None for u in report)


@pytest.mark.parametrize("entries,ingested,why", [
    ({"*": {"monthly_data_ingested_gb": 10}}, 10, "the '*' default"),
    ({"*": {"monthly_data_ingested_gb": 10}, "logs": {"monthly_data_ingested_gb": 40}}, 40, "the name wins over '*'"),
    ({"logs": {"monthly_data_ingested_gb": 40},
      "urn:pulumi:dev::test::pulumi:pulumi:Stack$aws:cloudwatch/logGroup:LogGroup::logs": {"monthly_data_ingested_gb": 7}},
     7, "the URN wins over the name"),
])
def test_the_usage_file_prices_usage_by_urn_then_name_then_star(entries, ingested, why):
    group = log_group()
    usage = parse_usage({"version": "0.1", "resource_usage": entries}, "usage.yml")
    item = estimate([group], CONFIG, usage).item(group.urn)
    assert item.monthly_max == pytest.approx(ingested * price("ingestion"), abs=0.005), why
    assert [c.key for c in item.usage_unknown] == ["storage_gb"]


@pytest.mark.parametrize("data,message", [
    ([1], "usage.yml: expected a mapping"),
    ({"version": "2"}, "usage.yml: version is '2'; valid: 0.1"),
    ({"resources": {}}, "unknown top-level key(s) 'resources'"),
    ({"resource_usage": {"logs": {"storage_gb": -1}}}, "usage.yml: resource_usage.logs.storage_gb is -1; expected a number >= 0"),
    ({"resource_usage": {"logs": {"storage_gb": "lots"}}}, "resource_usage.logs.storage_gb is 'lots'"),
    ({"resource_usage": {"logs": {"storage_tb": 1}}}, "resource_usage.logs.storage_tb is not a usage key; valid: storage_gb"),
    ({"resource_usage": {"logs": 5}}, "resource_usage.logs is 5; expected a mapping"),
])
def test_a_bad_usage_file_names_the_file_the_path_and_the_value(data, message):
    with pytest.raises(UsageError) as error:
        parse_usage(data, "usage.yml")
    assert message in str(error.value)


def test_the_models_expected_size_prices_the_bucket_and_the_usage_file_wins(project_with, tmp_path):
    model = copy.deepcopy(stack_model("dev"))
    model["buckets"][1]["expected_size_gb"] = 250  # scratch, on aws us-west-2
    folder = project_with(model)
    done = invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree", "--no-policies",
                  "--json", str(tmp_path / "r.json"))
    assert done.exit_code == 0, done.output
    standard = service_price("aws", "s3", "STANDARD", "us-west-2").price_usd
    items = {i["urn"].rsplit("::", 1)[-1]: i for i in json.loads((tmp_path / "r.json").read_text())["cost"]["items"]}
    scratch = items["acme-ml-aws-scratch-bucket"]
    assert scratch["monthly_max"] == pytest.approx(250 * standard, abs=0.005)
    assert scratch["usage"][0]["quantity"] == 250
    (tmp_path / "usage.yml").write_text("version: 0.1\nresource_usage:\n  acme-ml-aws-scratch-bucket:\n    storage_gb: 1000\n")
    done = invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree", "--no-policies",
                  "--usage", str(tmp_path / "usage.yml"), "--json", str(tmp_path / "r.json"))
    items = {i["urn"].rsplit("::", 1)[-1]: i for i in json.loads((tmp_path / "r.json").read_text())["cost"]["items"]}
    assert items["acme-ml-aws-scratch-bucket"]["monthly_max"] == pytest.approx(1000 * standard, abs=0.005)


def test_the_cli_exits_2_on_a_bad_usage_file(project_with, tmp_path):
    bad = tmp_path / "usage.yml"
    bad.write_text("resource_usage:\n  logs:\n    storage_gb: lots\n")
    done = invoke("preview", "--cwd", str(project_with(stack_model("dev"))), "--stack", "test",
                  "--usage", str(bad))
    assert done.exit_code == 2
    assert "usage.yml: resource_usage.logs.storage_gb is 'lots'" in done.stderr
    assert "Traceback" not in done.stderr + done.output
