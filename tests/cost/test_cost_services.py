"""Issue 14: every cost-bearing resource of dev and prod is priced (or usage-based with its unit
price). Expected figures come from the catalog's service price rows, never from literals."""

from __future__ import annotations

import json

import pytest

from aiscale import catalog
from aiscale.catalog._services import service_price, service_prices
from aiscale.cost import estimate
from aiscale.preview.pipeline import run_preview
from aiscale.preview.project import load_project
from tests.conftest import REPO

from .cost_helpers import urn_of

HOURS = catalog.HOURS_PER_MONTH


def row(cloud, service, sku, region="*"):
    found = service_price(cloud, service, sku, region)
    assert found is not None and found.price_usd >= 0, f"no {cloud} {service} {sku} in {region}"
    return found.price_usd


@pytest.fixture(scope="module")
def dev():
    return run_preview(load_project(REPO, "dev"), packs=[])


@pytest.fixture(scope="module")
def prod():
    return run_preview(load_project(REPO, "prod"), packs=[])


def item_named(outcome, name, kind=""):
    (urn,) = [r.urn for r in outcome.result.resources if r.custom and r.name == name and kind in r.type]
    item = outcome.cost.item(urn)
    assert item is not None, f"{name} is not priced: {outcome.cost.reason(urn)}"
    return item


def test_every_service_price_has_a_source_and_a_date():
    for price in service_prices():
        assert price.source.startswith("https://"), price
        assert len(price.as_of) == 10 and price.as_of.startswith("20"), price


def test_eks_control_plane_is_73_dollars_a_month_in_us_east_1(prod):
    item = item_named(prod, "acme-ml-aws-k8s-eks")
    expected = row("aws", "eks", "cluster-standard-support", "us-east-1") * HOURS
    assert expected == pytest.approx(73.0)
    assert item.monthly_min == item.monthly_max == pytest.approx(expected, abs=0.005)


def test_an_eks_cluster_in_extended_support_has_the_extended_rate_as_its_maximum():
    from .cost_helpers import record

    cluster = record("aws:eks/cluster:Cluster", "c", {"version": "1.31"})
    item = estimate([cluster], {"aws:region": "us-east-1"}).item(cluster.urn)
    assert item.monthly_min == pytest.approx(row("aws", "eks", "cluster-standard-support") * HOURS, abs=0.005)
    assert item.monthly_max == pytest.approx(row("aws", "eks", "cluster-extended-support") * HOURS, abs=0.005)
    assert "EXTENDED" in item.basis


def test_each_prod_nat_gateway_costs_its_hours_and_lists_data_as_usage_based(prod):
    names = [r.name for r in prod.result.resources if r.type == "aws:ec2/natGateway:NatGateway"]
    assert len(names) == 3
    hourly = row("aws", "vpc", "nat-gateway", "us-east-1")
    for name in names:
        item = item_named(prod, name, "natGateway")
        assert item.monthly_min == pytest.approx(hourly * HOURS, abs=0.005)
        prices = {charge.key: charge.unit_price for charge in item.usage_unknown}
        assert prices == {"monthly_data_processed_gb": row("aws", "vpc", "nat-gateway-data-processed", "us-east-1"),
                          "monthly_outbound_internet_gb": row("aws", "data-transfer", "internet-egress-first-10tb",
                                                              "us-east-1")}


def test_dev_minimum_counts_its_fixed_costs_and_the_pinned_gpu_node(dev):
    cost = dev.cost
    eks = item_named(dev, "acme-ml-aws-k8s-eks")
    nat = item_named(dev, "acme-ml-aws-network-nat-0", "natGateway")
    serve = item_named(dev, "acme-ml-aws-serve-gpu")
    spot = catalog.find_instance_type("aws", "g6.xlarge", "us-west-2").price_hour_spot
    gp3 = row("aws", "ebs", "gp3", "us-west-2")
    assert serve.monthly_min == pytest.approx(spot * HOURS + 100 * gp3, abs=0.01), \
        "endpoint chat's min_replicas 1 keeps one L4 node (and its 100 GB root volume) up"
    assert "minimum replicas" in serve.basis
    assert eks.monthly_min == pytest.approx(73.0) and nat.monthly_min > 0
    assert cost.monthly_min >= eks.monthly_min + nat.monthly_min + serve.monthly_min


def test_gke_fee_and_regional_cluster_says_the_free_tier_does_not_apply(dev):
    item = item_named(dev, "acme-ml-gcp-k8s-gke")
    assert item.monthly_min == pytest.approx(row("gcp", "gke", "cluster-management-fee") * HOURS, abs=0.005)
    assert "free-tier credit does not apply" in item.basis


def test_aks_free_tier_is_zero_and_the_azure_nat_and_ip_cost_their_hours(dev):
    aks = item_named(dev, "acme-ml-azure-k8s-aks")
    assert "Free tier" in aks.basis
    nat = item_named(dev, "acme-ml-azure-network-nat")
    ip = item_named(dev, "acme-ml-azure-network-nat-ip")
    assert nat.monthly_min == pytest.approx(row("azure", "network", "nat-gateway") * HOURS, abs=0.005)
    assert ip.monthly_min == pytest.approx(row("azure", "network", "public-ip-standard-static") * HOURS, abs=0.005)


def test_kms_keys_on_three_clouds(dev):
    aws = item_named(dev, "acme-ml-aws-models-key")
    assert aws.monthly_min == row("aws", "kms", "customer-managed-key")
    gcp = item_named(dev, "acme-ml-gcp-models-key")
    assert gcp.monthly_min == pytest.approx(row("gcp", "cloud-kms", "software-key-version"), abs=0.005)
    azure = item_named(dev, "acme-ml-azure-models-key")  # a software RSA key: operations only
    assert azure.monthly_min == 0.0 and [c.key for c in azure.usage_unknown] == ["monthly_requests"]


def test_logs_are_usage_based_with_their_unit_prices(dev):
    item = item_named(dev, "acme-ml-aws-network-flow-logs", "logGroup")
    assert item.monthly_max == 0.0
    prices = {c.key: c.unit_price for c in item.usage_unknown}
    assert prices == {"monthly_data_ingested_gb": row("aws", "cloudwatch-logs", "ingestion", "us-west-2"),
                      "storage_gb": row("aws", "cloudwatch-logs", "storage", "us-west-2")}
    assert item.urn in dev.cost.usage_based


def test_cloud_run_with_a_gpu_is_always_on_at_its_minimum_instances(prod):
    item = item_named(prod, "acme-ml-gcp-chat-service")
    per_second = (row("gcp", "cloud-run", "gpu-nvidia-l4-zonal-redundancy", "us-central1")
                  + 8 * row("gcp", "cloud-run", "cpu-instance-billing", "us-central1")
                  + 32 * row("gcp", "cloud-run", "memory-instance-billing", "us-central1"))
    assert item.monthly_min == pytest.approx(1 * per_second * 3600 * HOURS, abs=0.01)
    assert item.monthly_max == pytest.approx(6 * per_second * 3600 * HOURS, abs=0.01)


def test_azure_ml_online_deployment_is_priced_at_the_vm_rate(azure_preview):
    item = estimate(azure_preview.resources, azure_preview.config).item(urn_of(azure_preview, "chat"))
    vm = catalog.find_instance_type("azure", "Standard_NC4as_T4_v3", "eastus").price_hour_ondemand
    assert item is not None and item.monthly_min == pytest.approx(vm * HOURS, abs=0.005)


def test_sagemaker_endpoint_is_priced_from_the_hosting_rate(aws_preview):
    item = estimate(aws_preview.resources, aws_preview.config).item(urn_of(aws_preview, "serving"))
    assert item is not None
    assert item.monthly_min == pytest.approx(row("aws", "sagemaker-hosting", "ml.g5.xlarge", "us-east-1") * HOURS,
                                             abs=0.005)


def test_the_report_states_the_price_snapshot_date(dev):
    report = dev.report()["cost"]
    from aiscale import catalog

    oldest = min(min(p.as_of for p in service_prices()), catalog.snapshot_date())
    assert report["prices_as_of"] == oldest, "no price the estimate uses is older than the stated date"
    assert report["prices_as_of"] < max(p.as_of for p in service_prices()), "older than the newest row"
    json.dumps(report)


def test_no_region_borrows_a_price():
    assert service_price("aws", "vpc", "nat-gateway", "ap-south-1") is None
    assert service_price("aws", "eks", "cluster-standard-support", "ap-south-1") is not None  # every region


@pytest.mark.parametrize("name,cloud,machine,region,low,high,why", [
    ("acme-ml-aws-k8s-system", "aws", "m6i.large", "us-west-2", 2, 4, "EKS system node group"),
    ("acme-ml-gcp-k8s-system", "gcp", "e2-standard-4", "us-central1", 1, 3, "GKE system pool"),
])
def test_cpu_system_pools_are_priced_from_the_catalogs_cpu_rows(dev, name, cloud, machine, region, low, high, why):
    item = item_named(dev, name, "nodeGroup" if cloud == "aws" else "nodePool")
    hourly = catalog.machine_price(cloud, region, machine, "on-demand")
    assert hourly and hourly > 0, f"{machine} has a CPU row"
    disk = (50 * row("aws", "ebs", "gp3", region) if cloud == "aws"  # the launch template's root volume
            else 100 * row("gcp", "persistent-disk", "pd-balanced", region))  # GKE's 100 GB boot disk
    assert item.monthly_min == pytest.approx(low * (hourly * HOURS + disk), abs=0.01), why
    assert item.monthly_max == pytest.approx(high * (hourly * HOURS + disk), abs=0.01), why


def test_the_aks_system_pool_is_priced_and_nothing_of_the_cluster_is_unpriced(dev):
    item = item_named(dev, "acme-ml-azure-k8s-aks")
    hourly = catalog.machine_price("azure", "eastus", "Standard_D4ds_v5", "on-demand")
    os_disk = row("azure", "managed-disk", "Premium_LRS-P10-128", "eastus")  # 128 GB managed OS disk
    assert item.monthly_min == pytest.approx(1 * (hourly * HOURS + os_disk), abs=0.01)
    assert "Premium SSD P10 (assumed)" in item.basis
    assert item.urn not in dev.cost.unpriced


def test_dev_and_prod_leave_nothing_unpriced_but_what_the_catalog_lacks(dev, prod):
    """Every cost-bearing resource is priced or usage-based; what is left names a missing row."""
    for outcome in (dev, prod):
        for urn in outcome.cost.unpriced:
            assert "the catalog has no" in outcome.cost.reason(urn), outcome.cost.reason(urn)


def test_a_workload_pins_only_the_pools_of_its_own_cluster(dev):
    """chat runs on the AWS cluster: the GCP serve pool has the same labels but stays at 0."""
    gcp_serve = item_named(dev, "acme-ml-gcp-serve-pool")
    assert gcp_serve.monthly_min == 0.0 and "minimum replicas" not in gcp_serve.basis


def test_prod_chat_endpoint_is_priced_from_the_ml_g6_xlarge_row(prod):
    """Once unpriced: the hosting rate of ml.g6.xlarge in us-east-1 is now a catalog row."""
    item = item_named(prod, "acme-ml-aws-chat-endpoint")
    hourly = row("aws", "sagemaker-hosting", "ml.g6.xlarge", "us-east-1")
    low, high = (int(n) for n in item.basis.split(" x ", 1)[0].split("-"))
    assert item.monthly_min == pytest.approx(low * hourly * HOURS, abs=0.01)
    assert item.monthly_max == pytest.approx(high * hourly * HOURS, abs=0.01)
    assert "ml.g6.xlarge SageMaker hosting in us-east-1" in item.basis


def test_dev_models_account_is_priced_from_the_azure_blob_row(dev):
    """Once unpriced: a Standard_LRS account in Hot (the default tier) is usage-based at the
    HOT_LRS row's price per GB-month."""
    item = item_named(dev, "acme-ml-azure-models-account")
    price = catalog.storage_price("azure", "eastus", "HOT_LRS")
    assert price is not None and price > 0
    (charge,) = [c for c in item.usage if c.key == "storage_gb"]
    assert charge.unit_price == pytest.approx(price) and charge.unit == "GB-month"
    assert "HOT_LRS storage in eastus at" in item.basis


def test_dev_and_prod_price_every_resource(dev, prod):
    """With the two rows added, nothing of dev or prod is left unpriced."""
    assert dev.cost.unpriced == () and prod.cost.unpriced == ()
