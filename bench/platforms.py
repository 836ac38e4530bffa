"""Platform models of a chosen size, and Pulumi project folders that preview them.

A benchmark platform spans the three clouds and grows by whole *units*: one bucket, one GPU
node pool, one GPU autoscaling group and one Kubernetes model endpoint, each on every cloud
that offers the accelerator (the NVIDIA T4, sold on AWS, Azure and GCP). A platform of zero
units still has one node pool, so each cloud gets its network and Kubernetes cluster. The
resource counts per unit are measured, not assumed: :func:`units_for` asks for a target size
and the benchmark reports the count the preview actually registered.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
"""The repository root (its Pulumi.yaml and __main__.py are the program benchmarked)."""

ACCELERATOR = "nvidia-t4"
"""The one accelerator of the catalog offered on all three clouds in the regions below."""
CLOUDS = {
    "aws": {"region": "us-west-2"},
    "azure": {"location": "eastus"},
    "gcp": {"project": "aiscale-bench", "region": "us-central1"},
}
"""Where the benchmark platform runs."""

BASE_RESOURCES = 131
"""Resources of a platform of zero units (networks, clusters, access-log buckets and one node
pool on three clouds), as measured; the benchmark reports the actual count."""
RESOURCES_PER_UNIT = 79
"""Resources one unit adds on three clouds (bucket, node pool, autoscaling group, endpoint),
as measured."""


def units_for(target_resources: int) -> int:
    """The number of units whose platform registers about `target_resources` resources."""
    return max(0, round((target_resources - BASE_RESOURCES) / RESOURCES_PER_UNIT))


def platform_model(units: int, *, name: str = "bench", environment: str = "dev") -> dict[str, Any]:
    """The `aiscale:platform` value of a three-cloud platform of `units` units. Its groups keep
    one machine (a CPU-scaled group cannot start from zero, and the model refuses it)."""
    fleet = {"accelerator": ACCELERATOR, "gpus_per_node": 1, "min_nodes": 0, "max_nodes": 2,
             "capacity": "spot"}
    return {
        "name": name,
        "environment": environment,
        "tags": {"team": "bench", "cost-center": "cc-0000"},
        "clouds": CLOUDS,
        "node_pools": [{"name": f"pool{i:04d}", **fleet} for i in range(units + 1)],
        "autoscaling_groups": [{"name": f"group{i:04d}", **fleet, "min_nodes": 1} for i in range(units)],
        "buckets": [{"name": f"bucket{i:04d}", "lifecycle": {"cool_after_days": 30}}
                    for i in range(units)],
        "endpoints": [{"name": f"serve{i:04d}", "image": "vllm/vllm-openai:v0.6.3",
                       "accelerator": ACCELERATOR, "min_replicas": 1, "max_replicas": 2}
                      for i in range(units)],
    }


POOL_HEAVY_POOLS = 24
"""GPU node pools of the pool-heavy platform, each on all three clouds."""
POOL_HEAVY_BUCKETS = 24
"""Buckets of the pool-heavy platform, each on all three clouds."""


def pool_heavy_model(pools: int = POOL_HEAVY_POOLS, buckets: int = POOL_HEAVY_BUCKETS) -> dict[str, Any]:
    """The pool-heavy platform of the architecture issue: `pools` GPU node pools on each of the
    three clouds, every second one spot, and `buckets` buckets (each on every cloud); about 930
    resources with the defaults, most of them node pools and what each cloud's cluster needs."""
    fleet = {"accelerator": ACCELERATOR, "gpus_per_node": 1, "min_nodes": 0, "max_nodes": 2}
    return {
        "name": "bench",
        "environment": "dev",
        "tags": {"team": "bench", "cost-center": "cc-0000"},
        "clouds": CLOUDS,
        "node_pools": [{"name": f"pool{i:02d}", **fleet, "capacity": "spot" if i % 2 else "on-demand"}
                       for i in range(pools)],
        "buckets": [{"name": f"bucket{i:02d}"} for i in range(buckets)],
    }


def aws_one_bucket_model() -> dict[str, Any]:
    """The smallest useful stack: one bucket on AWS only (the start-up benchmark)."""
    return {"name": "bench", "environment": "dev", "clouds": {"aws": CLOUDS["aws"]},
            "buckets": [{"name": "models"}]}


def write_project(directory: Path, stack: str, model: dict[str, Any]) -> Path:
    """A Pulumi project folder running this repository's program (its Pulumi.yaml and
    __main__.py, copied) with `model` as the stack's platform; returns the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "Pulumi.yaml", directory / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", directory / "__main__.py")
    stacks = directory / "stacks"
    stacks.mkdir(exist_ok=True)
    (stacks / f"Pulumi.{stack}.yaml").write_text(
        yaml.safe_dump({"config": {"aiscale:platform": model}}, sort_keys=False))
    return directory
