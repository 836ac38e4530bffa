"""Every service price row says where its figure comes from, when it was taken, and whether it
was checked against that source; the Azure Blob row is read like the GCS and S3 rows."""

from __future__ import annotations

import csv
import datetime

import pytest

from aiscale import catalog
from aiscale.catalog._data import _read_rows
from aiscale.catalog._services import SERVICE_PRICES_FILE, SERVICE_PRICES_SOURCES_FILE, service_prices

KEY = ("cloud", "service", "sku", "region")


def _sources():
    return {tuple(r[k] for k in KEY): r for r in _read_rows(SERVICE_PRICES_SOURCES_FILE)}


def test_every_service_price_row_has_exactly_one_source_row():
    prices = [tuple(r[k] for k in KEY) for r in _read_rows(SERVICE_PRICES_FILE)]
    sources = [tuple(r[k] for k in KEY) for r in _read_rows(SERVICE_PRICES_SOURCES_FILE)]
    assert sorted(prices) == sorted(sources)
    assert len(set(sources)) == len(sources)


@pytest.mark.parametrize("key", sorted(_sources()), ids="/".join)
def test_every_service_price_row_names_a_source_and_a_date(key):
    row = _sources()[key]
    assert row["source"].startswith("https://"), row
    taken = datetime.date.fromisoformat(row["as_of"])
    assert datetime.date(2024, 1, 1) <= taken <= datetime.date.today(), row
    # how it was checked: verified against the source named, or openly not (and why)
    assert row["checked"].startswith(("verified: ", "verified (third-party): ", "unverified: ")), row


def test_the_snapshot_date_is_the_newest_source_date():
    from aiscale.catalog._services import services_snapshot_date

    assert services_snapshot_date() == max(p.as_of for p in service_prices())
    assert services_snapshot_date() == max(r["as_of"] for r in _sources().values())


def _storage_row(cloud, region, storage_class):
    (row,) = [r for r in _read_rows("storage_prices.csv")
              if (r["cloud"], r["region"], r["storage_class"]) == (cloud, region, storage_class)]
    (source,) = [r for r in _read_rows("storage_prices_sources.csv")
                 if (r["cloud"], r["region"], r["storage_class"]) == (cloud, region, storage_class)]
    assert source["source"] and source["confidence"]
    return float(row["price_gb_month_usd"])


def test_azure_blob_hot_lrs_in_eastus_is_read_from_its_row():
    expected = _storage_row("azure", "eastus", "HOT_LRS")
    assert catalog.storage_price("azure", "eastus", "HOT_LRS") == expected
    assert catalog.storage_price("azure", "eastus", "hot_lrs") == expected
    assert catalog.storage_price("azure", "westus", "HOT_LRS") is None, "never borrowed from eastus"
