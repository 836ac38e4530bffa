"""The IAM documents of the AWS compute builders: trust, pod roles, autoscaler least privilege."""

from __future__ import annotations

import pytest

from aiscale.aws import _iam

ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/ABC123"
PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC123"


@pytest.mark.parametrize("region, partition, reason", [
    ("us-west-2", "aws", "commercial regions use the aws partition"),
    ("us-gov-west-1", "aws-us-gov", "GovCloud has its own partition"),
    ("cn-north-1", "aws-cn", "China regions have their own partition"),
])
def test_managed_policy_arn_uses_the_region_partition(region, partition, reason):
    assert _iam.managed_policy_arn("AmazonEKSClusterPolicy", region) == (
        f"arn:{partition}:iam::aws:policy/AmazonEKSClusterPolicy"), reason


def test_service_trust_policy_trusts_only_that_service():
    statement, = _iam.service_trust_policy("eks.amazonaws.com")["Statement"]
    assert statement == {"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"},
                         "Action": "sts:AssumeRole"}


def test_pod_trust_policy_pins_service_account_and_audience():
    statement, = _iam.pod_trust_policy(PROVIDER_ARN, ISSUER, "kube-system",
                                       "cluster-autoscaler")["Statement"]
    assert statement["Principal"] == {"Federated": PROVIDER_ARN}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {"StringEquals": {
        "oidc.eks.us-west-2.amazonaws.com/id/ABC123:sub":
            "system:serviceaccount:kube-system:cluster-autoscaler",
        "oidc.eks.us-west-2.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
    }}


def test_autoscaler_policy_scales_only_groups_owned_by_the_cluster():
    discover, scale = _iam.cluster_autoscaler_policy("acme-ml-dev-abc123")["Statement"]
    assert all(action.split(":")[1].startswith(("Describe", "Get")) for action in discover["Action"])
    assert "eks:DescribeNodegroup" in discover["Action"], "needed to scale managed groups from zero"
    assert set(scale["Action"]) == {"autoscaling:SetDesiredCapacity",
                                    "autoscaling:TerminateInstanceInAutoScalingGroup"}
    assert scale["Condition"]["StringEquals"] == {
        "aws:ResourceTag/k8s.io/cluster-autoscaler/acme-ml-dev-abc123": "owned",
        "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
    }


def test_node_role_has_no_cni_or_admin_policy():
    assert "AmazonEKS_CNI_Policy" not in _iam.NODE_ROLE_POLICIES, "the CNI runs on its pod role"
    assert not any("Admin" in policy or "FullAccess" in policy
                   for policy in _iam.NODE_ROLE_POLICIES + _iam.VM_ROLE_POLICIES)
