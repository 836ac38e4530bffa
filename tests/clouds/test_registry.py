"""The cloud registry: one adapter per cloud, the list of clouds once, builders found by capability."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aiscale import clouds
from aiscale.clouds.base import CloudAdapter
from tests.conftest import REPO

#: Every capability AiPlatform dispatches, and which clouds build it.
CAPABILITY_CLOUDS = {
    "provider": {"aws", "azure", "gcp"}, "network": {"aws", "azure", "gcp"},
    "cluster": {"aws", "azure", "gcp"}, "node_pool": {"aws", "azure", "gcp"},
    "vm_group": {"aws", "azure", "gcp"}, "storage": {"aws", "azure", "gcp"},
    "managed_endpoint": {"aws", "azure", "gcp"}, "endpoint_identity": {"aws", "azure", "gcp"},
    "budget": {"aws", "azure", "gcp"}, "alerts": {"aws", "azure", "gcp"},
    "access_logs": {"aws", "gcp"},
}


def test_names_are_the_three_clouds_in_canonical_order():
    assert clouds.names() == ("aws", "azure", "gcp")


def test_each_adapter_owns_its_name():
    for name in clouds.names():
        adapter = clouds.adapter(name)
        assert isinstance(adapter, CloudAdapter)
        assert adapter.name == name
        assert adapter is clouds.adapter(name), "one adapter instance per cloud"


def test_an_unknown_cloud_is_refused_naming_the_valid_ones():
    with pytest.raises(clouds.UnknownCloudError) as error:
        clouds.adapter("ibm")
    assert str(error.value) == "cloud: got 'ibm'; valid: aws, azure, gcp"


@pytest.mark.parametrize("capability", sorted(CAPABILITY_CLOUDS))
def test_every_capability_has_a_builder_module_with_a_build_function(capability):
    for name in clouds.names():
        adapter = clouds.adapter(name)
        if name not in CAPABILITY_CLOUDS[capability]:
            with pytest.raises(ValueError, match=f"{name} has no builder for '{capability}'"):
                adapter.builder(capability)
            continue
        module = adapter.builder(capability)
        assert module.__name__.startswith(f"aiscale.{name}."), module.__name__


def test_vocabulary_and_rules_per_cloud():
    aws, azure, gcp = (clouds.adapter(n) for n in clouds.names())
    assert (aws.region_field, azure.region_field, gcp.region_field) == ("region", "location", "region")
    assert aws.spot_taint is None and azure.spot_taint[0].startswith("kubernetes.azure.com/")
    assert gcp.spot_taint == ("cloud.google.com/gke-spot", "true")
    assert (aws.metrics_namespace, gcp.metrics_namespace) == ("monitoring", "gmp-system")
    assert [a.name for a in clouds.adapters() if a.access_logs_to_bucket] == ["aws", "gcp"]
    assert gcp.managed_scales_to_zero and not aws.managed_scales_to_zero
    assert aws.managed_needs_network and not azure.managed_needs_network


def test_tag_rules_are_the_clouds_own():
    tags = {"Team": "ML Platform"}
    assert clouds.adapter("aws").sanitise_tags(tags) == {"Team": "ML Platform"}
    assert clouds.adapter("gcp").sanitise_tags(tags) == {"team": "ml_platform"}


def test_s3_lifecycle_rules_are_the_aws_adapters_only():
    assert clouds.adapter("aws").lifecycle_problems(10, None)
    assert clouds.adapter("aws").lifecycle_problems(30, 40)
    assert not clouds.adapter("aws").lifecycle_problems(30, 60)
    assert not clouds.adapter("gcp").lifecycle_problems(10, 11)


def test_bucket_names_are_stable_and_cloud_shaped():
    for name in clouds.names():
        first = clouds.adapter(name).bucket_name("acme-ml", "dev", "models")
        assert first == clouds.adapter(name).bucket_name("acme-ml", "dev", "models")
        assert first != clouds.adapter(name).bucket_name("acme-ml", "dev", "scratch")
    assert "/" in clouds.adapter("azure").bucket_name("acme-ml", "dev", "models")


def test_the_registry_imports_no_provider_sdk():
    probe = ("import sys, aiscale.clouds as c; [c.adapter(n) for n in c.names()]; "
             "print(sorted(m for m in sys.modules if m.startswith('pulumi_')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


def test_each_adapter_names_its_cost_pricer_and_the_estimator_prices_only_those():
    from aiscale.cost import priced_types
    from aiscale.cost._kubernetes import PRICERS as KUBERNETES_PRICERS
    from aiscale.facts import tokens

    by_cloud = {a.name: set(a.cost_pricers()) for a in clouds.adapters()}
    for name, priced in by_cloud.items():
        assert priced and {tokens.cloud_of(token) for token in priced} == {name}
    # besides the clouds' own resources: Kubernetes objects priced on their cluster's cloud
    assert set(KUBERNETES_PRICERS) and {t.split(":")[0] for t in KUBERNETES_PRICERS} == {tokens.K8S_PACKAGE}
    assert set(priced_types()) == set().union(*by_cloud.values(), KUBERNETES_PRICERS)
    assert len(priced_types()) == sum(len(p) for p in by_cloud.values()) + len(KUBERNETES_PRICERS)  # none twice


def test_each_cloud_cost_module_prices_its_clusters_load_balancers_and_egress():
    """What the neutral Kubernetes and egress pricing asks of a cloud's cost module: the managed
    cluster types whose Services it prices (of its own provider package), the pricer, and its
    internet egress price row, which the catalog holds for the cloud."""
    from aiscale.catalog._services import service_prices
    from aiscale.facts import tokens

    for cloud in clouds.adapters():
        module = cloud.cost_module()
        assert module.KUBERNETES_CLUSTERS
        assert {tokens.cloud_of(token) for token in module.KUBERNETES_CLUSTERS} == {cloud.name}
        assert callable(module.LOAD_BALANCER_SERVICE)
        service, sku, tier = module.EGRESS_PRICE
        assert tier and any(row.cloud == cloud.name and row.service == service and row.sku == sku
                            for row in service_prices())


def test_each_adapter_names_the_provider_package_its_sdk_declares():
    """The package is the SDK's plugin name (read from its pulumi-plugin.json, not imported)."""
    import importlib.util
    import json
    from pathlib import Path

    from aiscale.facts import tokens

    for cloud in clouds.adapters():
        sdk, = cloud.sdk_modules
        plugin = Path(importlib.util.find_spec(sdk).origin).parent / "pulumi-plugin.json"
        assert json.loads(plugin.read_text())["name"] == cloud.provider_package, cloud.name
        assert tokens.cloud_of(f"{cloud.provider_package}:any/kind:Kind") == cloud.name
    assert tokens.cloud_of(tokens.K8S_CORE_SERVICE) == "kubernetes"
    assert tokens.cloud_of("random:index/randomId:RandomId") == "random"


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_each_clouds_internal_load_balancer_annotation_satisfies_the_public_load_balancer_check(cloud):
    from types import SimpleNamespace

    from aiscale.facts import tokens
    from aiscale.guardrails.security.workloads import no_public_load_balancer

    ctx = SimpleNamespace(config={})
    public = {"spec": {"type": "LoadBalancer"}}
    assert no_public_load_balancer(tokens.K8S_CORE_SERVICE, public, ctx), "a public Service is found"
    annotations = clouds.adapter(cloud).internal_service_annotations
    assert annotations
    for key, value in annotations.items():
        internal = {**public, "metadata": {"annotations": {key: value.upper()}}}
        assert no_public_load_balancer(tokens.K8S_CORE_SERVICE, internal, ctx) == [], key


def test_each_adapter_names_its_facts_reader_and_the_reader_dispatches_to_it():
    import importlib

    from aiscale.facts import reader, tokens

    for cloud in clouds.adapters():
        module = importlib.import_module(cloud.facts_reader)
        assert module.CLOUD == cloud.name
        assert module.NODE_POOLS and {tokens.cloud_of(t) for t in module.NODE_POOLS} == {cloud.name}
        assert set(module.NODE_POOLS) <= set(reader.NODE_POOL_TYPES)


# Region and zone vocabulary (clouds/data/<cloud>_regions.csv).

#: (cloud, region, zones expected, why).
KNOWN_ZONES = [
    ("aws", "us-east-1", ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"),
     "us-east-1 has six zones"),
    ("aws", "us-west-2", ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"), "four zones"),
    ("gcp", "us-central1", ("us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"),
     "us-central1 has no zone d"),
    ("gcp", "europe-west1", ("europe-west1-b", "europe-west1-c", "europe-west1-d"), "europe-west1 has no zone a"),
    ("azure", "eastus", ("1", "2", "3"), "Azure names logical zones 1-3"),
    ("azure", "westus", (), "West US has no availability zones"),
]


@pytest.mark.parametrize("cloud, region, zones, why", KNOWN_ZONES)
def test_zones_of_a_known_region(cloud, region, zones, why):
    adapter = clouds.adapter(cloud)
    assert region in adapter.regions, why
    assert adapter.zones(region) == zones, why


def test_each_cloud_knows_its_regions_and_every_zone_belongs_to_its_region():
    for name in clouds.names():
        adapter = clouds.adapter(name)
        assert len(adapter.regions) >= 20, name
        assert len(set(adapter.regions)) == len(adapter.regions), f"{name}: a region listed twice"
        for region in adapter.regions:
            for zone in adapter.zones(region):
                assert zone.startswith(region) or (name == "azure" and zone in ("1", "2", "3")), zone


def test_every_catalog_region_is_a_known_region():
    from aiscale import catalog

    for name in clouds.names():
        unknown = set(catalog.regions(name)) - set(clouds.adapter(name).regions)
        assert not unknown, f"{name}: catalog regions missing from the region list: {sorted(unknown)}"


@pytest.mark.parametrize("cloud, region, close", [
    ("aws", "us-east-9", "us-east-1"), ("gcp", "us-central2", "us-central1"), ("azure", "eastus3", "eastus")])
def test_an_unknown_region_raises_naming_the_close_ones(cloud, region, close):
    with pytest.raises(clouds.UnknownRegionError) as error:
        clouds.adapter(cloud).zones(region)
    message = str(error.value)
    assert message.startswith(f"unknown {cloud} region {region!r}; closest known: "), message
    assert close in message.split("closest known: ")[1].split(", ")


def test_an_unknown_region_with_nothing_close_lists_every_known_region():
    with pytest.raises(ValueError) as error:
        clouds.adapter("azure").zones("mars")
    assert str(error.value).startswith("unknown azure region 'mars'; known: eastus, eastus2, ")
    assert "swedencentral" in str(error.value)
