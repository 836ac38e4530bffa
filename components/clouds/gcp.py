"""GCP: GKE, managed instance groups, Cloud Storage, Cloud Run, Cloud Monitoring."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Mapping

from aiscale.gcp import naming
from aiscale.clouds.base import CloudAdapter

GCP_LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}")
"""A GCP label key: 1-63 lowercase letters, digits, '_' or '-', starting with a letter."""
GCP_LABEL_VALUE = re.compile(r"[a-z0-9_-]{0,63}")
"""A GCP label value: up to 63 lowercase letters, digits, '_' or '-'."""
CLOUD_RUN_MAX_GPUS = 1
"""GPUs Cloud Run attaches to one instance."""


class GcpAdapter(CloudAdapter):
    """Google Cloud."""

    name = "gcp"
    sdk_modules = ("pulumi_gcp",)
    extra_modules = ("google",)  # google-cloud-compute: `aiscale preflight`
    preflight_module = "aiscale.preflight.gcp"
    title = "GCP"
    builders = MappingProxyType({
        "provider": "provider", "network": "network", "cluster": "cluster", "node_pool": "node_pool",
        "vm_group": "vm_group", "storage": "storage", "access_logs": "_access_logs",
        "managed_endpoint": "cloud_run", "endpoint_identity": "endpoint_identity",
        "budget": "budget", "alerts": "alerts", "model_loader": "model_loader",
        "metrics_reader": "metrics_reader"})
    spot_taint = ("cloud.google.com/gke-spot", "true")
    managed_runtime = "Cloud Run (the managed runtime on gcp)"
    managed_service = "Cloud Run"
    managed_scales_to_zero = True
    managed_needs_offering = False  # Cloud Run picks the machine from the GPU type
    managed_image_registries = (r"[a-z0-9-]+-docker\.pkg\.dev", r"([a-z]+\.)?gcr\.io",
                                r"(registry-1\.|index\.)?docker\.io", r"ghcr\.io")
    managed_image_hint = ("use Artifact Registry (<region>-docker.pkg.dev/<project>/<repository>/...; "
                          "an Artifact Registry remote repository mirrors ECR, nvcr.io, quay.io or any "
                          "other registry), gcr.io or a public Docker Hub or ghcr.io image")
    metrics_namespace = "gmp-system"  # Google Managed Prometheus scrapes from its own namespace
    access_logs_to_bucket = True
    existing_cluster_args = MappingProxyType({
        "gcp_project": "the cluster's project", "cluster_location": "the cluster's region or zone",
        "node_service_account_email": "the nodes' service account"})
    model_paths = (("clouds.gcp.region", "region"), ("clouds.gcp.project", "gcp_project"))
    node_pool_label = "cloud.google.com/gke-nodepool"
    capacity_class_label = "cloud.google.com/compute-class"
    internal_service_annotations = MappingProxyType({"networking.gke.io/load-balancer-type": "internal",
                                                     "cloud.google.com/load-balancer-type": "internal"})
    managed_prometheus = True  # Google Cloud Managed Service for Prometheus
    dcgm_hostname_label = "Hostname"  # GKE's DCGM metrics name the node in Hostname
    provider_package = "gcp"
    facts_reader = "aiscale.facts.gcp"
    cost_pricer = "aiscale.cost._gcp"

    def model_settings(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """GKE pools need the project as well as the region."""
        return {"project": args.get("gcp_project"), "region": args.get("region")}

    def check_existing_network(self, ctx: Any, existing: Any) -> None:
        """An existing subnetwork must be in the configured region."""
        region = ctx.region(self.name)
        if existing.subnetwork_region != region:
            ctx.add(("network", "existing", self.name, "subnetwork"), existing.subnetwork,
                    f"is in region {existing.subnetwork_region}, but clouds.gcp.region is {region}; "
                    "use a subnetwork of that region")

    def check_tags(self, ctx: Any, tags: Mapping[str, str]) -> None:
        """Tags become GCP labels: keys and values must be valid labels."""
        for key, value in tags.items():
            if not GCP_LABEL_KEY.fullmatch(key):
                ctx.add(("tags", key), key,
                        "tag key must also be a valid GCP label key (gcp is configured): 1-63 "
                        "lowercase letters, digits, '_' or '-', starting with a letter")
            if not GCP_LABEL_VALUE.fullmatch(value):
                ctx.add(("tags", key), value,
                        "tag value must also be a valid GCP label value (gcp is configured): up to "
                        "63 lowercase letters, digits, '_' or '-'")

    def check_budget(self, ctx: Any, operations: Any) -> None:
        """A GCP budget belongs to a billing account."""
        from aiscale.model.errors import MISSING

        if operations.gcp_billing_account is None:
            ctx.add(("operations", "gcp_billing_account"), MISSING,
                    "is required for a budget when gcp is configured: GCP budgets belong to a "
                    "billing account; give its id, e.g. 012345-6789AB-CDEF01")

    def check_managed_endpoint(self, ctx: Any, item: tuple, endpoint: Any) -> bool:
        """Cloud Run serves a few accelerators, one GPU per instance; it is not sized from the
        catalog's machine types."""
        from aiscale import catalog
        from aiscale.model._base import choices

        service = self.managed_runtime
        if not catalog.accelerator_info(endpoint.accelerator).cloud_run:
            served = [name for name in catalog.accelerators() if catalog.accelerator_info(name).cloud_run]
            ctx.add(item + ("accelerator",), endpoint.accelerator,
                    f"{service} serves only {choices(served)}; use runtime: kubernetes to serve "
                    f"{endpoint.accelerator} on GKE")
        elif endpoint.gpus_per_replica > CLOUD_RUN_MAX_GPUS:
            ctx.add(item + ("gpus_per_replica",), endpoint.gpus_per_replica,
                    f"must be <= {CLOUD_RUN_MAX_GPUS}: {service} attaches {CLOUD_RUN_MAX_GPUS} GPU "
                    "per instance; use runtime: kubernetes for more")
        return True

    def budget_problems(self, args: Mapping[str, Any]) -> list[str]:
        """A GCP budget belongs to a billing account and notifies at most a few channels."""
        from aiscale.operations import MAX_BUDGET_CHANNELS

        problems = []
        if not args.get("gcp_billing_account"):
            problems.append("gcp_billing_account: got None; a GCP budget belongs to a billing "
                            "account: give its id, e.g. 012345-6789AB-CDEF01")
        channels = len(args.get("emails") or ()) + (1 if args.get("webhook_url") else 0)
        if channels > MAX_BUDGET_CHANNELS:
            problems.append(f"emails + webhook_url: got {channels} notification targets; a GCP "
                            f"budget notifies at most {MAX_BUDGET_CHANNELS} channels")
        return problems

    def bucket_name(self, platform: str, environment: str, bucket: str, seed: str = "") -> str:
        """The GCS bucket name."""
        return naming.gcs_bucket_name(platform, environment, bucket, seed)

    def sanitise_tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        """GCP label rules (``aiscale.gcp.naming.gcp_labels``)."""
        return naming.gcp_labels(tags)
