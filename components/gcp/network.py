"""The GCP builder of ``Network``: a VPC network with one private regional subnetwork and Cloud NAT.

New network (``existing`` omitted):

- ``compute.Network``: custom mode (no auto subnetworks), regional routing.
- ``compute.Subnetwork`` in ``scope.region`` (GCP subnetworks span every zone of the region), with
  Private Google Access, VPC flow logs and two secondary ranges for GKE (pods and services).
- ``compute.Router`` + ``compute.RouterNat``: egress for machines without public IPs (nothing
  aiscale declares has one), NAT errors logged.

The ``cidr`` is split by :func:`address_plan`: the first sixteenth for nodes and VMs, the second
for Kubernetes services, the upper half for pods.

Existing network (``existing`` = the model's ``{network, subnetwork}``): nothing is declared;
the ids are returned as given (as outputs, like a new network's). GKE then creates its pod
and service ranges in that subnetwork.

Reads a ``NetworkBuild``; returns a :class:`GcpNetwork` (resources ``network``,
``subnetwork``, ``router``, ``nat``; none for an existing network).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

import pulumi
import pulumi_gcp.compute as compute

from aiscale.gcp import _names
from aiscale.network_spec import BuiltNetwork, NetworkBuild

PODS_RANGE = "pods"
"""Name of the subnetwork's secondary range for pod IPs."""
SERVICES_RANGE = "services"
"""Name of the subnetwork's secondary range for Kubernetes service IPs."""
FLOW_LOG_SAMPLING = 0.5
"""Share of flows VPC flow logs record (half: enough to investigate, half the log volume)."""


@dataclass(frozen=True, kw_only=True)
class GcpNetwork(BuiltNetwork):
    """What the GCP network builder returns: ``network_id`` is the network, ``subnet_ids`` is
    ``[subnetwork id]``."""

    subnetwork_id: pulumi.Input[str]
    """The regional subnetwork of nodes and VMs."""
    pods_range_name: Optional[str] = None
    """The subnetwork's secondary range for pods; None for an existing network (GKE creates one)."""
    services_range_name: Optional[str] = None
    """The secondary range for Kubernetes services; None for an existing network."""
    cidr: Optional[str] = None
    """The network's address space; None for an existing network."""


class AddressPlan(NamedTuple):
    """How a network's CIDR is split."""

    nodes: str
    """Primary range of the subnetwork (nodes and VMs): the first sixteenth of the CIDR."""
    services: str
    """Secondary range for Kubernetes services: the second sixteenth."""
    pods: str
    """Secondary range for pods: the upper half."""


def address_plan(cidr: str) -> AddressPlan:
    """Split ``cidr`` (the model allows /16 to /20) into node, service and pod ranges.

    For 10.40.0.0/16: nodes 10.40.0.0/20, services 10.40.16.0/20, pods 10.40.128.0/17.
    """
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as error:
        raise ValueError(f"network.cidr: got {cidr!r}; valid: an IPv4 network such as 10.40.0.0/16 "
                         f"({error})") from None
    if network.version != 4 or not 8 <= network.prefixlen <= 24:
        raise ValueError(f"network.cidr: got {cidr!r}; valid: an IPv4 network from /8 to /24")
    sixteenths = list(network.subnets(prefixlen_diff=4))
    upper_half = list(network.subnets(prefixlen_diff=1))[1]
    return AddressPlan(nodes=str(sixteenths[0]), services=str(sixteenths[1]), pods=str(upper_half))


def _field(existing: Any, key: str) -> Optional[str]:
    """``existing.key`` from the model object or a plain dict."""
    if isinstance(existing, dict):
        return existing.get(key)
    return getattr(existing, key, None)


def _existing(existing: Any) -> GcpNetwork:
    network, subnetwork = _field(existing, "network"), _field(existing, "subnetwork")
    missing = [key for key, value in (("network", network), ("subnetwork", subnetwork)) if not value]
    if missing:
        raise ValueError(f"network.existing.gcp: got {existing!r}; valid: both network and "
                         f"subnetwork set (missing: {', '.join(missing)})")
    return GcpNetwork(network_id=pulumi.Output.from_input(network),
                      subnet_ids=pulumi.Output.from_input([subnetwork]),
                      subnetwork_id=pulumi.Output.from_input(subnetwork))


def build(component: pulumi.ComponentResource, args: NetworkBuild) -> GcpNetwork:
    """Declare the network under ``component`` (or return the existing one)."""
    scope = args.scope
    if args.existing:
        return _existing(args.existing)
    plan = address_plan(args.cidr)
    name, project, region = args.name, scope.gcp_project, scope.region
    opts = pulumi.ResourceOptions(parent=component)

    network = compute.Network(
        f"{name}-vpc", name=_names.network_name(scope.platform, scope.environment),
        project=project, auto_create_subnetworks=False, routing_mode="REGIONAL",
        description=f"aiscale {scope.platform} {scope.environment}", opts=opts)
    subnetwork = compute.Subnetwork(
        f"{name}-nodes", name=_names.network_name(scope.platform, scope.environment, "nodes"),
        project=project, region=region, network=network.id, ip_cidr_range=plan.nodes,
        private_ip_google_access=True,
        secondary_ip_ranges=[{"range_name": PODS_RANGE, "ip_cidr_range": plan.pods},
                             {"range_name": SERVICES_RANGE, "ip_cidr_range": plan.services}],
        log_config={"aggregation_interval": "INTERVAL_5_SEC", "flow_sampling": FLOW_LOG_SAMPLING,
                    "metadata": "INCLUDE_ALL_METADATA"},
        opts=opts)
    router = compute.Router(
        f"{name}-router", name=_names.network_name(scope.platform, scope.environment, "router"),
        project=project, region=region, network=network.id, opts=opts)
    nat = compute.RouterNat(
        f"{name}-nat", name=_names.network_name(scope.platform, scope.environment, "nat"),
        project=project, region=region, router=router.name,
        nat_ip_allocate_option="AUTO_ONLY",
        source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
        subnetworks=[{"name": subnetwork.id, "source_ip_ranges_to_nats": ["ALL_IP_RANGES"]}],
        enable_dynamic_port_allocation=True,
        enable_endpoint_independent_mapping=False,
        log_config={"enable": True, "filter": "ERRORS_ONLY"},
        opts=opts)
    return GcpNetwork(
        network_id=network.id,
        subnet_ids=pulumi.Output.all(subnetwork.id).apply(list),
        subnetwork_id=subnetwork.id,
        pods_range_name=PODS_RANGE,
        services_range_name=SERVICES_RANGE,
        cidr=args.cidr,
        resources={"network": network, "subnetwork": subnetwork, "router": router, "nat": nat},
    )
