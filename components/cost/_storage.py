"""Object storage pricing shared by the clouds' bucket pricers (in each cloud's pricer module).

A bucket's cost depends on how much is stored in it, which no input says. The stored GB come
from the tag (AWS, Azure) or label (GCP) ``aiscale-expected-size-gb``, else from the usage file's
``storage_gb`` (or the model's ``expected_size_gb``); without either the bucket is listed as
usage-based with its price per GB-month.
"""

from __future__ import annotations

from typing import Any, Optional

from aiscale import catalog
from aiscale.catalog._services import service_price
from aiscale.preview.records import ResourceRecord

from ._egress import with_egress
from ._fleet import Quote, price_text
from ._model import UsageCharge
from ._values import Unpriced, is_unknown

EXPECTED_SIZE_KEY = "aiscale-expected-size-gb"
"""Tag / label whose value is the expected stored data in GB (decimal number)."""


def expected_size_gb(tags: Any, where: str) -> Optional[float]:
    """The expected size from the tags/labels map, None when not tagged.

    Raises Unpriced when the value is unknown or not a number >= 0 (naming the tag and value).
    """
    if is_unknown(tags):
        raise Unpriced(f"{where} is unknown during preview")
    if not isinstance(tags, dict) or EXPECTED_SIZE_KEY not in tags:
        return None
    value = tags[EXPECTED_SIZE_KEY]
    if is_unknown(value):
        raise Unpriced(f"{where}.{EXPECTED_SIZE_KEY} is unknown during preview")
    try:
        size = float(value)
    except (TypeError, ValueError):
        size = -1.0
    if size < 0:
        raise Unpriced(f"{where}.{EXPECTED_SIZE_KEY} is {value!r}, not a number of GB >= 0")
    return size


def _size_text(size: float) -> str:
    """100.0 -> "100", 2.5 -> "2.5"."""
    return f"{size:g}"


def storage_unit_price(cloud: str, region: str, storage_class: str, service: str = "") -> float:
    """USD per GB-month of `storage_class` in `region`: the catalog's storage price, else the
    service prices' row of `service` (the cloud's object storage, e.g. "s3"); Unpriced when
    neither has one (never borrowed from another region)."""
    price = catalog.storage_price(cloud, region, storage_class)
    if price is None and service:
        row = service_price(cloud, service, storage_class, region)
        price = row.price_usd if row is not None else None
    if price is None:
        raise Unpriced(f"the catalog has no {storage_class} storage price for {cloud} {region}")
    return price


def bucket_quote(record: ResourceRecord, graph, cloud: str, region: str, storage_class: str,
                 tags, where: str, service: str = "") -> Quote:
    """A bucket: the tagged expected size at its class's price, else the usage's
    ``storage_gb``; without either, a usage-based charge with its unit price. Its internet
    egress (usage ``monthly_outbound_internet_gb``) is a usage-based charge too."""
    return with_egress(_stored(record, graph, cloud, region, storage_class, tags, where, service),
                       record, graph, cloud, region)


def _stored(record: ResourceRecord, graph, cloud: str, region: str, storage_class: str,
            tags, where: str, service: str) -> Quote:
    size = expected_size_gb(tags, where)
    if size is not None:
        return storage_quote(cloud, region, storage_class, size, where, service)
    price = storage_unit_price(cloud, region, storage_class, service)
    quantity, source = graph.usage.quantity(record, "storage_gb")
    charge = UsageCharge("storage_gb", f"{storage_class} storage", "GB-month", price, quantity, source)
    stored = (f"{quantity:g} GB ({source})" if quantity is not None
              else "usage-based: no storage_gb given")
    return Quote(0.0, 0.0, f"{storage_class} storage in {region} at {price_text(price)}/GB-month x "
                 f"{stored}", usage=(charge,))


def storage_quote(cloud: str, region: str, storage_class: str, size: float, where: str,
                  service: str = "") -> Quote:
    """Expected GB x the catalog's GB-month price of that class in that region."""
    price = storage_unit_price(cloud, region, storage_class, service)
    monthly = size * price
    basis = (f"{_size_text(size)} GB expected ({where}.{EXPECTED_SIZE_KEY}) x "
             f"{storage_class} in {region} at {price_text(price)}/GB-month")
    return Quote(monthly, monthly, basis)
