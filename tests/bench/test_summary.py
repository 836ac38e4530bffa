"""The benchmark's arithmetic (bench/summary.py): shares, targets and table, on made-up figures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SUMMARY = Path(__file__).resolve().parents[2] / "bench" / "summary.py"


@pytest.fixture(scope="module")
def summary():
    spec = importlib.util.spec_from_file_location("bench_summary", SUMMARY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(target, resources, cold_with, cold_without, warm_with, warm_without, tail, bare):
    return {"target": target, "bare": {"total_s": bare, "peak_rss_mb": 100.0},
            "bare_gc_paused": {"total_s": bare / 3},
            "aiscale": {"resources": resources, "total_s": cold_with[0], "peak_rss_mb": 300.0,
                        "cold_totals_s": {"policies": cold_with, "no_policies": cold_without},
                        "warm": {"wall_s": warm_with, "phases_s": {"policies": tail}},
                        "warm_no_policies": {"wall_s": warm_without, "phases_s": {}}}}


def _figures(rows):
    return {"sizes": rows, "machine": {"cpu": "cpu", "cores": 2, "memory_gb": 1, "os": "os",
                                       "load_average": [0.0], "python": "3.11", "packages": {}},
            "startup": {"resources": 23, "process_wall_s": 1.0, "total_s": 0.9,
                        "provider_modules": {"pulumi_aws": 300, "pulumi_azure_native": 0,
                                             "pulumi_gcp": 0, "pulumi_kubernetes": 0}}}


def test_policy_share_is_the_fastest_with_minus_the_fastest_without(summary):
    row = _row(1000, 1000, [11.0, 10.0, 12.0], [9.5, 9.0], 5.0, 4.0, 0.5, 9.0)
    assert summary.policy_share(row) == pytest.approx((10.0 - 9.0) / 10.0)
    assert summary.warm_policy_share(row) == pytest.approx((5.0 - 4.0) / 5.0)
    assert summary.policy_tail_share(row) == pytest.approx(0.5 / 5.0)


def test_a_faster_run_with_policies_counts_as_no_cost_not_a_gain(summary):
    row = _row(1000, 1000, [9.0], [9.5], 4.0, 4.2, 0.1, 9.0)
    assert summary.policy_share(row) == 0.0 and summary.warm_policy_share(row) == 0.0


def test_targets_are_met_or_missed_by_the_figures(summary):
    good = [_row(100, 131, [3.0], [2.9], 0.70, 0.5, 0.1, 1.0),
            _row(1000, 1003, [7.5], [7.0], 4.6, 4.1, 0.3, 7.5),
            _row(3000, 2953, [18.0], [16.5], 14.0, 13.0, 0.9, 23.0)]
    met = {t["target"].split(" ")[0]: t["met"] for t in summary.targets(_figures(good))}
    assert met == {"preview": True, "time": True, "policies": True, "no": True}
    slow_policies = [_row(1000, 1003, [9.0], [7.0], 4.6, 4.1, 0.3, 7.5)]
    missed = {t["target"].split(" ")[0]: t["met"] for t in summary.targets(_figures(slow_policies))}
    assert missed["policies"] is False and missed["preview"] is True
    table = summary.render({**_figures(good), "targets": summary.targets(_figures(good))}, markdown=True)
    assert "| 1003 |" in table and "policies add <= 15% to aiscale preview" in table


def test_the_protocol_figure_is_its_own_fastest_cold_run_and_optional(summary):
    row = _row(1000, 1000, [10.0], [9.0], 5.0, 4.0, 0.5, 9.0)
    assert summary.protocol_share(row) is None and summary._protocol_cell(row) == "-"
    row["aiscale"]["cold_totals_s"]["protocol"] = [13.0, 12.0]
    assert summary.protocol_share(row) == pytest.approx((12.0 - 9.0) / 12.0)
    assert summary._protocol_cell(row) == "12.00 (25.0%)"
