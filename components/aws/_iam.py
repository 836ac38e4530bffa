"""IAM documents for the AWS compute builders: trust policies, pod-role trust, autoscaler policy.

Pure functions returning plain dicts (serialise with ``json.dumps`` or
``pulumi.Output.json_dumps``); no provider imports, so they are easy to test and to read.
"""

from __future__ import annotations

from typing import Any

POLICY_VERSION = "2012-10-17"
"""The IAM policy language version every document uses."""

PARTITIONS = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"))
"""Region prefixes of the partitions other than the commercial ``aws``."""

CLUSTER_ROLE_POLICIES = ("AmazonEKSClusterPolicy",)
"""Managed policies of the EKS control-plane role."""
NODE_ROLE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
"""Managed policies of the node role: join the cluster and pull images, nothing else. The VPC
CNI's permissions live on its own pod role (IRSA), not on the nodes."""
CNI_POD_POLICIES = ("AmazonEKS_CNI_Policy",)
"""Managed policies of the VPC CNI's pod role (``kube-system/aws-node``)."""
EBS_CSI_POD_POLICIES = ("service-role/AmazonEBSCSIDriverPolicy",)
"""Managed policies of the EBS CSI driver's pod role (``kube-system/ebs-csi-controller-sa``):
create, attach, snapshot and delete the EBS volumes behind PersistentVolumes."""
VM_ROLE_POLICIES = ("AmazonSSMManagedInstanceCore",)
"""Managed policies of the GPU VMs of an Auto Scaling group: Session Manager access instead of
SSH keys and open ports."""

OIDC_AUDIENCE = "sts.amazonaws.com"
"""The audience EKS projects into pod service-account tokens for IRSA."""

#: Read-only calls the cluster autoscaler makes to discover groups and build node templates.
AUTOSCALER_READ_ACTIONS = (
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    "eks:DescribeNodegroup",
)
#: Calls that change capacity: allowed only on groups tagged as owned by this cluster.
AUTOSCALER_WRITE_ACTIONS = (
    "autoscaling:SetDesiredCapacity",
    "autoscaling:TerminateInstanceInAutoScalingGroup",
)


def partition_of(region: str) -> str:
    """The ARN partition of ``region``: ``aws``, ``aws-us-gov`` or ``aws-cn``."""
    return next((partition for prefix, partition in PARTITIONS if region.startswith(prefix)), "aws")


def managed_policy_arn(name: str, region: str) -> str:
    """The ARN of the AWS managed policy ``name`` in the partition of ``region``."""
    return f"arn:{partition_of(region)}:iam::aws:policy/{name}"


def service_trust_policy(service: str) -> dict[str, Any]:
    """A role trust policy letting one AWS service (``eks.amazonaws.com``) assume the role."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }],
    }


def issuer_host_path(issuer_url: str) -> str:
    """The OIDC issuer without its scheme, as IAM condition keys spell it."""
    return issuer_url.removeprefix("https://")


def pod_trust_policy(oidc_provider_arn: str, issuer_url: str, namespace: str,
                     service_account: str) -> dict[str, Any]:
    """A trust policy for IRSA: only the pods running as ``namespace/service_account`` of the
    cluster whose OIDC provider is ``oidc_provider_arn`` may assume the role."""
    issuer = issuer_host_path(issuer_url)
    return {
        "Version": POLICY_VERSION,
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                f"{issuer}:aud": OIDC_AUDIENCE,
            }},
        }],
    }


def cluster_autoscaler_policy(cluster_name: str) -> dict[str, Any]:
    """Least privilege for the cluster autoscaler of one cluster.

    Describe calls on every resource (they cannot be scoped), and the two calls that change
    capacity only on Auto Scaling groups tagged ``k8s.io/cluster-autoscaler/<cluster>=owned``
    and ``k8s.io/cluster-autoscaler/enabled=true`` (EKS puts both tags on the groups of its
    managed node groups).
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "Discover",
                "Effect": "Allow",
                "Action": list(AUTOSCALER_READ_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "ScaleOwnedGroups",
                "Effect": "Allow",
                "Action": list(AUTOSCALER_WRITE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringEquals": {
                    f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned",
                    "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                }},
            },
        ],
    }
