"""Compute priced from real SDK registrations: each figure recomputed from its catalog row."""

from __future__ import annotations

import math
import re

import pytest

from aiscale.cost import estimate
from .cost_helpers import hourly, monthly, urn_of

# (resource, machine, region, capacity, min machines, max machines, attached GPU, why)
AWS_CASES = [
    ("ng-spot", "g6.xlarge", "us-west-2", "spot", 0, 4, None,
     "EKS node group: capacityType SPOT; region from its explicit provider resource"),
    ("ng-template", "g5.xlarge", "us-east-1", "on-demand", 1, 2, None,
     "EKS node group without instanceTypes: the launch template's instanceType; aws:region"),
    ("ng-own-region", "g4dn.xlarge", "us-west-2", "on-demand", 2, 2, None,
     "the resource's own region input (pulumi-aws 7) wins over aws:region"),
    ("asg-spot", "g6.xlarge", "us-east-1", "spot", 0, 3, None,
     "ASG mixed policy buying 0% on-demand is spot; type from the first override"),
    ("asg-template-spot", "g6.xlarge", "us-east-1", "spot", 1, 2, None,
     "ASG without mixed policy: spot from the launch template's instanceMarketOptions"),
    ("box", "g6.xlarge", "us-east-1", "on-demand", 1, 1, None, "EC2 instance: 1 x instanceType"),
]
AZURE_CASES = [
    ("a100", "Standard_NC24ads_A100_v4", "eastus", "on-demand", 1, 2, None,
     "autoscaling agent pool: minCount..maxCount; location of the cluster named by resourceName"),
    ("fixed", "Standard_NC4as_T4_v3", "westus2", "on-demand", 2, 2, None,
     "agent pool without autoscaling: count; location of its resource group"),
    ("default-count", "Standard_NC4as_T4_v3", "eastus", "on-demand", 1, 1, None,
     "count omitted: the AKS default of 1; location from azure-native:location"),
    ("aks", "Standard_NC4as_T4_v3", "eastus", "spot", 0, 3, None,
     "managed cluster: its Spot GPU profile (the CPU system profile is unpriced)"),
    ("vmss", "Standard_NV36ads_A10_v5", "eastus", "spot", 1, 6, None,
     "scale set: bounds of the enabled autoscale setting targeting it; priority Spot"),
    ("vmss-fixed", "Standard_NV36ads_A10_v5", "westus2", "on-demand", 3, 3, None,
     "scale set without autoscale setting: sku.capacity"),
    ("vmss-disabled-autoscale", "Standard_NV36ads_A10_v5", "eastus", "on-demand", 1, 1, None,
     "an autoscale setting left disabled (the SDK default) does not scale the set"),
    ("vm", "Standard_NC4as_T4_v3", "eastus", "spot", 1, 1, None, "VM: 1 x vmSize, priority Spot"),
]
T4 = ("nvidia-tesla-t4", 1)
GCP_CASES = [
    ("l4-regional", "g2-standard-4", "us-central1", "spot", 0 * 3, 2 * 3, None,
     "regional pool: 0-2 nodes PER ZONE x 3 zones assumed (no nodeLocations); spot"),
    ("t4-two-zones", "n1-standard-8", "us-central1", "on-demand", 1 * 2, 2 * 2, T4,
     "N1 host + guest T4 priced as the host+GPU catalog row; 1-2 per zone x 2 nodeLocations"),
    ("l4-total", "g2-standard-8", "us-central1", "spot", 1, 5, None,
     "total node counts are not multiplied by zones; preemptible is priced as spot"),
    ("a100-zonal", "a2-highgpu-1g", "us-central1", "on-demand", 2 * 1, 2 * 1, None,
     "zonal location: nodeCount x the one zone"),
    ("from-cluster", "g2-standard-4", "us-central1", "on-demand", 1 * 3, 1 * 3, None,
     "pool without location: its cluster's regional location, 3 zones assumed"),
    ("mig", "g2-standard-4", "us-central1", "spot", 1, 4, None,
     "regional MIG: the autoscaler's min/maxReplicas x the SPOT template's machineType"),
    ("mig-fixed", "n1-standard-8", "us-central1", "on-demand", 2, 2, T4,
     "regional MIG without autoscaler: targetSize; template with an attached T4"),
]


def _disk_per_node(preview, name, region) -> float:
    """USD a month of one node's disk, from the service price rows (issue 14): a GKE node's
    boot disk (nodeConfig.diskSizeGb, default 100, of diskType, default pd-balanced) and an AKS
    node's managed OS disk (Premium SSD P10 holds the default 128 GB); other kinds have none here."""
    from aiscale.catalog._services import service_price

    (found,) = [r for r in preview.resources if r.custom and r.name == name]
    if found.type == "gcp:container/nodePool:NodePool":
        config = found.inputs.get("nodeConfig") or {}
        size, kind = config.get("diskSizeGb") or 100, config.get("diskType") or "pd-balanced"
        return size * service_price("gcp", "persistent-disk", kind, region).price_usd
    if found.type.startswith("azure-native:containerservice:"):
        pools = found.inputs.get("agentPoolProfiles") or [found.inputs]
        assert all((p.get("osDiskSizeGB") or 128) <= 128 for p in pools)
        row = service_price("azure", "managed-disk", "Premium_LRS-P10-128", region)
        return row.price_usd if row is not None else 0.0  # no disk row there: the disks are unpriced
    return 0.0


def _check(preview, cloud, name, machine, region, capacity, low, high, attached):
    cost = estimate(preview.resources, preview.config)
    item = cost.item(urn_of(preview, name))
    assert item is not None, f"{name} was not priced: {cost.reason(urn_of(preview, name))}"
    accelerator, gpus = attached or (None, None)
    price = hourly(cloud, machine, region, capacity, accelerator_type=accelerator, gpus=gpus)
    disk = _disk_per_node(preview, name, region)
    assert item.monthly_min == pytest.approx(monthly(low, price) + low * disk, abs=0.005)
    assert item.monthly_max == pytest.approx(monthly(high, price) + high * disk, abs=0.005)
    counts = str(low) if low == high else f"{low}-{high}"
    assert item.basis.startswith(f"{counts} x {machine}")
    assert f" {capacity} in {region} " in item.basis and "x 730 h" in item.basis
    shown = float(re.search(r"at \$([\d.]+)/h", item.basis).group(1))
    assert shown == price, "the basis quotes the catalog's hourly price"


@pytest.mark.parametrize("name,machine,region,capacity,low,high,attached,why", AWS_CASES,
                         ids=[c[0] for c in AWS_CASES])
def test_aws_compute(aws_preview, name, machine, region, capacity, low, high, attached, why):
    _check(aws_preview, "aws", name, machine, region, capacity, low, high, attached)


@pytest.mark.parametrize("name,machine,region,capacity,low,high,attached,why", AZURE_CASES,
                         ids=[c[0] for c in AZURE_CASES])
def test_azure_compute(azure_preview, name, machine, region, capacity, low, high, attached, why):
    _check(azure_preview, "azure", name, machine, region, capacity, low, high, attached)


@pytest.mark.parametrize("name,machine,region,capacity,low,high,attached,why", GCP_CASES,
                         ids=[c[0] for c in GCP_CASES])
def test_gcp_compute(gcp_preview, name, machine, region, capacity, low, high, attached, why):
    _check(gcp_preview, "gcp", name, machine, region, capacity, low, high, attached)


def test_partly_spot_asg_is_priced_instance_by_instance(aws_preview):
    """Base 1 on-demand + 50% of the rest on-demand (rounded up): 1 -> 1 OD; 5 -> 3 OD + 2 spot."""
    cost = estimate(aws_preview.resources, aws_preview.config)
    item = cost.item(urn_of(aws_preview, "asg-partly-spot"))
    on_demand = hourly("aws", "g6.xlarge", "us-east-1", "on-demand")
    spot = hourly("aws", "g6.xlarge", "us-east-1", "spot")
    paid_at_max = 1 + math.ceil((5 - 1) * 50 / 100)
    assert paid_at_max == 3
    assert item.monthly_min == pytest.approx(monthly(1, on_demand), abs=0.005)
    assert item.monthly_max == pytest.approx(
        monthly(paid_at_max, on_demand) + monthly(5 - paid_at_max, spot), abs=0.005)
    assert "1 on-demand base + 50% on-demand above base" in item.basis


def test_regional_gke_pool_says_the_zone_count_is_assumed(gcp_preview):
    cost = estimate(gcp_preview.resources, gcp_preview.config)
    basis = cost.item(urn_of(gcp_preview, "l4-regional")).basis
    assert "0-2 per zone x 3 zones of us-central1 assumed" in basis
    two_zones = cost.item(urn_of(gcp_preview, "t4-two-zones")).basis
    assert "1-2 per zone x 2 zones from nodeLocations" in two_zones
    assert "+ 1 x nvidia-tesla-t4" in two_zones


def test_spot_and_on_demand_differ_and_each_uses_its_own_price(aws_preview):
    cost = estimate(aws_preview.resources, aws_preview.config)
    spot = cost.item(urn_of(aws_preview, "asg-spot"))          # 0-3 x g6.xlarge spot
    on_demand = cost.item(urn_of(aws_preview, "box"))          # 1 x g6.xlarge on-demand
    spot_hour = hourly("aws", "g6.xlarge", "us-east-1", "spot")
    od_hour = hourly("aws", "g6.xlarge", "us-east-1", "on-demand")
    assert spot_hour < od_hour
    assert spot.monthly_max / 3 == pytest.approx(monthly(1, spot_hour), abs=0.005)
    assert on_demand.monthly_max == pytest.approx(monthly(1, od_hour), abs=0.005)
