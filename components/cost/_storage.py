"""Object storage pricing shared by the clouds' bucket pricers (in each cloud's pricer module).

A bucket's cost depends on how much is stored in it, which no input says. It is estimated only
when the program states an expected size with the tag (AWS, Azure) or label (GCP)
``aiscale-expected-size-gb``; a bucket without it is not estimated at all.
"""

from __future__ import annotations

from typing import Any, Optional

from aiscale import catalog

from ._fleet import Quote, price_text
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


def storage_quote(cloud: str, region: str, storage_class: str, size: float, where: str) -> Quote:
    """Expected GB x the catalog's GB-month price of that class in that region."""
    price = catalog.storage_price(cloud, region, storage_class)
    if price is None:
        raise Unpriced(f"the catalog has no {storage_class} storage price for {cloud} {region}")
    monthly = size * price
    basis = (f"{_size_text(size)} GB expected ({where}.{EXPECTED_SIZE_KEY}) x "
             f"{storage_class} in {region} at {price_text(price)}/GB-month")
    return Quote(monthly, monthly, basis)
