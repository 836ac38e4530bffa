"""Azure: AKS, VM Scale Sets, Blob Storage, Azure Machine Learning, Azure Monitor."""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from aiscale.azure import naming
from aiscale.clouds.base import CloudAdapter


class AzureAdapter(CloudAdapter):
    """Microsoft Azure."""

    name = "azure"
    sdk_modules = ("pulumi_azure_native",)
    extra_modules = ("azure",)  # azure-identity, azure-mgmt-compute: `aiscale preflight`
    preflight_module = "aiscale.preflight.azure"
    title = "Azure"
    region_field = "location"
    builders = MappingProxyType({
        "provider": "provider", "network": "network", "cluster": "cluster", "node_pool": "node_pool",
        "vm_group": "vm_group", "storage": "storage", "managed_endpoint": "ml_endpoint",
        "endpoint_identity": "endpoint_identity", "budget": "budget", "alerts": "alerts",
        "model_loader": "model_loader"})
    spot_taint = ("kubernetes.azure.com/scalesetpriority", "spot")
    managed_runtime = "Azure Machine Learning (the managed runtime on azure)"
    required_store_args = MappingProxyType({"resource_group_name": "the resource group name"})
    managed_service = "Azure Machine Learning"
    # Azure ML pulls from Azure Container Registry (the workspace identity) or anonymously from
    # public registries; a private ECR always needs AWS credentials.
    managed_refused_registries = (r"\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?",)
    managed_image_hint = ("push it to Azure Container Registry (<registry>.azurecr.io/...; give the "
                          "workspace's identity AcrPull) or use a public image (Docker Hub, "
                          "mcr.microsoft.com, nvcr.io, ghcr.io)")
    scope_fields = MappingProxyType({"resource_group_name": "the platform's resource group"})
    existing_cluster_args = MappingProxyType({"resource_group_name": "the cluster's resource group",
                                              "nodes_subnet_id": "the nodes' VNet subnet"})
    required_existing_cluster_args = MappingProxyType({"resource_group_name": "the cluster's resource group"})
    model_paths = (("clouds.azure.location", "region"),)
    node_pool_label = "kubernetes.azure.com/agentpool"
    internal_service_annotations = MappingProxyType({"service.beta.kubernetes.io/azure-load-balancer-internal": "true"})
    cluster_identity_details = ("oidc_issuer_url",)
    max_budget_notifications = 5
    provider_package = "azure-native"
    facts_reader = "aiscale.facts.azure"
    cost_pricer = "aiscale.cost._azure"

    def bucket_name(self, platform: str, environment: str, bucket: str, seed: str = "") -> str:
        """``<storage account>/<blob container>``."""
        return f"{naming.azure_storage_account_name(platform, environment, bucket, seed)}/{naming.azure_container_name(bucket)}"

    def sanitise_tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        """Azure tag rules (``aiscale.azure.naming.azure_tags``)."""
        return naming.azure_tags(tags)
