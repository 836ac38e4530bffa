"""A valid platform model (the DESIGN.md example, adapted to the catalog) for the model tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

VALID: dict[str, Any] = {
    "name": "acme-ml",
    "environment": "dev",
    "tags": {"team": "ml-platform", "cost-center": "cc-1234"},
    "clouds": {
        "aws": {"region": "us-west-2", "zones": ["us-west-2a", "us-west-2b"]},
        "azure": {"location": "eastus"},
        "gcp": {"project": "acme-ml-dev", "region": "us-central1"},
    },
    "kubernetes": {"version": "1.31", "api_access": "private", "authorized_networks": []},
    "network": {"cidr": "10.40.0.0/16"},
    "node_pools": [
        {
            "name": "train",
            "accelerator": "nvidia-a100-80gb",
            "gpus_per_node": 8,
            "min_nodes": 0,
            "max_nodes": 4,
            "capacity": "spot",
            "clouds": ["gcp", "aws"],
            "disk_gb": 200,
            "labels": {"workload": "training"},
            "taints": ["dedicated=training:NoSchedule"],
        },
        {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 4,
         "clouds": ["aws"]},
        {"name": "cheap", "accelerator": "nvidia-t4", "gpus_per_node": 1, "max_nodes": 2,
         "capacity": "spot", "placement": "cheapest"},
    ],
    "autoscaling_groups": [
        {
            "name": "batch",
            "accelerator": "nvidia-l4",
            "gpus_per_node": 1,
            "min_nodes": 1,
            "max_nodes": 20,
            "capacity": "spot",
            "target_cpu_utilization": 60,
            "clouds": ["gcp"],
        }
    ],
    "buckets": [
        {
            "name": "models",
            "versioning": True,
            "encryption": "customer-managed",
            "lifecycle": {"cool_after_days": 30, "archive_after_days": 180,
                          "expire_after_days": None},
            "clouds": ["aws", "gcp"],
        },
        {"name": "datasets", "expected_size_gb": 500},
    ],
    "endpoints": [
        {
            "name": "chat",
            "runtime": "kubernetes",
            "image": "vllm/vllm-openai:v0.6.3",
            "model": {"bucket": "models", "path": "llama-3-8b/"},
            "accelerator": "nvidia-l4",
            "gpus_per_replica": 1,
            "min_replicas": 1,
            "max_replicas": 8,
            "target_concurrency": 4,
            "port": 8000,
            "public": False,
            "clouds": ["aws"],
        },
        {
            "name": "embed",
            "runtime": "managed",
            "image": "ghcr.io/acme/embedder@sha256:" + "a" * 64,
            "model": {"bucket": "datasets"},
            "accelerator": "nvidia-l4",
            "min_replicas": 0,
            "max_replicas": 3,
            "clouds": ["gcp"],
        },
    ],
    "operations": {
        "notifications": {"emails": ["ml-oncall@example.com"],
                          "webhook_url": "https://hooks.example.com/aiscale"},
        "budget": {"monthly_usd": 5000},
        "gcp_billing_account": "012345-6789AB-CDEF01",
    },
}
"""Valid against the catalog: every accelerator is offered where it runs, with its GPU count."""


@pytest.fixture
def valid_raw() -> dict[str, Any]:
    """A fresh deep copy of VALID, safe to mutate."""
    return copy.deepcopy(VALID)
