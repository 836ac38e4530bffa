"""The benchmark's platforms are valid models: `python bench/run.py` previews each of them, and a
model rule added later must not turn a benchmark size into a validation error."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from aiscale.model import load_platform

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def platforms():
    spec = importlib.util.spec_from_file_location("bench_platforms", BENCH / "platforms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("target", [100, 1000, 3000])
def test_every_benchmark_size_is_a_valid_platform(platforms, target):
    units = platforms.units_for(target)
    platform = load_platform(platforms.platform_model(units))
    assert len(platform.node_pools) == units + 1
    assert len(platform.autoscaling_groups) == len(platform.endpoints) == len(platform.buckets) == units


def test_the_pool_heavy_and_start_up_platforms_are_valid(platforms):
    pool_heavy = load_platform(platforms.pool_heavy_model())
    assert len(pool_heavy.node_pools) == platforms.POOL_HEAVY_POOLS
    assert len(pool_heavy.buckets) == platforms.POOL_HEAVY_BUCKETS
    assert len(load_platform(platforms.aws_one_bucket_model()).buckets) == 1
