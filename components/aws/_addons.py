"""EKS Helm add-ons: the NVIDIA device plugin and the cluster autoscaler on its own pod role.

The charts and their values live in ``aiscale.kubernetes.addons`` (shared by every cloud);
this module adds what is AWS-specific: the autoscaler's IAM role, trusted only by the
cluster's OIDC provider for ``system:serviceaccount:kube-system:cluster-autoscaler``, with a
least-privilege policy (see ``_iam.cluster_autoscaler_policy``).
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
