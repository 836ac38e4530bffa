"""The plain ``GpuNodePoolArgs`` take the capacity fields too (other languages, existing clusters)."""

from __future__ import annotations

import pytest

from aiscale.pool_args import resolve_args

AWS = {"cloud": "aws", "platform": "acme-cap", "environment": "dev", "region": "us-west-2",
       "cluster_name": "ml", "pool": "gpu", "accelerator": "nvidia-l4", "gpus_per_node": 1,
       "max_nodes": 3, "node_role_arn": "arn:aws:iam::1:role/nodes", "subnet_ids": ["subnet-a"]}


def test_a_spot_pool_on_aws_is_diversified_and_pins_win():
    spot = resolve_args("gpu", {**AWS, "capacity": "spot"})
    assert [o.instance_type for o in spot.machine_offerings] == ["g6.xlarge", "g6.2xlarge", "g6.4xlarge",
                                                                 "g6.8xlarge"]
    pinned = resolve_args("gpu", {**AWS, "capacity": "spot-with-fallback",
                                  "machine_types": {"aws": ["g6.2xlarge"]}})
    assert [o.instance_type for o in pinned.machine_offerings] == ["g6.2xlarge"]
    assert pinned.offering.instance_type == "g6.2xlarge", "the first pinned type is the primary"
    on_demand = resolve_args("gpu", AWS)
    assert [o.instance_type for o in on_demand.machine_offerings] == ["g6.xlarge"], "one type on demand"


@pytest.mark.parametrize("extra, where", [
    ({"machine_types": {"aws": ["p5.48xlarge"]}}, "GpuNodePoolArgs.machine_types.aws[0]"),
    ({"capacity": "spot", "reservation": {"aws": {"capacity_reservation_id": "cr-0123456789abcdef0"}}},
     "GpuNodePoolArgs.reservation"),
    ({"sharing": {"mode": "mig", "profile": "1g.10gb"}}, "GpuNodePoolArgs.sharing.profile"),
])
def test_bad_capacity_args_name_the_argument(extra, where):
    with pytest.raises(ValueError) as caught:
        resolve_args("gpu", {**AWS, **extra})
    assert f"  - {where}: " in str(caught.value)


def test_a_pinned_type_from_the_users_catalog_overlay_is_valid():
    from aiscale import catalog
    from aiscale.model import PlatformValidationError, load_platform

    model = {"name": "acme-cap", "environment": "dev", "clouds": {"aws": {"region": "us-west-2"}},
             "node_pools": [{"name": "gpu", "accelerator": "nvidia-l4", "gpus_per_node": 1, "max_nodes": 2,
                             "capacity": "spot", "machine_types": {"aws": ["g6.16xlarge"]}}]}
    with pytest.raises(PlatformValidationError, match=r"machine_types.aws\[0\]"):
        load_platform(model)
    extra = catalog.Offering(cloud="aws", instance_type="g6.16xlarge", accelerator="nvidia-l4", gpus=1,
                             gpu_memory_gib=24, vcpus=64, memory_gib=256, region="us-west-2",
                             price_hour_ondemand=3.4, price_hour_spot=1.2, gpu_attached=False,
                             accelerator_type=None)
    with catalog.overlay_in_effect(catalog.CatalogOverlay(source="test", gpu_instances=(extra,))):
        pool = load_platform(model).node_pools[0]
        assert pool.machine_types.aws == ("g6.16xlarge",)


@pytest.mark.parametrize("cloud, pool_type, halves, expected_details", [
    ("aws", "aws:eks/nodeGroup:NodeGroup", ("infer-gpu", "infer-gpu-fallback"), "autoscaler_priorities"),
    ("gcp", "gcp:container/nodePool:NodePool", ("infer-pool", "infer-pool-fallback"), "compute_class"),
])
def test_a_standalone_fallback_pool_on_an_existing_cluster_says_what_to_apply(cloud, pool_type, halves,
                                                                              expected_details):
    """No Kubernetes provider for an existing cluster: the two pools, and in ``details`` what the
    cluster needs (the expander's entries on EKS, the compute class on GKE), nothing in-cluster."""
    from aiscale.gpu_node_pool import GpuNodePool
    from aiscale.preview.engine import run_inline
    from tests.reach.helpers import pool_args

    seen = {}

    def program():
        pool = GpuNodePool("infer", pool_args(cloud, capacity="spot-with-fallback"))
        seen["details"] = pool.details

    records = run_inline(program, config={"aws:region": "us-west-2"}).resources
    assert sorted(r.name for r in records if r.type == pool_type) == sorted(halves)
    assert not [r for r in records if r.type.startswith("kubernetes:")], "no in-cluster object"
    assert seen["details"][expected_details], seen["details"]
