"""The estimate as a whole: unpriced listing, storage, totals, the report object, the table."""

from __future__ import annotations

import pytest
from rich.console import Console

from aiscale import catalog
from aiscale.cost import CostEstimate, CostItem, estimate
from aiscale.cost.table import cost_table, money

from .cost_helpers import urn_of

# (preview fixture, resource, words of the reason, why it is unpriced)
UNPRICED = [
    ("aws_preview", "box-unknown-type", "no price for x9.superlarge in aws us-east-1",
     "an instance type the catalog does not know"),
    ("aws_preview", "box-cpu", "no price for t3.medium", "a CPU type: the catalog lists GPUs"),
    ("aws_preview", "ng-no-spot-price", "no spot price for g6e.2xlarge",
     "the catalog row has no spot figure: never fall back to on-demand"),
    ("azure_preview", "aks", "agentPoolProfiles[0]: the catalog has no price for Standard_D4s_v5",
     "the CPU system pool of a cluster whose GPU pool is priced"),
    ("gcp_preview", "v100-not-in-region",
     "no price for n1-standard-8 with 1 x nvidia-tesla-v100 in gcp us-east4",
     "a GPU the catalog does not list in that region"),
    ("gcp_preview", "n1-without-gpu", "no price for n1-standard-8 in gcp us-central1",
     "an N1 host without a GPU is not a catalog row"),
    ("gcp_preview", "multi-region", "no STANDARD storage price for gcp us",
     "a multi-region bucket location"),
]
NOT_ESTIMATED = [
    ("gcp_preview", "web", "a Cloud Run service without GPU (paid per request)"),
    ("aws_preview", "serving-config", "an endpoint configuration: its endpoint is priced"),
]


@pytest.mark.parametrize("preview,name,reason,why", UNPRICED, ids=[f"{c[0][:-8]}-{c[1]}" for c in UNPRICED])
def test_unpriced_resources_are_listed_with_a_reason(request, preview, name, reason, why):
    result = request.getfixturevalue(preview)
    cost = estimate(result.resources, result.config)
    urn = urn_of(result, name)
    assert urn in cost.unpriced
    assert reason in cost.reason(urn)


@pytest.mark.parametrize("preview,name,why", NOT_ESTIMATED, ids=[f"{c[0][:-8]}-{c[1]}" for c in NOT_ESTIMATED])
def test_resources_with_nothing_to_estimate_are_neither_priced_nor_unpriced(request, preview,
                                                                             name, why):
    result = request.getfixturevalue(preview)
    cost = estimate(result.resources, result.config)
    urn = urn_of(result, name)
    assert cost.item(urn) is None and urn not in cost.unpriced


@pytest.mark.parametrize("preview,name,cloud,region,storage_class,size", [
    ("aws_preview", "sized", "aws", "us-east-1", "STANDARD", 100),
    ("gcp_preview", "models", "gcp", "us-central1", "NEARLINE", 50),
    ("azure_preview", "sized", "azure", "eastus", "HOT_LRS", 10),
])
def test_sized_buckets_are_priced_per_gb_month(request, preview, name, cloud, region,
                                               storage_class, size):
    result = request.getfixturevalue(preview)
    item = estimate(result.resources, result.config).item(urn_of(result, name))
    price = catalog.storage_price(cloud, region, storage_class)
    assert price is not None and price > 0
    assert item.monthly_min == item.monthly_max == pytest.approx(size * price, abs=0.005)
    assert f"{size} GB expected" in item.basis and "aiscale-expected-size-gb" in item.basis


@pytest.mark.parametrize("preview", ["aws_preview", "azure_preview", "gcp_preview"])
def test_totals_are_the_sums_of_the_rounded_items(request, preview):
    result = request.getfixturevalue(preview)
    cost = estimate(result.resources, result.config)
    assert cost.items, "the program has priced resources"
    for item in cost.items:
        assert round(item.monthly_min * 100) == pytest.approx(item.monthly_min * 100, abs=1e-6)
        assert item.monthly_min <= item.monthly_max
    assert cost.monthly_min == round(sum(i.monthly_min for i in cost.items), 2)
    assert cost.monthly_max == round(sum(i.monthly_max for i in cost.items), 2)
    assert len(set(cost.unpriced)) == len(cost.unpriced)


def test_total_is_exact_for_many_fractional_items():
    items = [CostItem(f"urn:{i}", 0.1, 0.7, "x") for i in range(10)]
    cost = CostEstimate.of(items, [])
    assert cost.monthly_min == 1.0 and cost.monthly_max == 7.0  # not 0.9999999 / 6.9999999


def test_report_is_exactly_the_design_cost_object(aws_preview):
    report = estimate(aws_preview.resources, aws_preview.config).to_report()
    assert list(report) == ["currency", "monthly_min", "monthly_max", "items", "unpriced",
                            "usage_based", "prices_as_of"]
    assert report["currency"] == "USD"
    assert all(list(item) in (["urn", "monthly_min", "monthly_max", "basis"],
                              ["urn", "monthly_min", "monthly_max", "basis", "usage"])
               for item in report["items"])
    assert set(report["usage_based"]) <= {item["urn"] for item in report["items"]}
    assert all(isinstance(urn, str) for urn in report["unpriced"])


def test_empty_estimate():
    cost = estimate([])
    assert (cost.monthly_min, cost.monthly_max, cost.items, cost.unpriced) == (0.0, 0.0, (), ())


def test_table_has_rows_subtotals_and_total(aws_preview, gcp_preview):
    resources = aws_preview.resources + gcp_preview.resources
    cost = estimate(resources, {**aws_preview.config, **gcp_preview.config})
    console = Console(width=400, record=True, color_system=None)
    console.print(cost_table(cost, resources))
    text = console.export_text()
    aws_max = sum(i.monthly_max for i in cost.items if "aws:" in i.urn.split("::")[2])
    assert "ng-spot" in text and "aws:eks/nodeGroup:NodeGroup" in text
    assert "aws subtotal" in text and money(round(aws_max, 2)) in text
    assert "gcp subtotal" in text
    total_line = next(line for line in text.splitlines() if line.strip("│ ").startswith("total"))
    assert money(cost.monthly_max) in total_line and f"{len(cost.unpriced)} unpriced" in total_line
    assert "unpriced" in next(line for line in text.splitlines() if "box-cpu" in line)
