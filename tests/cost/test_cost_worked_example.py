"""The worked example of docs/cost.md, computed by the estimator: its figures must be the ones the
page shows (and the page's hand arithmetic is checked against the catalog rows)."""

from __future__ import annotations

import re

import pytest

from aiscale.catalog._services import service_price
from aiscale.cost import estimate, parse_usage
from tests.conftest import REPO

from .cost_helpers import record

USAGE = {"version": "0.1", "resource_usage": {
    "app-logs": {"monthly_data_ingested_gb": 20, "storage_gb": 50},
    "models": {"storage_gb": 1000}}}


def example():
    return [
        record("aws:eks/cluster:Cluster", "ml", {"upgradePolicy": {"supportType": "STANDARD"}}),
        record("aws:ec2/eip:Eip", "nat-ip", {"domain": "vpc"}),
        record("aws:ec2/natGateway:NatGateway", "nat", {"connectivityType": "public"}),
        record("aws:kms/key:Key", "data-key", {}),
        record("aws:cloudwatch/logGroup:LogGroup", "app-logs", {"retentionInDays": 30}),
        record("aws:s3/bucket:Bucket", "models", {}),
    ]


def test_the_worked_example_of_the_docs():
    cost = estimate(example(), {"aws:region": "us-east-1"}, parse_usage(USAGE, "usage.yml"))
    figures = {item.urn.rsplit("::", 1)[-1]: item.monthly_max for item in cost.items}
    price = lambda service, sku: service_price("aws", service, sku, "us-east-1").price_usd  # noqa: E731
    assert figures == pytest.approx({
        "ml": price("eks", "cluster-standard-support") * 730,
        "nat-ip": price("vpc", "public-ipv4-address") * 730,
        "nat": price("vpc", "nat-gateway") * 730,
        "data-key": price("kms", "customer-managed-key"),
        "app-logs": 20 * price("cloudwatch-logs", "ingestion") + 50 * price("cloudwatch-logs", "storage"),
        "models": 1000 * 0.023,
    }, abs=0.005)
    page = (REPO / "docs" / "cost.md").read_text()
    for name, amount in figures.items():
        assert re.search(rf"`{re.escape(name)}`.*\${amount:,.2f}", page), f"docs/cost.md shows {name} at ${amount:,.2f}"
    assert f"**${cost.monthly_max:,.2f}**" in page
    assert cost.usage_based == tuple(i.urn for i in cost.items if i.urn.endswith(("::nat", "::data-key", "::models")))
