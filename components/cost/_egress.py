"""Internet egress: the GB a bucket, a NAT gateway or a public load balancer sends to the
internet, a usage-based charge (usage key ``monthly_outbound_internet_gb``, Infracost's name
for outbound internet data transfer).

Each cloud bills it per GB from the region the data leaves, in volume tiers; the estimate uses
the first paid tier's price (AWS and Azure: up to 10 TB a month, GCP Premium tier: up to 1 TB),
which is also the highest, so larger volumes are over- rather than under-estimated. The free
allowances (100 GB a month per account on AWS and Azure) are not subtracted: they are shared by
every resource of the account.
"""

from __future__ import annotations

from aiscale import clouds
from aiscale.catalog._services import service_price
from aiscale.preview.records import ResourceRecord

from . import _charges as charges
from ._fleet import Quote
from ._graph import Graph

EGRESS_KEY = "monthly_outbound_internet_gb"
"""The usage key of internet egress (Infracost's ``aws_data_transfer`` key)."""



def egress_price(cloud: str) -> tuple[str, str, str]:
    """(service, sku, tier said in the basis) of the cloud's internet egress service price: its
    cost module's ``EGRESS_PRICE``."""
    return clouds.adapter(cloud).cost_module().EGRESS_PRICE


def with_egress(quote: Quote, record: ResourceRecord, graph: Graph, cloud: str, region: str) -> Quote:
    """`quote` plus the internet egress of `record` at the cloud's price in `region`; when the
    catalog has no such price, the quote says so in its unpriced reason (never a silent $0)."""
    service, sku, tier = egress_price(cloud)
    found = service_price(cloud, service, sku, region)
    if found is None:
        missing = f"internet egress: the catalog has no {service} {sku} price for {cloud} {region}"
        return Quote(quote.monthly_min, quote.monthly_max, quote.basis,
                     "; ".join(part for part in (quote.unpriced, missing) if part), quote.usage)
    return charges.with_usage(quote, (charges.usage(record, graph, EGRESS_KEY,
                                                    f"internet egress ({tier})", found),))
