"""The ``managed`` runtime of ``ModelEndpoint`` on GCP: a Cloud Run service with a GPU.

Vertex AI cannot be declared for an arbitrary serving container (``gcp.vertex.AiEndpoint``'s
deployed models are output-only), so the managed runtime on GCP is Cloud Run: one NVIDIA L4 per
instance (``template.node_selector.accelerator``), instance-based billing (CPU always
allocated, as GPUs require), ``min_replicas..max_replicas`` instances (zero allowed),
internal-only ingress unless public, a dedicated service account that can read only the model
bucket, and deletion protection in prod. Other accelerators are served on GKE
(``runtime: kubernetes``).

Autoscaling: Cloud Run adds instances when in-flight requests per instance approach
``max_instance_request_concurrency`` (it aims at about 60 % of it), so the maximum is set to
``ceil(target_concurrency / 0.6)``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp.cloudrunv2 as cloudrunv2

from aiscale.endpoint_spec import BuiltEndpoint, EndpointBuild
from aiscale.gcp import naming
from aiscale.gcp.endpoint_identity import bucket_viewer, endpoint_account

CLOUD_RUN_ACCELERATORS = {"nvidia-l4": "nvidia-l4"}
"""Canonical accelerator -> Cloud Run ``node_selector.accelerator`` value."""
GPU_CPU, GPU_MEMORY = "8", "32Gi"
"""CPU and memory of a GPU instance (Cloud Run requires at least 4 CPU and 16 GiB with a GPU)."""
CONCURRENCY_UTILISATION = 0.6
"""The share of ``max_instance_request_concurrency`` Cloud Run's autoscaler aims at."""
STARTUP_PERIOD_SECONDS, STARTUP_FAILURES = 10, 60
"""The startup probe allows 10 minutes to load the model (Cloud Run allows up to 30 with a GPU)."""
SERVICE_NAME_MAX = 49
"""Cloud Run service names: up to 49 lowercase letters, digits and '-', starting with a letter."""
INTERNAL, ALL = "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_ALL"


@dataclass(frozen=True, kw_only=True)
class CloudRunEndpoint(BuiltEndpoint):
    """What the Cloud Run builder returns (resources by role: ``service_account``,
    ``model_read``, ``service``, ``public_invoker``)."""

    service_name: pulumi.Output[str]
    """The Cloud Run service's name (the ``service_name`` label of its metrics)."""
    service_account: pulumi.Output[str]
    """The email of the service account the service runs as."""


def service_name(scope: Any, endpoint: Any) -> str:
    """``<platform>-<environment>-<endpoint>``, cut with a hash suffix to 49 characters."""
    readable = re.sub(r"[^a-z0-9-]+", "-", f"{scope.platform}-{scope.environment}-{endpoint.name}")
    if len(readable) <= SERVICE_NAME_MAX and readable[:1].isalpha():
        return readable
    suffix = naming.stable_suffix(scope.platform, scope.environment, endpoint.name)
    head = f"e-{readable}" if not readable[:1].isalpha() else readable
    return f"{head[: SERVICE_NAME_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"


def max_concurrency(endpoint: Any) -> int:
    """Requests one instance accepts, so that the autoscaler's aim equals ``target_concurrency``."""
    return math.ceil(endpoint.target_concurrency / CONCURRENCY_UTILISATION)


def _accelerator(endpoint: Any) -> str:
    found = CLOUD_RUN_ACCELERATORS.get(endpoint.accelerator)
    if found is None:
        raise ValueError(f"endpoint.accelerator: got {endpoint.accelerator!r}; Cloud Run (the "
                         f"managed runtime on gcp) serves only {', '.join(CLOUD_RUN_ACCELERATORS)}: "
                         f"use runtime: kubernetes to serve it on GKE")
    return found


def _container(endpoint: Any, uri: Any, image: str) -> cloudrunv2.ServiceTemplateContainerArgs:
    envs = [cloudrunv2.ServiceTemplateContainerEnvArgs(name="MODEL_URI", value=uri)] if uri else []
    envs += [cloudrunv2.ServiceTemplateContainerEnvArgs(name=key, value=value)
             for key, value in endpoint.env.items()]
    health = dict(path="/health", port=endpoint.port)
    return cloudrunv2.ServiceTemplateContainerArgs(
        name="server",
        image=image,
        ports=cloudrunv2.ServiceTemplateContainerPortsArgs(name="http1", container_port=endpoint.port),
        envs=envs,
        resources=cloudrunv2.ServiceTemplateContainerResourcesArgs(
            limits={"cpu": GPU_CPU, "memory": GPU_MEMORY,
                    "nvidia.com/gpu": str(endpoint.gpus_per_replica)},
            cpu_idle=False, startup_cpu_boost=True),
        startup_probe=cloudrunv2.ServiceTemplateContainerStartupProbeArgs(
            http_get=cloudrunv2.ServiceTemplateContainerStartupProbeHttpGetArgs(**health),
            period_seconds=STARTUP_PERIOD_SECONDS, failure_threshold=STARTUP_FAILURES,
            timeout_seconds=5),
        liveness_probe=cloudrunv2.ServiceTemplateContainerLivenessProbeArgs(
            http_get=cloudrunv2.ServiceTemplateContainerLivenessProbeHttpGetArgs(**health),
            period_seconds=30, failure_threshold=3, timeout_seconds=5),
    )


def build(component: pulumi.ComponentResource, args: EndpointBuild) -> CloudRunEndpoint:
    """Declare the service, its service account and bucket grant (and public invoker if public)."""
    from aiscale.store_spec import model_uri

    scope, endpoint = args.scope, args.endpoint
    name = args.name
    child = pulumi.ResourceOptions(parent=component)
    accelerator = _accelerator(endpoint)
    account = endpoint_account(component, name, scope, endpoint, "run")
    resources: dict[str, Any] = {"service_account": account}
    uri = None
    if endpoint.model is not None:
        resources["model_read"] = bucket_viewer(component, name, args.store, account)
        uri = model_uri(args.store, endpoint)
    service = cloudrunv2.Service(
        f"{name}-service",
        name=service_name(scope, endpoint),
        location=scope.region,
        project=scope.gcp_project,
        ingress=ALL if endpoint.public else INTERNAL,
        deletion_protection=scope.protect,
        labels=naming.gcp_labels(scope.tags),
        template=cloudrunv2.ServiceTemplateArgs(
            service_account=account.email,
            max_instance_request_concurrency=max_concurrency(endpoint),
            node_selector=cloudrunv2.ServiceTemplateNodeSelectorArgs(accelerator=accelerator),
            # Zonal redundancy reserves spare GPU capacity in other zones: worth it in prod only.
            gpu_zonal_redundancy_disabled=not scope.protect,
            scaling=cloudrunv2.ServiceTemplateScalingArgs(
                min_instance_count=endpoint.min_replicas, max_instance_count=endpoint.max_replicas),
            labels=naming.gcp_labels(scope.tags),
            containers=[_container(endpoint, uri, endpoint.image_for(scope.cloud))]),
        opts=pulumi.ResourceOptions(parent=component, depends_on=list(resources.values())))
    resources["service"] = service
    if endpoint.public:
        resources["public_invoker"] = cloudrunv2.ServiceIamMember(
            f"{name}-public-invoker", name=service.name, location=scope.region,
            project=scope.gcp_project, role="roles/run.invoker", member="allUsers", opts=child)
    return CloudRunEndpoint(url=service.uri, service_name=service.name, service_account=account.email,
                            resources=resources)
