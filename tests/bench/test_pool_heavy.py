"""The pool-heavy section's arithmetic (bench/summary.py) and the replay order (bench/replay.py),
on made-up figures and records: nothing here is timed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary():
    return _load("summary")


@pytest.fixture(scope="module")
def replay():
    return _load("replay")


def _runs(**walls_and_cpus):
    """``kind=[(wall, cpu), ...]`` -> the runs of a pool-heavy section."""
    return {kind: [{"total_s": wall, "cpu_s": cpu} for wall, cpu in values]
            for kind, values in walls_and_cpus.items()}


def _section(**runs):
    return {"resources": 929, "pools": 24, "buckets": 24,
            "provider_modules": {"pulumi_aws": 665, "pulumi_azure_native": 867, "pulumi_gcp": 633,
                                 "pulumi_kubernetes": 156},
            "runs": _runs(**runs)}


SLOW = dict(preview=[(14.0, 9.0), (12.0, 9.5)], program=[(11.0, 8.0), (10.0, 8.5)],
            bare_s3=[(5.0, 4.0), (4.0, 4.2)], replay=[(2.5, 1.0), (2.0, 1.2)],
            replay_gc_paused=[(1.0, 0.5), (1.5, 0.6)])


def test_ratios_are_the_fastest_of_each_over_the_fastest_floor(summary):
    ratios = summary.pool_heavy_ratios(_section(**SLOW))
    assert ratios["preview"] == pytest.approx({"bare_s3": 12.0 / 4.0, "replay": 12.0 / 2.0,
                                               "replay_gc_paused": 12.0 / 1.0})
    assert ratios["program"]["bare_s3"] == pytest.approx(10.0 / 4.0)
    cpu = summary.pool_heavy_ratios(_section(**SLOW), "cpu_s")
    assert cpu["program"]["replay"] == pytest.approx(8.0 / 1.0)


def test_the_targets_are_against_the_s3_floor(summary):
    missed = summary.pool_heavy_targets(_section(**SLOW))
    assert [t["met"] for t in missed] == [False, False]
    assert missed[0]["value"] == "3.00x (6.00x the replay)" and "1.5x" in missed[0]["target"]
    fast = dict(SLOW, preview=[(5.9, 4.0)], program=[(5.2, 4.0)])
    assert [t["met"] for t in summary.pool_heavy_targets(_section(**fast))] == [True, True]
    just_over = dict(SLOW, program=[(5.21, 4.0)])  # 1.3025x
    assert summary.pool_heavy_targets(_section(**just_over))[1]["met"] is False


def test_a_quick_run_has_only_the_pool_heavy_section(summary):
    figures = {"sizes": [], "pool_heavy": _section(**SLOW),
               "machine": {"cpu": "cpu", "cores": 2, "memory_gb": 1, "os": "os", "load_average": [0.0],
                           "python": "3.11", "packages": {}}}
    figures["targets"] = summary.targets(figures)
    assert [t["target"].split(":")[0] for t in figures["targets"]] == ["pool-heavy", "pool-heavy"]
    text = summary.render(figures, markdown=True)
    assert "| aiscale preview --no-policies (wall) | 2.50x | 5.00x | 10.00x |" in text
    assert "929 resources (24 GPU pools on each of three clouds" in text
    assert "resources | aiscale preview, s" not in text, "no size table without sizes"


def _record(urn, parent=None, provider=None, custom=True, kind="aws:s3/bucket:Bucket"):
    return {"urn": urn, "type": kind, "name": urn, "custom": custom, "parent": parent,
            "provider": provider, "inputs": {}}


def test_replay_puts_parents_and_providers_first_and_keeps_the_rest_in_order(replay):
    records = [_record("bucket", parent="component", provider="aws-provider"),
               _record("other"),
               _record("component", custom=False, kind="aiscale:index:ObjectStore"),
               _record("aws-provider", parent="component", kind="pulumi:providers:aws")]
    order = [r["urn"] for r in replay.replay_order(records)]
    assert order == ["component", "aws-provider", "bucket", "other"]
    outside = [_record("child", parent="urn:pulumi:stack::project::pulumi:pulumi:Stack::p")]
    assert [r["urn"] for r in replay.replay_order(outside)] == ["child"], "an unknown parent is the stack"


def test_replay_refuses_a_cycle(replay):
    with pytest.raises(ValueError, match="cycle"):
        replay.replay_order([_record("a", parent="b"), _record("b", parent="a")])


def test_a_provider_reference_is_read_as_its_urn(replay):
    assert replay.provider_urn("urn:pulumi:s::p::pulumi:providers:aws::aws::fake-id") == \
        "urn:pulumi:s::p::pulumi:providers:aws::aws"
    assert replay.provider_urn(None) is None
