"""The ``managed`` runtime of ``ModelEndpoint`` on AWS: a SageMaker real-time endpoint.

Declares an execution role (read the model's objects only, pull the image, write the
endpoint's logs and metrics, attach to the VPC), a security group in the platform's VPC, a
``sagemaker.Model`` with network isolation in the private subnets, an auto-named
``EndpointConfiguration`` (so a change creates a new configuration and the endpoint switches to
it), the ``Endpoint``, and Application Auto Scaling on the variant's instance count with target
tracking on ``SageMakerVariantInvocationsPerInstance``.

Target value: ``target_concurrency x 60 / MEAN_LATENCY_SECONDS`` invocations per instance per
minute (by Little's law, N requests in flight at a mean latency of L seconds are N x 60 / L
invocations a minute); with the default 1 s latency, target_concurrency 4 aims at 240.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws.appautoscaling as appautoscaling
import pulumi_aws.ec2 as ec2
import pulumi_aws.iam as iam
import pulumi_aws.sagemaker as sagemaker

from aiscale.aws import naming
from aiscale.aws._iam import POLICY_VERSION, partition_of, service_trust_policy
from aiscale.aws.endpoint_identity import model_read_policy
from aiscale.catalog import sagemaker_instance_type
from aiscale.endpoint_spec import BuiltEndpoint, EndpointBuild

VARIANT = "primary"
"""The one production variant of every endpoint."""
MEAN_LATENCY_SECONDS = 1.0
"""Assumed mean request latency when turning target_concurrency into invocations per minute."""
SCALE_IN_COOLDOWN, SCALE_OUT_COOLDOWN = 300, 60
"""Seconds between scaling activities: slow to remove instances, quick to add them."""
STARTUP_TIMEOUT_SECONDS = 1800
"""Time SageMaker allows to download the model and pass the first health check (max 3600)."""
EBS_ONLY_FAMILIES = ("p2", "p3", "g3", "g3s")
"""GPU instance families without local NVMe storage: only these accept the endpoint
configuration's ``kms_key_arn``. Instances with local storage encrypt it in hardware and
SageMaker refuses a KMS key for them."""
MODEL_DIR = "/opt/ml/model"
"""Where SageMaker places the model data inside the container."""
ECR_IMAGE = re.compile(r"(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/"
                       r"(?P<repository>[^:@]+)")
VPC_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
               "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
               "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
               "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups")
"""What SageMaker needs to attach the endpoint to the VPC (describe calls cannot be scoped)."""


@dataclass(frozen=True, kw_only=True)
class SageMakerEndpoint(BuiltEndpoint):
    """What the SageMaker builder returns (resources by role: ``execution_role``,
    ``execution_policy``, ``security_group``, ``model``, ``endpoint_configuration``,
    ``endpoint``, ``scaling_target``, ``scaling_policy``)."""

    endpoint_name: pulumi.Output[str]
    """The SageMaker endpoint's name (the ``EndpointName`` dimension of its metrics)."""
    instance_type: str
    """The ``ml.`` instance type of the production variant."""


def invocations_target(target_concurrency: int, latency: float = MEAN_LATENCY_SECONDS) -> float:
    """Invocations per instance per minute that keep ``target_concurrency`` requests in flight."""
    return target_concurrency * 60.0 / latency


def accepts_volume_key(instance_type: str) -> bool:
    """True when SageMaker accepts a KMS key for the instance's storage volume (EBS-only types)."""
    return instance_type.removeprefix("ml.").split(".")[0] in EBS_ONLY_FAMILIES


def image_repository_arn(image: str, partition: str) -> Optional[str]:
    """The ECR repository ARN of ``image``, or None for an image outside ECR."""
    found = ECR_IMAGE.match(image)
    if found is None:
        return None
    return (f"arn:{partition}:ecr:{found['region']}:{found['account']}:repository/"
            f"{found['repository']}")


def execution_policy(model_read: Optional[dict], image: str, region: str) -> dict:
    """The execution role's permissions: the model read statements plus image, logs, metrics, VPC."""
    partition = partition_of(region)
    repository = image_repository_arn(image, partition)
    statements = list(model_read["Statement"]) if model_read else []
    statements += [
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "PullImage", "Effect": "Allow", "Resource": repository or "*",
         "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]},
        {"Sid": "Logs", "Effect": "Allow",
         "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                    "logs:DescribeLogStreams"],
         "Resource": f"arn:{partition}:logs:{region}:*:log-group:/aws/sagemaker/Endpoints/*"},
        {"Sid": "Metrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
         "Condition": {"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}}},
        {"Sid": "Vpc", "Effect": "Allow", "Action": list(VPC_ACTIONS), "Resource": "*"},
    ]
    return {"Version": POLICY_VERSION, "Statement": statements}


def _model_data(uri: pulumi.Output, path: str) -> dict[str, Any]:
    """A ``.tar.gz`` object as ``model_data_url``; a prefix as uncompressed ``S3Prefix`` data."""
    if path.endswith(".tar.gz"):
        return {"model_data_url": uri}
    prefix = uri.apply(lambda value: value if value.endswith("/") else f"{value}/")
    return {"model_data_source": sagemaker.ModelPrimaryContainerModelDataSourceArgs(s3_data_sources=[
        sagemaker.ModelPrimaryContainerModelDataSourceS3DataSourceArgs(
            s3_uri=prefix, s3_data_type="S3Prefix", compression_type="None")])}


def _role(name: str, args: EndpointBuild, tags: dict, child: pulumi.ResourceOptions) -> tuple:
    scope, endpoint, store = args.scope, args.endpoint, args.store
    image = endpoint.image_for(scope.cloud)
    role = iam.Role(f"{name}-execution-role", tags=tags, opts=child,
                    assume_role_policy=json.dumps(service_trust_policy("sagemaker.amazonaws.com")),
                    description=f"SageMaker endpoint {endpoint.name}: read its model, pull its image")
    if endpoint.model is None:
        document = pulumi.Output.from_input(json.dumps(execution_policy(None, image, scope.region)))
    else:
        key = store.resources.get("key")
        document = pulumi.Output.all(store.resources["bucket"].arn, key.arn if key is not None else None).apply(
            lambda v: json.dumps(execution_policy(
                model_read_policy(v[0], endpoint.model.path, v[1], scope.region), image, scope.region)))
    policy = iam.RolePolicy(f"{name}-execution-policy", role=role.id, policy=document, opts=child)
    return role, policy


def _autoscaling(name: str, endpoint: Any, endpoint_name: pulumi.Output, child: pulumi.ResourceOptions) -> dict:
    target = appautoscaling.Target(
        f"{name}-scaling-target", service_namespace="sagemaker",
        scalable_dimension="sagemaker:variant:DesiredInstanceCount",
        resource_id=endpoint_name.apply(lambda n: f"endpoint/{n}/variant/{VARIANT}"),
        min_capacity=max(1, endpoint.min_replicas), max_capacity=endpoint.max_replicas, opts=child)
    policy = appautoscaling.Policy(
        f"{name}-scaling-policy", policy_type="TargetTrackingScaling",
        service_namespace=target.service_namespace, scalable_dimension=target.scalable_dimension,
        resource_id=target.resource_id,
        target_tracking_scaling_policy_configuration=appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
            target_value=invocations_target(endpoint.target_concurrency),
            predefined_metric_specification=appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                predefined_metric_type="SageMakerVariantInvocationsPerInstance"),
            scale_in_cooldown=SCALE_IN_COOLDOWN, scale_out_cooldown=SCALE_OUT_COOLDOWN),
        opts=child)
    return {"scaling_target": target, "scaling_policy": policy}


def build(component: pulumi.ComponentResource, args: EndpointBuild) -> SageMakerEndpoint:
    """Declare the SageMaker model, endpoint configuration, endpoint and autoscaling."""
    from aiscale.store_spec import model_uri

    scope, endpoint, network, store = args.scope, args.endpoint, args.network, args.store
    name = args.name
    child = pulumi.ResourceOptions(parent=component)
    tags = naming.aws_tags(scope.tags)
    instance_type = sagemaker_instance_type(args.offering)
    image = endpoint.image_for(scope.cloud)
    if not ECR_IMAGE.match(image):
        pulumi.log.warn(f"{name}: SageMaker pulls images from Amazon ECR only: push or mirror "
                        f"{image} to ECR (an ECR pull-through cache works)", resource=component)
    role, role_policy = _role(name, args, tags, child)
    group = ec2.SecurityGroup(
        f"{name}-sg", vpc_id=network.network_id, tags=tags, opts=child,
        description=f"SageMaker endpoint {endpoint.name}: no inbound, HTTPS out",
        egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443,
                                            cidr_blocks=["0.0.0.0/0"], description="HTTPS")])
    container: dict[str, Any] = {"image": image}
    environment = dict(endpoint.env)
    if endpoint.model is not None:
        container.update(_model_data(model_uri(store, endpoint), endpoint.model.path))
        environment["MODEL_PATH"] = MODEL_DIR
    if environment:
        container["environment"] = environment
    model = sagemaker.Model(
        f"{name}-model", execution_role_arn=role.arn, enable_network_isolation=True, tags=tags,
        primary_container=sagemaker.ModelPrimaryContainerArgs(**container),
        vpc_config=sagemaker.ModelVpcConfigArgs(subnets=network.subnet_ids, security_group_ids=[group.id]),
        opts=pulumi.ResourceOptions(parent=component, depends_on=[role_policy]))
    key = store.resources.get("key") if store is not None else None
    config = sagemaker.EndpointConfiguration(
        f"{name}-config",  # no name: every change creates a new configuration
        kms_key_arn=key.arn if key is not None and accepts_volume_key(instance_type) else None,
        production_variants=[sagemaker.EndpointConfigurationProductionVariantArgs(
            variant_name=VARIANT, model_name=model.name, instance_type=instance_type,
            initial_instance_count=max(1, endpoint.min_replicas),
            container_startup_health_check_timeout_in_seconds=STARTUP_TIMEOUT_SECONDS,
            model_data_download_timeout_in_seconds=STARTUP_TIMEOUT_SECONDS)],
        tags=tags, opts=child)
    live = sagemaker.Endpoint(f"{name}-endpoint", endpoint_config_name=config.name, tags=tags, opts=child)
    suffix = "amazonaws.com.cn" if partition_of(scope.region) == "aws-cn" else "amazonaws.com"
    url = live.name.apply(
        lambda n: f"https://runtime.sagemaker.{scope.region}.{suffix}/endpoints/{n}/invocations")
    resources = {"execution_role": role, "execution_policy": role_policy, "security_group": group,
                 "model": model, "endpoint_configuration": config, "endpoint": live,
                 **_autoscaling(name, endpoint, live.name, child)}
    return SageMakerEndpoint(url=url, endpoint_name=live.name, instance_type=instance_type, resources=resources)
