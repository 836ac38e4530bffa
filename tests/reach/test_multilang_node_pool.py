"""The plain-args GpuNodePool: validation, the resources on each cloud, and parity with the face."""

from __future__ import annotations

import pulumi
import pytest

from aiscale import catalog
from aiscale.gpu_node_pool import GpuNodePool as FaceGpuNodePool
from aiscale.multilang.node_pool import ExistingCluster, GpuNodePool, resolve_args
from aiscale.platform import resource_tags
from aiscale.scope import CloudScope

from .helpers import AGENT_POOL, GKE_POOL, NODE_GROUP, POOL, children, named, pool_args, records_of

# (cloud, overrides, text the one error must contain, reason)
BAD_ARGS = [
    ("aws", {"cloud": "aws "}, "cloud: got 'aws '; valid: aws, azure, gcp", "unknown cloud"),
    ("aws", {"node_role_arn": None}, "node_role_arn: got None; valid: the ARN of the nodes' IAM role "
     "(required on aws)", "EKS node groups need the node role"),
    ("aws", {"subnet_ids": []}, "subnet_ids: got []; valid: the nodes' subnets (required on aws)",
     "EKS node groups need subnets"),
    ("azure", {"resource_group_name": None}, "resource_group_name: got None", "AKS pools need the group"),
    ("gcp", {"gcp_project": None}, "gcp_project: required field is missing", "the model requires it"),
    ("gcp", {"node_role_arn": "arn:x"}, "node_role_arn: got 'arn:x'; valid: only on aws (cloud is gcp)",
     "another cloud's argument is a mistake, not ignored"),
    ("aws", {"cluster_name": ""}, "cluster_name: got ''; valid: the name of an existing cluster",
     "the cluster must be named"),
    ("aws", {"max_node": 3}, "max_node: unknown field", "a typo is reported"),
    ("aws", {"min_nodes": 3, "max_nodes": 1}, "max_nodes: got 1; must be >= min_nodes (3)",
     "the model's cross-field rule"),
    ("aws", {"gpus_per_node": 3}, "gpus_per_node: got 3; nvidia-l4 on aws in us-west-2 is not offered "
     "with 3 GPUs per node; offered: 1, 4, 8", "the catalog decides GPU counts"),
    ("azure", {"accelerator": "nvidia-l4"}, "accelerator: got \"nvidia-l4\"; nvidia-l4 is not offered on "
     "azure", "the catalog decides clouds"),
    ("aws", {"region": "eu-north-1"}, "accelerator: got \"nvidia-l4\"; the catalog has no data for nvidia-l4 "
     "on aws in region eu-north-1; add it with the catalog overlay (docs/catalog.md), or use a region "
     "the catalog has it in: eu-central-1, us-east-1, us-east-2, us-west-2", "and regions, naming the valid ones"),
    ("aws", {"region": "us-east-9"}, "region: got \"us-east-9\"; unknown aws region; closest known: ",
     "an unknown region is named as such"),
    ("aws", {"platform": "Vision"}, "platform: got \"Vision\"; must be 3-22 characters", "model name rule"),
    ("aws", {"environment": "qa"}, "environment: got \"qa\"; must be one of: dev, staging, prod", "environment"),
    ("aws", {"pool": "Infer_1"}, "pool: got \"Infer_1\"", "pool name rule"),
    ("aws", {"capacity": "cheap"}, "capacity: got \"cheap\"; must be one of: on-demand, spot", "capacity"),
    ("aws", {"taints": ["bad"]}, "taints[0]: got \"bad\"; must be \"key=value:Effect\"", "taint syntax"),
    ("aws", {"disk_gb": 10}, "disk_gb: got 10", "disk bounds"),
]


@pytest.mark.parametrize("cloud,overrides,message,reason", BAD_ARGS, ids=[c[3] for c in BAD_ARGS])
def test_bad_args_raise_one_error_naming_the_argument(cloud, overrides, message, reason):
    with pytest.raises(ValueError) as error:
        resolve_args("infer", pool_args(cloud, **overrides))
    assert f"GpuNodePoolArgs.{message}" in str(error.value), reason
    assert str(error.value).startswith("invalid arguments for GpuNodePool 'infer':")


def test_every_problem_is_reported_at_once():
    args = pool_args("aws", platform="Vision", environment="qa", capacity="cheap", cluster_name="",
                     max_node=2)
    with pytest.raises(ValueError) as error:
        resolve_args("infer", args)
    assert str(error.value).count("\n  - GpuNodePoolArgs.") == 5


def test_bad_args_register_nothing():
    caught = []

    def program():
        try:
            GpuNodePool("infer", pool_args("aws", capacity="cheap"))
        except ValueError as error:
            caught.append(error)

    records = records_of(program)
    assert caught, "the constructor raised"
    assert not [r for r in records if r.type != "pulumi:pulumi:Stack"]


def test_numbers_from_the_wire_arrive_as_floats_and_become_ints():
    spec = resolve_args("infer", pool_args("aws", gpus_per_node=1.0, max_nodes=3.0, disk_gb=200.0))
    assert (spec.pool.gpus_per_node, spec.pool.max_nodes, spec.pool.disk_gb) == (1, 3, 200)
    assert all(isinstance(v, int) for v in (spec.pool.gpus_per_node, spec.pool.max_nodes))


# (cloud, overrides, the pool resource type, inputs it must carry, reason)
BUILDS = [
    ("aws", {"capacity": "spot"}, NODE_GROUP,
     {"clusterName": "vision-dev", "nodeRoleArn": "arn:aws:iam::123456789012:role/nodes",
      "subnetIds": ["subnet-a", "subnet-b"], "capacityType": "SPOT"}, "EKS managed node group"),
    ("azure", {"nodes_subnet_id": "/subscriptions/s/.../subnets/nodes"}, AGENT_POOL,
     {"resourceName": "vision-dev", "resourceGroupName": "rg-vision",
      "vnetSubnetID": "/subscriptions/s/.../subnets/nodes", "mode": "User"}, "AKS user agent pool"),
    ("gcp", {}, GKE_POOL, {"cluster": "vision-dev", "location": "us-central1",
                           "project": "acme-ml-dev"}, "GKE pool, location defaults to the region"),
    ("gcp", {"cluster_location": "us-central1-a"}, GKE_POOL, {"location": "us-central1-a"},
     "zonal cluster"),
]


@pytest.mark.parametrize("cloud,overrides,pool_type,inputs,reason", BUILDS, ids=[b[4] for b in BUILDS])
def test_pool_joins_the_named_cluster(cloud, overrides, pool_type, inputs, reason):
    args = pool_args(cloud, **overrides)
    records = records_of(lambda: GpuNodePool("infer", args))
    component = named(records, POOL, "infer")
    pools = [r for r in children(records, component) if r.type == pool_type]
    assert len(pools) == 1, reason
    for key, value in inputs.items():
        assert pools[0].inputs.get(key) == value, f"{key}: {reason}"


def test_aws_pool_uses_the_catalog_machine_and_the_tags():
    records = records_of(lambda: GpuNodePool("infer", pool_args("aws")))
    group = named(records, NODE_GROUP, "infer-gpu")
    assert group.inputs["instanceTypes"] == [catalog.resolve("aws", "nvidia-l4", 1, "us-west-2").instance_type]
    assert group.inputs["tags"]["team"] == "ml"
    assert group.inputs["tags"]["platform"] == "vision"
    assert group.inputs["tags"]["k8s.io/cluster-autoscaler/vision-dev"] == "owned"
    assert group.inputs["taints"][0]["key"] == "nvidia.com/gpu"


def _face_program(cloud: str, args: dict):
    """The Python face on the same pool, with the same stand-in cluster."""

    def program():
        spec = resolve_args("infer", args)
        scope = CloudScope(cloud=cloud, platform="vision", environment="dev", region=args["region"],
                           parent=None, provider=None, tags=resource_tags(spec.platform),
                           gcp_project=args.get("gcp_project"))
        FaceGpuNodePool("infer", {"scope": scope, "cluster": ExistingCluster.from_args(args),
                                  "pool": spec.pool, "offering": spec.offering})

    return program


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_same_resources_as_the_python_face(cloud):
    """The package's pool and the face run the same builder: same children, same inputs."""
    args = pool_args(cloud)

    def shape(records):
        component = named(records, POOL, "infer")
        return sorted((r.type, r.name, repr(sorted(r.inputs.items()))) for r in children(records, component))

    assert shape(records_of(lambda: GpuNodePool("infer", args))) == shape(records_of(_face_program(cloud, args)))


def test_outputs_are_the_cloud_pool_name_and_machine_type():
    seen = {}

    def program():
        pool = GpuNodePool("infer", pool_args("gcp"))
        pulumi.Output.all(pool.pool_name, pool.machine_type).apply(lambda v: seen.update(values=v))

    records_of(program)
    assert seen["values"][0] == "gpu-infer"
    assert seen["values"][1] == catalog.resolve("gcp", "nvidia-l4", 1, "us-central1").instance_type
