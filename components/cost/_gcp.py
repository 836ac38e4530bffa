"""GCP pricers: GKE node pools, managed instance groups (with autoscalers and instance
templates), single instances, Cloud Run services with GPUs (unpriced), Cloud Storage
buckets, and the GCP region of a resource.

Input paths are the engine's camelCase names of pulumi-gcp 10 (``nodeConfig.machineType``,
``autoscaling.minNodeCount``, ``autoscalingPolicy.maxReplicas``, ``scheduling.provisioningModel``).
"""

from __future__ import annotations

from typing import Optional

from aiscale.facts import gcp, reader, tokens
from aiscale.preview.records import ResourceRecord

from ._fleet import ON_DEMAND, SPOT, Fleet, Quote, capacity_note, combine
from ._graph import Graph
from ._pinned import machine_gpus, pinned_nodes
from ._storage import bucket_quote
from ._values import Unpriced, count_at, dotted, get, is_unknown, known_input, known_str, require_str
from .services._gcp import PRICERS as SERVICE_PRICERS
from .services._gcp import boot_disks
from . import _charges as charges
from . import _kubernetes as lb
from ._egress import with_egress


def gcp_location(record: ResourceRecord, graph: Graph, *keys: str) -> str:
    """The GCP location as written (region or zone): the first of the resource's inputs
    `keys` (default region, location, zone), else the stack's ``gcp:region`` or ``gcp:zone``;
    Unpriced when none is set."""
    for key in keys or ("region", "location", "zone"):
        value = known_input(record.inputs.get(key), key)
        if value is not None:
            return value.lower()
    for key in ("gcp:region", "gcp:zone"):
        value = known_str(graph.config.get(key))
        if value is not None:
            return value.lower()
    raise Unpriced("no GCP region: the resource and gcp:region set none")


def gcp_region(record: ResourceRecord, graph: Graph, *keys: str) -> str:
    """The GCP region of a resource (a zone input gives its region); see `gcp_location`."""
    return gcp.region_of(gcp_location(record, graph, *keys))


def _attached(inputs: dict, *path: str | int) -> tuple[Optional[str], Optional[int]]:
    """(type, count) of the first guest accelerator at `path`, or (None, None)."""
    accelerators = get(inputs, *path)
    if is_unknown(accelerators):
        raise Unpriced(f"{dotted(*path)} is unknown during preview")
    if not isinstance(accelerators, list) or not accelerators:
        return None, None
    return (require_str(inputs, *path, 0, "type").rsplit("/", 1)[-1],
            count_at(inputs, *path, 0, "count"))


def _pool_location(record: ResourceRecord, graph: Graph) -> str:
    """The node pool's location, else its cluster's, else the stack's gcp:region/zone."""
    if record.inputs.get("location") is None:
        cluster = graph.linked(record, "cluster", tokens.GCP_CONTAINER_CLUSTER)
        if cluster is not None and cluster.inputs.get("location") is not None:
            return gcp_location(cluster, graph, "location")
    return gcp_location(record, graph, "location")


def node_pool(record: ResourceRecord, graph: Graph) -> Quote:
    """GKE node pool: autoscaling.minNodeCount..maxNodeCount PER ZONE x zones (nodeLocations,
    the one zone of a zonal location, else 3 zones of the region, assumed and said so), or
    totalMinNodeCount..totalMaxNodeCount; without autoscaling nodeCount (else
    initialNodeCount) per zone. nodeConfig.spot or preemptible gives spot prices; an N1 host
    is priced with its nodeConfig.guestAccelerators[0] as the catalog row of host + GPU."""
    pool, = reader.node_pools(record.type, record.inputs)
    machine = gcp.machine_name(pool.machine.require_text())
    accelerator, gpus = _attached(record.inputs, *pool.accelerators.path)
    spot = pool.spot.get()
    location = _pool_location(record, graph)
    bounds = pool.bounds.get()
    if not bounds.per_zone:
        low, high = bounds.strict()
        note = bounds.note
    else:
        zones, how = pool.zones(location)
        per_low, per_high = bounds.strict()
        per = str(per_low) if per_low == per_high else f"{per_low}-{per_high}"
        low, high = per_low * zones, per_high * zones
        note = f" ({per} per zone x {how})"
    region = gcp.region_of(location)
    per_node = gpus if accelerator else machine_gpus("gcp", machine, region)
    low, pin_note = pinned_nodes(record, graph, low, high, per_node)
    nodes = Fleet("gcp", machine, region, SPOT if spot else ON_DEMAND, low, high,
                  note + pin_note + capacity_note(record.inputs), accelerator_type=accelerator, gpus=gpus).quote()
    return combine([nodes, boot_disks(record.inputs.get("nodeConfig"), region, low, high)])


def _template_fleet(template: ResourceRecord, region: str, low: int, high: int,
                    note: str) -> Fleet:
    """The fleet of `low`..`high` machines built from an instance template."""
    vm = reader.vm(template.type, template.inputs)
    accelerator, gpus = _attached(template.inputs, *vm.accelerators.path)
    machine = gcp.machine_name(vm.machine.require_text())
    return Fleet("gcp", machine, region, SPOT if vm.spot.get() else ON_DEMAND, low, high, note,
                 accelerator_type=accelerator, gpus=gpus)


def _group_size(record: ResourceRecord, graph: Graph) -> tuple[int, int, str]:
    """(min, max, note) from the autoscalers targeting the group, else targetSize."""
    autoscalers = graph.pointing_at(record, "target", tokens.GCP_COMPUTE_REGION_AUTOSCALER, tokens.GCP_COMPUTE_AUTOSCALER)
    if not autoscalers:
        size = count_at(record.inputs, "targetSize")
        return size, size, " (targetSize, no autoscaler)"
    lows, highs, notes = [], [], []
    for scaler in autoscalers:
        bounds, = reader.autoscaler(scaler.type, scaler.inputs).profiles.get()
        if bounds.low.missing:
            notes.append(f"{scaler.name} minReplicas not set: counted as 0")
        low, high = bounds.strict()
        lows.append(low)
        highs.append(high)
    names = ", ".join(s.name for s in autoscalers)
    detail = "; ".join([f"bounds from autoscaler {names}", *notes])
    return min(lows), max(highs), f" ({detail})"


def instance_group(record: ResourceRecord, graph: Graph) -> Quote:
    """Regional or zonal managed instance group: autoscalingPolicy.minReplicas..maxReplicas of
    the autoscaler targeting it (else targetSize) x the machineType of the instance template
    of versions[0]; spot when the template's scheduling.provisioningModel is SPOT."""
    template = graph.linked(record, "versions", tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE, tokens.GCP_COMPUTE_INSTANCE_TEMPLATE)
    if template is None:
        raise Unpriced("versions[0].instanceTemplate names no instance template in the preview")
    versions = record.inputs.get("versions")
    low, high, note = _group_size(record, graph)
    if isinstance(versions, list) and len(versions) > 1:
        note += f" (first of {len(versions)} versions)"
    return _template_fleet(template, gcp_region(record, graph, "region", "zone"), low, high,
                           note).quote()


def instance(record: ResourceRecord, graph: Graph) -> Quote:
    """Compute Engine instance: 1 x machineType (with guestAccelerators), in its zone."""
    return _template_fleet(record, gcp_region(record, graph, "zone"), 1, 1, "").quote()


def gcs_bucket(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """GCS bucket labelled with an expected size: GB x the price of its storageClass
    (default STANDARD) in its location (a multi-region location has no catalog price)."""
    bucket = reader.bucket(record.type, record.inputs)
    location = known_str(bucket.location.known()) or graph.config.get("gcp:region")
    if not location:
        raise Unpriced("location is not set and neither is gcp:region")
    storage_class = bucket.storage_class.text() or bucket.default_class
    return bucket_quote(record, graph, bucket.cloud, gcp.region_of(location), storage_class.upper(),
                        bucket.tags.value, bucket.tags.where, "cloud-storage")


PRICERS = {
    tokens.GCP_CONTAINER_NODE_POOL: node_pool,
    tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER: instance_group,
    tokens.GCP_COMPUTE_INSTANCE_GROUP_MANAGER: instance_group,
    tokens.GCP_COMPUTE_INSTANCE: instance,
    tokens.GCP_STORAGE_BUCKET: gcs_bucket,
    **SERVICE_PRICERS,
}
"""Type token -> pricer for GCP compute, Cloud Run and Cloud Storage."""


# Load balancers of Kubernetes Services on GKE (see aiscale.cost._kubernetes).

KUBERNETES_CLUSTERS = (tokens.GCP_CONTAINER_CLUSTER,)
"""The managed cluster types whose LoadBalancer Services get a Google Cloud load balancer."""
EGRESS_PRICE = ("network", "internet-egress-premium-first-1tb", "Premium tier, first 1 TB")
"""(service, sku, tier said in the basis) of Google Cloud internet egress (Premium tier)."""


def load_balancer_service(service: lb.BalancedService, graph: Graph) -> Quote:
    region = gcp_region(service.cluster, graph, "location")
    before = lb.earlier(service, graph, lambda o: o.cloud == service.cloud and o.cluster.urn == service.cluster.urn)
    kind = "internal passthrough Network Load Balancer" if service.internal else "passthrough Network Load Balancer"
    rules = lb.shared_rules(kind, "forwarding rule", service.protocols, before, lambda s: s.protocols,
                          charges.price("gcp", "load-balancing", "forwarding-rule-first-5", region),
                          charges.price("gcp", "load-balancing", "forwarding-rule-additional", region))
    data = charges.price("gcp", "load-balancing", "inbound-data-processed", region)
    quote = charges.with_usage(rules, (charges.usage(service.record, graph, "monthly_ingress_data_gb",
                                                     "inbound data processed", data),))
    return quote if service.internal else with_egress(quote, service.record, graph, "gcp", region)


LOAD_BALANCER_SERVICE = load_balancer_service
"""Prices a LoadBalancer Service on this cloud's cluster (called by ``aiscale.cost._kubernetes``)."""
