"""EKS add-ons: Helm releases (NVIDIA device plugin, cluster autoscaler) and storage.

The charts and their values live in ``aiscale.kubernetes.addons`` (shared by every cloud);
this module adds what is AWS-specific: the autoscaler's IAM role, trusted only by the
cluster's OIDC provider for ``system:serviceaccount:kube-system:cluster-autoscaler``, with a
least-privilege policy (see ``_iam.cluster_autoscaler_policy``); the settings of the managed
``vpc-cni`` add-on (NetworkPolicy enforcement on); and block storage: EKS 1.30 and later create
no default StorageClass, so the ``aws-ebs-csi-driver`` add-on (on its own pod role) and an
encrypted gp3 StorageClass marked default are declared (:func:`default_storage_class`).
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws.iam as iam

from aiscale.aws import _iam

AUTOSCALER_NAMESPACE = "kube-system"
"""Namespace of the cluster autoscaler (the chart's service account lives there)."""
AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler"
"""Service account name the chart is told to use (``rbac.serviceAccount.name``)."""

VPC_CNI_CONFIGURATION = {"enableNetworkPolicy": "true"}
"""``configurationValues`` of the ``vpc-cni`` add-on: the VPC CNI enforces Kubernetes
NetworkPolicies only when this is set (off by default), see
https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html."""

EBS_CSI_ADDON = "aws-ebs-csi-driver"
"""The EKS add-on name of the Amazon EBS CSI driver."""
EBS_CSI_NAMESPACE, EBS_CSI_SERVICE_ACCOUNT = "kube-system", "ebs-csi-controller-sa"
"""Where the EBS CSI controller runs, and the service account its pod role trusts
(https://docs.aws.amazon.com/eks/latest/userguide/add-ons-aws-ebs-csi-driver.html)."""
EBS_CSI_PROVISIONER = "ebs.csi.aws.com"
"""The CSI provisioner name of the Amazon EBS CSI driver."""
DEFAULT_STORAGE_CLASS = "gp3-encrypted"
"""The name of the default StorageClass aiscale declares on EKS."""
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
"""The annotation that makes a StorageClass the one a claim without ``storageClassName`` gets."""


def storage_class_spec() -> dict[str, Any]:
    """The default StorageClass: encrypted gp3 volumes, created in the zone of the pod that
    first uses them (``WaitForFirstConsumer``), expandable, deleted with their claim."""
    return {
        "metadata": {"name": DEFAULT_STORAGE_CLASS,
                     "annotations": {DEFAULT_CLASS_ANNOTATION: "true"},
                     "labels": {"app.kubernetes.io/managed-by": "aiscale"}},
        "provisioner": EBS_CSI_PROVISIONER,
        "parameters": {"type": "gp3", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4"},
        "volume_binding_mode": "WaitForFirstConsumer",
        "allow_volume_expansion": True,
        "reclaim_policy": "Delete",
    }


def default_storage_class(name: str, provider: Any, parent: pulumi.Resource,
                          depends_on: list) -> pulumi.Resource:
    """The default StorageClass on the cluster's Kubernetes provider, after ``depends_on``
    (the EBS CSI add-on that provisions its volumes)."""
    import pulumi_kubernetes.storage.v1 as storage

    spec = storage_class_spec()
    return storage.StorageClass(name, **spec, opts=pulumi.ResourceOptions(
        parent=parent, provider=provider, depends_on=depends_on))


def autoscaler_role(name: str, cluster_name: str, oidc_provider_arn: Any, issuer_url: Any,
                    tags: dict[str, str], parent: pulumi.Resource) -> tuple[iam.Role, iam.RolePolicy]:
    """The autoscaler's pod role (IRSA) and its inline least-privilege policy."""
    trust = pulumi.Output.all(oidc_provider_arn, issuer_url).apply(
        lambda a: json.dumps(_iam.pod_trust_policy(a[0], a[1], AUTOSCALER_NAMESPACE,
                                                   AUTOSCALER_SERVICE_ACCOUNT)))
    child = pulumi.ResourceOptions(parent=parent)
    role = iam.Role(f"{name}-cluster-autoscaler", assume_role_policy=trust, tags=tags,
                    description=f"cluster-autoscaler pods of EKS cluster {cluster_name}", opts=child)
    policy = iam.RolePolicy(f"{name}-cluster-autoscaler", role=role.id,
                            policy=json.dumps(_iam.cluster_autoscaler_policy(cluster_name)),
                            opts=child)
    return role, policy


def install(component: pulumi.Resource, *, name: str, cluster_name: str, region: str, oidc_provider_arn: Any,
            issuer_url: Any, provider: Any, tags: dict[str, str]) -> dict[str, pulumi.Resource]:
    """Declare the autoscaler role and both Helm releases under ``component`` (logical names
    prefixed with ``name``); return them by name."""
    from aiscale.kubernetes import addons

    role, policy = autoscaler_role(name, cluster_name, oidc_provider_arn, issuer_url, tags, component)
    device_plugin = addons.nvidia_device_plugin(f"{name}-nvidia-device-plugin", provider, component)
    # The role ARN only resolves once the policy exists: the autoscaler never starts unprivileged.
    role_arn = pulumi.Output.all(role.arn, policy.id).apply(lambda a: a[0])
    autoscaler = cluster_autoscaler(f"{name}-cluster-autoscaler", provider, component,
                                    cluster_name=cluster_name, region=region, role_arn=role_arn)
    return {"cluster_autoscaler_role": role, "cluster_autoscaler_policy": policy,
            "nvidia_device_plugin": device_plugin, "cluster_autoscaler": autoscaler}


def cluster_autoscaler(name: str, provider: Any, parent: pulumi.Resource, *, cluster_name: Any,
                       region: str, role_arn: Any, extra_values: Optional[Mapping[str, Any]] = None
                       ) -> pulumi.Resource:
    """The cluster autoscaler for EKS, discovering node groups by their autoscaler tags and
    running under its own pod role (IRSA)."""
    from aiscale.kubernetes import addons

    values = {
        "cloudProvider": "aws",
        "awsRegion": region,
        "autoDiscovery": {"clusterName": cluster_name},
        "rbac": {"serviceAccount": {"name": "cluster-autoscaler",
                                    "annotations": {"eks.amazonaws.com/role-arn": role_arn}}},
        "extraArgs": {"balance-similar-node-groups": True, "skip-nodes-with-system-pods": False,
                      "expander": "priority,least-waste"},  # priority: spot-with-fallback pools (docs/capacity.md)
        **dict(extra_values or {}),
    }
    return addons.helm_release(name, addons.CLUSTER_AUTOSCALER, "kube-system", values, provider, parent)
