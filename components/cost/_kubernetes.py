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
from typing import Callable, Mapping, Optional

from aiscale import clouds
from aiscale.catalog._services import ServicePrice, service_price
from aiscale.facts import tokens
from aiscale.preview.records import ResourceRecord

from . import _charges as charges
from ._egress import with_egress
from ._fleet import Quote, combine
from ._graph import Graph
from ._model import UsageCharge
from ._values import Unpriced, canonical_type, get, is_unknown

LOAD_BALANCER = "LoadBalancer"
"""The ``spec.type`` of a Service that gets a cloud load balancer."""

CLUSTER_CLOUDS = {canonical_type(tokens.AWS_EKS_CLUSTER): "aws",
                  canonical_type(tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER): "azure",
                  canonical_type(tokens.GCP_CONTAINER_CLUSTER): "gcp"}
"""Managed cluster type -> the cloud whose load balancer its Services get."""

AWS_TYPE_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type"
"""The annotation that picks the AWS load balancer of a Service."""
AWS_NLB_TYPES = ("nlb", "nlb-ip", "external")
"""Its values that create a Network Load Balancer (``external``: the AWS Load Balancer
Controller); any other value, or none, leaves the in-tree controller's Classic Load Balancer."""
AWS_NLB_CLASS = "service.k8s.aws/nlb"
"""``spec.loadBalancerClass`` of the AWS Load Balancer Controller (a Network Load Balancer)."""

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
    urns = [*provider.dependencies, *(u for keyed in provider.property_dependencies.values() for u in keyed)]
    for urn in urns:
        found = graph.get(urn)
        if found is not None and canonical_type(found.type) in CLUSTER_CLOUDS:
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
    return BalancedService(record, cluster, CLUSTER_CLOUDS[canonical_type(cluster.type)],
                           annotations, len(ports), len(protocols))


def _earlier(service: BalancedService, graph: Graph, same: Callable[[BalancedService], bool]
             ) -> list[BalancedService]:
    """The LoadBalancer Services before `service` in the preview's records that `same` accepts."""
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


def _shared_rules(what: str, rules: str, own: int, before: list[BalancedService],
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


def _per_gb_usage(record: ResourceRecord, graph: Graph, key: str, what: str, unit_price: float) -> UsageCharge:
    quantity, source = graph.usage.quantity(record, key)
    return UsageCharge(key=key, what=what, unit="GB", unit_price=unit_price, quantity=quantity, source=source)


def _cluster_zones(cluster: ResourceRecord, graph: Graph) -> Optional[int]:
    """The number of zones of an EKS cluster's subnets (``vpcConfig.subnetIds``), when the
    subnets are resources of the preview whose zones are known; else None."""
    urns = cluster.property_dependencies.get("vpcConfig", ())
    subnet = canonical_type(tokens.AWS_EC2_SUBNET)
    subnets = [r for r in (graph.get(u) for u in urns) if r is not None and canonical_type(r.type) == subnet]
    ids = get(cluster.inputs, "vpcConfig", "subnetIds")
    if not subnets and isinstance(ids, list):
        subnets = [r for r in (graph.named_by(i, tokens.AWS_EC2_SUBNET) for i in ids) if r is not None]
    zones = {get(s.inputs, "availabilityZone") for s in subnets}
    if not subnets or any(not isinstance(z, str) or is_unknown(z) for z in zones):
        return None
    return len(zones)


def _aws_public_addresses(service: BalancedService, graph: Graph, region: str, quote: Quote) -> Quote:
    """An internet-facing load balancer's public IPv4 addresses, one per zone it is enabled in
    (the zones of the cluster's subnets), each billed by the hour like any public IPv4 address."""
    zones = _cluster_zones(service.cluster, graph)
    if zones is None:
        missing = ("public IPv4 addresses (one per zone): the zones of the cluster's subnets are not "
                   "known in the preview")
        return Quote(quote.monthly_min, quote.monthly_max, quote.basis,
                     "; ".join(part for part in (quote.unpriced, missing) if part), quote.usage)
    found = charges.price("aws", "vpc", "public-ipv4-address", region)
    return combine([quote, charges.fixed("public IPv4 address of the load balancer (one per zone of the "
                                         "cluster's subnets)", found, zones)])


def _aws(service: BalancedService, graph: Graph) -> Quote:
    from ._aws import aws_region

    region = aws_region(service.cluster, graph)
    kind = str(service.annotations.get(AWS_TYPE_ANNOTATION, "")).lower()
    lb_class = get(service.record.inputs, "spec", "loadBalancerClass")
    if lb_class not in (None, AWS_NLB_CLASS):
        raise Unpriced(f"spec.loadBalancerClass {lb_class!r} hands the Service to a controller aiscale "
                       f"does not know (priced: the in-tree controller and {AWS_NLB_CLASS})")
    if kind in AWS_NLB_TYPES or lb_class == AWS_NLB_CLASS:
        said = f"{AWS_TYPE_ANNOTATION}: {kind}" if kind in AWS_NLB_TYPES else f"loadBalancerClass {lb_class}"
        hours = charges.price("aws", "elb", "network-load-balancer", region)
        quote = charges.fixed(f"network load balancer ({said})", hours)
        capacity = service_price("aws", "elb", "network-load-balancer-capacity-unit", region)
        if capacity is None:
            quote = Quote(quote.monthly_min, quote.monthly_max, quote.basis,
                          f"capacity units: the catalog has no elb network-load-balancer-capacity-unit "
                          f"price for aws {region}")
        else:
            quote = charges.with_usage(quote, (_per_gb_usage(
                service.record, graph, "processed_bytes_gb",
                "capacity units (TCP: 1 NLCU-hour per GB processed)", capacity.price_usd),))
    else:
        said = f"{AWS_TYPE_ANNOTATION}: {kind}" if kind else f"no {AWS_TYPE_ANNOTATION} annotation"
        hours = charges.price("aws", "elb", "classic-load-balancer", region)
        data = charges.price("aws", "elb", "classic-load-balancer-data-processed", region)
        quote = charges.with_usage(
            charges.fixed(f"Classic Load Balancer of the in-tree controller ({said})", hours),
            (charges.usage(service.record, graph, "monthly_data_processed_gb", "data processed", data),))
    if service.internal:
        return quote
    return with_egress(_aws_public_addresses(service, graph, region, quote), service.record, graph, "aws", region)


def _azure(service: BalancedService, graph: Graph) -> Quote:
    from ._azure import azure_location

    location = azure_location(service.cluster, graph)
    what = "internal Standard Load Balancer" if service.internal else "Standard Load Balancer"
    before = _earlier(service, graph, lambda o: o.cluster.urn == service.cluster.urn and o.internal == service.internal)
    rules = _shared_rules(f"cluster's {what}", "rule", service.ports, before, lambda s: s.ports,
                          charges.price("azure", "load-balancer", "standard-included-rules", location),
                          charges.price("azure", "load-balancer", "standard-overage-rule", location))
    parts = [rules]
    if not service.internal:
        ip = charges.price("azure", "network", "public-ip-standard-static", location)
        parts.append(charges.fixed("Standard static public IP (the Service's frontend)", ip))
    data = charges.price("azure", "load-balancer", "standard-data-processed", location)
    quote = charges.with_usage(combine(parts), (charges.usage(service.record, graph, "monthly_data_processed_gb",
                                                              "data processed", data),))
    return quote if service.internal else with_egress(quote, service.record, graph, "azure", location)


def _gcp(service: BalancedService, graph: Graph) -> Quote:
    from ._gcp import gcp_region

    region = gcp_region(service.cluster, graph, "location")
    before = _earlier(service, graph, lambda o: o.cloud == "gcp" and o.cluster.urn == service.cluster.urn)
    kind = "internal passthrough Network Load Balancer" if service.internal else "passthrough Network Load Balancer"
    rules = _shared_rules(kind, "forwarding rule", service.protocols, before, lambda s: s.protocols,
                          charges.price("gcp", "load-balancing", "forwarding-rule-first-5", region),
                          charges.price("gcp", "load-balancing", "forwarding-rule-additional", region))
    data = charges.price("gcp", "load-balancing", "inbound-data-processed", region)
    quote = charges.with_usage(rules, (charges.usage(service.record, graph, "monthly_ingress_data_gb",
                                                     "inbound data processed", data),))
    return quote if service.internal else with_egress(quote, service.record, graph, "gcp", region)


_BY_CLOUD = {"aws": _aws, "azure": _azure, "gcp": _gcp}


def load_balancer_service(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """A Service of type LoadBalancer: its cloud load balancer (see the module); None for any
    other Service type, which costs nothing."""
    service = balanced_service(record, graph)
    if service is None:
        return None
    return _BY_CLOUD[service.cloud](service, graph)


PRICERS = {tokens.K8S_CORE_SERVICE: load_balancer_service}
"""Type token -> pricer for the Kubernetes objects that cost money on their cloud."""
