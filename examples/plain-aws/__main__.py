"""A small, ordinary Pulumi program: one private S3 bucket and a VPC. It knows nothing of aiscale."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
prefix = config.get("bucketPrefix") or "demo"
identity = aws.get_caller_identity()

bucket = aws.s3.Bucket("data", bucket=f"{prefix}-data-{identity.account_id}", tags={"team": "demo"})
aws.s3.BucketPublicAccessBlock(
    "data",
    bucket=bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16", tags={"team": "demo"})

pulumi.export("bucket", bucket.bucket)
pulumi.export("vpc_id", vpc.id)
