"""runtime managed on AWS: SageMaker model, endpoint configuration, endpoint and autoscaling."""

from __future__ import annotations

import pytest

from aiscale.aws.sagemaker import (accepts_volume_key, execution_policy, image_repository_arn,
                                   invocations_target)

from .helpers import policy

MODEL = "aws:sagemaker/model:Model"
CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
TARGET = "aws:appautoscaling/target:Target"
SCALING = "aws:appautoscaling/policy:Policy"
MANAGED = {"runtime": "managed"}


def test_endpoint_configuration_is_auto_named_with_an_ml_instance(endpoint_preview):
    result = endpoint_preview("aws", endpoint={**MANAGED, "min_replicas": 2})
    config = result.one(CONFIG).inputs
    assert "name" not in config and "namePrefix" not in config, "a change must replace it"
    (variant,) = config["productionVariants"]
    assert variant["variantName"] == "primary"
    assert variant["instanceType"] == "ml.g6.xlarge"
    assert variant["initialInstanceCount"] == 2
    assert variant["modelName"] == result.one(MODEL).outputs["name"]
    assert result.one(ENDPOINT).inputs["endpointConfigName"] == result.one(CONFIG).outputs["name"]


# (accelerator, encryption, key expected, reason)
KMS_CASES = [
    ("nvidia-v100", "customer-managed", True, "p3 has EBS volumes only: encrypt with the store key"),
    ("nvidia-l4", "customer-managed", False, "g6 has local NVMe: SageMaker refuses a KMS key"),
    ("nvidia-v100", "provider-managed", False, "no customer key to use"),
]


@pytest.mark.parametrize("accelerator,encryption,keyed,reason", KMS_CASES)
def test_kms_key_of_the_endpoint_configuration(endpoint_preview, accelerator, encryption, keyed, reason):
    result = endpoint_preview("aws", endpoint={**MANAGED, "accelerator": accelerator},
                              pool={"accelerator": accelerator}, bucket={"encryption": encryption})
    config = result.one(CONFIG).inputs
    if keyed:
        assert config["kmsKeyArn"] == result.one("aws:kms/key:Key").outputs["arn"], reason
    else:
        assert "kmsKeyArn" not in config, reason


@pytest.mark.parametrize("instance_type,accepts", [
    ("ml.p3.2xlarge", True), ("ml.g6.xlarge", False), ("ml.g5.12xlarge", False),
    ("ml.p4d.24xlarge", False), ("ml.p5.48xlarge", False),
])
def test_volume_key_only_on_ebs_only_types(instance_type, accepts):
    assert accepts_volume_key(instance_type) is accepts


def test_model_is_isolated_in_the_private_subnets(endpoint_preview):
    result = endpoint_preview("aws", endpoint=MANAGED)
    model = result.one(MODEL).inputs
    assert model["enableNetworkIsolation"] is True
    assert model["vpcConfig"]["subnets"] == ["subnet-a", "subnet-b"]
    group = result.one("aws:ec2/securityGroup:SecurityGroup")
    assert model["vpcConfig"]["securityGroupIds"] == [group.id]
    assert group.inputs["vpcId"] == "vpc-0123456789abcdef0"
    assert "ingress" not in group.inputs or group.inputs["ingress"] == []
    (source,) = model["primaryContainer"]["modelDataSource"]["s3DataSources"]
    assert source["s3DataType"] == "S3Prefix" and source["compressionType"] == "None"
    assert source["s3Uri"].startswith("s3://acme-ml-dev-models-") and source["s3Uri"].endswith("/llama-3-8b/")
    assert model["executionRoleArn"] == result.one("aws:iam/role:Role").outputs["arn"]


def test_a_tarball_uses_model_data_url(endpoint_preview):
    container = endpoint_preview("aws", endpoint={**MANAGED, "model": {
        "bucket": "models", "path": "llama/model.tar.gz"}}).one(MODEL).inputs["primaryContainer"]
    assert container["modelDataUrl"].endswith("/llama/model.tar.gz")
    assert "modelDataSource" not in container


def test_execution_role_reads_only_the_model_bucket(endpoint_preview):
    result = endpoint_preview("aws", endpoint=MANAGED)
    trust = policy(result.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    document = policy(result.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    bucket = result.one("aws:s3/bucket:Bucket").inputs["bucket"]
    s3 = [s for s in document["Statement"] if str(s["Action"]).startswith("s3:")]
    assert {s["Resource"] for s in s3} == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/llama-3-8b/*"}
    assert not any(a == "*" or a == "s3:*" for s in document["Statement"] for a in
                   (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
    assert not any("ECR" in w for w in result.warnings), "an ECR image needs no mirroring"


def test_ecr_image_scopes_the_pull_permission():
    image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/serving/vllm:v0.6.3"
    assert image_repository_arn(image, "aws") == "arn:aws:ecr:us-west-2:123456789012:repository/serving/vllm"
    statements = {s["Sid"]: s for s in execution_policy(None, image, "us-west-2")["Statement"]}
    assert statements["PullImage"]["Resource"] == image_repository_arn(image, "aws")
    assert image_repository_arn("vllm/vllm-openai:v0.6.3", "aws") is None


@pytest.mark.parametrize("minimum,maximum,target,expected_min", [
    (1, 8, 4, 1), (3, 6, 2, 3), (1, 1, 8, 1),
])
def test_autoscaling_target_and_policy(endpoint_preview, minimum, maximum, target, expected_min):
    result = endpoint_preview("aws", endpoint={**MANAGED, "min_replicas": minimum,
                                               "max_replicas": maximum, "target_concurrency": target})
    scaling = result.one(TARGET).inputs
    endpoint_name = result.one(ENDPOINT).outputs["name"]
    assert scaling["serviceNamespace"] == "sagemaker"
    assert scaling["scalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert scaling["resourceId"] == f"endpoint/{endpoint_name}/variant/primary"
    assert (scaling["minCapacity"], scaling["maxCapacity"]) == (expected_min, maximum)
    rule = result.one(SCALING).inputs
    assert rule["policyType"] == "TargetTrackingScaling"
    tracking = rule["targetTrackingScalingPolicyConfiguration"]
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == \
        "SageMakerVariantInvocationsPerInstance"
    assert tracking["targetValue"] == target * 60
    assert rule["resourceId"] == scaling["resourceId"]


def test_invocations_target_formula():
    assert invocations_target(4) == 240
    assert invocations_target(4, latency=2.0) == 120


def test_url_is_the_invocation_url(endpoint_preview):
    result = endpoint_preview("aws", endpoint=MANAGED)
    name = result.one(ENDPOINT).outputs["name"]
    assert result.outputs["url"] == \
        f"https://runtime.sagemaker.us-west-2.amazonaws.com/endpoints/{name}/invocations"
