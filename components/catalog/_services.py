"""List prices of the cloud services that are not machines: control planes, NAT gateways,
public IPs, disks, keys, logs, load balancers, object storage classes, managed inference.

Data: ``data/service_prices.csv`` (cloud, service, sku, region, unit, price_usd) and its
provenance ``data/service_prices_sources.csv`` (source URL, the date the price was taken, how it
was checked), one row each. A region of ``*`` is a price the provider lists the same in every
region (EKS's cluster fee, a KMS key); any other region is exact: a price is never borrowed
from another region.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping, Optional

from ._data import _read_rows

SERVICE_PRICES_FILE = "service_prices.csv"
"""Non-machine list prices, one row per (cloud, service, sku, region)."""

SERVICE_PRICES_SOURCES_FILE = "service_prices_sources.csv"
"""Where each row of SERVICE_PRICES_FILE comes from and when it was taken."""

ANY_REGION = "*"
"""The region of a price that is the same in every region."""

UNITS = ("hour", "month", "GB-month", "GB", "10k-requests", "second", "vcpu-second",
         "gib-second")
"""The units a service price may be quoted in."""


@dataclass(frozen=True)
class ServicePrice:
    """One list price of a cloud service."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    service: str
    """The provider's service, e.g. "eks", "vpc", "cloudwatch-logs"."""
    sku: str
    """What is sold, e.g. "cluster-standard-support", "nat-gateway", "gp3"."""
    region: str
    """The region the price applies to, or "*" for every region."""
    unit: str
    """What one `price_usd` buys (one of UNITS)."""
    price_usd: float
    """USD per unit."""
    source: str
    """The provider page the price was transcribed from."""
    as_of: str
    """The date the price was taken (ISO 8601)."""


def _price(row: Mapping[str, str], sources: Mapping[tuple, Mapping[str, str]]) -> ServicePrice:
    key = (row["cloud"], row["service"], row["sku"], row["region"])
    if row["unit"] not in UNITS:
        raise ValueError(f"{SERVICE_PRICES_FILE}: {key} unit {row['unit']!r} is not one of {UNITS}")
    price = float(row["price_usd"])
    if price < 0:
        raise ValueError(f"{SERVICE_PRICES_FILE}: {key} price {price} is negative")
    source = sources.get(key)
    if source is None:
        raise ValueError(f"{SERVICE_PRICES_SOURCES_FILE}: no source row for {key}")
    return ServicePrice(*key, unit=row["unit"], price_usd=price, source=source["source"],
                        as_of=source["as_of"])


@lru_cache(maxsize=1)
def _table() -> Mapping[tuple[str, str, str, str], ServicePrice]:
    sources = {(r["cloud"], r["service"], r["sku"], r["region"]): r
               for r in _read_rows(SERVICE_PRICES_SOURCES_FILE)}
    prices = [_price(row, sources) for row in _read_rows(SERVICE_PRICES_FILE)]
    table = {(p.cloud, p.service, p.sku, p.region): p for p in prices}
    if len(table) != len(prices):
        raise ValueError(f"{SERVICE_PRICES_FILE}: a (cloud, service, sku, region) appears twice")
    return MappingProxyType(table)


def service_prices() -> tuple[ServicePrice, ...]:
    """Every service price, sorted by (cloud, service, sku, region)."""
    return tuple(price for _key, price in sorted(_table().items()))


def service_price(cloud: str, service: str, sku: str, region: str) -> Optional[ServicePrice]:
    """The price of `sku` of `service` in `region` (or its every-region price), else None."""
    table = _table()
    return table.get((cloud, service, sku, region)) or table.get((cloud, service, sku, ANY_REGION))


def services_snapshot_date() -> str:
    """The date of the newest service price (ISO 8601): when this snapshot was taken."""
    return max(price.as_of for price in _table().values())
