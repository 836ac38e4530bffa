"""Inputs unknown during preview: each check decides, and the decision is pinned here.

Value checks become not applicable (the engine reports them as such); presence checks of a key
or id created in the same stack count the unknown as set; stack checks skip just the unknown
resource and still judge the others.
"""

from __future__ import annotations

import pytest

from aiscale.guardrails import get_check, run_stack
from aiscale.preview.records import UNKNOWN
from tests.guardrails.helpers import context, is_na, run, view

COMPLIANT, NA = "compliant", "not applicable"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}

CASES = [
    ("SEC-STORAGE-001", PAB, {**FLAGS, "blockPublicPolicy": UNKNOWN}, NA, "a flag computed from an output"),
    ("SEC-STORAGE-001", PAB, {**FLAGS, "bucket": UNKNOWN}, COMPLIANT, "the bucket id is irrelevant to the flags"),
    ("SEC-STORAGE-004", "azure-native:storage:StorageAccount", {"allowBlobPublicAccess": UNKNOWN}, NA, "value unknown"),
    ("SEC-K8S-001", "aws:eks/cluster:Cluster", {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": UNKNOWN}}, NA,
     "CIDRs computed"),
    ("SEC-K8S-003", "aws:eks/cluster:Cluster", {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": UNKNOWN}}},
     COMPLIANT, "key ARN of a key in the stack"),
    ("SEC-K8S-009", "aws:eks/nodeGroup:NodeGroup", {"remoteAccess": {"ec2SshKey": UNKNOWN, "sourceSecurityGroupIds": UNKNOWN}}, NA,
     "security groups computed"),
    ("SEC-ML-001", "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
     {"kmsKeyArn": UNKNOWN, "productionVariants": [{"instanceType": "ml.p3.2xlarge"}]}, COMPLIANT, "key from the stack"),
    ("SEC-COMPUTE-004", "aws:ec2/launchTemplate:LaunchTemplate", {"userData": UNKNOWN}, NA, "user data rendered from outputs"),
    ("SEC-COMPUTE-004", "gcp:compute/instanceTemplate:InstanceTemplate", {"metadata": {"startup-script": UNKNOWN}}, NA,
     "startup script rendered from outputs"),
    ("SEC-WL-005", "kubernetes:core/v1:Pod", {"spec": {"containers": [{"name": "s", "image": UNKNOWN}]}}, NA, "image from an output"),
    ("SEC-ML-010", "gcp:cloudrunv2/service:Service", {"ingress": UNKNOWN}, NA, "ingress unknown"),
    ("COST-GPU-001", "aws:eks/nodeGroup:NodeGroup", {"instanceTypes": [UNKNOWN]}, NA, "instance type unknown"),
    ("COST-TAG-001", "aws:s3/bucket:Bucket", {"tags": UNKNOWN}, NA, "tags computed"),
    ("SEC-IAM-001", "aws:s3/bucketPolicy:BucketPolicy", {"policy": UNKNOWN}, NA, "policy rendered from outputs"),
    ("SEC-IAM-004", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"policyArn": UNKNOWN}, NA, "policy ARN computed"),
    ("SEC-KMS-002", "aws:kms/key:Key", {"enableKeyRotation": UNKNOWN}, NA, "rotation computed"),
    ("SEC-MSG-001", "aws:sns/topic:Topic", {"kmsMasterKeyId": UNKNOWN}, COMPLIANT, "key ARN of a key in the stack"),
    ("SEC-LOG-001", "aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": UNKNOWN, "kmsKeyId": UNKNOWN}, COMPLIANT,
     "retention and key from the stack"),
    ("SEC-NET-001", "aws:ec2/securityGroup:SecurityGroup",
     {"ingress": [{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": UNKNOWN}]}, NA, "CIDRs computed"),
    ("SEC-K8S-014", "azure-native:containerservice:ManagedCluster", {"diskEncryptionSetID": UNKNOWN}, COMPLIANT,
     "disk encryption set of the stack"),
    ("COST-TAG-001", "aws:s3/bucket:Bucket", {"tags": {"team": UNKNOWN, "cost-center": "cc"}}, COMPLIANT, "keys known, a value not"),
]


@pytest.mark.parametrize("check_id,token,props,expected,reason", CASES, ids=[f"{c[0]}:{c[4]}" for c in CASES])
def test_unknown_inputs(check_id, token, props, expected, reason):
    outcome = run(check_id, token, props, env="dev")
    if expected == NA:
        assert is_na(outcome) and "not known during preview" in outcome.reason, reason
    else:
        assert outcome == [], reason


def test_stack_rule_skips_only_the_unknown_pool():
    pools = [view("aws:eks/nodeGroup:NodeGroup", "unknown", {"instanceTypes": ["p4d.24xlarge"], "scalingConfig": {"maxSize": UNKNOWN}}),
             view("aws:eks/nodeGroup:NodeGroup", "big", {"instanceTypes": ["p4d.24xlarge"], "scalingConfig": {"minSize": 0.0, "maxSize": 20.0}})]
    outcome = run_stack(get_check("COST-GPU-002"), pools, context("COST-GPU-002"))
    assert [v.urn.rsplit("::", 1)[-1] for v in outcome] == ["big"]


def test_pab_with_unknown_bucket_matches_through_property_dependencies():
    bucket = view("aws:s3/bucket:Bucket", "models", {})
    pab = view(PAB, "pab", {**FLAGS, "bucket": UNKNOWN}, deps={"bucket": [bucket.urn]})
    assert run_stack(get_check("SEC-STORAGE-002"), [bucket, pab], context("SEC-STORAGE-002")) == []
