"""Edge cases on hand-made records: where the region comes from, unknown values, tolerant
type tokens, references followed by id, and values the estimator refuses to guess."""

from __future__ import annotations

import pytest

from aiscale import catalog
from aiscale.cost import estimate
from aiscale.preview.records import UNKNOWN

from .cost_helpers import hourly, monthly, record

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
PROVIDER_URN = record("pulumi:providers:aws", "west", {}).urn


def _node_group(**inputs):
    base = {"instanceTypes": ["g6.xlarge"], "capacityType": "ON_DEMAND",
            "scalingConfig": {"minSize": 1.0, "maxSize": 2.0, "desiredSize": 1.0}}
    return {**base, **inputs}


def _provider(region):
    return record("pulumi:providers:aws", "west", {"region": region})


# (own region input, provider record's region (None = no record), config, expected, why)
REGION_CASES = [
    (None, "us-west-2", {"aws:region": "us-east-1"}, "us-west-2",
     "the provider resource's region wins over the stack config"),
    (None, None, {"aws:region": "us-east-1"}, "us-east-1",
     "default provider (no provider resource registered): the stack config"),
    ("us-east-1", "us-west-2", {}, "us-east-1",
     "the resource's own region input (pulumi-aws 7) wins over its provider"),
]


@pytest.mark.parametrize("own,provider_region,config,expected,why", REGION_CASES,
                         ids=[c[4][:40] for c in REGION_CASES])
def test_aws_region_precedence(own, provider_region, config, expected, why):
    inputs = _node_group(**({"region": own} if own else {}))
    resources = [record(NODE_GROUP, "ng", inputs,
                        provider=f"{PROVIDER_URN}::id-1" if provider_region else None)]
    if provider_region:
        resources.insert(0, _provider(provider_region))
    item = estimate(resources, config).items[0]
    assert f" in {expected} " in item.basis
    assert item.monthly_max == pytest.approx(
        monthly(2, hourly("aws", "g6.xlarge", expected, "on-demand")), abs=0.005)


def test_provider_reference_without_a_record_falls_back_to_config():
    resources = [record(NODE_GROUP, "ng", _node_group(), provider=f"{PROVIDER_URN}::id-1")]
    assert " in us-east-1 " in estimate(resources, {"aws:region": "us-east-1"}).items[0].basis


# (inputs, records before it, config, words of the reason, why)
UNPRICED_CASES = [
    (_node_group(), [], {}, "no AWS region", "no region anywhere: never assume one"),
    (_node_group(), [_provider(UNKNOWN)], {"aws:region": "us-east-1"}, "unknown during preview",
     "the provider's region is unknown: do not silently use the config instead"),
    (_node_group(instanceTypes=[UNKNOWN]), [], {"aws:region": "us-east-1"},
     "instanceTypes[0] is unknown during preview", "unknown instance type"),
    (_node_group(instanceTypes=UNKNOWN), [], {"aws:region": "us-east-1"},
     "instanceTypes[0] is unknown during preview", "unknown list of instance types"),
    (_node_group(scalingConfig={"minSize": 0.0, "maxSize": UNKNOWN}), [],
     {"aws:region": "us-east-1"}, "scalingConfig.maxSize is unknown", "unknown size"),
    (_node_group(scalingConfig={"minSize": 3.0, "maxSize": 1.0}), [],
     {"aws:region": "us-east-1"}, "maximum size 1 is below the minimum 3", "inconsistent sizes"),
    (_node_group(instanceTypes=[]), [], {"aws:region": "us-east-1"},
     "no launch template in the preview sets instanceType", "no instance type at all"),
    (_node_group(), [], {"aws:region": "eu-west-1"}, "no price for g6.xlarge in aws eu-west-1",
     "a GPU type the catalog does not list in the region is never guessed"),
]


@pytest.mark.parametrize("inputs,before,config,reason,why", UNPRICED_CASES,
                         ids=[c[4][:40] for c in UNPRICED_CASES])
def test_unpriceable_node_groups(inputs, before, config, reason, why):
    provider = f"{PROVIDER_URN}::id-1" if before else None
    resources = [*before, record(NODE_GROUP, "ng", inputs, provider=provider)]
    cost = estimate(resources, config)
    assert cost.items == () and len(cost.unpriced) == 1
    assert reason in cost.reason(cost.unpriced[0])


def test_missing_gpu_region_premise_holds():
    """The catalog really lacks g6.xlarge in eu-west-1 (the case above relies on it)."""
    assert catalog.find_instance_type("aws", "g6.xlarge", "eu-west-1") is None
    assert catalog.find_instance_type("aws", "g6.xlarge", "us-east-1") is not None


def test_spot_and_on_demand_of_the_same_node_group():
    config = {"aws:region": "us-east-1"}
    spot = estimate([record(NODE_GROUP, "a", _node_group(capacityType="SPOT"))], config)
    paid = estimate([record(NODE_GROUP, "a", _node_group(capacityType="ON_DEMAND"))], config)
    assert spot.monthly_max == pytest.approx(
        monthly(2, hourly("aws", "g6.xlarge", "us-east-1", "spot")), abs=0.005)
    assert paid.monthly_max == pytest.approx(
        monthly(2, hourly("aws", "g6.xlarge", "us-east-1", "on-demand")), abs=0.005)
    assert spot.monthly_max < paid.monthly_max


@pytest.mark.parametrize("token", [
    "azure-native:containerservice:AgentPool",
    "azure-native:containerservice/v20240901:AgentPool",
    "azure-native:containerservice/v20230102preview:AgentPool",
])
def test_azure_versioned_type_tokens_are_priced_alike(token):
    inputs = {"vmSize": "Standard_NC4as_T4_v3", "count": 2.0, "resourceGroupName": "rg"}
    from aiscale.catalog._services import service_price

    cost = estimate([record(token, "pool", inputs)], {"azure-native:location": "East US"})
    os_disk = service_price("azure", "managed-disk", "Premium_LRS-P10-128", "eastus").price_usd  # default 128 GB
    assert cost.items[0].monthly_max == pytest.approx(
        monthly(2, hourly("azure", "Standard_NC4as_T4_v3", "eastus", "on-demand")) + 2 * os_disk, abs=0.005)


def test_components_are_not_priced_even_with_a_priced_type_token():
    component = record(NODE_GROUP, "ng", _node_group(), custom=False)
    cost = estimate([component], {"aws:region": "us-east-1"})
    assert cost.items == () and cost.unpriced == ()


def test_autoscaler_found_by_id_when_there_are_no_property_dependencies():
    template = record("gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", "tpl",
                      {"machineType": "g2-standard-4", "region": "us-central1"},
                      id="tpl-id", outputs={"selfLink": "https://x/regions/r/instanceTemplates/tpl-id"})
    group = record("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "mig",
                   {"region": "us-central1", "targetSize": 1.0, "versions": [
                       {"instanceTemplate": "https://x/regions/r/instanceTemplates/tpl-id"}]},
                   id="projects/p/regions/us-central1/instanceGroupManagers/mig-id")
    scaler = record("gcp:compute/regionAutoscaler:RegionAutoscaler", "scaler",
                    {"target": "projects/p/regions/us-central1/instanceGroupManagers/mig-id",
                     "autoscalingPolicy": {"maxReplicas": 7.0}})
    item = estimate([template, group, scaler]).items[0]
    assert item.monthly_min == 0.0, "minReplicas not set: counted as 0, and said so"
    assert "minReplicas not set" in item.basis
    assert item.monthly_max == pytest.approx(
        monthly(7, hourly("gcp", "g2-standard-4", "us-central1", "on-demand")), abs=0.005)


def test_n1_with_a_gpu_count_the_catalog_lacks_is_unpriced():
    pool = record("gcp:container/nodePool:NodePool", "pool", {
        "location": "us-central1-a", "nodeCount": 1.0, "nodeConfig": {
            "machineType": "n1-standard-8",
            "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 2.0}]}})
    cost = estimate([pool])
    assert "n1-standard-8 with 2 x nvidia-tesla-t4" in cost.reason(pool.urn)


@pytest.mark.parametrize("value,reason", [
    ("lots", "'lots', not a number of GB"),
    ("-5", "'-5', not a number of GB"),
    (UNKNOWN, "unknown during preview"),
])
def test_bad_expected_size_tags_are_unpriced_with_the_value(value, reason):
    bucket = record("aws:s3/bucket:Bucket", "b", {"tags": {"aiscale-expected-size-gb": value}})
    cost = estimate([bucket], {"aws:region": "us-east-1"})
    assert "tags.aiscale-expected-size-gb" in cost.reason(bucket.urn)
    assert reason in cost.reason(bucket.urn)


ACCOUNT = "azure-native:storage:StorageAccount"


@pytest.mark.parametrize("sku,tier,priced_as,reason", [
    ({"name": "Standard_LRS"}, None, "HOT_LRS", "the default Hot tier, locally redundant"),
    ({"name": "Standard_ZRS"}, "Hot", None, "no zone-redundant row: unpriced, never the LRS price"),
    ({"name": "Standard_LRS"}, "Cool", None, "no Cool row"),
    ({"name": UNKNOWN}, "Hot", None, "the redundancy is unknown during preview"),
    (None, "Hot", None, "no sku.name"),
])
def test_azure_storage_accounts_are_priced_per_tier_and_redundancy(sku, tier, priced_as, reason):
    inputs = {"location": "eastus", "kind": "StorageV2", "tags": {"aiscale-expected-size-gb": "10"}}
    inputs.update({"sku": sku} if sku else {})
    inputs.update({"accessTier": tier} if tier else {})
    account = record(ACCOUNT, "a", inputs)
    cost = estimate([account], {})
    if priced_as:
        price = catalog.storage_price("azure", "eastus", priced_as)
        assert cost.item(account.urn).monthly_min == pytest.approx(10 * price, abs=0.005), reason
    else:
        assert account.urn in cost.unpriced, reason
        assert "sku.name" in cost.reason(account.urn) or "the catalog has no" in cost.reason(account.urn)
