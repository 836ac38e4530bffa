"""Helpers for the reach tests: standard plain arguments and running components offline."""

from __future__ import annotations

from typing import Any, Callable

from aiscale.preview.engine import run_inline
from aiscale.preview.records import ResourceRecord

POOL = "aiscale:index:GpuNodePool"
PLATFORM = "aiscale:index:AiPlatform"
STORE = "aiscale:index:ObjectStore"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
AGENT_POOL = "azure-native:containerservice:AgentPool"
GKE_POOL = "gcp:container/nodePool:NodePool"

#: Where each cloud's test pool lives, and what the existing cluster needs on that cloud.
CLOUD_ARGS: dict[str, dict[str, Any]] = {
    "aws": {"region": "us-west-2", "node_role_arn": "arn:aws:iam::123456789012:role/nodes",
            "subnet_ids": ["subnet-a", "subnet-b"]},
    "azure": {"region": "eastus", "accelerator": "nvidia-a100-80gb",
              "resource_group_name": "rg-vision"},
    "gcp": {"region": "us-central1", "gcp_project": "acme-ml-dev"},
}


def pool_args(cloud: str, /, **overrides: Any) -> dict[str, Any]:
    """Valid plain GpuNodePool arguments on ``cloud`` (1 x L4, or A100 on Azure), with overrides."""
    args: dict[str, Any] = {
        "cloud": cloud, "platform": "vision", "environment": "dev", "cluster_name": "vision-dev",
        "pool": "infer", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 3,
        "tags": {"team": "ml", "cost-center": "cc-1"}, **CLOUD_ARGS[cloud]}
    args.update(overrides)
    return {key: value for key, value in args.items() if value is not None}


def platform_model(**overrides: Any) -> dict[str, Any]:
    """A small valid platform model map: one AWS cluster with one GPU pool and one bucket."""
    model: dict[str, Any] = {
        "name": "vision-train", "environment": "dev", "tags": {"team": "ml", "cost-center": "cc-1"},
        "clouds": {"aws": {"region": "us-west-2"}},
        "node_pools": [{"name": "train", "accelerator": "nvidia-l4", "gpus_per_node": 1,
                        "max_nodes": 2}],
        "buckets": [{"name": "checkpoints"}],
    }
    model.update(overrides)
    return model


def records_of(program: Callable[[], None]) -> list[ResourceRecord]:
    """The resources ``program`` registers on the offline mock runtime."""
    return run_inline(program, config={"aws:region": "us-west-2"}).resources


def named(records: list[ResourceRecord], type_: str, name: str) -> ResourceRecord:
    """The one record of ``type_`` named ``name``."""
    found = [record for record in records if record.type == type_ and record.name == name]
    assert len(found) == 1, f"{type_} {name}: found {len(found)}"
    return found[0]


def children(records: list[ResourceRecord], parent: ResourceRecord) -> list[ResourceRecord]:
    """The direct children of ``parent``."""
    return [record for record in records if record.parent == parent.urn]
