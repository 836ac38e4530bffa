"""AWS pricers for the services that are not machines: the EKS control plane, NAT gateways,
public IPv4 addresses, KMS keys, CloudWatch log groups, load balancers, EBS volumes, SageMaker
endpoints, and the root volumes of node groups.

Prices come from the catalog's service prices (``aiscale.catalog._services``).
"""

from __future__ import annotations

from typing import Optional

from aiscale.facts import aws as aws_facts
from aiscale.facts import tokens
from aiscale.preview.records import ResourceRecord

from .. import _charges as charges
from .._fleet import Quote
from .._graph import Graph
from ._gateway import hourly_nat_gateway
from .._values import Unpriced, get, is_unknown

EKS_DEFAULT_SUPPORT = "EXTENDED"
"""The EKS API's ``upgradePolicy.supportType`` when it is omitted."""

LOAD_BALANCER_SKUS = {"application": "application-load-balancer",
                      "network": "network-load-balancer"}
"""``loadBalancerType`` -> the service price; application is the provider's default."""

_APPAUTOSCALING_TARGET = tokens.AWS_APPAUTOSCALING_TARGET
_EKS_CLUSTER = tokens.AWS_EKS_CLUSTER
_ENDPOINT_CONFIGURATION = tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION


def _region(record: ResourceRecord, graph: Graph) -> str:
    from .._aws import aws_region

    return aws_region(record, graph)


def eks_cluster(record: ResourceRecord, graph: Graph) -> Quote:
    """EKS control plane: $0.10/h in standard support; with ``upgradePolicy.supportType``
    EXTENDED (the API default when omitted) up to $0.60/h once its version leaves standard
    support, so the maximum is the extended rate."""
    region = _region(record, graph)
    support = get(record.inputs, "upgradePolicy", "supportType")
    standard = charges.price("aws", "eks", "cluster-standard-support", region)
    if is_unknown(support) or (support or EKS_DEFAULT_SUPPORT).upper() != "STANDARD":
        extended = charges.price("aws", "eks", "cluster-extended-support", region)
        said = "omitted: the API default EXTENDED" if support is None else str(support)
        low = charges.fixed("EKS control plane", standard)
        return Quote(low.monthly_min, charges.monthly_of(extended),
                     f"{low.basis}; up to {charges.per(extended)} in extended support "
                     f"(upgradePolicy.supportType {said})")
    return charges.fixed("EKS control plane (standard support)", standard, note=f" in {region}")


def nat_gateway(record: ResourceRecord, graph: Graph) -> Quote:
    """NAT gateway: hours, plus the GB it processes (usage ``monthly_data_processed_gb``) and
    the GB it sends to the internet (usage ``monthly_outbound_internet_gb``)."""
    return hourly_nat_gateway(record, graph, "aws", "vpc", _region(record, graph))


def elastic_ip(record: ResourceRecord, graph: Graph) -> Quote:
    """Elastic IP: a public IPv4 address, charged per hour whether attached or not."""
    found = charges.price("aws", "vpc", "public-ipv4-address", _region(record, graph))
    return charges.fixed("public IPv4 address (Elastic IP)", found)


def kms_key(record: ResourceRecord, graph: Graph) -> Quote:
    """KMS customer managed key: $1 a key-month, plus requests (usage ``monthly_requests``)."""
    region = _region(record, graph)
    key = charges.price("aws", "kms", "customer-managed-key", region)
    requests = charges.price("aws", "kms", "requests", region)
    return charges.with_usage(charges.fixed("KMS key", key),
                              (charges.usage(record, graph, "monthly_requests", "requests", requests),))


def log_group(record: ResourceRecord, graph: Graph) -> Quote:
    """CloudWatch log group: GB ingested and GB stored, both usage-based."""
    region = _region(record, graph)
    ingest = charges.price("aws", "cloudwatch-logs", "ingestion", region)
    store = charges.price("aws", "cloudwatch-logs", "storage", region)
    days = get(record.inputs, "retentionInDays")
    kept = f" (retention {days} days)" if isinstance(days, (int, float)) else " (kept forever)"
    return charges.usage_only((charges.usage(record, graph, "monthly_data_ingested_gb", "ingestion", ingest),
                               charges.usage(record, graph, "storage_gb", "storage", store)),
                              f"CloudWatch Logs in {region}{kept}")


def load_balancer(record: ResourceRecord, graph: Graph) -> Quote:
    """Application or network load balancer: hours (capacity units are not estimated)."""
    kind = get(record.inputs, "loadBalancerType") or "application"
    if is_unknown(kind):
        raise Unpriced("loadBalancerType is unknown during preview")
    sku = LOAD_BALANCER_SKUS.get(str(kind))
    if sku is None:
        raise Unpriced(f"the catalog has no price for a {kind} load balancer")
    found = charges.price("aws", "elb", sku, _region(record, graph))
    return charges.fixed(f"{kind} load balancer", found,
                         note=" (capacity units per use are not estimated)")


def ebs_volume(record: ResourceRecord, graph: Graph) -> Quote:
    """EBS volume: size GB x the GB-month price of its type (default gp3)."""
    size = get(record.inputs, "size")
    if is_unknown(size) or not isinstance(size, (int, float)):
        raise Unpriced("size is unknown or not set")
    kind = get(record.inputs, "type") or "gp3"
    found = charges.price("aws", "ebs", str(kind), _region(record, graph))
    return charges.fixed(f"GB {kind}", found, size)


def root_volumes(template: Optional[ResourceRecord], disk_size: object, region: str,
                 low: int, high: int) -> Optional[Quote]:
    """The root volumes of `low`..`high` nodes: the launch template's first EBS mapping, else
    the node group's ``diskSize`` (gp2, the node group's own volume type); None when neither
    says a size."""
    size, kind = None, "gp2"
    if template is not None:
        ebs = get(template.inputs, "blockDeviceMappings", 0, "ebs")
        if isinstance(ebs, dict) and isinstance(ebs.get("volumeSize"), (int, float)):
            size, kind = ebs["volumeSize"], ebs.get("volumeType") or "gp2"
    if size is None and isinstance(disk_size, (int, float)):
        size = disk_size
    if size is None:
        return None
    found = charges.price("aws", "ebs", str(kind), region)
    count = str(low) if low == high else f"{low}-{high}"
    return Quote(low * size * found.price_usd, high * size * found.price_usd,
                 f"{count} x {size:g} GB {kind} root volume at {charges.per(found)}")


def _scaling_bounds(endpoint: ResourceRecord, graph: Graph, variant: str,
                    initial: int) -> tuple[int, int, str]:
    for target in graph.pointing_at(endpoint, "resourceId", _APPAUTOSCALING_TARGET):
        scaled = aws_facts.scaled_variant(target.inputs.get("resourceId"))
        if scaled is not None and scaled[1] == variant:
            low, high = target.inputs.get("minCapacity"), target.inputs.get("maxCapacity")
            if isinstance(low, (int, float)) and isinstance(high, (int, float)):
                return int(low), int(high), f" (bounds from scaling target {target.name})"
    return initial, initial, " (initialInstanceCount, no scaling target)"


def sagemaker_endpoint(record: ResourceRecord, graph: Graph) -> Quote:
    """SageMaker real-time endpoint: each variant of its configuration, min..max instances
    (the application autoscaling target's capacity, else ``initialInstanceCount``) x the
    catalog's SageMaker hosting price of the ``ml.*`` type."""
    config = graph.linked(record, "endpointConfigName", _ENDPOINT_CONFIGURATION)
    if config is None:
        raise Unpriced("endpointConfigName names no endpoint configuration in the preview")
    variants = config.inputs.get("productionVariants")
    if is_unknown(variants) or not isinstance(variants, list) or not variants:
        raise Unpriced(f"endpoint configuration {config.name} productionVariants is unknown or empty")
    region = _region(record, graph)
    quotes = []
    for variant in variants:
        machine, initial = variant.get("instanceType"), variant.get("initialInstanceCount", 1)
        if not isinstance(machine, str) or is_unknown(machine):
            raise Unpriced(f"endpoint configuration {config.name}: a variant has no known "
                           "instanceType (serverless variants are not estimated)")
        low, high, note = _scaling_bounds(record, graph, str(variant.get("variantName")), int(initial))
        found = charges.price("aws", "sagemaker-hosting", machine, region)
        quotes.append(charges.fixed(f"{machine} SageMaker hosting", found, low, high, note=note))
    from .._fleet import combine

    return combine(quotes)


def sagemaker_configuration(record: ResourceRecord, graph: Graph) -> None:
    """An endpoint configuration costs nothing by itself: its endpoint is priced."""
    return None


PRICERS = {
    _EKS_CLUSTER: eks_cluster,
    tokens.AWS_EC2_NAT_GATEWAY: nat_gateway,
    tokens.AWS_EC2_EIP: elastic_ip,
    tokens.AWS_KMS_KEY: kms_key,
    tokens.AWS_KMS_REPLICA_KEY: kms_key,
    tokens.AWS_KMS_EXTERNAL_KEY: kms_key,
    tokens.AWS_CLOUDWATCH_LOG_GROUP: log_group,
    tokens.AWS_LB_LOAD_BALANCER: load_balancer,
    tokens.AWS_ALB_LOAD_BALANCER: load_balancer,
    tokens.AWS_EBS_VOLUME: ebs_volume,
    tokens.AWS_SAGEMAKER_ENDPOINT: sagemaker_endpoint,
    _ENDPOINT_CONFIGURATION: sagemaker_configuration,
}
"""Type token -> pricer for the AWS services priced from the service prices."""
