"""Programs for the operations tests: one cloud's endpoints, pools, cluster and Operations.

The platform model, scope, object store and ModelEndpoints are real; the cluster and the GPU
node pools are light stand-ins with the documented attributes (a real Kubernetes provider, the
cluster name and, in ``built``, its OIDC values; a pool name), unless ``real=True`` builds the cloud's real
Network, KubernetesCluster and GpuNodePools.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any, Callable, Optional

import pulumi

from aiscale import catalog
from aiscale.model import load_platform
from tests.endpoints.helpers import ACCELERATOR, CLOUD_SETTINGS, CONFIG, OIDC  # noqa: F401 - shared fixtures

PLATFORM, ENVIRONMENT = "acme-ml", "dev"
EMAILS = ["ml-oncall@example.com", "finops@example.com"]
WEBHOOK = "https://hooks.example.com/aiscale/T0KEN"
BILLING_ACCOUNT = "012345-6789AB-CDEF01"
POOL_NAMES = {"aws": "serve-0a1b2c", "azure": "gpuserve", "gcp": "gpu-serve"}
"""The cloud's name of the ``serve`` pool in the stand-in GpuNodePool."""
CLUSTER_NAME = "acme-ml-dev-k8s"
IMAGE = "vllm/vllm-openai:v0.8.5"


def platform(cloud: str, environment: str = ENVIRONMENT, operations: Optional[dict] = None,
             endpoints: Optional[list] = None) -> Any:
    """A validated one-cloud platform: two GPU pools, a bucket, a Kubernetes and a managed
    endpoint, and an operations section (emails, webhook, a budget)."""
    default_ops = {"notifications": {"emails": EMAILS, "webhook_url": WEBHOOK},
                   "budget": {"monthly_usd": 1500}}
    if cloud == "gcp":
        default_ops["gcp_billing_account"] = BILLING_ACCOUNT
    accelerator = ACCELERATOR[cloud]
    return load_platform({
        "name": PLATFORM, "environment": environment,
        "tags": {"team": "ml-platform", "cost-center": "cc-1234"},
        "clouds": {cloud: CLOUD_SETTINGS[cloud]},
        "node_pools": [{"name": "serve", "accelerator": accelerator, "gpus_per_node": 1, "min_nodes": 1,
                        "max_nodes": 4},
                       {"name": "train", "accelerator": accelerator, "gpus_per_node": 1, "max_nodes": 2}],
        "buckets": [{"name": "models"}],
        "endpoints": endpoints if endpoints is not None else [
            {"name": "chat", "runtime": "kubernetes", "image": IMAGE, "accelerator": accelerator,
             "model": {"bucket": "models", "path": "llama-3-8b/"}, "max_replicas": 4},
            {"name": "embed", "runtime": "managed", "image": _managed_image(cloud), "accelerator": accelerator,
             "model": {"bucket": "models", "path": "e5/"}, "max_replicas": 2}],
        "operations": operations if operations is not None else default_ops,
    })


def _managed_image(cloud: str) -> str:
    if cloud == "aws":
        return "123456789012.dkr.ecr.us-west-2.amazonaws.com/llm-serving:2024.11.1"
    return IMAGE


def open_scope(cloud: str, model: Any) -> Any:
    """The cloud's real scope (provider, per-cloud component, resource group on Azure)."""
    from aiscale.platform import resource_tags

    root = pulumi.ComponentResource("aiscale:index:AiPlatform", "acme")
    provider = importlib.import_module(f"aiscale.{cloud}.provider")
    return provider.open_scope("acme", model, resource_tags(model), "aiscale:index:CloudDeployment", root)


def stand_in_cluster(cloud: str, scope: Any) -> Any:
    """A KubernetesCluster stand-in: a real Kubernetes provider and, in ``built``, the cloud's
    pod identity fields (as ``KubernetesCluster.built`` holds them)."""
    import pulumi_kubernetes as k8s

    provider = k8s.Provider("acme-k8s", kubeconfig="apiVersion: v1\nkind: Config\n",
                            opts=pulumi.ResourceOptions(parent=scope.parent))
    return SimpleNamespace(kubernetes_provider=provider, cluster_name=pulumi.Output.from_input(CLUSTER_NAME),
                           built=SimpleNamespace(**OIDC[cloud]))


def _real_compute(scope: Any, model: Any) -> tuple[Any, dict[str, Any]]:
    from aiscale.gpu_node_pool import GpuNodePool
    from aiscale.kubernetes_cluster import KubernetesCluster
    from aiscale.network import Network

    network = Network("acme-network", {"scope": scope}, scope.options())
    cluster = KubernetesCluster("acme-cluster", {"scope": scope, "network": network}, scope.options())
    pools = {pool.name: GpuNodePool(f"acme-{pool.name}", {
        "scope": scope, "cluster": cluster, "pool": pool,
        "offering": catalog.resolve(scope.cloud, pool.accelerator, pool.gpus_per_node, scope.region)},
        pulumi.ResourceOptions(parent=cluster)) for pool in model.node_pools}
    return cluster, pools


def _endpoint(scope: Any, model: Any, spec: Any, store: Any, cluster: Any) -> Any:
    from aiscale.model_endpoint import ModelEndpoint

    args: dict[str, Any] = {"scope": scope, "endpoint": spec, "store": store}
    if spec.runtime == "kubernetes":
        pool = model.node_pools[0]
        args.update(cluster=cluster, pool=pool, offering=catalog.resolve(
            scope.cloud, pool.accelerator, pool.gpus_per_node, scope.region))
    elif scope.cloud != "gcp":
        args["offering"] = catalog.resolve(scope.cloud, spec.accelerator, spec.gpus_per_replica, scope.region)
    if spec.runtime == "managed" and scope.cloud == "aws":
        args["network"] = SimpleNamespace(network_id="vpc-0123456789abcdef0",
                                          subnet_ids=pulumi.Output.from_input(["subnet-a", "subnet-b"]))
    return ModelEndpoint(f"acme-{scope.cloud}-{spec.name}", args, scope.options())


def operations_program(cloud: str, *, environment: str = ENVIRONMENT, operations: Optional[dict] = None,
                       endpoints: Optional[list] = None, amount_usd: Optional[float] = 1500.0,
                       overrides: Optional[dict] = None, with_cluster: bool = True,
                       real: bool = False) -> Callable[[], None]:
    """A program declaring one cloud's endpoints and its ``Operations`` as AiPlatform would."""

    def program() -> None:
        from aiscale.object_store import ObjectStore
        from aiscale.operations import Operations

        model = platform(cloud, environment, operations, endpoints)
        scope = open_scope(cloud, model)
        bucket = model.buckets[0]
        store = ObjectStore(f"acme-{cloud}-models", {
            "cloud": cloud, "platform": model.name, "environment": model.environment,
            "bucket": bucket.name, "region": scope.region, "gcp_project": scope.gcp_project,
            "resource_group_name": scope.resource_group_name, "tags": scope.tags,
            "protect": scope.protect}, scope.options())
        if real:
            cluster, pools = _real_compute(scope, model)
        else:
            cluster = stand_in_cluster(cloud, scope)
            pools = {pool.name: SimpleNamespace(pool_name=pulumi.Output.from_input(
                POOL_NAMES[cloud] if pool.name == "serve" else f"{POOL_NAMES[cloud]}-{pool.name}"))
                for pool in model.node_pools}
        served = [{"endpoint": spec, "component": _endpoint(scope, model, spec, store, cluster)}
                  for spec in model.endpoints]
        ops = model.operations
        args: dict[str, Any] = {
            "scope": scope, "emails": list(ops.notifications.emails),
            "webhook_url": ops.notifications.webhook_url, "amount_usd": amount_usd,
            "gcp_billing_account": ops.gcp_billing_account, "endpoints": served,
        }
        if ops.budget is not None:
            args.update(actual_thresholds=list(ops.budget.actual_thresholds),
                        forecast_thresholds=list(ops.budget.forecast_thresholds))
        if with_cluster:
            args.update(cluster=cluster, node_pools=[{"pool": pool, "component": pools[pool.name]}
                                                     for pool in model.node_pools])
        args.update(overrides or {})
        result = Operations(f"acme-{cloud}-operations", args, scope.options())
        pulumi.export("targets", result.notification_targets)
        pulumi.export("budget", result.budget_name)
        pulumi.export("alerts", result.alert_names)

    return program
