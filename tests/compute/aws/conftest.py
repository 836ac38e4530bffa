"""Shared helpers for the AWS compute tests: build a small platform on the offline engine.

``aws_stack(**overrides)`` previews network + EKS cluster + GPU node pools + GPU Auto Scaling
groups for the platform model ``BASE`` updated with ``overrides`` (top-level keys replaced),
and caches the result per distinct model for the whole session (a preview is deterministic).
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pytest

from aiscale.preview.engine import PreviewResult, run_inline

REGION = "us-west-2"

BASE: dict[str, Any] = {
    "name": "acme-ml",
    "environment": "dev",
    "tags": {"team": "ml-platform", "cost-center": "cc-1234"},
    "clouds": {"aws": {"region": REGION}},
    "node_pools": [
        {"name": "train", "accelerator": "nvidia-a100-80gb", "gpus_per_node": 8, "max_nodes": 4,
         "capacity": "spot", "labels": {"workload": "training"}, "taints": ["team=ml:NoExecute"],
         "disk_gb": 200},
        {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "min_nodes": 1,
         "max_nodes": 3},
    ],
    "autoscaling_groups": [
        {"name": "batch", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 20,
         "capacity": "spot", "target_cpu_utilization": 70},
        {"name": "render", "accelerator": "nvidia-a10g", "gpus_per_node": 1, "min_nodes": 1,
         "max_nodes": 2},
    ],
}


def platform_model(**overrides: Any):
    """The validated model of ``BASE`` with ``overrides``."""
    from aiscale.model import load_platform

    return load_platform({**BASE, **overrides})


def build_program(raw: dict[str, Any], outputs: dict[str, Any] | None = None) -> Callable[[], None]:
    """A Pulumi program declaring the AWS compute of the model ``raw`` as AiPlatform would."""

    def program() -> None:
        from aiscale.autoscaling_group import AutoscalingGroup
        from aiscale.aws.provider import open_scope
        from aiscale.catalog import resolve
        from aiscale.gpu_node_pool import GpuNodePool
        from aiscale.kubernetes_cluster import KubernetesCluster
        from aiscale.model import load_platform
        from aiscale.network import Network
        from aiscale.platform import resource_tags

        model = load_platform(raw)
        root = pulumi.ComponentResource("aiscale:index:AiPlatform", "acme", None)
        scope = open_scope("acme", model, resource_tags(model), "aiscale:index:CloudDeployment", root)
        network = Network("acme-aws-network", {"scope": scope, "cidr": model.network.cidr,
                                               "existing": model.network.existing.aws},
                          scope.options())
        cluster = None
        if model.node_pools:
            settings = model.kubernetes
            cluster = KubernetesCluster("acme-aws-cluster", {
                "scope": scope, "network": network, "version": settings.version,
                "api_access": settings.api_access,
                "authorized_networks": list(settings.authorized_networks)}, scope.options())
        for pool in model.node_pools:
            offering = resolve("aws", pool.accelerator, pool.gpus_per_node, scope.region)
            GpuNodePool(f"acme-aws-{pool.name}", {"scope": scope, "cluster": cluster, "pool": pool,
                                                  "offering": offering}, scope.options())
        for group in model.autoscaling_groups:
            offering = resolve("aws", group.accelerator, group.gpus_per_node, scope.region)
            AutoscalingGroup(f"acme-aws-{group.name}", {"scope": scope, "network": network,
                                                       "group": group, "offering": offering},
                             scope.options())
        if outputs is not None:
            outputs.update(network=network, cluster=cluster)
        if cluster is not None:
            pulumi.export("kubeconfig", cluster.kubeconfig)
            pulumi.export("cluster_name", cluster.cluster_name)

    return program


@pytest.fixture(scope="session")
def aws_stack() -> Callable[..., PreviewResult]:
    """``aws_stack(**overrides)``: the preview of ``BASE`` updated with ``overrides`` (cached)."""
    cache: dict[str, PreviewResult] = {}

    def run(**overrides: Any) -> PreviewResult:
        raw = {**BASE, **overrides}
        key = json.dumps(raw, sort_keys=True)
        if key not in cache:
            cache[key] = run_inline(build_program(raw), config={"aws:region": REGION})
        return cache[key]

    return run
