"""AiPlatform: the whole platform model turned into components, one subtree per cloud.

The tree reads like the model: ``AiPlatform`` > one ``CloudDeployment`` per configured cloud
(carrying that cloud's explicit provider) > ``Network``, ``KubernetesCluster`` (> its
``GpuNodePool``s), ``AutoscalingGroup``s, ``ObjectStore``s and ``ModelEndpoint``s. Logical names
come from the model's names, never from list positions, so reordering a list or renaming another
entry never replaces a bucket or a key.
"""

from __future__ import annotations

import importlib
from typing import Any, Optional, TypedDict

import pulumi

from aiscale import catalog
from aiscale.model import Platform
from aiscale.scope import CloudScope
from aiscale.sdk_extras import require_cloud_sdks

#: Clouds whose buckets log access to a per-cloud access-log bucket (Azure logs through
#: diagnostic settings instead).
ACCESS_LOG_CLOUDS = {"aws", "gcp"}
#: The type token of the per-cloud grouping component.
CLOUD_DEPLOYMENT_TYPE = "aiscale:index:CloudDeployment"


class AiPlatformArgs(TypedDict):
    """Arguments of :class:`AiPlatform`."""

    platform: Platform
    """The validated platform model (``aiscale.model.load_platform``)."""


def resource_tags(platform: Platform) -> dict[str, str]:
    """The tags on every taggable resource: the model's tags plus platform, environment and
    ``managed-by`` (the model's own values win where they name the same key)."""
    return {"platform": platform.name, "environment": platform.environment,
            "managed-by": "aiscale", **dict(platform.tags)}


def _needs_network(platform: Platform, cloud: str) -> bool:
    """Clusters, VM groups and SageMaker endpoints (VPC config) live in a private network."""
    return (platform.needs_kubernetes(cloud)
            or any(cloud in group.clouds for group in platform.autoscaling_groups)
            or (cloud == "aws" and any(cloud in e.clouds and e.runtime == "managed" for e in platform.endpoints)))


def _by_cloud(components: dict[tuple[str, str], Any], attribute: str) -> pulumi.Output:
    """``{cloud: {entry: component.<attribute>}}`` as one Output."""
    nested: dict[str, dict[str, Any]] = {}
    for (cloud, entry), component in sorted(components.items()):
        nested.setdefault(cloud, {})[entry] = getattr(component, attribute)
    return pulumi.Output.from_input(nested)


class AiPlatform(pulumi.ComponentResource):
    """Every resource of one platform model, on every cloud it configures."""

    scopes: dict[str, CloudScope]
    """The per-cloud scopes (provider, region, parent), by cloud."""
    networks: dict[str, Any]
    """``Network`` per cloud that needs one."""
    clusters: dict[str, Any]
    """``KubernetesCluster`` per cloud that has node pools or Kubernetes endpoints."""
    node_pools: dict[tuple[str, str], Any]
    """``GpuNodePool`` by (cloud, pool name)."""
    autoscaling_groups: dict[tuple[str, str], Any]
    """``AutoscalingGroup`` by (cloud, group name)."""
    buckets: dict[tuple[str, str], Any]
    """``ObjectStore`` by (cloud, bucket name)."""
    endpoints: dict[tuple[str, str], Any]
    """``ModelEndpoint`` by (cloud, endpoint name)."""
    operations: dict[str, Any]
    """``Operations`` (budget, notifications, alerts, GPU observability) by cloud."""
    bucket_names: pulumi.Output[dict]
    """Physical bucket names: ``{cloud: {bucket: name}}``."""
    bucket_urls: pulumi.Output[dict]
    """Bucket URLs (``s3://``, ``https://<account>.blob...``, ``gs://``): ``{cloud: {bucket: url}}``."""
    cluster_names: pulumi.Output[dict]
    """Kubernetes cluster names: ``{cloud: name}``."""
    endpoint_urls: pulumi.Output[dict]
    """Endpoint URLs or names: ``{cloud: {endpoint: url}}``."""

    def __init__(self, name: str, args: AiPlatformArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        require_cloud_sdks(args["platform"].configured_clouds)  # before anything registers
        super().__init__("aiscale:index:AiPlatform", name, None, opts)
        platform = args["platform"]
        self._name_prefix = name
        tags = resource_tags(platform)
        self.scopes = {}
        for cloud in platform.configured_clouds:
            provider_module = importlib.import_module(f"aiscale.{cloud}.provider")
            self.scopes[cloud] = provider_module.open_scope(name, platform, tags, CLOUD_DEPLOYMENT_TYPE, self)
        self.networks, self.clusters = {}, {}
        self.node_pools, self.autoscaling_groups, self.buckets = {}, {}, {}
        for cloud, scope in self.scopes.items():
            self._declare_compute(platform, cloud, scope)
        self._declare_object_stores(platform)
        self.endpoints = {}
        self._declare_endpoints(platform)
        self.operations = {}
        self._declare_operations(platform)
        self.bucket_names = _by_cloud(self.buckets, "bucket_name")
        self.bucket_urls = _by_cloud(self.buckets, "bucket_url")
        self.cluster_names = pulumi.Output.from_input(
            {cloud: cluster.cluster_name for cloud, cluster in sorted(self.clusters.items())})
        self.endpoint_urls = _by_cloud(self.endpoints, "url")
        self.register_outputs({"bucket_names": self.bucket_names, "bucket_urls": self.bucket_urls,
                               "cluster_names": self.cluster_names, "endpoint_urls": self.endpoint_urls})

    def _declare_compute(self, platform: Platform, cloud: str, scope: CloudScope) -> None:
        from aiscale.autoscaling_group import AutoscalingGroup
        from aiscale.gpu_node_pool import GpuNodePool
        from aiscale.kubernetes_cluster import KubernetesCluster
        from aiscale.network import Network

        prefix = f"{self._name_prefix}-{cloud}"
        if not _needs_network(platform, cloud):
            return
        network = self.networks[cloud] = Network(f"{prefix}-network", {
            "scope": scope, "cidr": platform.network.cidr,
            "existing": getattr(platform.network.existing, cloud)}, scope.options())
        if platform.needs_kubernetes(cloud):
            settings = platform.kubernetes
            cluster = self.clusters[cloud] = KubernetesCluster(f"{prefix}-k8s", {
                "scope": scope, "network": network, "version": settings.version,
                "api_access": settings.api_access,
                "authorized_networks": list(settings.authorized_networks)}, scope.options())
            for pool in platform.node_pools:
                if cloud in pool.clouds:
                    offering = catalog.resolve(cloud, pool.accelerator, pool.gpus_per_node, scope.region)
                    self.node_pools[(cloud, pool.name)] = GpuNodePool(
                        f"{prefix}-{pool.name}",
                        {"scope": scope, "cluster": cluster, "pool": pool, "offering": offering},
                        pulumi.ResourceOptions(parent=cluster))
        for group in platform.autoscaling_groups:
            if cloud in group.clouds:
                offering = catalog.resolve(cloud, group.accelerator, group.gpus_per_node, scope.region)
                self.autoscaling_groups[(cloud, group.name)] = AutoscalingGroup(
                    f"{prefix}-{group.name}",
                    {"scope": scope, "network": network, "group": group, "offering": offering},
                    scope.options())

    def _declare_object_stores(self, platform: Platform) -> None:
        from aiscale.access_log_bucket import AccessLogBucket
        from aiscale.object_store import ObjectStore

        log_buckets = {}
        for cloud in sorted({c for bucket in platform.buckets for c in bucket.clouds} & ACCESS_LOG_CLOUDS):
            scope = self.scopes[cloud]
            log_buckets[cloud] = AccessLogBucket(f"{self._name_prefix}-{cloud}-access-logs", {
                "cloud": cloud, "platform": platform.name, "environment": platform.environment,
                "region": scope.region, "gcp_project": scope.gcp_project, "tags": scope.tags,
                "protect": scope.protect}, scope.options())
        for bucket in platform.buckets:
            for cloud in bucket.clouds:
                scope = self.scopes[cloud]
                lifecycle = bucket.lifecycle.model_dump() if bucket.lifecycle else None
                logging = {"access_log_bucket": log_buckets[cloud].bucket_name} if cloud in log_buckets else {}
                self.buckets[(cloud, bucket.name)] = ObjectStore(
                    f"{self._name_prefix}-{cloud}-{bucket.name}",
                    {
                        "cloud": cloud,
                        "platform": platform.name,
                        "environment": platform.environment,
                        "bucket": bucket.name,
                        "region": scope.region,
                        "gcp_project": scope.gcp_project,
                        "resource_group_name": scope.resource_group_name,
                        "versioning": bucket.versioning,
                        "encryption": bucket.encryption,
                        "lifecycle": lifecycle,
                        "tags": scope.tags,
                        "protect": scope.protect,
                        **logging,
                    },
                    scope.options(),
                )

    def _declare_endpoints(self, platform: Platform) -> None:
        from aiscale.model_endpoint import ModelEndpoint

        for endpoint in platform.endpoints:
            for cloud in endpoint.clouds:
                scope = self.scopes[cloud]
                args: dict[str, Any] = {"scope": scope, "endpoint": endpoint}
                if endpoint.model is not None:
                    args["store"] = self.buckets[(cloud, endpoint.model.bucket)]
                opts = scope.options()
                if endpoint.runtime == "kubernetes":
                    pool = _serving_pool(platform, cloud, endpoint)
                    args.update(cluster=self.clusters[cloud], pool=pool,
                                offering=catalog.resolve(cloud, pool.accelerator, pool.gpus_per_node, scope.region))
                    opts = scope.options(depends_on=[self.node_pools[(cloud, pool.name)]])
                    if cloud == "gcp":  # Google Managed Prometheus scrapes from its own namespace
                        from aiscale.kubernetes.observability import METRICS_NAMESPACES

                        args["metrics_namespace"] = METRICS_NAMESPACES[cloud]
                elif cloud in ("aws", "azure"):
                    args["offering"] = catalog.resolve(cloud, endpoint.accelerator, endpoint.gpus_per_replica,
                                                       scope.region)
                    if cloud == "aws":
                        args["network"] = self.networks["aws"]
                self.endpoints[(cloud, endpoint.name)] = ModelEndpoint(
                    f"{self._name_prefix}-{cloud}-{endpoint.name}", args, opts)

    def _declare_operations(self, platform: Platform) -> None:
        """Per cloud: the budget and notifications of the model's ``operations`` section, native
        alarms on managed endpoints, and GPU observability with alert rules on the cluster."""
        from aiscale.cost import budget_per_cloud
        from aiscale.operations import Operations, args_from_model

        budgets = budget_per_cloud(platform)
        wants_budget = platform.operations is not None and platform.operations.budget is not None
        for cloud, scope in self.scopes.items():
            if platform.operations is None and cloud not in self.clusters:
                continue
            served = [{"endpoint": e, "component": self.endpoints[(cloud, e.name)]}
                      for e in platform.endpoints if cloud in e.clouds]
            pools = [{"pool": p, "component": self.node_pools[(cloud, p.name)]}
                     for p in platform.node_pools if cloud in p.clouds]
            args = args_from_model(platform, scope, estimate_usd=budgets[cloud], endpoints=served,
                                   cluster=self.clusters.get(cloud), node_pools=pools)
            if wants_budget:
                if budgets[cloud] > 0:
                    args["amount_usd"] = budgets[cloud]  # this cloud's share of the platform's figure
                else:
                    args.pop("amount_usd", None)
                    pulumi.log.warn(f"no budget on {cloud}: nothing there is priced and "
                                    "operations.budget.monthly_usd is not set", self)
            self.operations[cloud] = Operations(f"{self._name_prefix}-{cloud}-operations", args, scope.options())


def _serving_pool(platform: Platform, cloud: str, endpoint: Any) -> Any:
    """The node pool a Kubernetes endpoint runs on: same accelerator, enough GPUs per node (the
    model guarantees one exists); the smallest such pool, then by name."""
    candidates = [pool for pool in platform.node_pools
                  if cloud in pool.clouds and pool.accelerator == endpoint.accelerator
                  and pool.gpus_per_node >= endpoint.gpus_per_replica]
    return min(candidates, key=lambda pool: (pool.gpus_per_node, pool.name))
