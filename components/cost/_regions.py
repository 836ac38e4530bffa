"""Where a resource runs: its region, from its own inputs, its provider, or the stack config."""

from __future__ import annotations

from typing import Optional

from aiscale.facts import gcp, tokens
from aiscale.preview.records import ResourceRecord

from ._graph import Graph
from ._values import Unpriced, is_unknown, known_str


def _known(value: object, what: str) -> Optional[str]:
    """`value` if it is a known string; Unpriced when it is unknown during preview."""
    if is_unknown(value):
        raise Unpriced(f"{what} is unknown during preview")
    return known_str(value)


def aws_region(record: ResourceRecord, graph: Graph) -> str:
    """The AWS region: the resource's own ``region`` input (provider 7+), else its provider
    resource's ``region`` input, else the stack's ``aws:region``; Unpriced when none is set."""
    region = _known(record.inputs.get("region"), "region")
    provider = graph.provider(record)
    if region is None and provider is not None:
        region = _known(provider.inputs.get("region"), f"provider {provider.name} region")
    region = region or known_str(graph.config.get("aws:region"))
    if region is None:
        raise Unpriced("no AWS region: the resource, its provider and aws:region set none")
    return region


def azure_location(record: ResourceRecord, graph: Graph, *via: str) -> str:
    """The Azure location, normalised ("East US" -> "eastus").

    From the resource's ``location`` input, else the location of the resources its inputs
    `via` came from (the managed cluster of an agent pool, the resource group), else the
    stack's ``azure-native:location``; Unpriced when none is set.
    """
    location = _known(record.inputs.get("location"), "location")
    for key in (*via, "resourceGroupName"):
        if location is not None:
            break
        source = graph.linked(record, key, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.AZURE_RESOURCES_RESOURCE_GROUP)
        if source is not None:
            location = _known(source.inputs.get("location"), f"{source.name} location")
    location = location or known_str(graph.config.get("azure-native:location"))
    if location is None:
        raise Unpriced("no Azure location: the resource, its resource group and "
                       "azure-native:location set none")
    return location.replace(" ", "").lower()


gcp_region_of = gcp.region_of
is_gcp_zone = gcp.is_zone


def gcp_location(record: ResourceRecord, graph: Graph, *keys: str) -> str:
    """The GCP location as written (region or zone): the first of the resource's inputs
    `keys` (default region, location, zone), else the stack's ``gcp:region`` or ``gcp:zone``;
    Unpriced when none is set."""
    for key in keys or ("region", "location", "zone"):
        value = _known(record.inputs.get(key), key)
        if value is not None:
            return value.lower()
    for key in ("gcp:region", "gcp:zone"):
        value = known_str(graph.config.get(key))
        if value is not None:
            return value.lower()
    raise Unpriced("no GCP region: the resource and gcp:region set none")


def gcp_region(record: ResourceRecord, graph: Graph, *keys: str) -> str:
    """The GCP region of a resource (a zone input gives its region); see `gcp_location`."""
    return gcp_region_of(gcp_location(record, graph, *keys))
