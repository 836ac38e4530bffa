"""Cluster add-ons as Helm releases with pinned chart versions.

- The NVIDIA device plugin advertises ``nvidia.com/gpu`` to the scheduler. GKE installs its own
  (with ``gpu_driver_installation_config``), so only EKS and AKS get this release.
- A shared-GPU pool's own device plugin (time-slicing or MIG), and the cluster autoscaler's
  priority expander ConfigMap for spot-with-fallback pools (docs/capacity.md).
- The cluster autoscaler of EKS (AKS and GKE have one built in) is declared by the AWS
  builders (``aiscale.aws._addons``) with :func:`helm_release` and :data:`CLUSTER_AUTOSCALER`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pulumi
import pulumi_kubernetes.helm.v3 as helm

from aiscale.facts.gpu import GPU_TAINT_EFFECT, GPU_TAINT_KEY
from aiscale.gpu_nodes import GPU_SHARING_LABEL


class Chart:
    """A Helm chart pinned to one version from one repository."""

    def __init__(self, name: str, version: str, repository: str) -> None:
        self.name, self.version, self.repository = name, version, repository


#: https://github.com/NVIDIA/k8s-device-plugin releases; 0.17.x supports Kubernetes 1.29-1.32.
NVIDIA_DEVICE_PLUGIN = Chart("nvidia-device-plugin", "0.17.1", "https://nvidia.github.io/k8s-device-plugin")
#: https://github.com/kubernetes/autoscaler charts; 9.46.x ships cluster-autoscaler 1.32.
CLUSTER_AUTOSCALER = Chart("cluster-autoscaler", "9.46.6", "https://kubernetes.github.io/autoscaler")

#: Tolerations that let a DaemonSet run on GPU nodes (the GPU taint, and the spot taint on AKS).
GPU_TOLERATIONS = [
    {"key": GPU_TAINT_KEY, "operator": "Exists", "effect": GPU_TAINT_EFFECT},
    {"key": "kubernetes.azure.com/scalesetpriority", "operator": "Equal", "value": "spot",
     "effect": "NoSchedule"},
]


def helm_release(name: str, chart: Chart, namespace: str, values: Mapping[str, Any],
                 provider: Any, parent: pulumi.Resource) -> helm.Release:
    """A Helm release of ``chart`` (atomic, in an existing namespace) under ``parent``."""
    return helm.Release(
        name,
        chart=chart.name,
        version=chart.version,
        repository_opts=helm.RepositoryOptsArgs(repo=chart.repository),
        namespace=namespace,
        create_namespace=False,
        atomic=True,
        values=dict(values),
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )


#: The ConfigMap the cluster autoscaler's priority expander reads (name and namespace are fixed
#: by the autoscaler).
PRIORITY_EXPANDER_CONFIGMAP = "cluster-autoscaler-priority-expander"


def nvidia_device_plugin(name: str, provider: Any, parent: pulumi.Resource) -> helm.Release:
    """The NVIDIA device plugin DaemonSet, only on nodes labelled ``nvidia.com/gpu.present``
    and not on the nodes of a shared-GPU pool (their pool runs its own, configured plugin)."""
    values = {
        "nodeSelector": {"nvidia.com/gpu.present": "true"},
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [
                {"key": GPU_SHARING_LABEL, "operator": "DoesNotExist"}]}]}}},
        "tolerations": GPU_TOLERATIONS,
    }
    return helm_release(name, NVIDIA_DEVICE_PLUGIN, "kube-system", values, provider, parent)


def device_plugin_config(sharing: Any) -> str:
    """The NVIDIA device plugin's configuration file (YAML) for a pool's ``sharing``:
    time-slicing replicas, or the ``single`` MIG strategy (each slice is one ``nvidia.com/gpu``)."""
    import json

    if sharing.mode == "time-slicing":
        config = {"version": "v1", "flags": {"migStrategy": "none"},
                  "sharing": {"timeSlicing": {"failRequestsGreaterThanOne": True, "resources": [
                      {"name": "nvidia.com/gpu", "replicas": int(sharing.replicas)}]}}}
    else:
        config = {"version": "v1", "flags": {"migStrategy": "single"}}
    return json.dumps(config, indent=2, sort_keys=True)  # JSON is YAML


def shared_gpu_device_plugin(name: str, pool_name: str, sharing: Any, provider: Any,
                             parent: pulumi.Resource) -> helm.Release:
    """A device plugin only on the nodes of shared pool ``pool_name``, advertising each GPU as
    ``sharing`` slices (the cluster-wide plugin skips those nodes)."""
    values = {
        "nodeSelector": {"nvidia.com/gpu.present": "true", GPU_SHARING_LABEL: pool_name},
        "tolerations": GPU_TOLERATIONS,
        "config": {"map": {"shared": device_plugin_config(sharing)}, "default": "shared"},
    }
    return helm_release(name, NVIDIA_DEVICE_PLUGIN, "kube-system", values, provider, parent)


def priority_expander(name: str, priorities: Mapping[int, Sequence[str]], provider: Any,
                      parent: pulumi.Resource) -> Any:
    """The cluster autoscaler's priority expander ConfigMap: node groups whose name matches a
    higher-priority regex are scaled up first (``priorities``: priority -> regexes)."""
    import json

    import pulumi_kubernetes.core.v1 as core

    text = "\n".join(f"{priority}:\n" + "".join(f"  - {json.dumps(regex)}\n" for regex in regexes)
                     for priority, regexes in sorted(priorities.items(), reverse=True))
    return core.ConfigMap(
        name,
        metadata={"name": PRIORITY_EXPANDER_CONFIGMAP, "namespace": "kube-system",
                  "labels": {"app.kubernetes.io/managed-by": "aiscale"}},
        data={"priorities": text},
        opts=pulumi.ResourceOptions(parent=parent, provider=provider))
