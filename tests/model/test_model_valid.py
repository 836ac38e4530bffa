"""A valid platform model loads, with every default resolved in one place."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from aiscale import catalog
from aiscale.model import (
    Budget,
    Lifecycle,
    NetworkSettings,
    Platform,
    PlatformValidationError,
    Taint,
    load_platform,
)


def test_full_model_loads_with_clouds_resolved(valid_raw):
    platform = load_platform(valid_raw)

    assert isinstance(platform, Platform)
    assert platform.configured_clouds == ("aws", "azure", "gcp")
    train, serve, cheap = platform.node_pools
    assert train.clouds == ("aws", "gcp"), "explicit clouds come back in the order aws, azure, gcp"
    assert serve.clouds == ("aws",)
    expected = catalog.cheapest("nvidia-t4", 1, {"aws": "us-west-2", "azure": "eastus",
                                                 "gcp": "us-central1"}, "spot")
    assert cheap.clouds == (expected.cloud,) and cheap.placement == "cheapest"
    assert platform.autoscaling_groups[0].clouds == ("gcp",)
    models, datasets = platform.buckets
    assert models.clouds == ("aws", "gcp")
    assert datasets.clouds == ("aws", "azure", "gcp"), "omitted clouds: every configured cloud"
    assert [e.clouds for e in platform.endpoints] == [("aws",), ("gcp",)]


def test_defaults_are_filled_in(valid_raw):
    platform = load_platform(valid_raw)

    serve = platform.node_pools[1]
    assert (serve.min_nodes, serve.capacity, serve.disk_gb, serve.labels, serve.taints) == (
        0, "on-demand", 100, {}, ())
    datasets = platform.buckets[1]
    assert (datasets.versioning, datasets.encryption) == (True, "customer-managed")
    assert datasets.lifecycle == Lifecycle()
    embed = platform.endpoints[1]
    assert (embed.gpus_per_replica, embed.target_concurrency, embed.port, embed.public) == (
        1, 4, 8000, False)
    assert embed.model is not None and embed.model.path == ""
    budget = platform.operations.budget
    assert budget == Budget(monthly_usd=5000)
    assert (budget.actual_thresholds, budget.forecast_thresholds) == ((50, 80, 100), (100,))


def test_minimal_model_gets_section_defaults():
    platform = load_platform({"name": "tiny", "environment": "prod",
                              "clouds": {"gcp": {"project": "tiny-proj", "region": "us-east4"}}})

    assert platform.kubernetes.version == "1.31"
    assert platform.kubernetes.api_access == "private"
    assert platform.kubernetes.authorized_networks == ()
    assert platform.network == NetworkSettings()
    assert platform.network.cidr == "10.40.0.0/16"
    assert platform.network.existing.clouds == ()
    assert platform.tags == {} and platform.operations is None
    assert platform.node_pools == platform.buckets == platform.endpoints == ()


def test_region_of_each_cloud(valid_raw):
    platform = load_platform(valid_raw)

    assert [platform.region_of(c) for c in platform.configured_clouds] == [
        "us-west-2", "eastus", "us-central1"]


def test_region_of_an_unconfigured_cloud_names_the_configured_ones(valid_raw):
    del valid_raw["clouds"]["azure"]
    platform = load_platform(valid_raw)

    with pytest.raises(ValueError, match="configured clouds: aws, gcp"):
        platform.region_of("azure")


def test_needs_kubernetes_follows_pools_and_kubernetes_endpoints(valid_raw):
    valid_raw["node_pools"] = valid_raw["node_pools"][:2]
    platform = load_platform(valid_raw)

    assert [platform.needs_kubernetes(c) for c in ("aws", "azure", "gcp")] == [True, False, True]


def test_taints_are_parsed(valid_raw):
    pool = load_platform(valid_raw).node_pools[0]

    assert pool.parsed_taints == (Taint("dedicated", "training", "NoSchedule"),)


def test_models_are_frozen(valid_raw):
    platform = load_platform(valid_raw)

    with pytest.raises(ValidationError):
        platform.node_pools[0].max_nodes = 100  # type: ignore[misc]


def test_existing_networks_are_accepted(valid_raw):
    valid_raw["network"] = {"existing": {
        "aws": {"vpc_id": "vpc-0a1b2c3d4e5f67890", "subnet_ids": ["subnet-0123abcd",
                                                                   "subnet-4567ef01"]},
        "azure": {"subnet_id": "/subscriptions/00000000-1111-2222-3333-444444444444/"
                               "resourceGroups/net-rg/providers/Microsoft.Network/"
                               "virtualNetworks/hub/subnets/ml"},
        "gcp": {"network": "projects/acme-ml-dev/global/networks/shared",
                "subnetwork": "projects/acme-ml-dev/regions/us-central1/subnetworks/ml"},
    }}
    network = load_platform(valid_raw).network

    assert network.existing.clouds == ("aws", "azure", "gcp")
    assert network.cidr == "10.40.0.0/16", "clouds without existing ids still use cidr"


def test_restricted_api_with_networks_is_accepted(valid_raw):
    valid_raw["kubernetes"] = {"api_access": "restricted",
                               "authorized_networks": ["203.0.113.0/24", "2001:db8::/32"]}

    assert load_platform(valid_raw).kubernetes.authorized_networks == (
        "203.0.113.0/24", "2001:db8::/32")


def test_thresholds_are_sorted(valid_raw):
    valid_raw["operations"]["budget"]["actual_thresholds"] = [100, 25, 75]

    budget = load_platform(valid_raw).operations.budget
    assert budget.actual_thresholds == (25, 75, 100)


def test_loading_twice_gives_equal_models_and_dumps(valid_raw):
    first, second = load_platform(valid_raw), load_platform(valid_raw)

    assert first == second
    assert json.dumps(first.model_dump(mode="json")) == json.dumps(second.model_dump(mode="json"))


def test_dump_loads_back_to_the_same_model(valid_raw):
    platform = load_platform(valid_raw)
    dumped = platform.model_dump(mode="json")

    again = load_platform(json.loads(json.dumps(dumped)))
    assert again == platform
    assert again.model_dump(mode="json") == dumped
    assert "clouds" not in dumped["node_pools"][2], "placement decides, so its result is not input"


def test_input_is_not_modified(valid_raw):
    before = json.dumps(valid_raw, sort_keys=True)
    load_platform(valid_raw)

    assert json.dumps(valid_raw, sort_keys=True) == before


def test_error_is_a_value_error_with_problems(valid_raw):
    valid_raw["node_pools"][1]["min_nodes"] = 4
    valid_raw["node_pools"][1]["max_nodes"] = 2

    with pytest.raises(ValueError) as caught:
        load_platform(valid_raw)
    error = caught.value
    assert isinstance(error, PlatformValidationError)
    assert [(p.path, p.value) for p in error.problems] == [("node_pools[1].max_nodes", 2)]
    assert str(error) == ("invalid platform model: 1 problem(s)\n"
                          "  node_pools[1].max_nodes: got 2; must be >= min_nodes (4)")


def test_null_means_omitted_for_fields_with_defaults():
    platform = load_platform({
        "name": "acme", "environment": "dev", "tags": None, "kubernetes": None,
        "network": None, "node_pools": None, "operations": None,
        "clouds": {"aws": {"region": "us-west-2", "zones": None}, "gcp": None},
        "buckets": [{"name": "bkt", "lifecycle": None, "clouds": None}],
    })

    assert platform.configured_clouds == ("aws",)
    assert platform.kubernetes.version == "1.31" and platform.network.cidr == "10.40.0.0/16"
    assert platform.node_pools == () and platform.tags == {}
    assert platform.buckets[0].lifecycle == Lifecycle() and platform.buckets[0].clouds == ("aws",)


def test_null_for_a_required_field_is_still_an_error(valid_raw):
    valid_raw["environment"] = None

    with pytest.raises(PlatformValidationError) as caught:
        load_platform(valid_raw)
    assert [(p.path, p.value) for p in caught.value.problems] == [("environment", None)]
