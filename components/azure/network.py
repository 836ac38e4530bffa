"""The Azure builder of ``Network``: a VNet with a private nodes subnet behind a NAT gateway.

A new network declares, in the platform's resource group:

- a virtual network over ``cidr``;
- the **nodes** subnet (the first half of ``cidr``) for AKS nodes and VM scale sets: default
  outbound access off, egress through a NAT gateway with one static Standard public IP (the
  only public address; no workload gets one), a network security group with Azure's default
  rules only (inbound from the internet denied), and a ``Microsoft.Storage`` service endpoint
  so storage accounts can admit the subnet by firewall rule;
- the **API server** subnet (a /28 at the start of the second half), delegated to
  ``Microsoft.ContainerService/managedClusters`` for AKS API Server VNet Integration.

Azure subnets are regional, so one nodes subnet serves every availability zone.

An existing network (``existing: {subnet_id}``) declares nothing and passes the subnet through.

Reads a ``NetworkBuild``; returns an :class:`AzureNetwork`: the ids plus the extras the
cluster and the scale sets read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping, Optional

import pulumi
import pulumi_azure_native.network as network

from aiscale.azure import naming
from aiscale.azure import _addressing, _names
from aiscale.network_spec import BuiltNetwork, NetworkBuild
from aiscale.scope import CloudScope

API_SERVER_DELEGATION = "Microsoft.ContainerService/managedClusters"
"""The service the API server subnet is delegated to."""
NODES_SERVICE_ENDPOINTS = ("Microsoft.Storage",)
"""Service endpoints on the nodes subnet (storage account firewalls admit the subnet)."""
NAT_IDLE_TIMEOUT_MINUTES = 4
"""The NAT gateway's TCP idle timeout (Azure's default, stated explicitly)."""

OutboundType = Literal["userAssignedNATGateway", "loadBalancer"]
"""How an AKS cluster's nodes reach the internet (``networkProfile.outboundType``)."""


@dataclass(frozen=True, kw_only=True)
class AzureNetwork(BuiltNetwork):
    """What the Azure network builder returns: ``network_id`` is the VNet id, ``subnet_ids`` is
    ``[nodes subnet]``."""

    nodes_subnet_id: pulumi.Input[str]
    """The subnet of AKS nodes and VM scale sets."""
    outbound_type: OutboundType
    """``userAssignedNATGateway`` for a new network; ``loadBalancer`` for an existing one, whose
    egress aiscale cannot see."""
    api_server_subnet_id: Optional[pulumi.Output[str]] = None
    """The subnet delegated to AKS for API Server VNet Integration; None for an existing network."""
    cidr: Optional[str] = None
    """The VNet's address space; None for an existing network."""


def azure_existing(existing: Any) -> Any:
    """The Azure part of ``existing``: the model's ``network.existing.azure`` (an object or a
    mapping with ``subnet_id``), or None when ``existing`` names no Azure network."""
    if existing is None:
        return None
    if isinstance(existing, Mapping):
        return existing if "subnet_id" in existing else existing.get("azure")
    if hasattr(existing, "subnet_id"):
        return existing
    return getattr(existing, "azure", None)


def existing_subnet_id(existing: Any) -> str:
    """The subnet id of an existing Azure network, checked to be a subnet resource id."""
    subnet_id = existing.get("subnet_id") if isinstance(existing, Mapping) else getattr(existing, "subnet_id", None)
    if not isinstance(subnet_id, str) or "/subnets/" not in subnet_id:
        raise ValueError(f"network.existing.azure.subnet_id: got {subnet_id!r}; valid: a subnet resource id "
                         "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/"
                         "virtualNetworks/<vnet>/subnets/<subnet>")
    return subnet_id


def _existing(existing: Any) -> AzureNetwork:
    subnet_id = existing_subnet_id(existing)
    return AzureNetwork(network_id=subnet_id.split("/subnets/")[0], subnet_ids=[subnet_id],
                        nodes_subnet_id=subnet_id, outbound_type="loadBalancer")


def build(component: pulumi.ComponentResource, args: NetworkBuild) -> AzureNetwork:
    """Declare the VNet, subnets and NAT egress (or pass an existing subnet through)."""
    existing = azure_existing(args.existing)
    if existing is not None:
        return _existing(existing)
    scope: CloudScope = args.scope
    cidr = args.cidr
    plan = _addressing.plan_subnets(cidr)
    name = args.name
    group, location = scope.resource_group_name, scope.region
    tags = naming.azure_tags(scope.tags)
    child = pulumi.ResourceOptions(parent=component)

    def physical(purpose: str) -> str:
        return _names.resource_name(scope.platform, scope.environment, purpose)

    vnet = network.VirtualNetwork(
        f"{name}-vnet", virtual_network_name=physical("vnet"), resource_group_name=group,
        location=location, tags=tags, address_space={"address_prefixes": [cidr]}, opts=child)
    public_ip = network.PublicIPAddress(
        f"{name}-nat-ip", public_ip_address_name=physical("nat-ip"), resource_group_name=group,
        location=location, tags=tags, sku={"name": "Standard", "tier": "Regional"},
        public_ip_allocation_method="Static", public_ip_address_version="IPv4", opts=child)
    nat = network.NatGateway(
        f"{name}-nat", nat_gateway_name=physical("nat"), resource_group_name=group,
        location=location, tags=tags, sku={"name": "Standard"},
        idle_timeout_in_minutes=NAT_IDLE_TIMEOUT_MINUTES,
        public_ip_addresses=[{"id": public_ip.id}], opts=child)
    nsg = network.NetworkSecurityGroup(
        f"{name}-nodes-nsg", network_security_group_name=physical("nodes-nsg"),
        resource_group_name=group, location=location, tags=tags, opts=child)
    nodes = network.Subnet(
        f"{name}-nodes", subnet_name="nodes", virtual_network_name=vnet.name,
        resource_group_name=group, address_prefix=plan.nodes,
        default_outbound_access=False,
        nat_gateway={"id": nat.id},
        network_security_group={"id": nsg.id},
        service_endpoints=[{"service": service} for service in NODES_SERVICE_ENDPOINTS],
        opts=child)
    # Subnets of one VNet are written one at a time (Azure rejects concurrent subnet writes).
    api_server = network.Subnet(
        f"{name}-apiserver", subnet_name="apiserver", virtual_network_name=vnet.name,
        resource_group_name=group, address_prefix=plan.api_server,
        default_outbound_access=False,
        delegations=[{"name": "aks-api-server", "service_name": API_SERVER_DELEGATION}],
        opts=pulumi.ResourceOptions(parent=component, depends_on=[nodes]))
    return AzureNetwork(
        network_id=vnet.id,
        subnet_ids=pulumi.Output.all(nodes.id).apply(list),
        nodes_subnet_id=nodes.id,
        api_server_subnet_id=api_server.id,
        outbound_type="userAssignedNATGateway",
        cidr=cidr,
        resources={"vnet": vnet, "nat_public_ip": public_ip, "nat_gateway": nat,
                   "nodes_nsg": nsg, "nodes_subnet": nodes, "api_server_subnet": api_server},
    )
