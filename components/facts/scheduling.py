"""Scheduling facts: what a Kubernetes pod asks of a node, and what a node pool's nodes offer.

A pod (the pod template of a Deployment, StatefulSet, Job...) asks for GPUs, a node selector
and tolerations; a node pool (EKS node group, AKS agent pool or inline profile, GKE node pool)
offers GPUs per node, labels (its own plus those the cloud puts on every node) and taints. The
wiring pack matches the two: a GPU pod that no pool of its cluster can take stays Pending.

Paths are the provider SDKs' camelCase names: EKS ``labels`` / ``taints[]`` (``NO_SCHEDULE``),
AKS ``nodeLabels`` / ``nodeTaints`` (``key=value:NoSchedule``), GKE ``nodeConfig.labels`` /
``nodeConfig.taints[]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import kubernetes, tokens
from . import aws as aws_facts
from . import azure as azure_facts
from . import gcp as gcp_facts
from .gpu import GPU_TAINT_KEY
from .values import Input, is_unknown, items_at, known_str, value_at

EFFECTS = {"NO_SCHEDULE": "NoSchedule", "PREFER_NO_SCHEDULE": "PreferNoSchedule", "NO_EXECUTE": "NoExecute"}
"""Provider spellings of taint effects -> Kubernetes'."""
BLOCKING_EFFECTS = ("NoSchedule", "NoExecute")
"""Taint effects that keep a pod that does not tolerate them off the node."""
AKS_SPOT_TAINT = ("kubernetes.azure.com/scalesetpriority", "spot", "NoSchedule")
"""The taint AKS puts on every node of a Spot pool."""


@dataclass(frozen=True)
class Taint:
    """One node taint."""

    key: str
    """The taint key."""
    value: str
    """The taint value ("" when none)."""
    effect: str
    """NoSchedule, PreferNoSchedule or NoExecute (Kubernetes spelling)."""

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(frozen=True)
class PodFacts:
    """What one pod of a workload asks of the node it runs on."""

    kind: str
    """The canonical type token of the workload."""
    gpus: float
    """GPUs one pod asks for (its containers' ``nvidia.com/gpu`` limits, else requests)."""
    node_selector: dict
    """``nodeSelector``: label -> value the node must carry."""
    tolerations: tuple
    """``tolerations[]`` as written (dicts with key, operator, value, effect)."""
    containers: tuple
    """``containers[]`` as written (image, command, args...)."""

    def tolerates(self, taint: Taint) -> bool:
        """True when one of the pod's tolerations matches `taint` (Kubernetes' rules: an empty
        key with Exists matches every taint; Exists ignores the value; an empty effect matches
        every effect)."""
        for toleration in self.tolerations:
            if not isinstance(toleration, dict):
                continue
            key = toleration.get("key") or ""
            operator = toleration.get("operator") or "Equal"
            effect = toleration.get("effect") or ""
            if effect and effect != taint.effect:
                continue
            if not key and operator == "Exists":
                return True
            if key != taint.key:
                continue
            if operator == "Exists" or (toleration.get("value") or "") == taint.value:
                return True
        return False


def pod(kind: str, inputs: Any) -> Optional[PodFacts]:
    """The pod a workload runs (None for a kind without a pod template); UnknownValue when the
    pod spec or a GPU count is not known during preview."""
    if kind not in kubernetes.POD_SPEC_PATHS:
        return None
    spec = kubernetes.pod_spec(kind, inputs)
    selector = value_at(spec, "nodeSelector") or {}
    return PodFacts(kind=kind, gpus=kubernetes.container_gpus(spec),
                    node_selector=dict(selector) if isinstance(selector, dict) else {},
                    tolerations=tuple(items_at(spec, "tolerations")),
                    containers=tuple(c for c in items_at(spec, "containers") if isinstance(c, dict)))


@dataclass(frozen=True)
class PoolOffer:
    """What the nodes of one pool offer a pod."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    name: str
    """The pool's name as the cloud labels its nodes ("" when not known)."""
    machine: Optional[str]
    """The machine type (EKS ``instanceTypes[0]``, ``vmSize``, ``nodeConfig.machineType``)."""
    accelerator_count: Optional[float]
    """GPUs per node attached explicitly (GKE ``guestAccelerators[].count``), else None (the
    machine type decides)."""
    labels: dict
    """Labels every node carries: the pool's own and those the cloud adds."""
    taints: tuple
    """:class:`Taint` of every node, the cloud's automatic ones included."""
    cluster_key: Input
    """The input naming the pool's cluster (EKS ``clusterName``, AKS ``resourceName``, GKE
    ``cluster``); for an inline AKS profile, the cluster is the resource itself."""


def _taint(key: Any, value: Any, effect: Any) -> Taint:
    effect = str(effect or "")
    return Taint(str(key or ""), str(value or ""), EFFECTS.get(effect.upper(), effect))


def _aks_taint(text: str) -> Taint:
    head, _, effect = text.partition(":")
    key, _, value = head.partition("=")
    return _taint(key, value, effect)


def _text(inputs: Any, *path: str | int) -> str:
    return known_str(Input.at(inputs, *path).value) or ""


def _labels(inputs: Any, *path: str | int) -> dict:
    value = Input.at(inputs, *path).known()
    return {str(k): str(v) for k, v in value.items() if not is_unknown(v)} if isinstance(value, dict) else {}


def eks_node_group(inputs: Any) -> PoolOffer:
    """An EKS managed node group: ``labels``, ``taints`` and the labels EKS adds (node group
    name, capacity type, instance type)."""
    name, machine = _text(inputs, "nodeGroupName"), _text(inputs, "instanceTypes", 0)
    capacity = (_text(inputs, "capacityType") or "ON_DEMAND").upper()
    labels = {"eks.amazonaws.com/capacityType": capacity, **_labels(inputs, "labels")}
    if name:
        labels["eks.amazonaws.com/nodegroup"] = name
    if machine:
        labels["node.kubernetes.io/instance-type"] = machine
    taints = tuple(_taint(value_at(t, "key"), value_at(t, "value"), value_at(t, "effect"))
                   for t in items_at(inputs, "taints"))
    return PoolOffer(aws_facts.CLOUD, name, machine or None, None, labels, taints, Input.at(inputs, "clusterName"))


def aks_pool(inputs: Any, *at: str | int, cluster_key: Input) -> PoolOffer:
    """An AKS agent pool at path `at` of `inputs`: ``nodeLabels``, ``nodeTaints``, the labels
    AKS adds (pool name, instance type, spot priority) and the Spot taint of a Spot pool."""
    name, machine = _text(inputs, *at, "name") or _text(inputs, *at, "agentPoolName"), _text(inputs, *at, "vmSize")
    labels = _labels(inputs, *at, "nodeLabels")
    taints = [_aks_taint(str(text)) for text in items_at(inputs, *at, "nodeTaints")]
    if name:
        labels.update({"agentpool": name, "kubernetes.azure.com/agentpool": name})
    if machine:
        labels["node.kubernetes.io/instance-type"] = machine
    if (_text(inputs, *at, "scaleSetPriority") or "").lower() == "spot":
        labels[AKS_SPOT_TAINT[0]] = AKS_SPOT_TAINT[1]
        taints.append(Taint(*AKS_SPOT_TAINT))
    return PoolOffer(azure_facts.CLOUD, name, machine or None, None, labels, tuple(taints), cluster_key)


def gke_node_pool(inputs: Any) -> PoolOffer:
    """A GKE node pool: ``nodeConfig.labels`` / ``taints`` and the labels GKE adds (pool name,
    accelerator, spot). GKE taints GPU nodes itself and tolerates that taint for pods that ask
    for GPUs, so the GPU taint is left out."""
    name, machine = _text(inputs, "name"), _text(inputs, "nodeConfig", "machineType")
    labels = _labels(inputs, "nodeConfig", "labels")
    if name:
        labels["cloud.google.com/gke-nodepool"] = name
    if machine:
        labels["node.kubernetes.io/instance-type"] = machine
    count = None
    for accelerator in items_at(inputs, "nodeConfig", "guestAccelerators"):
        kind = known_str(value_at(accelerator, "type"))
        if kind:
            labels["cloud.google.com/gke-accelerator"] = kind
            count = (count or 0.0) + float(value_at(accelerator, "count") or 0)
    if Input.at(inputs, "nodeConfig", "spot").flag(False):
        labels["cloud.google.com/gke-spot"] = "true"
    taints = tuple(taint for taint in (
        _taint(value_at(t, "key"), value_at(t, "value"), value_at(t, "effect"))
        for t in items_at(inputs, "nodeConfig", "taints")) if taint.key != GPU_TAINT_KEY)
    return PoolOffer(gcp_facts.CLOUD, name, machine or None, count, labels, taints, Input.at(inputs, "cluster"))


def pool_offers(type_token: str, inputs: Any) -> list[PoolOffer]:
    """The pools a resource declares, as offers to pods ([] for other kinds)."""
    kind = tokens.canonical_type(type_token)
    if kind == tokens.AWS_EKS_NODE_GROUP:
        return [eks_node_group(inputs)]
    if kind == tokens.AZURE_CONTAINERSERVICE_AGENT_POOL:
        return [aks_pool(inputs, cluster_key=Input.at(inputs, "resourceName"))]
    if kind == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
        profiles = Input.at(inputs, "agentPoolProfiles").items()
        return [aks_pool(inputs, "agentPoolProfiles", index, cluster_key=Input((), None))
                for index in range(len(profiles))]
    if kind == tokens.GCP_CONTAINER_NODE_POOL:
        return [gke_node_pool(inputs)]
    return []
