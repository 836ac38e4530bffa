"""Model endpoints in a stack, each reduced to an :class:`Endpoint` with replica bounds and GPUs.

Covers SageMaker (with its Application Auto Scaling target), Azure ML online deployments,
Vertex AI dedicated resources, Cloud Run services with a GPU, and Kubernetes workloads that
request ``nvidia.com/gpu`` (with their HorizontalPodAutoscaler, and KServe InferenceServices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from aiscale.facts import tokens
from aiscale.facts.gpu import GPU_RESOURCE

from ..context import ResourceView
from ..props import UnknownValue, as_number, get, get_number, is_unknown, items
from ..security.workloads import POD_SPEC_PATHS
from .machines import facts, machines

SM_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
CLOUD_RUN_DEFAULT_MAX = 100.0
"""Cloud Run's maximum instance count when a service sets none."""
K8S_SCALABLE = (tokens.K8S_APPS_DEPLOYMENT, tokens.K8S_APPS_STATEFUL_SET)


@dataclass(frozen=True)
class Endpoint:
    """A model server that scales between min and max replicas."""

    urn: str
    """The resource that declares the replica bounds (or the workload, for Kubernetes)."""
    name: str
    """A readable name."""
    kind: str
    """The canonical type token of the declaring resource."""
    min_replicas: Optional[float]
    """Smallest replica count; None when unknown."""
    max_replicas: Optional[float]
    """Largest replica count; None when unknown."""
    gpus_per_replica: Optional[float]
    """GPUs per replica (0 = CPU only, None = unknown)."""
    managed: bool
    """True for cloud-managed serving (its GPUs are not part of any node pool)."""


def _gpus(kind, props, ctx) -> Optional[float]:
    found = [facts(m, ctx.lookup) for m in machines(kind, props)]
    known = [f.gpus for f in found if f.gpus is not None]
    return max(known) if known else (0.0 if found else None)


def _sagemaker(resources, by_type, ctx) -> list[Endpoint]:
    out = []
    targets = [t for t in by_type.get(tokens.AWS_APPAUTOSCALING_TARGET, []) if get(t.props, "scalableDimension") == SM_DIMENSION]
    endpoints = by_type.get(tokens.AWS_SAGEMAKER_ENDPOINT, [])
    for config in by_type.get(tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION, []):
        users = [e.urn for e in endpoints if e.depends_on(config.urn, "endpointConfigName")]
        scaler = next((t for t in targets if any(t.depends_on(u, "resourceId") for u in users)), None)
        for variant in items(config.props, "productionVariants"):
            gpus = _gpus(tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION, {"productionVariants": [variant]}, ctx)
            low = get_number(variant, "managedInstanceScaling.minInstanceCount")
            low = low if low is not None else get_number(variant, "initialInstanceCount")
            high = get_number(variant, "managedInstanceScaling.maxInstanceCount") or get_number(variant, "initialInstanceCount")
            urn = config.urn
            if scaler is not None:
                low, high, urn = get_number(scaler.props, "minCapacity"), get_number(scaler.props, "maxCapacity"), scaler.urn
            name = f"{config.name}/{get(variant, 'variantName') or 'variant'}"
            out.append(Endpoint(urn, name, tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION, low, high, gpus, True))
    linked = {e.urn for e in out}
    for t in targets:
        if t.urn not in linked:
            out.append(Endpoint(t.urn, t.name, tokens.AWS_APPAUTOSCALING_TARGET, get_number(t.props, "minCapacity"),
                                get_number(t.props, "maxCapacity"), None, True))
    return out


def _aml(view, ctx) -> Endpoint:
    props = view.props
    settings = get(props, "properties.scaleSettings") or {}
    if get(settings, "scaleType") == "TargetUtilization":
        low, high = get_number(settings, "minInstances"), get_number(settings, "maxInstances")
    else:
        low = high = get_number(props, "sku.capacity")
    return Endpoint(view.urn, view.name, view.canonical, low, high, _gpus(view.canonical, props, ctx), True)


def _vertex(view, ctx) -> Endpoint:
    prefix = "deployConfig." if view.canonical == tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT else ""
    low = get_number(view.props, f"{prefix}dedicatedResources.minReplicaCount")
    high = get_number(view.props, f"{prefix}dedicatedResources.maxReplicaCount")
    return Endpoint(view.urn, view.name, view.canonical, low, high if high is not None else low,
                    _gpus(view.canonical, view.props, ctx), True)


def _cloud_run(view, ctx) -> Endpoint:
    props = view.props
    manual = get_number(props, "scaling.manualInstanceCount")
    low = get_number(props, "template.scaling.minInstanceCount")
    low = low if low is not None else get_number(props, "scaling.minInstanceCount")
    high = get_number(props, "template.scaling.maxInstanceCount")
    high = high if high is not None else get_number(props, "scaling.maxInstanceCount")
    if manual is not None:
        low = high = manual
    gpus = 1.0 if get(props, "template.nodeSelector.accelerator") else 0.0
    return Endpoint(view.urn, view.name, view.canonical, low or 0.0,
                    high if high is not None else CLOUD_RUN_DEFAULT_MAX, gpus, True)


def container_gpus(spec) -> float:
    """GPUs one pod asks for: the sum of its containers' nvidia.com/gpu limits (or requests)."""
    total = 0.0
    for c in items(spec, "containers"):
        limits = get(c, "resources.limits") or {}
        requests = get(c, "resources.requests") or {}
        value = limits.get(GPU_RESOURCE, requests.get(GPU_RESOURCE))
        if is_unknown(value):
            raise UnknownValue(f"containers.resources.limits.{GPU_RESOURCE}")
        total += as_number(value) or 0.0
    return total


def _hpa_for(view, hpas) -> Optional[ResourceView]:
    name = get(view.props, "metadata.name") or view.name
    for hpa in hpas:
        ref = get(hpa.props, "spec.scaleTargetRef") or {}
        if hpa.depends_on(view.urn, "spec") or (get(ref, "name") == name and get(ref, "kind") in (None, view.type.split(":")[-1])):
            return hpa
    return None


def _k8s(view, by_type) -> Optional[Endpoint]:
    gpus = container_gpus(get(view.props, POD_SPEC_PATHS[view.canonical]) or {})
    if not gpus:
        return None
    hpa = _hpa_for(view, by_type.get(tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER, []))
    if hpa is not None:
        low = get_number(hpa.props, "spec.minReplicas")
        return Endpoint(hpa.urn, view.name, tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER, 1.0 if low is None else low,
                        get_number(hpa.props, "spec.maxReplicas"), gpus, False)
    replicas = get_number(view.props, "spec.replicas")
    replicas = 1.0 if replicas is None else replicas
    return Endpoint(view.urn, view.name, view.canonical, replicas, replicas, gpus, False)


def _kserve(view) -> Endpoint:
    predictor = get(view.props, "spec.predictor") or {}
    model = get(predictor, "model") or {}
    spec = {"containers": [model] + items(predictor, "containers")}
    low = get_number(predictor, "minReplicas")
    high = get_number(predictor, "maxReplicas")
    return Endpoint(view.urn, view.name, view.canonical, 1.0 if low is None else low,
                    high, container_gpus(spec), False)


def endpoints(resources: Sequence[ResourceView], ctx) -> list[Endpoint]:
    """Every model endpoint the stack declares, in resource order (SageMaker first)."""
    by_type: dict[str, list[ResourceView]] = {}
    for r in resources:
        by_type.setdefault(r.canonical, []).append(r)
    out: list[Endpoint] = []
    try:
        out.extend(_sagemaker(resources, by_type, ctx))
    except UnknownValue:
        pass  # an unknown input: SageMaker bounds cannot be judged during this preview
    for r in resources:
        try:
            if r.canonical == tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT:
                out.append(_aml(r, ctx))
            elif r.canonical in (tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL, tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT):
                out.append(_vertex(r, ctx))
            elif r.canonical == tokens.GCP_CLOUDRUNV2_SERVICE:
                out.append(_cloud_run(r, ctx))
            elif r.canonical == tokens.K8S_SERVING_INFERENCE_SERVICE:
                out.append(_kserve(r))
            elif r.canonical in K8S_SCALABLE:
                found = _k8s(r, by_type)
                if found is not None:
                    out.append(found)
        except UnknownValue:
            continue
    return out
