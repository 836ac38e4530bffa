"""Shared by the catalog overlay tests: a platform in a region the packaged catalog lacks, and
no overlay left active after a test."""

from __future__ import annotations

import pytest

from aiscale import catalog

GCP_L4_ASIA_EAST1 = {
    "name": "acme-ml", "environment": "dev",
    "clouds": {"gcp": {"project": "acme-ml-dev", "region": "asia-east1"}},
    "node_pools": [{"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 2}],
}
"""A GCP platform whose region the packaged catalog has no L4 data for (GKE sells g2 there)."""


@pytest.fixture(autouse=True)
def _no_overlay_left_behind():
    """The overlay is process-wide: every test ends with none active."""
    yield
    catalog.activate_overlay(None)
