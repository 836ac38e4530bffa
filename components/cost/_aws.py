"""AWS pricers: EKS managed node groups, Auto Scaling groups, EC2 instances, SageMaker, S3
buckets, and the AWS region of a resource.

Input paths are the engine's camelCase names of pulumi-aws 7 (``scalingConfig.minSize``,
``mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity``).
"""

from __future__ import annotations

import math
from typing import Optional

from aiscale import catalog
from aiscale.facts import aws, reader, tokens
from aiscale.facts.values import Input
from aiscale.preview.records import ResourceRecord

from ._fleet import ON_DEMAND, SPOT, Fleet, Quote, capacity_note, combine, count_text, hourly, offering, price_text
from ._graph import Graph
from ._pinned import machine_gpus, pinned_nodes
from ._storage import bucket_quote
from ._values import Unpriced, is_unknown, known_input, known_str
from .services._aws import PRICERS as SERVICE_PRICERS
from .services._aws import root_volumes
from aiscale.catalog._services import service_price
from . import _charges as charges
from . import _kubernetes as lb
from ._egress import with_egress
from ._values import get


ASG_DEFAULT_ON_DEMAND_PERCENT = 100
"""AWS default of ``onDemandPercentageAboveBaseCapacity`` when a mixed policy omits it."""


def aws_region(record: ResourceRecord, graph: Graph) -> str:
    """The AWS region: the resource's own ``region`` input (provider 7+), else its provider
    resource's ``region`` input, else the stack's ``aws:region``; Unpriced when none is set."""
    region = known_input(record.inputs.get("region"), "region")
    provider = graph.provider(record)
    if region is None and provider is not None:
        region = known_input(provider.inputs.get("region"), f"provider {provider.name} region")
    region = region or known_str(graph.config.get("aws:region"))
    if region is None:
        raise Unpriced("no AWS region: the resource, its provider and aws:region set none")
    return region


def _launch_template(record: ResourceRecord, graph: Graph, *keys: str) -> Optional[ResourceRecord]:
    """The launch template that one of the inputs `keys` refers to, if it is in the preview."""
    for key in keys:
        found = graph.linked(record, key, tokens.AWS_EC2_LAUNCH_TEMPLATE)
        if found is not None:
            return found
    return None


def _machine(own: Input, template: Optional[ResourceRecord]) -> str:
    """The instance type input `own` of the resource, else its launch template's instanceType."""
    own_type = own.known()  # UnknownValue naming the path when not known during preview
    if known_str(own_type):
        return own_type
    if template is not None:
        from_template = template.inputs.get("instanceType")
        if is_unknown(from_template):
            raise Unpriced(f"launch template {template.name} instanceType is unknown during preview")
        if known_str(from_template):
            return from_template
    raise Unpriced(f"{own.where} is not set and no launch template in the preview sets "
                   "instanceType")


def _market_is_spot(inputs: dict) -> bool:
    """True when ``instanceMarketOptions.marketType`` asks for spot."""
    return aws.market_is_spot(inputs)


def node_group(record: ResourceRecord, graph: Graph) -> Quote:
    """EKS managed node group: scalingConfig.minSize..maxSize x instanceTypes[0] (or the launch
    template's instanceType), capacityType SPOT or ON_DEMAND (the default)."""
    pool, = reader.node_pools(record.type, record.inputs)
    template = _launch_template(record, graph, pool.launch_template_key)
    machine = _machine(pool.machine, template)
    capacity = SPOT if pool.spot.get() else ON_DEMAND
    types = pool.machine_list.value
    note = (f" (first of {len(types)} instance types)"
            if isinstance(types, list) and len(types) > 1 else "")
    region = aws_region(record, graph)
    low, high = pool.bounds.get().strict()
    note += capacity_note(record.inputs, template.inputs if template is not None else None)
    pinned, pin_note = pinned_nodes(record, graph, low, high, machine_gpus("aws", machine, region))
    nodes = Fleet("aws", machine, region, capacity, pinned, high, note + pin_note).quote()
    disks = root_volumes(template, record.inputs.get("diskSize"), region, pinned, high)
    return combine([nodes, disks]) if disks is not None else nodes


def _on_demand_count(size: int, base: int, percent: int) -> int:
    """Instances launched on-demand out of `size`: the base, then `percent` of the rest
    (rounded up, so the estimate leans to the dearer side)."""
    return min(size, base) + math.ceil(max(size - base, 0) * percent / 100)


def autoscaling_group(record: ResourceRecord, graph: Graph) -> Quote:
    """Auto Scaling group: minSize..maxSize x the launch template's instanceType (or the first
    mixed-policy override). Spot when the mixed policy buys no on-demand (base 0, 0% above
    base) or, without a mixed policy, when the template's market type is spot; a partly
    on-demand mixed policy is priced instance by instance."""
    group = reader.vm_group(record.type, record.inputs)
    low, high = group.size.strict()
    region = aws_region(record, graph)
    template = _launch_template(record, graph, *group.template_keys)
    machine = _machine(group.machine, template)
    if not isinstance(group.mixed_policy.value, dict):
        spot = template is not None and _market_is_spot(template.inputs)
        return Fleet("aws", machine, region, SPOT if spot else ON_DEMAND, low, high).quote()
    base = group.on_demand_base.count(0)
    percent = group.on_demand_percent.count(ASG_DEFAULT_ON_DEMAND_PERCENT)
    if base == 0 and percent in (0, 100):
        capacity = SPOT if percent == 0 else ON_DEMAND
        return Fleet("aws", machine, region, capacity, low, high).quote()
    found = offering("aws", machine, region)
    on_demand, spot = hourly(found, ON_DEMAND), hourly(found, SPOT)
    hours = catalog.HOURS_PER_MONTH

    def monthly(size: int) -> float:
        paid = _on_demand_count(size, base, percent)
        return (paid * on_demand + (size - paid) * spot) * hours

    basis = (f"{count_text(low, high)} x {machine} in {region}: {base} on-demand base + "
             f"{percent}% on-demand above base (rounded up), the rest spot, at "
             f"{price_text(on_demand)}/h on-demand and {price_text(spot)}/h spot x {hours} h")
    return Quote(monthly(low), monthly(high), basis)


def instance(record: ResourceRecord, graph: Graph) -> Quote:
    """EC2 instance: 1 x instanceType (or its launch template's), spot when its (or the
    template's) instanceMarketOptions.marketType is spot."""
    template = _launch_template(record, graph, "launchTemplate")
    vm = reader.vm(record.type, record.inputs)
    machine = _machine(vm.machine, template)
    spot = vm.spot.get() or (template is not None and _market_is_spot(template.inputs))
    return Fleet("aws", machine, aws_region(record, graph), SPOT if spot else ON_DEMAND,
                 1, 1).quote()


def s3_bucket(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """S3 bucket tagged with an expected size: GB x the S3 STANDARD price of its region."""
    bucket = reader.bucket(record.type, record.inputs)
    return bucket_quote(record, graph, bucket.cloud, aws_region(record, graph), bucket.default_class,
                        bucket.tags.value, bucket.tags.where, "s3")


PRICERS = {
    tokens.AWS_EKS_NODE_GROUP: node_group,
    tokens.AWS_AUTOSCALING_GROUP: autoscaling_group,
    tokens.AWS_EC2_INSTANCE: instance,
    tokens.AWS_S3_BUCKET: s3_bucket,
    tokens.AWS_S3_BUCKET_V2: s3_bucket,
    **SERVICE_PRICERS,
}
"""Type token -> pricer for AWS compute, managed ML and S3."""


# Load balancers of Kubernetes Services on EKS (see aiscale.cost._kubernetes).

KUBERNETES_CLUSTERS = (tokens.AWS_EKS_CLUSTER,)
"""The managed cluster types whose LoadBalancer Services get an AWS load balancer."""
AWS_TYPE_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type"
"""The annotation that picks the AWS load balancer of a Service."""
AWS_NLB_TYPES = ("nlb", "nlb-ip", "external")
"""Its values that create a Network Load Balancer (``external``: the AWS Load Balancer
Controller); any other value, or none, leaves the in-tree controller's Classic Load Balancer."""
AWS_NLB_CLASS = "service.k8s.aws/nlb"
"""``spec.loadBalancerClass`` of the AWS Load Balancer Controller (a Network Load Balancer)."""
EGRESS_PRICE = ("data-transfer", "internet-egress-first-10tb", "first 10 TB tier")
"""(service, sku, tier said in the basis) of AWS internet egress."""


def _cluster_zones(cluster: ResourceRecord, graph: Graph) -> Optional[int]:
    """The number of zones of an EKS cluster's subnets (``vpcConfig.subnetIds``), when the
    subnets are resources of the preview whose zones are known; else None."""
    subnets = graph.all_linked(cluster, "vpcConfig", tokens.AWS_EC2_SUBNET)
    zones = {get(s.inputs, "availabilityZone") for s in subnets}
    if not subnets or any(not isinstance(z, str) or is_unknown(z) for z in zones):
        return None
    return len(zones)


def _aws_public_addresses(service: lb.BalancedService, graph: Graph, region: str, quote: Quote) -> Quote:
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


def load_balancer_service(service: lb.BalancedService, graph: Graph) -> Quote:
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
            quote = charges.with_usage(quote, (lb.per_gb_usage(
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


LOAD_BALANCER_SERVICE = load_balancer_service
"""Prices a LoadBalancer Service on this cloud's cluster (called by ``aiscale.cost._kubernetes``)."""
