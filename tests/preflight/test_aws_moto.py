"""The boto3 layer and the checks together: EC2 offerings and instance types from moto, the
Service Quotas answers (which moto does not model for EC2 or SageMaker) from botocore's Stubber.

moto's data used here: in us-west-2, g6.xlarge is offered in zones a-d, g5.xlarge and
p4de.24xlarge in a-c, p3dn.24xlarge in b and c, and no p3 type at all; in us-east-1
p4de.24xlarge is offered in zones b and c only.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from aiscale.preflight.aws import AwsReader, PreflightAwsError, PreflightCredentialsError, gather_facts
from aiscale.preflight.checks import run_checks
from aiscale.preflight.findings import FAIL, OK, WARN, exit_code
from tests.preflight.helpers import (
    ec2_quota_answer,
    endpoint,
    fleet,
    plan,
    record_operations,
    sagemaker_list_answer,
    stubbed_quotas,
)

P4DE = dict(accelerator="nvidia-a100-80gb", gpus=8, vcpus=96)


@pytest.fixture
def aws(fake_aws_credentials):
    """moto's AWS for the duration of a test."""
    with mock_aws():
        yield


def _run(the_plan, stub=None, ec2=None):
    """Findings for `the_plan` with moto's EC2 (or `ec2`) and the stubbed quotas; every queued
    quota answer must have been used."""
    quotas, stubber = stub or stubbed_quotas(the_plan.region)
    ec2 = ec2 or boto3.client("ec2", region_name=the_plan.region)
    findings = run_checks(the_plan, gather_facts(the_plan, AwsReader(ec2, quotas)))
    stubber.assert_no_pending_responses()
    return findings


def _by_check(findings):
    return {(f.check, f.resource): f for f in findings}


def test_all_ok_with_read_only_calls(aws):
    the_plan = plan(fleet(max_nodes=3))
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-DB2E81BA", 64.0)
    ec2 = boto3.client("ec2", region_name="us-west-2")
    ec2_calls, quota_calls = record_operations(ec2), record_operations(quotas)
    findings = _run(the_plan, (quotas, stubber), ec2)
    assert [(f.check, f.status) for f in findings] == [
        ("offered in region", OK), ("offered in zones", OK), ("GPU kind and count", OK), ("vCPU quota", OK)]
    assert "g6.xlarge is offered in us-west-2a, us-west-2b" in findings[1].detail
    assert "needs 12 vCPUs" in findings[3].detail and "the quota is 64" in findings[3].detail
    assert exit_code(findings) == 0
    operations = ec2_calls + quota_calls
    assert operations and all(op.startswith(("Describe", "Get", "List")) for op in operations), operations


def test_type_not_offered_in_the_region_fails(aws):
    old = fleet("old", "p3.2xlarge", accelerator="nvidia-v100", vcpus=8)
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-417A185B", 64.0)
    findings = _run(plan(old), (quotas, stubber))
    region = _by_check(findings)[("offered in region", "node pool old (p3.2xlarge, on-demand)")]
    assert region.status == FAIL and "p3.2xlarge is not offered in us-west-2" in region.detail
    assert exit_code(findings) == 1


@pytest.mark.parametrize("zones, status, words", [
    (("us-east-1a", "us-east-1b"), WARN, ["offered in us-east-1b but not in us-east-1a"]),
    (("us-east-1a", "us-east-1d"), FAIL, ["none of", "us-east-1a, us-east-1d",
                                          "zones that offer it: us-east-1b, us-east-1c"]),
    (("us-east-1b", "us-east-1c"), OK, ["offered in us-east-1b, us-east-1c"]),
], ids=["one configured zone lacks it (named)", "no configured zone has it", "both have it"])
def test_type_missing_from_configured_zones(aws, zones, status, words):
    train = fleet("train", "p4de.24xlarge", max_nodes=1, **P4DE)
    quotas, stubber = stubbed_quotas("us-east-1")
    ec2_quota_answer(stubber, "L-417A185B", 96.0)
    findings = _run(plan(train, region="us-east-1", zones=zones), (quotas, stubber))
    zone = _by_check(findings)[("offered in zones", "node pool train (p4de.24xlarge, on-demand)")]
    assert zone.status == status
    assert all(word in zone.detail for word in words), zone.detail


def test_default_zones_are_the_first_three_available(aws):
    net = fleet("net", "p3dn.24xlarge", accelerator="nvidia-v100-32gb", gpus=8, vcpus=96, max_nodes=1)
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-417A185B", 96.0)
    findings = _run(plan(net, zones=None), (quotas, stubber))
    zone = _by_check(findings)[("offered in zones", "node pool net (p3dn.24xlarge, on-demand)")]
    assert zone.status == WARN
    assert "not in us-west-2a (of the zones used (default: first 3 available zones))" in zone.detail


def test_existing_subnets_give_the_zones(aws):
    ec2 = boto3.client("ec2", region_name="us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(("us-west-2a", "us-west-2d"))]
    train = fleet("train", "p4de.24xlarge", max_nodes=1, **P4DE)
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-417A185B", 96.0)
    findings = _run(plan(train, zones=None, subnet_ids=tuple(subnets)), (quotas, stubber), ec2)
    zone = _by_check(findings)[("offered in zones", "node pool train (p4de.24xlarge, on-demand)")]
    assert zone.status == WARN
    assert "offered in us-west-2a but not in us-west-2d" in zone.detail
    assert "network.existing.aws.subnet_ids" in zone.detail


def test_gpu_count_mismatch_from_a_stubbed_ec2(fake_aws_credentials):
    ec2 = boto3.client("ec2", region_name="us-west-2")
    ec2_stub = Stubber(ec2)
    filters = [{"Name": "instance-type", "Values": ["g6.xlarge"]}]
    for location_type, location in (("region", "us-west-2"), ("availability-zone", "us-west-2a")):
        ec2_stub.add_response(
            "describe_instance_type_offerings",
            {"InstanceTypeOfferings": [{"InstanceType": "g6.xlarge", "LocationType": location_type,
                                        "Location": location}]},
            {"LocationType": location_type, "Filters": filters})
    ec2_stub.add_response("describe_instance_types", {"InstanceTypes": [{
        "InstanceType": "g6.xlarge", "VCpuInfo": {"DefaultVCpus": 4},
        "GpuInfo": {"Gpus": [{"Name": "L4", "Manufacturer": "NVIDIA", "Count": 2}]}}]},
        {"InstanceTypes": ["g6.xlarge"]})
    ec2_stub.activate()
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-DB2E81BA", 64.0)
    findings = _run(plan(fleet()), (quotas, stubber), ec2)
    ec2_stub.assert_no_pending_responses()
    gpu = _by_check(findings)[("GPU kind and count", "node pool serve (g6.xlarge, on-demand)")]
    assert gpu.status == FAIL
    assert "EC2 reports 2 x NVIDIA L4 for g6.xlarge; the catalog says 1 x nvidia-l4" in gpu.detail
    zone = _by_check(findings)[("offered in zones", "node pool serve (g6.xlarge, on-demand)")]
    assert zone.status == WARN and "not in us-west-2b" in zone.detail


def test_on_demand_quota_too_small_for_two_pools(aws):
    pools = plan(fleet("serve", max_nodes=3),
                 fleet("batch", "g6.2xlarge", vcpus=8, max_nodes=2, kind="autoscaling group"))
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-DB2E81BA", 24.0)
    findings = _run(pools, (quotas, stubber))
    (quota,) = [f for f in findings if f.check == "vCPU quota"]
    assert quota.status == FAIL
    assert "needs 28 vCPUs" in quota.detail and "the quota is 24" in quota.detail


def test_spot_quota_is_its_own(aws):
    pools = plan(fleet("spot", capacity="spot", max_nodes=4), fleet("od", max_nodes=1))
    quotas, stubber = stubbed_quotas()
    ec2_quota_answer(stubber, "L-3819A6DF", 8.0)   # codes are asked in sorted order
    ec2_quota_answer(stubber, "L-DB2E81BA", 8.0)
    findings = _run(pools, (quotas, stubber))
    assert [(f.resource, f.status) for f in findings if f.check == "vCPU quota"] == [
        ("All G and VT Spot Instance Requests (L-3819A6DF)", FAIL),
        ("Running On-Demand G and VT instances (L-DB2E81BA)", OK)]


def test_quota_without_applied_value_falls_back_to_the_aws_default(aws):
    quotas, stubber = stubbed_quotas()
    stubber.add_client_error("get_service_quota", "NoSuchResourceException",
                             expected_params={"ServiceCode": "ec2", "QuotaCode": "L-DB2E81BA"})
    stubber.add_response("get_aws_default_service_quota",
                         {"Quota": {"QuotaCode": "L-DB2E81BA", "QuotaName": "Running On-Demand G and VT instances",
                                    "Value": 0.0}},
                         {"ServiceCode": "ec2", "QuotaCode": "L-DB2E81BA"})
    findings = _run(plan(fleet()), (quotas, stubber))
    (quota,) = [f for f in findings if f.check == "vCPU quota"]
    assert quota.status == FAIL and "the quota is 0" in quota.detail


def test_unreadable_quota_warns_and_names_the_permission(aws):
    quotas, stubber = stubbed_quotas()
    stubber.add_client_error("get_service_quota", "AccessDeniedException", "not allowed",
                             expected_params={"ServiceCode": "ec2", "QuotaCode": "L-DB2E81BA"})
    findings = _run(plan(fleet()), (quotas, stubber))
    (quota,) = [f for f in findings if f.check == "vCPU quota"]
    assert quota.status == WARN and "servicequotas:GetServiceQuota" in quota.detail
    assert exit_code(findings) == 0


def test_sagemaker_quotas_by_name_applied_then_default(aws):
    endpoints = (endpoint("chat", "g5.xlarge", max_replicas=4), endpoint("embed", "g5.xlarge", max_replicas=2),
                 endpoint("vision", "g6.xlarge", accelerator="nvidia-l4", max_replicas=1),
                 endpoint("big", "p4de.24xlarge", max_replicas=1, **{k: v for k, v in P4DE.items() if k != "vcpus"}))
    quotas, stubber = stubbed_quotas()
    sagemaker_list_answer(stubber, {"ml.g5.xlarge for endpoint usage": 4.0})
    sagemaker_list_answer(stubber, {"ml.g6.xlarge for endpoint usage": 2.0}, "list_aws_default_service_quotas")
    findings = _run(plan(endpoints=endpoints), (quotas, stubber))
    sagemaker = {f.resource: f for f in findings if f.check == "SageMaker quota"}
    assert [(name, f.status) for name, f in sagemaker.items()] == [
        ("ml.g5.xlarge for endpoint usage", FAIL),
        ("ml.g6.xlarge for endpoint usage", OK),
        ("ml.p4de.24xlarge for endpoint usage", FAIL)]
    assert "needs 6 instances" in sagemaker["ml.g5.xlarge for endpoint usage"].detail
    assert "not offered for SageMaker endpoints" in sagemaker["ml.p4de.24xlarge for endpoint usage"].detail
    gpu = [f for f in findings if f.check == "GPU kind and count"]
    assert [f.status for f in gpu] == [OK, OK, OK, OK], gpu


def test_rejected_credentials_raise(fake_aws_credentials):
    ec2 = boto3.client("ec2", region_name="us-west-2")
    stub = Stubber(ec2)
    stub.add_client_error("describe_instance_type_offerings", "AuthFailure", "AWS was not able to validate")
    stub.activate()
    quotas, _ = stubbed_quotas()
    with pytest.raises(PreflightCredentialsError, match="AWS rejected the credentials .AuthFailure"):
        gather_facts(plan(fleet()), AwsReader(ec2, quotas))


def test_missing_ec2_permission_names_it(fake_aws_credentials):
    ec2 = boto3.client("ec2", region_name="us-west-2")
    stub = Stubber(ec2)
    stub.add_client_error("describe_instance_type_offerings", "UnauthorizedOperation", "denied")
    stub.activate()
    quotas, _ = stubbed_quotas()
    with pytest.raises(PreflightAwsError, match="needs ec2:DescribeInstanceTypeOfferings"):
        gather_facts(plan(fleet()), AwsReader(ec2, quotas))
