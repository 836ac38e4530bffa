"""The one shape of a managed NAT gateway's price where a cloud bills it by the hour and by the
GB (AWS NAT gateway, Azure NAT gateway): hours, the GB it processes (usage
``monthly_data_processed_gb``) and the GB it sends to the internet (usage
``monthly_outbound_internet_gb``)."""

from __future__ import annotations

from aiscale.preview.records import ResourceRecord

from .. import _charges as charges
from .._egress import with_egress
from .._fleet import Quote
from .._graph import Graph


def hourly_nat_gateway(record: ResourceRecord, graph: Graph, cloud: str, service: str, region: str) -> Quote:
    """The gateway's hours (sku ``nat-gateway`` of `service`), its data processed (sku
    ``nat-gateway-data-processed``) and its internet egress, in `region` of `cloud`."""
    hours = charges.price(cloud, service, "nat-gateway", region)
    data = charges.price(cloud, service, "nat-gateway-data-processed", region)
    processed = charges.usage(record, graph, "monthly_data_processed_gb", "data processed", data)
    return with_egress(charges.with_usage(charges.fixed("NAT gateway", hours), (processed,)),
                       record, graph, cloud, region)
