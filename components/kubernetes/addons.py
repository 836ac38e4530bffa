"""Cluster add-ons as Helm releases with pinned chart versions.

- The NVIDIA device plugin advertises ``nvidia.com/gpu`` to the scheduler. GKE installs its own
  (with ``gpu_driver_installation_config``), so only EKS and AKS get this release.
- The cluster autoscaler of EKS (AKS and GKE have one built in) is declared by the AWS
  builders (``aiscale.aws._addons``) with :func:`helm_release` and :data:`CLUSTER_AUTOSCALER`.
"""

from __future__ import annotations

from typing import Any, Mapping

import pulumi
import pulumi_kubernetes.helm.v3 as helm

from aiscale.facts.gpu import GPU_TAINT_EFFECT, GPU_TAINT_KEY


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


def nvidia_device_plugin(name: str, provider: Any, parent: pulumi.Resource) -> helm.Release:
    """The NVIDIA device plugin DaemonSet, only on nodes labelled ``nvidia.com/gpu.present``."""
    values = {
        "nodeSelector": {"nvidia.com/gpu.present": "true"},
        "tolerations": GPU_TOLERATIONS,
    }
    return helm_release(name, NVIDIA_DEVICE_PLUGIN, "kube-system", values, provider, parent)
