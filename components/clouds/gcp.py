"""GCP: GKE, managed instance groups, Cloud Storage, Cloud Run, Cloud Monitoring."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from aiscale import naming
from aiscale.clouds.base import CloudAdapter


class GcpAdapter(CloudAdapter):
    """Google Cloud."""

    name = "gcp"
    title = "GCP"
    builders = MappingProxyType({
        "provider": "provider", "network": "network", "cluster": "cluster", "node_pool": "node_pool",
        "vm_group": "vm_group", "storage": "storage", "access_logs": "_access_logs",
        "managed_endpoint": "cloud_run", "endpoint_identity": "endpoint_identity",
        "budget": "budget", "alerts": "alerts"})
    spot_taint = ("cloud.google.com/gke-spot", "true")
    managed_runtime = "Cloud Run (the managed runtime on gcp)"
    managed_scales_to_zero = True
    managed_needs_offering = False  # Cloud Run picks the machine from the GPU type
    metrics_namespace = "gmp-system"  # Google Managed Prometheus scrapes from its own namespace
    access_logs_to_bucket = True
    node_pool_label = "cloud.google.com/gke-nodepool"

    def sanitise_tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        """GCP label rules (``aiscale.naming.gcp_labels``)."""
        return naming.gcp_labels(tags)
