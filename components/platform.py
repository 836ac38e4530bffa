"""AiPlatform: the whole platform model turned into components, one subtree per cloud.

The tree reads like the model: ``AiPlatform`` > one ``CloudDeployment`` per configured cloud
(carrying that cloud's explicit provider) > ``Network``, ``KubernetesCluster`` (> its
``GpuNodePool``s), ``AutoscalingGroup``s, ``ObjectStore``s and ``ModelEndpoint``s. Logical names
come from the model's names, never from list positions, so reordering a list or renaming another
entry never replaces a bucket or a key.

One class registers ``aiscale:index:AiPlatform``, from Python (a validated ``Platform``) and,
through the component package, from every Pulumi language (the same model as a plain map).

No ``from __future__ import annotations``: Pulumi's component analyzer (``pulumi package add``)
reads the annotations of ``AiPlatform`` as real types.
"""

from collections.abc import Mapping
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale import clouds
from aiscale._docs import documented
from aiscale.model import Platform
from aiscale.plan import Plan, make_plan, placement_report
from aiscale.scope import CloudScope
from aiscale.sdk_extras import require_cloud_sdks

__all__ = ["AiPlatform", "AiPlatformArgs", "resource_tags"]

TYPE_TOKEN = "aiscale:index:AiPlatform"
#: Clouds whose buckets log access to a per-cloud access-log bucket (the others log through
#: their own services, e.g. Azure's diagnostic settings).
ACCESS_LOG_CLOUDS = {a.name for a in clouds.adapters() if a.access_logs_to_bucket}
#: The namespace of the in-cluster Prometheus (a cloud's adapter may name another).
DEFAULT_METRICS_NAMESPACE = "monitoring"
#: The type token of the per-cloud grouping component.
CLOUD_DEPLOYMENT_TYPE = "aiscale:index:CloudDeployment"


class AiPlatformArgs(TypedDict, total=False):
    """Arguments of :class:`AiPlatform`."""

    platform: Required[dict[str, Any]]
    """The platform model: the same map as the stack config value ``aiscale:platform`` (name,
    environment, tags, clouds, kubernetes, network, node_pools, autoscaling_groups, buckets,
    endpoints), with snake_case keys, or from Python the validated ``Platform`` object
    (``aiscale.load_platform``). A map is validated completely before anything is declared, so
    every value must be known when the program runs (no outputs of other resources). Required."""


def resource_tags(platform: Platform) -> dict[str, str]:
    """The tags on every taggable resource: the model's tags plus platform, environment and
    ``managed-by`` (the model's own values win where they name the same key)."""
    return {"platform": platform.name, "environment": platform.environment,
            "managed-by": "aiscale", **dict(platform.tags)}


def _needs_network(platform: Platform, cloud: str) -> bool:
    """Clusters, VM groups and managed endpoints that run in the platform's network (SageMaker's
    VPC config) live in a private network."""
    return (platform.needs_kubernetes(cloud)
            or any(cloud in group.clouds for group in platform.autoscaling_groups)
            or (clouds.adapter(cloud).managed_needs_network
                and any(cloud in e.clouds and e.runtime == "managed" for e in platform.endpoints)))


def _by_cloud(components: dict[tuple[str, str], Any], attribute: str) -> pulumi.Output:
    """``{cloud: {entry: component.<attribute>}}`` as one Output."""
    nested: dict[str, dict[str, Any]] = {}
    for (cloud, entry), component in sorted(components.items()):
        nested.setdefault(cloud, {})[entry] = getattr(component, attribute)
    return pulumi.Output.from_input(nested)


@documented("Declare every resource of the platform model on every cloud it configures.", AiPlatformArgs)
class AiPlatform(pulumi.ComponentResource):
    """Every resource of one platform model, on every cloud it configures: networks, hardened
    Kubernetes clusters with GPU node pools, GPU autoscaling groups, private encrypted buckets
    and model endpoints, secure and cost-aware by default."""

    bucket_names: pulumi.Output[dict[str, dict[str, str]]]
    """Physical bucket names: ``{cloud: {bucket: name}}``."""
    bucket_urls: pulumi.Output[dict[str, dict[str, str]]]
    """Bucket URLs (``s3://``, ``https://<account>.blob...``, ``gs://``): ``{cloud: {bucket: url}}``."""
    cluster_names: pulumi.Output[dict[str, str]]
    """Kubernetes cluster names: ``{cloud: name}``."""
    endpoint_urls: pulumi.Output[dict[str, dict[str, str]]]
    """Endpoint URLs or names: ``{cloud: {endpoint: url}}``."""
    node_pool_names: pulumi.Output[dict[str, dict[str, str]]]
    """GPU node pool names in the cloud: ``{cloud: {pool: name}}``."""
    kubeconfigs: pulumi.Output[dict[str, str]]
    """A kubeconfig per cluster, ``{cloud: kubeconfig}`` (a secret)."""

    def __init__(self, name: str, args: AiPlatformArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        raw = args.get("platform") if isinstance(args, Mapping) else args
        platform = raw if isinstance(raw, Platform) else _load_plain(name, raw)  # registers nothing if bad
        require_cloud_sdks(platform.configured_clouds)  # before anything registers
        plan = make_plan(platform)
        placements = placement_report(plan)  # where placement: cheapest put each fleet, and why
        super().__init__(TYPE_TOKEN, name, {"placements": placements} if placements else None, opts)
        self._name_prefix = name
        self._platform = platform
        self._plan = plan
        inherited = plan.protection.with_options(opts)
        child_opts = {} if isinstance(raw, Platform) else _moved_from_the_wrapper(name, self)
        tags = resource_tags(platform)
        self._scopes = {}
        for cloud in platform.configured_clouds:
            self._scopes[cloud] = clouds.adapter(cloud).open_scope(
                name, platform, tags, CLOUD_DEPLOYMENT_TYPE, self, inherited, **child_opts)
        self._networks, self._clusters = {}, {}
        self._node_pools, self._autoscaling_groups, self._buckets = {}, {}, {}
        for cloud, scope in self._scopes.items():
            self._declare_compute(platform, cloud, scope)
        self._declare_object_stores(platform)
        self._endpoints = {}
        self._declare_endpoints(platform)
        self._operations = {}
        self._declare_operations(platform)
        self.bucket_names = _by_cloud(self._buckets, "bucket_name")
        self.bucket_urls = _by_cloud(self._buckets, "bucket_url")
        self.cluster_names = pulumi.Output.from_input(
            {cloud: cluster.cluster_name for cloud, cluster in sorted(self._clusters.items())})
        self.endpoint_urls = _by_cloud(self._endpoints, "url")
        self.node_pool_names = _by_cloud(self._node_pools, "pool_name")
        self.kubeconfigs = pulumi.Output.secret(pulumi.Output.from_input(
            {cloud: cluster.kubeconfig for cloud, cluster in sorted(self._clusters.items())}))
        self.register_outputs({"bucket_names": self.bucket_names, "bucket_urls": self.bucket_urls,
                               "cluster_names": self.cluster_names, "endpoint_urls": self.endpoint_urls})

    @property
    def platform(self) -> Platform:
        """The validated platform model."""
        return self._platform

    @property
    def plan(self) -> Plan:
        """The resolved plan: offerings, serving pools, physical bucket names, protection."""
        return self._plan

    @property
    def scopes(self) -> dict[str, CloudScope]:
        """The per-cloud scopes (provider, region, parent), by cloud."""
        return self._scopes

    @property
    def networks(self) -> dict[str, Any]:
        """``Network`` per cloud that needs one."""
        return self._networks

    @property
    def clusters(self) -> dict[str, Any]:
        """``KubernetesCluster`` per cloud that has node pools or Kubernetes endpoints."""
        return self._clusters

    @property
    def node_pools(self) -> dict[tuple[str, str], Any]:
        """``GpuNodePool`` by (cloud, pool name)."""
        return self._node_pools

    @property
    def autoscaling_groups(self) -> dict[tuple[str, str], Any]:
        """``AutoscalingGroup`` by (cloud, group name)."""
        return self._autoscaling_groups

    @property
    def buckets(self) -> dict[tuple[str, str], Any]:
        """``ObjectStore`` by (cloud, bucket name)."""
        return self._buckets

    @property
    def endpoints(self) -> dict[tuple[str, str], Any]:
        """``ModelEndpoint`` by (cloud, endpoint name)."""
        return self._endpoints

    @property
    def operations(self) -> dict[str, Any]:
        """``Operations`` (budget, notifications, alerts, GPU observability) by cloud."""
        return self._operations

    @property
    def face(self) -> "AiPlatform":
        """This component (the multi-language package used to wrap a Python face; kept so
        ``platform.face.clusters`` keeps working)."""
        return self

    def _declare_compute(self, platform: Platform, cloud: str, scope: CloudScope) -> None:
        from aiscale.autoscaling_group import AutoscalingGroup
        from aiscale.gpu_node_pool import GpuNodePool
        from aiscale.kubernetes_cluster import KubernetesCluster
        from aiscale.network import Network

        prefix = f"{self._name_prefix}-{cloud}"
        if not _needs_network(platform, cloud):
            return
        network = self._networks[cloud] = Network(f"{prefix}-network", {
            "scope": scope, "cidr": platform.network.cidr,
            "existing": getattr(platform.network.existing, cloud)}, scope.options())
        if platform.needs_kubernetes(cloud):
            settings = platform.kubernetes
            cluster = self._clusters[cloud] = KubernetesCluster(f"{prefix}-k8s", {
                "scope": scope, "network": network, "version": settings.version,
                "api_access": settings.api_access,
                "authorized_networks": list(settings.authorized_networks)}, scope.options())
            for pool in platform.node_pools:
                if cloud in pool.clouds:
                    offering = self._plan.offering("node_pools", pool.name, cloud)
                    self._node_pools[(cloud, pool.name)] = GpuNodePool(
                        f"{prefix}-{pool.name}",
                        {"scope": scope, "cluster": cluster, "pool": pool, "offering": offering,
                         "machine_offerings": self._plan.machine_offerings[(pool.name, cloud)],
                         "zones": self._plan.pool_zones[(pool.name, cloud)]},
                        pulumi.ResourceOptions(parent=cluster))
            _declare_autoscaler_priorities(prefix, cluster, [
                self._node_pools[(cloud, pool.name)] for pool in platform.node_pools if cloud in pool.clouds])
        for group in platform.autoscaling_groups:
            if cloud in group.clouds:
                offering = self._plan.offering("autoscaling_groups", group.name, cloud)
                self._autoscaling_groups[(cloud, group.name)] = AutoscalingGroup(
                    f"{prefix}-{group.name}",
                    {"scope": scope, "network": network, "group": group, "offering": offering},
                    scope.options())

    def _declare_object_stores(self, platform: Platform) -> None:
        from aiscale.access_log_bucket import AccessLogBucket
        from aiscale.object_store import ObjectStore

        log_buckets = {}
        for cloud in sorted({c for bucket in platform.buckets for c in bucket.clouds} & ACCESS_LOG_CLOUDS):
            scope = self._scopes[cloud]
            log_buckets[cloud] = AccessLogBucket(f"{self._name_prefix}-{cloud}-access-logs", {
                "cloud": cloud, "platform": platform.name, "environment": platform.environment,
                "region": scope.region, "gcp_project": scope.gcp_project, "tags": scope.tags,
                "protect": scope.protect}, scope.data_component_options())
        for bucket in platform.buckets:
            for cloud in bucket.clouds:
                scope = self._scopes[cloud]
                lifecycle = bucket.lifecycle.model_dump() if bucket.lifecycle else None
                logging = {"access_log_bucket": log_buckets[cloud].bucket_name} if cloud in log_buckets else {}
                # The platform network's workloads (pods, VMs) read the buckets: where a bucket has a
                # network firewall (Azure storage accounts deny by default), their subnets pass it.
                network = self._networks.get(cloud)
                readers = {"allowed_subnet_ids": network.subnet_ids} if network is not None else {}
                self._buckets[(cloud, bucket.name)] = ObjectStore(
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
                        **readers,
                    },
                    scope.data_component_options(),
                )

    def _declare_endpoints(self, platform: Platform) -> None:
        from aiscale.model_endpoint import ModelEndpoint

        for endpoint in platform.endpoints:
            for cloud in endpoint.clouds:
                scope = self._scopes[cloud]
                args: dict[str, Any] = {"scope": scope, "endpoint": endpoint}
                if endpoint.model is not None:
                    args["store"] = self._buckets[(cloud, endpoint.model.bucket)]
                opts = scope.options()
                if endpoint.runtime == "kubernetes":
                    placement = self._plan.serving[(endpoint.name, cloud)]
                    pool = placement.pool
                    args.update(cluster=self._clusters[cloud], pool=pool,
                                offering=placement.offering)
                    opts = scope.options(depends_on=[self._node_pools[(cloud, pool.name)]])
                    metrics_namespace = clouds.adapter(cloud).metrics_namespace
                    if metrics_namespace != DEFAULT_METRICS_NAMESPACE:
                        args["metrics_namespace"] = metrics_namespace
                else:
                    if (endpoint.name, cloud) in self._plan.endpoint_offerings:
                        args["offering"] = self._plan.endpoint_offerings[(endpoint.name, cloud)]
                    if clouds.adapter(cloud).managed_needs_network:
                        args["network"] = self._networks[cloud]
                self._endpoints[(cloud, endpoint.name)] = ModelEndpoint(
                    f"{self._name_prefix}-{cloud}-{endpoint.name}", args, opts)

    def _declare_operations(self, platform: Platform) -> None:
        """Per cloud: the budget and notifications of the model's ``operations`` section, native
        alarms on managed endpoints, and GPU observability with alert rules on the cluster."""
        from aiscale.cost import budget_per_cloud
        from aiscale.operations import Operations, args_from_model

        budgets = budget_per_cloud(platform)
        wants_budget = platform.operations is not None and platform.operations.budget is not None
        for cloud, scope in self._scopes.items():
            if platform.operations is None and cloud not in self._clusters:
                continue
            served = [{"endpoint": e, "component": self._endpoints[(cloud, e.name)]}
                      for e in platform.endpoints if cloud in e.clouds]
            pools = [{"pool": p, "component": self._node_pools[(cloud, p.name)]}
                     for p in platform.node_pools if cloud in p.clouds]
            args = args_from_model(platform, scope, estimate_usd=budgets[cloud], endpoints=served,
                                   cluster=self._clusters.get(cloud), node_pools=pools)
            if wants_budget:
                if budgets[cloud] > 0:
                    args["amount_usd"] = budgets[cloud]  # this cloud's share of the platform's figure
                else:
                    args.pop("amount_usd", None)
                    pulumi.log.warn(f"no budget on {cloud}: nothing there is priced and "
                                    "operations.budget.monthly_usd is not set", self)
            self._operations[cloud] = Operations(f"{self._name_prefix}-{cloud}-operations", args, scope.options())


def _declare_autoscaler_priorities(prefix: str, cluster: Any, pools: list[Any]) -> None:
    """The cluster autoscaler's priority expander ConfigMap, when some pool on ``cluster``
    needs one (spot-with-fallback on a cloud whose autoscaler orders groups by priority)."""
    from aiscale.kubernetes import addons

    merged: dict[int, list[str]] = {}
    for pool in pools:
        for priority, patterns in pool.built.autoscaler_priorities.items():
            merged.setdefault(priority, [])
            merged[priority] += [p for p in patterns if p not in merged[priority]]
    if merged:
        addons.priority_expander(f"{prefix}-autoscaler-priorities", merged, cluster.kubernetes_provider,
                                 cluster)


def _load_plain(name: str, raw: Any) -> Platform:
    """The plain-map model validated (numbers may arrive as floats); one ValueError otherwise."""
    from aiscale.multilang.platform import load_plain_platform

    return load_plain_platform(name, raw)


def _moved_from_the_wrapper(name: str, component: pulumi.Resource) -> dict[str, Any]:
    """Aliases for the direct children of an ``AiPlatform`` built from a plain map: the
    component package used to declare them one level deeper, under a second ``AiPlatform``
    named like this one, so stacks made then keep their providers, buckets and keys."""
    old_parent = pulumi.create_urn(name, TYPE_TOKEN, parent=component)
    return {"aliases": [pulumi.Alias(parent=old_parent)]}
