"""Everything the guardrails exist to catch, in one small plain-pulumi_aws program.

`aiscale preview --cwd examples/insecure-gpu` must report these findings and exit 1.
"""

import json

import pulumi
import pulumi_aws as aws

# A bucket open to the world: no public access block, a public-read ACL, no tags.
bucket = aws.s3.Bucket("public-data", bucket="insecure-public-data")
aws.s3.BucketAcl("public-data", bucket=bucket.id, acl="public-read")

role = aws.iam.Role("eks", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "eks.amazonaws.com"}}],
}))

# An EKS API endpoint reachable from the whole internet.
cluster = aws.eks.Cluster(
    "open",
    role_arn=role.arn,
    vpc_config={
        "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "endpoint_public_access": True,
        "endpoint_private_access": False,
        "public_access_cidrs": ["0.0.0.0/0"],
    },
)

# 50 nodes x 8 H100 = 400 GPUs, on-demand, no scale-to-zero, untagged.
aws.eks.NodeGroup(
    "h100",
    cluster_name=cluster.name,
    node_role_arn=role.arn,
    subnet_ids=["subnet-0123456789abcdef0"],
    instance_types=["p5.48xlarge"],
    scaling_config={"min_size": 10, "max_size": 50, "desired_size": 10},
)

pulumi.export("bucket", bucket.bucket)
