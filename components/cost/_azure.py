"""Azure pricers: AKS agent pools (alone or inside a managed cluster), VM scale sets (with
their autoscale settings), Azure ML online deployments (unpriced), storage accounts, and the
Azure location of a resource.

Input paths are the engine's camelCase names of azure-native 3 (``vmSize``, ``minCount``,
``sku.capacity``, ``virtualMachineProfile.priority``).
"""

from __future__ import annotations

from typing import Optional

from aiscale.facts import reader, tokens
from aiscale.facts.model import NodePoolFacts
from aiscale.preview.records import ResourceRecord

from ._fleet import ON_DEMAND, SPOT, Fleet, Quote, capacity_note, combine
from ._graph import Graph
from ._pinned import machine_gpus, pinned_nodes
from ._storage import bucket_quote
from ._values import PRICING_ERRORS, Unpriced, canonical_type, get, is_unknown, known_input, known_str, unpriced
from .services._azure import PRICERS as SERVICE_PRICERS
from .services._azure import aks_control_plane, os_disks
from . import _charges as charges
from . import _kubernetes as lb
from ._egress import with_egress


def azure_location(record: ResourceRecord, graph: Graph, *via: str) -> str:
    """The Azure location, normalised ("East US" -> "eastus").

    From the resource's ``location`` input, else the location of the resources its inputs
    `via` came from (the managed cluster of an agent pool, the resource group), else the
    stack's ``azure-native:location``; Unpriced when none is set.
    """
    location = known_input(record.inputs.get("location"), "location")
    for key in (*via, "resourceGroupName"):
        if location is not None:
            break
        source = graph.linked(record, key, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.AZURE_RESOURCES_RESOURCE_GROUP)
        if source is not None:
            location = known_input(source.inputs.get("location"), f"{source.name} location")
    location = location or known_str(graph.config.get("azure-native:location"))
    if location is None:
        raise Unpriced("no Azure location: the resource, its resource group and "
                       "azure-native:location set none")
    return location.replace(" ", "").lower()


def _pool_quote(pool: NodePoolFacts, location: str, inputs: object, record: ResourceRecord,
                graph: Graph) -> Quote:
    """One agent pool (a resource, or one entry of a cluster's agentPoolProfiles): its nodes
    (the minimum raised to what GPU workloads' minimum replicas need) and their OS disks."""
    machine = pool.machine.require_text()
    bounds = pool.bounds.get()
    low, high = bounds.strict()
    capacity = SPOT if pool.spot.get() else ON_DEMAND
    name = pool.name.text()
    note = f" (pool {name}){bounds.note}" if pool.name.path and name else bounds.note
    pin_note = ""
    if canonical_type(record.type) == canonical_type(tokens.AZURE_CONTAINERSERVICE_AGENT_POOL):
        low, pin_note = pinned_nodes(record, graph, low, high, machine_gpus("azure", machine, location))
    assumed = capacity_note(inputs) if isinstance(inputs, dict) else ""
    nodes = Fleet("azure", machine, location, capacity, low, high, note + pin_note + assumed).quote()
    return combine([nodes, os_disks(inputs, location, low, high)])


def agent_pool(record: ResourceRecord, graph: Graph) -> Quote:
    """AKS agent pool: minCount..maxCount when enableAutoScaling, else count, x vmSize, Spot
    when scaleSetPriority is Spot; the location is the cluster's (followed through
    resourceName) or the resource group's or azure-native:location."""
    location = azure_location(record, graph, "resourceName")
    pool, = reader.node_pools(record.type, record.inputs)
    return _pool_quote(pool, location, record.inputs, record, graph)


def managed_cluster(record: ResourceRecord, graph: Graph) -> Quote:
    """AKS managed cluster: the sum of its agentPoolProfiles[] (each priced like an agent
    pool); pools that cannot be priced are reported, the rest still counted."""
    pools = reader.node_pools(record.type, record.inputs)
    location = azure_location(record, graph)
    quotes, missing = [], []
    profiles = record.inputs.get("agentPoolProfiles")
    for index, pool in enumerate(pools):
        try:
            raw = profiles[index] if isinstance(profiles, list) and index < len(profiles) else {}
            quotes.append(_pool_quote(pool, location, raw, record, graph))
        except PRICING_ERRORS as why:
            missing.append(f"agentPoolProfiles[{index}]: {unpriced(why)}")
    if not pools:
        missing.append("agentPoolProfiles is not set")
    total = combine([*quotes, aks_control_plane(record, graph)])
    return Quote(total.monthly_min, total.monthly_max, total.basis, "; ".join(missing))


def _autoscale_bounds(record: ResourceRecord, graph: Graph
                      ) -> tuple[Optional[int], Optional[int], str]:
    """(min, max, note) from the enabled autoscale settings targeting the scale set;
    (None, None, note) when no enabled setting targets it."""
    settings = graph.pointing_at(record, "targetResourceUri", tokens.AZURE_MONITOR_AUTOSCALE_SETTING)
    scaling = {s.urn: reader.autoscaler(s.type, s.inputs) for s in settings}
    enabled = [s for s in settings if scaling[s.urn].enabled.get()]
    if not enabled:
        note = f" (autoscale setting {settings[0].name} is disabled)" if settings else ""
        return None, None, note
    lows, highs = [], []
    for setting in enabled:
        profiles = scaling[setting.urn].profiles
        if profiles.unknown_at or not profiles.get():
            raise Unpriced(f"autoscale setting {setting.name} profiles are unknown or empty")
        for bounds in profiles.get():
            low, high = bounds.strict()
            lows.append(low)
            highs.append(high)
    names = ", ".join(s.name for s in enabled)
    return min(lows), max(highs), f" (bounds from autoscale setting {names})"


def scale_set(record: ResourceRecord, graph: Graph) -> Quote:
    """VM scale set: sku.name, sku.capacity machines, or the min..max of the enabled
    autoscale settings targeting it; Spot when virtualMachineProfile.priority is Spot."""
    group = reader.vm_group(record.type, record.inputs)
    machine = group.machine.require_text()
    low, high, note = _autoscale_bounds(record, graph)
    if low is None or high is None:
        low, high = group.size.strict()
    capacity = SPOT if group.spot.get() else ON_DEMAND
    return Fleet("azure", machine, azure_location(record, graph), capacity, low, high,
                 note).quote()


def virtual_machine(record: ResourceRecord, graph: Graph) -> Quote:
    """Virtual machine: 1 x hardwareProfile.vmSize, Spot when priority is Spot."""
    vm = reader.vm(record.type, record.inputs)
    capacity = SPOT if vm.spot.get() else ON_DEMAND
    return Fleet("azure", vm.machine.require_text(), azure_location(record, graph), capacity,
                 1, 1).quote()


def storage_redundancy(inputs: object) -> str:
    """The redundancy of a storage account's ``sku.name`` ("Standard_LRS" -> "LRS"): a Blob
    price depends on it as much as on the access tier. Unpriced when unknown or not of the
    form ``<performance>_<redundancy>``."""
    name = get(inputs, "sku", "name")
    if name is None or is_unknown(name):
        raise Unpriced("sku.name is unknown during preview" if name is not None else "sku.name is not set")
    if not isinstance(name, str) or "_" not in name:
        raise Unpriced(f"sku.name {name!r} names no redundancy (expected e.g. Standard_LRS)")
    return name.split("_", 1)[1].upper()


def storage_account(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """Azure storage account: GB (tagged, else usage) x the catalog's price of its accessTier
    (default Hot) and ``sku.name`` redundancy in its location, e.g. class ``HOT_LRS``."""
    bucket = reader.bucket(record.type, record.inputs)
    tier = bucket.storage_class.text() or bucket.default_class
    storage_class = f"{tier.upper()}_{storage_redundancy(record.inputs)}"
    return bucket_quote(record, graph, bucket.cloud, azure_location(record, graph), storage_class,
                        bucket.tags.value, bucket.tags.where, "blob-storage")


PRICERS = {
    tokens.AZURE_CONTAINERSERVICE_AGENT_POOL: agent_pool,
    tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER: managed_cluster,
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET: scale_set,
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE: virtual_machine,
    tokens.AZURE_STORAGE_STORAGE_ACCOUNT: storage_account,
    **SERVICE_PRICERS,
}
"""Type token -> pricer for Azure compute, managed ML and storage accounts."""


# Load balancers of Kubernetes Services on AKS (see aiscale.cost._kubernetes).

KUBERNETES_CLUSTERS = (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,)
"""The managed cluster types whose LoadBalancer Services get rules on an Azure load balancer."""
EGRESS_PRICE = ("bandwidth", "internet-egress-first-10tb", "first 10 TB tier")
"""(service, sku, tier said in the basis) of Azure internet egress."""


def load_balancer_service(service: lb.BalancedService, graph: Graph) -> Quote:
    location = azure_location(service.cluster, graph)
    what = "internal Standard Load Balancer" if service.internal else "Standard Load Balancer"
    before = lb.earlier(service, graph, lambda o: o.cluster.urn == service.cluster.urn and o.internal == service.internal)
    rules = lb.shared_rules(f"cluster's {what}", "rule", service.ports, before, lambda s: s.ports,
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


LOAD_BALANCER_SERVICE = load_balancer_service
"""Prices a LoadBalancer Service on this cloud's cluster (called by ``aiscale.cost._kubernetes``)."""
