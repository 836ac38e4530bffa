"""Kubernetes facts: where a workload's pod spec is, the GPUs its containers ask for, and model
endpoints served by Deployments, StatefulSets and KServe InferenceServices.

Paths are the Kubernetes API's camelCase names as pulumi-kubernetes registers them
(``spec.template.spec.containers[].resources.limits``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Optional

from . import tokens
from .gpu import GPU_RESOURCE
from .model import EndpointFacts, Reading
from .values import ABSENT, Input, UnknownValue, as_number, dig, is_unknown, items_at, value_at

CLOUD = "kubernetes"

POD_SPEC_PATHS = MappingProxyType({
    tokens.K8S_APPS_DEPLOYMENT: "spec.template.spec",
    tokens.K8S_APPS_STATEFUL_SET: "spec.template.spec",
    tokens.K8S_APPS_DAEMON_SET: "spec.template.spec",
    tokens.K8S_APPS_REPLICA_SET: "spec.template.spec",
    tokens.K8S_BATCH_JOB: "spec.template.spec",
    tokens.K8S_BATCH_CRON_JOB: "spec.jobTemplate.spec.template.spec",
    tokens.K8S_CORE_POD: "spec",
})
"""Canonical workload token -> dotted path of its pod spec."""

DEFAULT_REPLICAS = 1.0
"""Replicas of a Deployment / StatefulSet (and KServe's minimum) when none is set."""


def pod_spec(kind: str, inputs: Any) -> Any:
    """The pod spec of a workload ({} when unset); UnknownValue when it is not known yet."""
    return value_at(inputs, *POD_SPEC_PATHS[kind].split(".")) or {}


def container_gpus(spec: Any) -> float:
    """GPUs one pod asks for: the sum of its containers' nvidia.com/gpu limits (or requests)."""
    total = 0.0
    for container in items_at(spec, "containers"):
        limits = value_at(container, "resources", "limits") or {}
        requests = value_at(container, "resources", "requests") or {}
        value = limits.get(GPU_RESOURCE, requests.get(GPU_RESOURCE))
        if is_unknown(value):
            raise UnknownValue(f"containers.resources.limits.{GPU_RESOURCE}")
        total += as_number(value) or 0.0
    return total


def _replicas(inputs: Any) -> tuple[Optional[float], Optional[float]]:
    replicas = Input.at(inputs, "spec", "replicas").number()
    replicas = DEFAULT_REPLICAS if replicas is None else replicas
    return replicas, replicas


def workload(kind: str, inputs: Any) -> list[EndpointFacts]:
    """A Deployment or StatefulSet: ``spec.replicas`` (default 1) pods, each asking for the
    GPUs of its containers (a HorizontalPodAutoscaler may set other bounds)."""
    return [EndpointFacts(CLOUD, kind, ABSENT, ABSENT, ABSENT, Reading(()),
                          Reading.of(lambda: _replicas(inputs)),
                          Reading.of(lambda: container_gpus(pod_spec(kind, inputs))), managed=False)]


def _predictor(inputs: Any) -> Any:
    return value_at(inputs, "spec", "predictor") or {}


def _kserve_replicas(inputs: Any) -> tuple[Optional[float], Optional[float]]:
    predictor = _predictor(inputs)
    low = Input.at(predictor, "minReplicas").number()
    return (DEFAULT_REPLICAS if low is None else low), Input.at(predictor, "maxReplicas").number()


def _kserve_gpus(inputs: Any) -> float:
    predictor = _predictor(inputs)
    model = value_at(predictor, "model") or {}
    return container_gpus({"containers": [model] + items_at(predictor, "containers")})


def inference_service(inputs: Any) -> list[EndpointFacts]:
    """A KServe InferenceService: its predictor's min (default 1) and max replicas, each asking
    for the GPUs of the model container and the other containers."""
    return [EndpointFacts(CLOUD, tokens.K8S_SERVING_INFERENCE_SERVICE, ABSENT, ABSENT, ABSENT,
                          Reading(()), Reading.of(lambda: _kserve_replicas(inputs)),
                          Reading.of(lambda: _kserve_gpus(inputs)), managed=False)]


def _known(inputs: Any, *path: str) -> Optional[str]:
    value = dig(inputs, *path)
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def scales(autoscaler_inputs: Any, kind: str, inputs: Any, name: str) -> bool:
    """True when a HorizontalPodAutoscaler's ``spec.scaleTargetRef`` names the object of `kind`
    (a type token) and `inputs`: the same name (its ``metadata.name``, else `name`, the logical
    name), a kind that is absent or the same, and the same namespace where both state one (an
    unset namespace is the provider's default, which is not read here)."""
    ref_name = _known(autoscaler_inputs, "spec", "scaleTargetRef", "name")
    ref_kind = dig(autoscaler_inputs, "spec", "scaleTargetRef", "kind")
    spaces = {dig(autoscaler_inputs, "metadata", "namespace"), dig(inputs, "metadata", "namespace")} - {None}
    return (ref_name is not None and ref_name == (_known(inputs, "metadata", "name") or name)
            and ref_kind in (None, kind.rsplit(":", 1)[-1]) and len(spaces) <= 1)


ENDPOINTS: dict[str, Callable[[Any], list[EndpointFacts]]] = {
    tokens.K8S_APPS_DEPLOYMENT: lambda inputs: workload(tokens.K8S_APPS_DEPLOYMENT, inputs),
    tokens.K8S_APPS_STATEFUL_SET: lambda inputs: workload(tokens.K8S_APPS_STATEFUL_SET, inputs),
    tokens.K8S_SERVING_INFERENCE_SERVICE: inference_service,
}
"""Canonical token -> the model endpoints its inputs declare."""

MACHINES: dict = {}
NODE_POOLS: dict = {}
VMS: dict = {}
VM_GROUPS: dict = {}
BUCKETS: dict = {}
CONTROL_PLANES: dict = {}
DISKS: dict = {}
USER_DATA: dict = {}
AUTOSCALERS: dict = {}
"""Kubernetes resources declare no machines, pools, VMs, buckets, control planes, disks or user data."""
