"""aiscale: multi-cloud AI platforms on Pulumi.

The public API. Names load on first use (PEP 562), so ``import aiscale.catalog`` or the CLI do
not pay for Pulumi and the model, and no provider SDK is imported until a component is built on
its cloud.
"""

from __future__ import annotations

import importlib
from typing import Any

from aiscale._version import __version__

#: Public name -> the module that defines it.
_EXPORTS = {
    "AiPlatform": "aiscale.platform",
    "AiPlatformArgs": "aiscale.platform",
    "resource_tags": "aiscale.platform",
    "ObjectStore": "aiscale.object_store",
    "ModelEndpoint": "aiscale.model_endpoint",
    "ModelEndpointArgs": "aiscale.model_endpoint",
    "Network": "aiscale.network",
    "NetworkArgs": "aiscale.network",
    "KubernetesCluster": "aiscale.kubernetes_cluster",
    "KubernetesClusterArgs": "aiscale.kubernetes_cluster",
    "GpuNodePool": "aiscale.gpu_node_pool",
    "GpuNodePoolArgs": "aiscale.gpu_node_pool",
    "AutoscalingGroup": "aiscale.autoscaling_group",
    "AutoscalingGroupArgs": "aiscale.autoscaling_group",
    "ObjectStoreArgs": "aiscale.object_store",
    "AccessLogBucket": "aiscale.access_log_bucket",
    "AccessLogBucketArgs": "aiscale.access_log_bucket",
    "CloudScope": "aiscale.scope",
    "Operations": "aiscale.operations",
    "OperationsArgs": "aiscale.operations",
    "Platform": "aiscale.model",
    "PlatformValidationError": "aiscale.model",
    "Problem": "aiscale.model",
    "load_platform": "aiscale.model",
    "platform_json_schema": "aiscale.model",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aiscale' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
