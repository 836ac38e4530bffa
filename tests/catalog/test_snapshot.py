"""The price snapshot's date: from the dated sources the catalog rows cite."""

from __future__ import annotations

import csv
import datetime
import io

from aiscale import catalog
from aiscale.catalog import _data


def test_snapshot_date_is_the_oldest_source_date():
    dates = [datetime.date.fromisoformat(source.as_of) for source in catalog.price_sources()]
    assert catalog.snapshot_date() == min(dates).isoformat()
    assert catalog.snapshot_date() == "2026-07-30", "Cyclenerd pricing.yml generated 2026-07-30"


def test_every_row_source_is_a_dated_price_source():
    dated = {(s.source.split()[0], s.commit[:7]) for s in catalog.price_sources()}
    for name in ("gpu_instances_sources.csv", "cpu_instances_sources.csv"):
        rows = csv.DictReader(io.StringIO(_data.data_file(name).read_text(encoding="utf-8")))
        for row in rows:
            cited = row["price_source"]
            assert any(commit in cited for _, commit in dated), f"{name}: {cited} has no dated source"
