"""Cluster wiring facts: what a managed cluster, its add-ons and the Kubernetes objects on it
state about network policy enforcement, the API endpoint, storage and custom metrics.

- a cluster (EKS, AKS, GKE): whether its own inputs make it enforce NetworkPolicies, whether
  its API endpoint is private and has authorized networks, its version and node subnets;
- an EKS add-on: its name and decoded ``configurationValues``;
- a Helm release: its chart's name and whether its values ask for persistent volumes;
- HorizontalPodAutoscalers (the metric APIs they read), StorageClasses (default or not) and
  PersistentVolumeClaims / StatefulSet claim templates (the class they ask for).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from . import tokens
from . import aws as aws_facts
from . import azure as azure_facts
from . import gcp as gcp_facts
from .values import Input, as_bool, is_unknown, items_at, known_str, value_at

GKE_DATAPLANE_V2 = "ADVANCED_DATAPATH"
"""GKE ``datapathProvider`` of Dataplane V2, which enforces NetworkPolicies."""
AKS_POLICY_ENGINES = azure_facts.AKS_NETWORK_POLICY_ENGINES
"""AKS ``networkProfile.networkPolicy`` values that enforce NetworkPolicies."""
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
"""The annotation that makes a StorageClass the cluster's default."""
CUSTOM_METRIC_TYPES = ("Pods", "Object")
"""HPA metric types served by the custom metrics API (custom.metrics.k8s.io)."""
EXTERNAL_METRIC_TYPES = ("External",)
"""HPA metric types served by the external metrics API (external.metrics.k8s.io)."""


@dataclass(frozen=True)
class ClusterWiring:
    """A managed Kubernetes cluster as its own inputs wire it."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    name: str
    """The cluster's name input ("" when not known)."""
    enforces_network_policy: Optional[bool]
    """True when the cluster's own inputs turn NetworkPolicy enforcement on (GKE Dataplane V2
    or ``networkPolicy.enabled``, AKS ``networkProfile.networkPolicy`` / Cilium dataplane);
    None on EKS, where the ``vpc-cni`` add-on decides."""
    policy_setting: str
    """The input that decides enforcement, for messages."""
    private_endpoint: bool
    """True when the API endpoint is private only (GKE ``enablePrivateEndpoint``)."""
    authorized_networks: bool
    """True when master authorized networks are configured (GKE)."""
    version: Optional[str]
    """The Kubernetes version input, when known."""
    node_subnets: tuple
    """Subnet ids the cluster's inline pools run in (AKS ``agentPoolProfiles[].vnetSubnetID``)."""
    provisions_nodes: bool = False
    """True when the cluster creates nodes for pending pods itself (EKS Auto Mode
    ``computeConfig.enabled``, GKE Autopilot or node auto-provisioning
    ``clusterAutoscaling.enabled``, AKS node auto-provisioning ``nodeProvisioningProfile.mode``
    Auto): declared pools are then not the only ones."""
    serves_external_metrics: bool = False
    """True when a managed add-on serves the external metrics API (AKS KEDA,
    ``workloadAutoScalerProfile.keda.enabled``)."""


def _text(inputs: Any, *path: str | int) -> str:
    return known_str(Input.at(inputs, *path).value) or ""


def eks(inputs: Any) -> ClusterWiring:
    """An EKS cluster: ``name``, ``version``; enforcement is the vpc-cni add-on's."""
    return ClusterWiring(aws_facts.CLOUD, _text(inputs, "name"), None, "the vpc-cni add-on's configurationValues",
                         False, False, _text(inputs, "version") or None, (),
                         provisions_nodes=bool(Input.at(inputs, "computeConfig", "enabled").flag(False)))


def gke(inputs: Any) -> ClusterWiring:
    """A GKE cluster: Dataplane V2 or ``networkPolicy.enabled``; ``privateClusterConfig.
    enablePrivateEndpoint`` and ``masterAuthorizedNetworksConfig``."""
    dataplane = _text(inputs, "datapathProvider")
    enforces = dataplane == GKE_DATAPLANE_V2 or bool(Input.at(inputs, "networkPolicy", "enabled").flag(False))
    return ClusterWiring(
        gcp_facts.CLOUD, _text(inputs, "name"), enforces, "datapathProvider / networkPolicy.enabled",
        bool(Input.at(inputs, "privateClusterConfig", "enablePrivateEndpoint").flag(False)),
        Input.at(inputs, "masterAuthorizedNetworksConfig").known() is not None,
        _text(inputs, "minMasterVersion") or None, (),
        provisions_nodes=bool(Input.at(inputs, "enableAutopilot").flag(False)
                              or Input.at(inputs, "clusterAutoscaling", "enabled").flag(False)))


def aks(inputs: Any) -> ClusterWiring:
    """An AKS cluster: ``networkProfile.networkPolicy`` (azure, calico, cilium) or the Cilium
    dataplane; the node subnets of its inline pools."""
    policy = _text(inputs, "networkProfile", "networkPolicy").lower()
    dataplane = _text(inputs, "networkProfile", "networkDataplane").lower()
    subnets = tuple(known_str(value_at(p, "vnetSubnetID")) for p in items_at(inputs, "agentPoolProfiles"))
    return ClusterWiring(azure_facts.CLOUD, _text(inputs, "resourceName"),
                         policy in AKS_POLICY_ENGINES or dataplane == "cilium", "networkProfile.networkPolicy",
                         False, False, _text(inputs, "kubernetesVersion") or None, tuple(s for s in subnets if s),
                         provisions_nodes=_text(inputs, "nodeProvisioningProfile", "mode").lower() == "auto",
                         serves_external_metrics=bool(
                             Input.at(inputs, "workloadAutoScalerProfile", "keda", "enabled").flag(False)))


_CLUSTERS = {tokens.AWS_EKS_CLUSTER: eks, tokens.GCP_CONTAINER_CLUSTER: gke,
             tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER: aks}


def cluster(type_token: str, inputs: Any) -> Optional[ClusterWiring]:
    """The wiring of a managed cluster (None for other kinds)."""
    read = _CLUSTERS.get(tokens.canonical_type(type_token))
    return read(inputs) if read is not None else None


def version_tuple(version: Optional[str]) -> Optional[tuple[int, int]]:
    """(major, minor) of a Kubernetes version ("1.31", "1.30.2-gke.1"), None when unreadable."""
    try:
        major, minor = str(version).split(".")[:2]
        return int(major), int("".join(ch for ch in minor if ch.isdigit()))
    except ValueError:
        return None


def decoded(value: Any) -> Any:
    """JSON text decoded (an add-on's configurationValues); other values as they are."""
    if isinstance(value, str) and not is_unknown(value):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


@dataclass(frozen=True)
class AddonFacts:
    """An EKS add-on."""

    name: str
    """``addonName`` (vpc-cni, aws-ebs-csi-driver...)."""
    cluster_name: Input
    """``clusterName``."""
    configuration: Any
    """``configurationValues`` decoded from JSON ({} when unset)."""

    def setting(self, *path: str) -> Any:
        """A configuration value at `path` (None when unset)."""
        return value_at(self.configuration or {}, *path)

    def flag(self, *path: str) -> bool:
        """A configuration value read as a boolean ("true" counts)."""
        return bool(as_bool(self.setting(*path), False))


def addon(inputs: Any) -> AddonFacts:
    """An EKS add-on's name, cluster and decoded configuration."""
    return AddonFacts(_text(inputs, "addonName"), Input.at(inputs, "clusterName"),
                      decoded(Input.at(inputs, "configurationValues").known()) or {})


def chart_name(inputs: Any) -> str:
    """A Helm release's chart reduced to its name: "prometheus-community/prometheus-adapter",
    "oci://.../keda" and "keda-2.14.0.tgz" are "prometheus-adapter" and "keda"."""
    chart = _text(inputs, "chart").rstrip("/").rsplit("/", 1)[-1]
    if chart.endswith(".tgz"):
        chart = chart[:-4].rsplit("-", 1)[0]
    return chart.lower()


STORAGE_KEYS = ("volumeClaimTemplate", "persistence", "persistentVolume", "storageSpec")
"""Helm value keys under which charts ask for persistent volumes."""


def _asks(block: Any) -> bool:
    if not isinstance(block, dict) or not block:
        return False
    enabled = block.get("enabled")
    return enabled is None or bool(as_bool(enabled, False))


def storage_requests(values: Any, path: str = "values") -> list[tuple[str, Optional[str]]]:
    """(where, storage class or None) of every persistent volume a release's values ask for:
    an enabled ``persistence`` / ``persistentVolume`` block, a ``storageSpec`` or
    ``volumeClaimTemplate``. Values not known during preview are skipped."""
    found: list[tuple[str, Optional[str]]] = []
    if isinstance(values, dict):
        for key, value in values.items():
            where = f"{path}.{key}"
            if key in STORAGE_KEYS and _asks(value):
                found.append((where, _class_in(value)))
            else:
                found += storage_requests(value, where)
    elif isinstance(values, list):
        for index, value in enumerate(values):
            found += storage_requests(value, f"{path}[{index}]")
    return found


def _class_in(block: Any) -> Optional[str]:
    """The first ``storageClassName`` / ``storageClass`` set inside `block`."""
    if isinstance(block, dict):
        for key in ("storageClassName", "storageClass"):
            if known_str(block.get(key)):
                return block[key]
        for value in block.values():
            found = _class_in(value)
            if found:
                return found
    return None


def claim_classes(type_token: str, inputs: Any) -> list[tuple[str, Optional[str]]]:
    """(where, storage class or None) of every volume claim a resource makes: a
    PersistentVolumeClaim, a StatefulSet's ``volumeClaimTemplates``, a Helm release's values."""
    kind = tokens.canonical_type(type_token)
    if kind == tokens.K8S_CORE_PERSISTENT_VOLUME_CLAIM:
        return [("spec", known_str(value_at(inputs, "spec", "storageClassName")))]
    if kind == tokens.K8S_APPS_STATEFUL_SET:
        return [(f"spec.volumeClaimTemplates[{i}]", known_str(value_at(t, "spec", "storageClassName")))
                for i, t in enumerate(items_at(inputs, "spec", "volumeClaimTemplates"))]
    if kind == tokens.K8S_HELM_SH_RELEASE:
        values = Input.at(inputs, "values").value
        return storage_requests(values if isinstance(values, dict) else {})
    return []


def storage_class(inputs: Any) -> tuple[str, bool, str]:
    """(name, is the default class, provisioner) of a StorageClass."""
    default = value_at(inputs, "metadata", "annotations", DEFAULT_CLASS_ANNOTATION)
    return (_text(inputs, "metadata", "name"), bool(as_bool(default, False)), _text(inputs, "provisioner"))


def hpa_metric_types(inputs: Any) -> list[tuple[str, str]]:
    """(type, metric name) of every metric of an autoscaling/v2 HorizontalPodAutoscaler."""
    out = []
    for metric in items_at(inputs, "spec", "metrics"):
        kind = known_str(value_at(metric, "type")) or ""
        block = value_at(metric, kind[:1].lower() + kind[1:]) if kind else None
        out.append((kind, known_str(value_at(block or {}, "metric", "name")) or ""))
    return out
