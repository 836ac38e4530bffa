"""AWS: EKS, EC2 Auto Scaling, S3, SageMaker, CloudWatch."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping, Optional

from aiscale.aws import naming
from aiscale.clouds.base import CloudAdapter

S3_INFREQUENT_ACCESS_MIN_DAYS = 30
"""S3 refuses transitions to STANDARD_IA earlier than 30 days after creation."""
S3_IA_TO_GLACIER_GAP_DAYS = 30
"""S3 refuses a GLACIER transition less than 30 days after the STANDARD_IA transition."""


class AwsAdapter(CloudAdapter):
    """Amazon Web Services."""

    name = "aws"
    sdk_modules = ("pulumi_aws",)
    extra_modules = ("boto3", "botocore")
    preflight_module = "aiscale.preflight.aws"
    title = "AWS"
    builders = MappingProxyType({
        "provider": "provider", "network": "network", "cluster": "cluster", "node_pool": "node_pool",
        "vm_group": "vm_group", "storage": "storage", "access_logs": "_access_logs",
        "managed_endpoint": "sagemaker", "endpoint_identity": "endpoint_identity",
        "budget": "budget", "alerts": "alarms", "model_loader": "model_loader"})
    spot_taint = None  # EKS managed node groups do not taint spot nodes
    managed_runtime = "SageMaker (the managed runtime on aws)"
    managed_service = "SageMaker"
    managed_needs_network = True  # SageMaker endpoints get the platform's VPC config
    managed_image_registries = (r"\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?",)
    managed_image_hint = ("push or mirror it to Amazon ECR (<account>.dkr.ecr.<region>.amazonaws.com/...; "
                          "an ECR pull-through cache rule mirrors Docker Hub, ghcr.io or quay.io)")
    access_logs_to_bucket = True
    access_log_encryption = "provider-managed"  # S3 delivers server access logs to SSE-S3 only
    existing_cluster_args = MappingProxyType({"node_role_arn": "the ARN of the nodes' IAM role",
                                              "subnet_ids": "the nodes' subnets"})
    required_existing_cluster_args = existing_cluster_args
    model_paths = (("clouds.aws.region", "region"),)
    node_pool_label = "eks.amazonaws.com/nodegroup"
    pool_takes_several_machine_types = True  # EKS managed node groups take instanceTypes
    unsupported_pool_features = MappingProxyType({
        "sharing.mig": "EKS managed node groups cannot switch a GPU into MIG mode (that needs the "
                       "NVIDIA GPU operator's MIG manager, which aiscale does not install); use "
                       "mode time-slicing on aws, or MIG on azure or gcp"})
    internal_service_annotations = MappingProxyType({
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"})
    public_service_annotations = MappingProxyType({"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"})
    cluster_identity_details = ("oidc_provider_arn", "oidc_provider_url")
    max_budget_notifications = 5
    provider_package = "aws"
    facts_reader = "aiscale.facts.aws"
    cost_pricer = "aiscale.cost._aws"

    def managed_machine_type(self, offering: Any) -> str:
        """SageMaker's ``ml.`` instance type with the offering's hardware."""
        from aiscale.catalog import sagemaker_instance_type

        return sagemaker_instance_type(offering)

    def bucket_name(self, platform: str, environment: str, bucket: str, seed: str = "") -> str:
        """The S3 bucket name."""
        return naming.s3_bucket_name(platform, environment, bucket, seed)

    def sanitise_tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        """AWS tag rules (``aiscale.aws.naming.aws_tags``)."""
        return naming.aws_tags(tags)

    def check_buckets(self, ctx: Any) -> None:
        """S3's minimum days before Standard-IA and in Standard-IA, for buckets on aws."""
        for index, bucket in ctx.items("buckets"):
            if self.name not in (ctx.targets.get(("buckets", index)) or ()):
                continue
            cool, archive = bucket.lifecycle.cool_after_days, bucket.lifecycle.archive_after_days
            path = ("buckets", index, "lifecycle")
            if cool is not None and cool < S3_INFREQUENT_ACCESS_MIN_DAYS:
                ctx.add(path + ("cool_after_days",), cool,
                        f"must be >= {S3_INFREQUENT_ACCESS_MIN_DAYS} for a bucket on aws: S3 moves objects "
                        f"to Standard-IA only once they are {S3_INFREQUENT_ACCESS_MIN_DAYS} days old")
            if cool is not None and archive is not None and archive < cool + S3_IA_TO_GLACIER_GAP_DAYS:
                ctx.add(path + ("archive_after_days",), archive,
                        f"must be >= cool_after_days + {S3_IA_TO_GLACIER_GAP_DAYS} "
                        f"({cool + S3_IA_TO_GLACIER_GAP_DAYS}) for a bucket on aws: S3 keeps objects "
                        f"in Standard-IA at least {S3_IA_TO_GLACIER_GAP_DAYS} days")

    def lifecycle_problems(self, cool: Optional[int], archive: Optional[int]) -> list[str]:
        """S3's minimum days before STANDARD_IA and between STANDARD_IA and GLACIER."""
        problems = []
        if cool and cool < S3_INFREQUENT_ACCESS_MIN_DAYS:
            problems.append(f"lifecycle.cool_after_days: got {cool}; valid on aws: at least "
                            f"{S3_INFREQUENT_ACCESS_MIN_DAYS} (S3 STANDARD_IA minimum)")
        if cool and archive and archive < cool + S3_IA_TO_GLACIER_GAP_DAYS:
            problems.append(f"lifecycle.archive_after_days: got {archive}; valid on aws: at least "
                            f"{cool + S3_IA_TO_GLACIER_GAP_DAYS} (30 days after cool_after_days)")
        return problems
