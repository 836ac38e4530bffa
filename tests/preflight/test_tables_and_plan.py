"""The pre-flight's data tables, and the AWS plan it reads from a platform model."""

from __future__ import annotations

import ast

import pytest

from aiscale import catalog
from aiscale.model import load_platform
from aiscale.preflight import tables
from aiscale.preflight.aws import aws_plan
from tests.conftest import REPO
from tests.preflight.helpers import platform_model


@pytest.mark.parametrize("instance_type, capacity, code", [
    ("g4dn.xlarge", "on-demand", "L-DB2E81BA"),
    ("g6e.48xlarge", "spot", "L-3819A6DF"),
    ("vt1.3xlarge", "on-demand", "L-DB2E81BA"),
    ("p5.48xlarge", "on-demand", "L-417A185B"),
    ("p6-b200.48xlarge", "spot", "L-7212CCBC"),
    ("inf2.xlarge", "on-demand", None),
], ids=["G on-demand", "G spot", "VT shares the G quota", "P on-demand", "P spot (family with '-')",
        "Inferentia is neither"])
def test_vcpu_quota_of_a_family(instance_type, capacity, code):
    ref = tables.vcpu_quota(instance_type, capacity)
    assert (ref.code if ref else None) == code


def test_every_aws_accelerator_of_the_catalog_has_an_ec2_gpu_name():
    on_aws = {o.accelerator for o in catalog.offerings("aws")}
    assert on_aws - set(tables.EC2_GPUS) == set(), "add their EC2 GpuInfo names to EC2_GPUS"


def test_default_zone_count_equals_the_network_builder_constant():
    # Read the constant from the source: importing aiscale.aws.network would load pulumi_aws.
    tree = ast.parse((REPO / "components" / "aws" / "network.py").read_text())
    values = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
              and any(getattr(t, "id", None) == "DEFAULT_ZONE_COUNT" for t in node.targets)]
    assert values == [tables.DEFAULT_ZONE_COUNT]


def test_sagemaker_quota_name():
    assert tables.sagemaker_quota_name("ml.g5.xlarge") == "ml.g5.xlarge for endpoint usage"


def _platform(**sections):
    raw = platform_model(**sections)
    raw["clouds"]["gcp"] = {"project": "acme-ml-dev", "region": "us-central1"}
    return load_platform(raw)


def test_plan_takes_aws_pools_groups_and_managed_endpoints_with_the_builders_machine():
    platform = _platform(
        node_pools=[
            {"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 3,
             "capacity": "spot"},
            {"name": "gke-only", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 3,
             "clouds": ["gcp"]},
        ],
        autoscaling_groups=[{"name": "batch", "accelerator": "nvidia-a10g", "gpus_per_node": 4,
                             "max_nodes": 2, "clouds": ["aws"]}],
        buckets=[{"name": "models", "clouds": ["aws"]}],
        endpoints=[
            {"name": "chat", "runtime": "managed", "image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/vllm:v1",
             "accelerator": "nvidia-a10g", "max_replicas": 5, "clouds": ["aws"]},
            {"name": "k8s", "image": "vllm/vllm-openai:v0.6.3", "accelerator": "nvidia-l4",
             "max_replicas": 2, "clouds": ["aws"]},
        ])
    plan = aws_plan(platform)
    assert (plan.region, plan.zones, plan.subnet_ids) == ("us-west-2", ("us-west-2a", "us-west-2b"), ())
    assert [(f.label, f.instance_type, f.gpus, f.max_nodes, f.capacity) for f in plan.fleets] == [
        ("node pool serve", catalog.resolve("aws", "nvidia-l4", 1, "us-west-2").instance_type, 1, 3, "spot"),
        ("autoscaling group batch", "g5.12xlarge", 4, 2, "on-demand"),
    ]
    (chat,) = plan.endpoints  # the kubernetes-runtime endpoint runs on the node pool
    offering = catalog.resolve("aws", "nvidia-a10g", 1, "us-west-2")
    assert (chat.instance_type, chat.machine_type, chat.max_replicas) == (
        catalog.sagemaker_instance_type(offering), offering.instance_type, 5)


def test_plan_is_none_without_aws_and_empty_without_gpu_demand():
    gcp_only = load_platform({"name": "acme-ml", "environment": "dev",
                              "clouds": {"gcp": {"project": "acme-ml-dev", "region": "us-central1"}}})
    assert aws_plan(gcp_only) is None
    assert aws_plan(_platform()).empty


def test_plan_keeps_existing_subnets_and_no_zones():
    raw = platform_model(network={"existing": {"aws": {"vpc_id": "vpc-0a1b2c3d4e5f67890",
                                                       "subnet_ids": ["subnet-0a1b2c3d4e5f67890"]}}})
    del raw["clouds"]["aws"]["zones"]
    plan = aws_plan(load_platform(raw))
    assert (plan.zones, plan.subnet_ids) == (None, ("subnet-0a1b2c3d4e5f67890",))


def test_the_preflight_plan_reads_the_resolved_plan_not_the_catalog_again():
    """Pre-flight checks the machines the builders declare: the offerings of ``make_plan``."""
    import dataclasses
    from types import MappingProxyType

    from aiscale.plan import make_plan

    platform = _platform(node_pools=[{"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1,
                                      "max_nodes": 3}])
    resolved = make_plan(platform)
    key = ("node_pools", "serve", "aws")
    moved = dataclasses.replace(resolved.offerings[key], instance_type="g6.2xlarge")
    changed = dataclasses.replace(resolved, offerings=MappingProxyType({**resolved.offerings, key: moved}))
    assert resolved.offerings[key].instance_type != "g6.2xlarge"
    assert aws_plan(platform).fleets[0].instance_type == resolved.offerings[key].instance_type
    assert aws_plan(platform, changed).fleets[0].instance_type == "g6.2xlarge"
