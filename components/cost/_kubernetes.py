"""Kubernetes Services of type ``LoadBalancer``: the cloud load balancer that the cluster's
controller creates for one, priced on the cloud and in the region of that cluster.

The Service names no cloud. It runs on the cluster its Kubernetes provider was built from: the
provider resource depends on the EKS, AKS or GKE cluster whose outputs make its kubeconfig, and
the cluster's own pricer inputs give the region. What the controller creates:

- EKS: a Network Load Balancer when ``service.beta.kubernetes.io/aws-load-balancer-type`` is
  ``nlb`` / ``nlb-ip`` / ``external`` or ``spec.loadBalancerClass`` is the AWS Load Balancer
  Controller's; otherwise the in-tree controller's Classic Load Balancer. Each Service gets its
  own load balancer, billed by the hour, plus capacity units (NLB, usage ``processed_bytes_gb``)
  or data processed (Classic, usage ``monthly_data_processed_gb``); an internet-facing one also
  holds a public IPv4 address per zone of the cluster's subnets, billed by the hour.
- AKS: a rule (one per port) on the cluster's Standard Load Balancer and, when public, a
  Standard static public IP. The load balancer's first 5 rules cost one hourly charge, which the
  cluster's first such Service carries; each rule beyond 5 is billed by the hour; data processed
  is usage ``monthly_data_processed_gb``. Public and internal Services use two load balancers.
- GKE: a passthrough Network Load Balancer, one forwarding rule per protocol. The first 5
  forwarding rules cost one hourly charge, carried by the cluster's first such Service (other
  forwarding rules of the project are not seen); each rule beyond 5 is billed by the hour;
  inbound data processed is usage ``monthly_ingress_data_gb``.

A public load balancer also sends its responses to the internet (usage
``monthly_outbound_internet_gb``). Any other Service type (ClusterIP, NodePort) costs nothing
and is not listed; a LoadBalancer Service whose cluster is not found is unpriced with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Mapping, Optional

from aiscale import clouds
from aiscale.catalog._services import ServicePrice
from aiscale.facts import tokens
from aiscale.preview.records import ResourceRecord

from . import _charges as charges
from ._fleet import Quote, combine
from ._graph import Graph
from ._model import UsageCharge
from ._values import Unpriced, canonical_type, get, is_unknown

LOAD_BALANCER = "LoadBalancer"
"""The ``spec.type`` of a Service that gets a cloud load balancer."""


@lru_cache(maxsize=1)
def cluster_clouds() -> Mapping[str, str]:
    """Managed cluster type (canonical) -> the cloud whose load balancer its Services get (each
    cloud's cost module names its ``KUBERNETES_CLUSTERS``)."""
    return MappingProxyType({canonical_type(token): cloud.name for cloud in clouds.adapters()
                             for token in cloud.cost_module().KUBERNETES_CLUSTERS})

FIRST_RULES = 5
"""Rules (Azure) or forwarding rules (GCP) covered by the first hourly charge."""


@dataclass(frozen=True)
class BalancedService:
    """A LoadBalancer Service and where its load balancer is created."""

    record: ResourceRecord
    """The Service."""
    cluster: ResourceRecord
    """The managed cluster its provider was built from."""
    cloud: str
    """The cluster's cloud."""
    annotations: Mapping[str, str]
    """``metadata.annotations`` (empty when none)."""
    ports: int
    """Ports of ``spec.ports`` (at least 1): one load-balancing rule each on Azure."""
    protocols: int
    """Distinct protocols of ``spec.ports`` (at least 1): one forwarding rule each on GCP."""

    @property
    def internal(self) -> bool:
        """True when an annotation of the cloud makes the load balancer internal."""
        marks = clouds.adapter(self.cloud).internal_service_annotations
        return any(str(self.annotations.get(key, "")).lower() == value for key, value in marks.items())

    @property
    def name(self) -> str:
        """The Service's logical name."""
        return self.record.name


def cluster_of(record: ResourceRecord, graph: Graph) -> ResourceRecord:
    """The EKS, AKS or GKE cluster the Kubernetes object runs on: the cluster its provider
    resource depends on. Unpriced saying why when there is none in the preview."""
    provider = graph.provider(record)
    if provider is None:
        raise Unpriced("its Kubernetes provider is the default one (the ambient kubeconfig), so no "
                       "cluster of this preview says which cloud and region its load balancer is in")
    found = graph.source(provider, *cluster_clouds())
    if found is not None:
        return found
    raise Unpriced(f"its Kubernetes provider {provider.name} is not built from an EKS, AKS or GKE "
                   "cluster of this preview, so no cloud and region for its load balancer is known")


def balanced_service(record: ResourceRecord, graph: Graph) -> Optional[BalancedService]:
    """The Service if it is of type LoadBalancer (None for any other type)."""
    kind = get(record.inputs, "spec", "type")
    if is_unknown(kind):
        raise Unpriced("spec.type is unknown during preview")
    if kind != LOAD_BALANCER:
        return None
    annotations = get(record.inputs, "metadata", "annotations") or {}
    if is_unknown(annotations) or not isinstance(annotations, dict):
        raise Unpriced("metadata.annotations is unknown during preview")
    ports = get(record.inputs, "spec", "ports")
    ports = ports if isinstance(ports, list) and ports else [{}]
    protocols = {str(p.get("protocol") or "TCP") if isinstance(p, dict) else "TCP" for p in ports}
    cluster = cluster_of(record, graph)
    return BalancedService(record, cluster, cluster_clouds()[canonical_type(cluster.type)],
                           annotations, len(ports), len(protocols))


def earlier(service: BalancedService, graph: Graph, same: Callable[[BalancedService], bool]
             ) -> list[BalancedService]:
    """The LoadBalancer Services before `service` in the preview's records that `same` accepts
    (the Services sharing one cloud load balancer's first-rules charge)."""
    found = []
    for record in graph.records:
        if record.urn == service.record.urn:
            break
        if canonical_type(record.type) != canonical_type(tokens.K8S_CORE_SERVICE):
            continue
        try:
            other = balanced_service(record, graph)
        except Unpriced:
            continue
        if other is not None and same(other):
            found.append(other)
    return found


def shared_rules(what: str, rules: str, own: int, before: list[BalancedService],
                  count: Callable[[BalancedService], int], first: ServicePrice, extra: ServicePrice) -> Quote:
    """`own` `rules` (singular word) added after those of the `before` Services (earlier in the
    preview's order) on the same `what`: the first-5
    charge when none came before, plus each rule beyond the first 5 at `extra`'s price."""
    earlier = sum(count(s) for s in before)
    beyond = max(0, earlier + own - max(FIRST_RULES, earlier))
    parts = []
    if not before:
        parts.append(charges.fixed(f"{what}, first {FIRST_RULES} {rules}s (this Service's {_many(own, rules)})",
                                   first))
    else:
        parts.append(Quote(0.0, 0.0, f"{_many(own, rules)} on the {what} of Service {before[0].name}, which "
                                     f"carries the first-{FIRST_RULES} charge"))
    if beyond:
        parts.append(charges.fixed(f"{rules} beyond the first {FIRST_RULES}", extra, beyond))
    return combine(parts)


def _many(count: int, word: str) -> str:
    """"1 rule", "5 rules"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def per_gb_usage(record: ResourceRecord, graph: Graph, key: str, what: str, unit_price: float) -> UsageCharge:
    """A usage charge of `key` (GB) at `unit_price`, with the quantity the usage gives."""
    quantity, source = graph.usage.quantity(record, key)
    return UsageCharge(key=key, what=what, unit="GB", unit_price=unit_price, quantity=quantity, source=source)


def load_balancer_service(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """A Service of type LoadBalancer: its cloud load balancer (see the module); None for any
    other Service type, which costs nothing."""
    service = balanced_service(record, graph)
    if service is None:
        return None
    return clouds.adapter(service.cloud).cost_module().LOAD_BALANCER_SERVICE(service, graph)


PRICERS = {tokens.K8S_CORE_SERVICE: load_balancer_service}
"""Type token -> pricer for the Kubernetes objects that cost money on their cloud."""
