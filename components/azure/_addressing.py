"""Address plans for the Azure network and cluster: pure functions over ``ipaddress``.

The VNet address space (the model's ``network.cidr``, /16 to /20) is split so that it leaves
room to grow: the nodes subnet takes the first half, the API server subnet (delegated to AKS for
API Server VNet Integration) a /28 at the start of the second half, and the rest stays free. With
Azure CNI Overlay the pods and services take addresses outside the VNet, chosen so that they
overlap neither the VNet nor each other.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple, Optional

API_SERVER_SUBNET_PREFIX = 28
"""The API server subnet: AKS needs at least a /28 for API Server VNet Integration."""
POD_CIDR_CHOICES = ("10.244.0.0/16", "172.31.0.0/16", "192.168.0.0/16")
"""Overlay pod ranges, first that does not overlap the VNet wins (10.244/16 is the AKS default)."""
SERVICE_CIDR_CHOICES = ("10.0.0.0/16", "172.30.0.0/16", "192.168.0.0/16")
"""Kubernetes service ranges, first that overlaps neither the VNet nor the pod range wins
(10.0/16 is the AKS default). One VNet range of /16 or smaller overlaps at most one choice of
each list, so a free pair always exists."""
DNS_SERVICE_HOST = 10
"""The cluster DNS service takes the tenth address of the service range, as AKS does."""


class SubnetPlan(NamedTuple):
    """The address prefixes of the subnets aiscale creates in a new VNet."""

    nodes: str
    """AKS nodes and VM scale sets (NAT gateway egress)."""
    api_server: str
    """The delegated API server subnet."""


class ClusterRanges(NamedTuple):
    """The overlay address ranges of a cluster."""

    pod_cidr: str
    """Pod IPs (Azure CNI Overlay; never routed in the VNet)."""
    service_cidr: str
    """Kubernetes service IPs."""
    dns_service_ip: str
    """The cluster DNS service IP, inside ``service_cidr``."""


def plan_subnets(cidr: str) -> SubnetPlan:
    """Split the VNet range ``cidr`` into the nodes and API server subnets."""
    network = ipaddress.ip_network(cidr)
    if network.version != 4 or network.prefixlen > API_SERVER_SUBNET_PREFIX - 2:
        raise ValueError(f"network.cidr: got {cidr!r}; valid: an IPv4 range of /{API_SERVER_SUBNET_PREFIX - 2} "
                         "or larger, e.g. 10.40.0.0/16")
    nodes, rest = network.subnets(prefixlen_diff=1)
    api_server = next(rest.subnets(new_prefix=API_SERVER_SUBNET_PREFIX))
    return SubnetPlan(nodes=str(nodes), api_server=str(api_server))


def _first_free(choices: tuple[str, ...], taken: list[ipaddress.IPv4Network]) -> ipaddress.IPv4Network:
    for choice in choices:
        candidate = ipaddress.ip_network(choice)
        if not any(candidate.overlaps(other) for other in taken):
            return candidate
    raise ValueError(f"no free range among {', '.join(choices)}: all overlap {', '.join(map(str, taken))}")


def cluster_ranges(vnet_cidr: Optional[str]) -> ClusterRanges:
    """Pod and service ranges that overlap neither ``vnet_cidr`` (when known) nor each other."""
    taken = [ipaddress.ip_network(vnet_cidr)] if vnet_cidr else []
    pods = _first_free(POD_CIDR_CHOICES, taken)
    services = _first_free(SERVICE_CIDR_CHOICES, [*taken, pods])
    return ClusterRanges(pod_cidr=str(pods), service_cidr=str(services),
                         dns_service_ip=str(services.network_address + DNS_SERVICE_HOST))
