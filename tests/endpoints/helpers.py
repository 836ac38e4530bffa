"""Programs for the endpoint tests: a one-cloud platform, its scope, store, cluster and pool.

By default the cluster is a stand-in with the documented ``KubernetesCluster`` attributes (a
real ``pulumi_kubernetes.Provider``, ``cluster_name`` and a ``built`` holding the cloud's OIDC
values, as ``KubernetesCluster.built`` does): a preview stays
small and fast for the table-driven tests. ``real=True`` builds the cloud's real Network and
KubernetesCluster instead (test_real_clusters.py). The model, catalog offering, scope and
ObjectStore are always real.
"""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace
from typing import Any, Callable, Optional

import pulumi

from aiscale import catalog
from aiscale.model import load_platform
from aiscale.object_store import ObjectStore

PLATFORM, ENVIRONMENT = "acme-ml", "dev"
CLOUD_SETTINGS = {
    "aws": {"region": "us-west-2"},
    "azure": {"location": "eastus"},
    "gcp": {"project": "acme-ml-dev", "region": "us-central1"},
}
ACCELERATOR = {"aws": "nvidia-l4", "azure": "nvidia-t4", "gcp": "nvidia-l4"}
REGION = {"aws": "us-west-2", "azure": "eastus", "gcp": "us-central1"}
CONFIG = {
    "aws": {"aws:region": "us-west-2"},
    "azure": {"azure-native:location": "eastus"},
    "gcp": {"gcp:project": "acme-ml-dev", "gcp:region": "us-central1"},
}
OIDC = {
    "aws": {"oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
            "oidc_provider_url": "https://oidc.eks.us-west-2.amazonaws.com/id/ABC"},
    "azure": {"oidc_issuer_url": "https://eastus.oic.prod-aks.azure.com/tenant/issuer/"},
    "gcp": {"workload_pool": "acme-ml-dev.svc.id.goog"},
}
IMAGE = "vllm/vllm-openai:v0.6.3"
MANAGED_IMAGE = {
    "aws": "123456789012.dkr.ecr.us-west-2.amazonaws.com/serving/vllm:v0.6.3",  # SageMaker: ECR only
    "azure": IMAGE,  # Azure ML pulls public images
    "gcp": IMAGE,  # Cloud Run pulls Docker Hub images
}
"""The image a managed endpoint gets by default in these tests: one its runtime can pull."""
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SERVICE = "kubernetes:core/v1:Service"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"


def platform(cloud: str, endpoint: Optional[dict] = None, pool: Optional[dict] = None,
             bucket: Optional[dict] = None, environment: str = ENVIRONMENT) -> Any:
    """A validated one-cloud platform with one bucket, one node pool and one endpoint."""
    return load_platform({
        "name": PLATFORM, "environment": environment, "tags": {"team": "ml-platform"},
        "clouds": {cloud: CLOUD_SETTINGS[cloud]},
        "node_pools": [{"name": "infer", "accelerator": ACCELERATOR[cloud], "gpus_per_node": 1,
                        "max_nodes": 4, **(pool or {})}],
        "buckets": [{"name": "models", **(bucket or {})}],
        "endpoints": [{"name": "chat", "accelerator": ACCELERATOR[cloud],
                       "image": MANAGED_IMAGE[cloud] if (endpoint or {}).get("runtime") == "managed" else IMAGE,
                       "model": {"bucket": "models", "path": "llama-3-8b/"}, "min_replicas": 1,
                       "max_replicas": 8, "target_concurrency": 4, **(endpoint or {})}],
    })


def open_scope(cloud: str, model: Any) -> Any:
    """The cloud's real scope (provider, per-cloud component, resource group on Azure)."""
    root = pulumi.ComponentResource("aiscale:index:AiPlatform", "acme")
    provider = importlib.import_module(f"aiscale.{cloud}.provider")
    tags = {"platform": model.name, "environment": model.environment, **dict(model.tags)}
    return provider.open_scope("acme", model, tags, "aiscale:index:CloudDeployment", root)


def store_for(scope: Any, model: Any) -> ObjectStore:
    """The real ObjectStore of the model bucket on the scope's cloud."""
    bucket = model.buckets[0]
    return ObjectStore(f"acme-{scope.cloud}-models", {
        "cloud": scope.cloud, "platform": model.name, "environment": model.environment,
        "bucket": bucket.name, "region": scope.region, "gcp_project": scope.gcp_project,
        "resource_group_name": scope.resource_group_name, "encryption": bucket.encryption,
        "tags": scope.tags, "protect": scope.protect}, scope.options())


def cluster_stub(cloud: str, scope: Any, identity: Optional[dict] = None) -> Any:
    """A stand-in KubernetesCluster: a real Kubernetes provider and, in ``built``, the pod
    identity fields of the cloud's built cluster (``OIDC[cloud]`` unless ``identity`` is given)."""
    import pulumi_kubernetes as k8s

    provider = k8s.Provider("acme-k8s", kubeconfig="apiVersion: v1\nkind: Config\n",
                            opts=pulumi.ResourceOptions(parent=scope.parent))
    return SimpleNamespace(kubernetes_provider=provider, cluster_name="acme-ml-dev",
                           built=SimpleNamespace(**(OIDC[cloud] if identity is None else identity)))


def real_cluster(scope: Any) -> Any:
    """The real Network and KubernetesCluster of the scope's cloud."""
    from aiscale.kubernetes_cluster import KubernetesCluster
    from aiscale.network import Network

    network = Network("acme-network", {"scope": scope}, scope.options())
    return KubernetesCluster("acme-cluster", {"scope": scope, "network": network}, scope.options())


def endpoint_program(cloud: str, *, endpoint: Optional[dict] = None, pool: Optional[dict] = None,
                     bucket: Optional[dict] = None, environment: str = ENVIRONMENT,
                     extra: Optional[Callable[[dict], dict]] = None,
                     real: bool = False) -> Callable[[], None]:
    """A program declaring one ModelEndpoint on ``cloud`` with real model objects (and, with
    ``real``, the cloud's real network and cluster instead of the stand-in)."""
    from aiscale.model_endpoint import ModelEndpoint

    def program() -> None:
        model = platform(cloud, endpoint, pool, bucket, environment)
        scope = open_scope(cloud, model)
        spec = model.endpoints[0]
        args: dict = {"scope": scope, "endpoint": spec, "store": store_for(scope, model)}
        if spec.runtime == "kubernetes":
            pool_spec = model.node_pools[0]
            cluster = real_cluster(scope) if real else cluster_stub(cloud, scope)
            args.update(cluster=cluster, pool=pool_spec,
                        offering=catalog.resolve(cloud, pool_spec.accelerator,
                                                 pool_spec.gpus_per_node, REGION[cloud]))
        elif cloud != "gcp":
            args["offering"] = catalog.resolve(cloud, spec.accelerator, spec.gpus_per_replica,
                                               REGION[cloud])
        if spec.runtime == "managed" and cloud == "aws":
            args["network"] = SimpleNamespace(
                network_id="vpc-0123456789abcdef0", details={"vpc_id": "vpc-0123456789abcdef0"},
                subnet_ids=pulumi.Output.from_input(["subnet-a", "subnet-b"]))
        if extra is not None:
            args = extra(args)
        result = ModelEndpoint(f"acme-{cloud}-{spec.name}", args, scope.options())
        pulumi.export("url", result.url)

    return program


def policy(value: Any) -> dict:
    """A policy document input (a JSON string) as a dict."""
    return json.loads(value) if isinstance(value, str) else value
