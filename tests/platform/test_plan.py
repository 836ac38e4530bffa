"""The resolved plan: offerings, serving pools, physical bucket names and protection, made once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale import catalog
from aiscale.model import load_platform
from aiscale.model._endpoint_rules import serving_pool
from aiscale.plan import make_plan, region

from .conftest import stack_model

S3_BUCKET, GCS_BUCKET = "aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket"
BLOB_CONTAINER, STORAGE_ACCOUNT = "azure-native:storage:BlobContainer", "azure-native:storage:StorageAccount"


@pytest.fixture(scope="module", params=["dev", "prod"])
def platform(request):
    return load_platform(stack_model(request.param))


def test_every_fleet_on_every_cloud_has_the_catalog_offering_of_its_region(platform):
    plan = make_plan(platform)
    expected = {(kind, fleet.name, cloud): catalog.resolve(cloud, fleet.accelerator, fleet.gpus_per_node,
                                                           region(platform, cloud))
                for kind in ("node_pools", "autoscaling_groups") for fleet in getattr(platform, kind)
                for cloud in fleet.clouds}
    assert expected and dict(plan.offerings) == expected


def test_every_kubernetes_endpoint_on_every_cloud_has_a_fitting_pool(platform):
    plan = make_plan(platform)
    wanted = {(e.name, c) for e in platform.endpoints if e.runtime == "kubernetes" for c in e.clouds}
    assert set(plan.serving) == wanted
    for (name, cloud), placement in plan.serving.items():
        endpoint = next(e for e in platform.endpoints if e.name == name)
        assert cloud in placement.pool.clouds
        assert placement.pool.accelerator == endpoint.accelerator
        assert placement.pool.gpus_per_node >= endpoint.gpus_per_replica
        assert placement.offering == plan.offering("node_pools", placement.pool.name, cloud)


def test_protection_follows_the_environment(platform):
    protection = make_plan(platform).protection
    prod = platform.environment == "prod"
    assert (protection.protect, protection.retain_on_delete) == (prod, prod)


def _pool(name, accelerator="nvidia-l4", gpus=1):
    return SimpleNamespace(name=name, accelerator=accelerator, gpus_per_node=gpus)


# (pools, accelerator, gpus per replica, chosen pool name or None, reason)
SERVING_CASES = [
    ([_pool("a", gpus=8), _pool("b", gpus=1)], "nvidia-l4", 1, "b", "the smallest pool that fits"),
    ([_pool("b"), _pool("a")], "nvidia-l4", 1, "a", "equal sizes: by name"),
    ([_pool("a", gpus=1), _pool("b", gpus=4)], "nvidia-l4", 2, "b", "too few GPUs per node skipped"),
    ([_pool("a", accelerator="nvidia-a100-80gb")], "nvidia-l4", 1, None, "other accelerator: none"),
    ([], "nvidia-l4", 1, None, "no pools: none"),
]


@pytest.mark.parametrize("pools,accelerator,gpus,chosen,reason", SERVING_CASES, ids=[c[4] for c in SERVING_CASES])
def test_the_one_serving_pool_choice(pools, accelerator, gpus, chosen, reason):
    found = serving_pool(pools, accelerator, gpus)
    assert (found.name if found else None) == chosen, reason


def test_bucket_names_are_the_names_the_preview_registers(dev):
    plan = make_plan(load_platform(stack_model("dev")))
    registered = {r.inputs.get("bucket") for r in dev.resources if r.type == S3_BUCKET}
    registered |= {r.inputs.get("name") for r in dev.resources if r.type == GCS_BUCKET}
    accounts = {r.inputs.get("accountName") for r in dev.resources if r.type == STORAGE_ACCOUNT}
    containers = {r.inputs.get("containerName") for r in dev.resources if r.type == BLOB_CONTAINER}
    assert plan.bucket_names, "the dev stack has buckets"
    for (bucket, cloud), physical in plan.bucket_names.items():
        if cloud == "azure":
            account, container = physical.split("/")
            assert account in accounts and container in containers, physical
        else:
            assert physical in registered, (bucket, cloud, physical)


def test_the_platform_declares_what_the_plan_resolved(dev):
    plan = make_plan(load_platform(stack_model("dev")))
    types = {"aws": "aws:eks/nodeGroup:NodeGroup", "gcp": "gcp:container/nodePool:NodePool",
             "azure": "azure-native:containerservice:AgentPool"}
    machines = set()
    for record in dev.resources:
        if record.type == types["aws"]:
            machines.update(record.inputs.get("instanceTypes") or [])
        elif record.type == types["azure"]:
            machines.add(record.inputs.get("vmSize"))
        elif record.type == types["gcp"]:
            machines.add((record.inputs.get("nodeConfig") or {}).get("machineType"))
    planned = {offering.instance_type for (kind, _, _), offering in plan.offerings.items() if kind == "node_pools"}
    assert planned and planned <= machines
