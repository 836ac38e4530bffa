"""The Azure network builder: a private nodes subnet behind a NAT gateway, or an existing subnet."""

from __future__ import annotations

import ipaddress

import pytest

from aiscale.azure import _addressing
from aiscale.azure.network import azure_existing, existing_subnet_id

from tests.compute.azure.helpers import SUBNET_ID, depends_on, platform_model

NETWORK_TYPES = ("azure-native:network:VirtualNetwork", "azure-native:network:Subnet",
                 "azure-native:network:NatGateway", "azure-native:network:PublicIPAddress",
                 "azure-native:network:NetworkSecurityGroup")


@pytest.fixture(scope="module")
def new_network(preview):
    return preview(platform_model(network={"cidr": "10.60.0.0/16"}), cluster=False)


@pytest.fixture(scope="module")
def existing_network(preview):
    return preview(platform_model(network={"existing": {"azure": {"subnet_id": SUBNET_ID}}}), cluster=False)


def test_vnet_spans_the_model_cidr(new_network):
    vnet = new_network.one("azure-native:network:VirtualNetwork")
    assert vnet.inputs["addressSpace"] == {"addressPrefixes": ["10.60.0.0/16"]}
    assert vnet.inputs["virtualNetworkName"] == "acme-ml-dev-vnet"


def test_nodes_subnet_is_private_with_nat_egress_and_nsg(new_network):
    nodes = new_network.one("azure-native:network:Subnet", "nodes")
    assert nodes.inputs["addressPrefix"] == "10.60.0.0/17"
    assert nodes.inputs["defaultOutboundAccess"] is False, "egress only through the NAT gateway"
    assert depends_on(nodes, "natGateway", "p-azure-network-nat")
    assert depends_on(nodes, "networkSecurityGroup", "p-azure-network-nodes-nsg")
    assert nodes.inputs["serviceEndpoints"] == [{"service": "Microsoft.Storage"}]


def test_nat_gateway_has_the_only_public_ip(new_network):
    nat = new_network.one("azure-native:network:NatGateway")
    assert nat.inputs["sku"] == {"name": "Standard"}
    assert depends_on(nat, "publicIpAddresses", "p-azure-network-nat-ip")
    public_ips = new_network.by_type("azure-native:network:PublicIPAddress")
    assert [ip.name for ip in public_ips] == ["p-azure-network-nat-ip"]
    assert public_ips[0].inputs["publicIPAllocationMethod"] == "Static"
    assert public_ips[0].inputs["sku"]["name"] == "Standard"


def test_nsg_has_no_custom_inbound_rules(new_network):
    nsg = new_network.one("azure-native:network:NetworkSecurityGroup")
    assert not nsg.inputs.get("securityRules"), "Azure's default rules deny inbound from the internet"


def test_api_server_subnet_is_delegated_to_aks(new_network):
    api = new_network.one("azure-native:network:Subnet", "apiserver")
    assert api.inputs["addressPrefix"] == "10.60.128.0/28"
    assert api.inputs["delegations"] == [{"name": "aks-api-server",
                                         "serviceName": "Microsoft.ContainerService/managedClusters"}]
    assert any(urn.endswith("::p-azure-network-nodes") for urn in api.dependencies), \
        "subnets of one VNet are written one at a time"


def test_network_outputs_are_the_vnet_and_nodes_subnet(new_network):
    assert new_network.outputs["network_id"].endswith("/virtualNetworks/acme-ml-dev-vnet")
    assert len(new_network.outputs["subnet_ids"]) == 1


def test_existing_network_declares_nothing_and_passes_the_subnet_through(existing_network):
    declared = [r.type for r in existing_network.resources if r.type in NETWORK_TYPES]
    assert declared == []
    assert existing_network.outputs["subnet_ids"] == [SUBNET_ID]
    assert existing_network.outputs["network_id"] == SUBNET_ID.split("/subnets/")[0]


@pytest.mark.parametrize("existing, expected, reason", [
    (None, None, "no existing network"),
    ({"azure": None}, None, "existing networks on other clouds only"),
    ({"azure": {"subnet_id": SUBNET_ID}}, {"subnet_id": SUBNET_ID}, "the model's per-cloud mapping"),
    ({"subnet_id": SUBNET_ID}, {"subnet_id": SUBNET_ID}, "the Azure part itself"),
])
def test_azure_existing_picks_the_azure_part(existing, expected, reason):
    assert azure_existing(existing) == expected, reason


@pytest.mark.parametrize("existing, reason", [
    ({"subnet_id": "vnet-1"}, "not a resource id"),
    ({"subnet_id": None}, "missing"),
    ({}, "no subnet_id at all"),
])
def test_existing_subnet_id_rejects_non_subnet_ids(existing, reason):
    with pytest.raises(ValueError, match=r"network\.existing\.azure\.subnet_id: got"):
        existing_subnet_id(existing)


@pytest.mark.parametrize("cidr, nodes, api_server", [
    ("10.40.0.0/16", "10.40.0.0/17", "10.40.128.0/28"),
    ("172.16.0.0/20", "172.16.0.0/21", "172.16.8.0/28"),
    ("192.168.64.0/18", "192.168.64.0/19", "192.168.96.0/28"),
])
def test_subnet_plan_halves_the_range(cidr, nodes, api_server):
    plan = _addressing.plan_subnets(cidr)
    assert (plan.nodes, plan.api_server) == (nodes, api_server)
    assert not ipaddress.ip_network(plan.nodes).overlaps(ipaddress.ip_network(plan.api_server))


def test_subnet_plan_rejects_a_range_too_small():
    with pytest.raises(ValueError, match="network.cidr: got '10.0.0.0/27'"):
        _addressing.plan_subnets("10.0.0.0/27")


@pytest.mark.parametrize("vnet, pods, services, reason", [
    ("10.40.0.0/16", "10.244.0.0/16", "10.0.0.0/16", "the AKS defaults when they are free"),
    ("10.0.0.0/16", "10.244.0.0/16", "172.30.0.0/16", "services move off a VNet on 10.0/16"),
    ("10.244.0.0/16", "172.31.0.0/16", "10.0.0.0/16", "pods move off a VNet on 10.244/16"),
    (None, "10.244.0.0/16", "10.0.0.0/16", "existing network: the AKS defaults"),
])
def test_cluster_ranges_avoid_the_vnet(vnet, pods, services, reason):
    ranges = _addressing.cluster_ranges(vnet)
    assert (ranges.pod_cidr, ranges.service_cidr) == (pods, services), reason
    assert ipaddress.ip_address(ranges.dns_service_ip) in ipaddress.ip_network(ranges.service_cidr)
