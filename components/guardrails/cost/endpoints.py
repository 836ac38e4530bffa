"""Model endpoints in a stack, each reduced to an :class:`Endpoint` with replica bounds and GPUs.

Covers SageMaker (with its Application Auto Scaling target), Azure ML online deployments,
Vertex AI dedicated resources, Cloud Run services with a GPU, and Kubernetes workloads that
request ``nvidia.com/gpu`` (with their HorizontalPodAutoscaler, and KServe InferenceServices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from aiscale.facts import aws as aws_facts
from aiscale.facts import reader, tokens
from aiscale.facts.references import References
from aiscale.facts.kubernetes import DEFAULT_REPLICAS, container_gpus  # noqa: F401 - re-exported

from ..context import ResourceView
from ..props import UnknownValue, get, get_number
from .machines import facts

SM_DIMENSION = aws_facts.SAGEMAKER_VARIANT_DIMENSION
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


def _gpus(requests, ctx) -> Optional[float]:
    """GPUs per replica from the catalog rows of the machine requests (None when unknown)."""
    found = [facts(m, ctx.lookup) for m in requests]
    known = [f.gpus for f in found if f.gpus is not None]
    return max(known) if known else (0.0 if found else None)


def _sagemaker(refs: References, ctx) -> list[Endpoint]:
    out = []
    targets = [t for t in refs.of_type(tokens.AWS_APPAUTOSCALING_TARGET) if get(t.props, "scalableDimension") == SM_DIMENSION]
    for config in refs.of_type(tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION):
        users = refs.pointing_at(config, "endpointConfigName", tokens.AWS_SAGEMAKER_ENDPOINT)
        scaler = next((t for user in users for t in refs.pointing_at(user, "resourceId", among=targets)), None)
        for variant in reader.endpoints(config.canonical, config.props):
            gpus = _gpus(variant.machines.get(), ctx)
            low, high = variant.replicas.get()
            urn = config.urn
            if scaler is not None:
                low, high, urn = get_number(scaler.props, "minCapacity"), get_number(scaler.props, "maxCapacity"), scaler.urn
            name = f"{config.name}/{variant.name.known() or 'variant'}"
            out.append(Endpoint(urn, name, tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION, low, high, gpus, True))
    linked = {e.urn for e in out}
    for t in targets:
        if t.urn not in linked:
            out.append(Endpoint(t.urn, t.name, tokens.AWS_APPAUTOSCALING_TARGET, get_number(t.props, "minCapacity"),
                                get_number(t.props, "maxCapacity"), None, True))
    return out


def _endpoint(view, found, refs: References, ctx) -> Optional[Endpoint]:
    """The endpoint of one resource's facts; a Kubernetes workload counts only with GPUs, and
    its HorizontalPodAutoscaler's bounds win over its own replicas."""
    gpus = found.gpus_per_replica.get()
    if gpus is None:
        gpus = _gpus(found.machines.get(), ctx)
    if view.canonical in K8S_SCALABLE:
        if not gpus:
            return None
        hpa = refs.scaler_of(view, tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER)
        if hpa is not None:
            low = get_number(hpa.props, "spec.minReplicas")
            return Endpoint(hpa.urn, view.name, tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER,
                            DEFAULT_REPLICAS if low is None else low,
                            get_number(hpa.props, "spec.maxReplicas"), gpus, False)
    low, high = found.replicas.get()
    return Endpoint(view.urn, view.name, view.canonical, low, high, gpus, found.managed)


def endpoints(resources: Sequence[ResourceView], ctx) -> list[Endpoint]:
    """Every model endpoint the stack declares, in resource order (SageMaker first)."""
    refs = References(resources)
    out: list[Endpoint] = []
    try:
        out.extend(_sagemaker(refs, ctx))
    except UnknownValue:
        pass  # an unknown input: SageMaker bounds cannot be judged during this preview
    for r in resources:
        if r.canonical == tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION:
            continue  # its variants were judged with their scaling targets above
        try:
            found = [_endpoint(r, facts_of, refs, ctx) for facts_of in reader.endpoints(r.canonical, r.props)]
        except UnknownValue:
            continue
        out.extend(e for e in found if e is not None)
    return out
