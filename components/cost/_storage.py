"""Object storage pricers: S3 buckets, GCS buckets and Azure storage accounts.

A bucket's cost depends on how much is stored in it, which no input says. It is estimated only
when the program states an expected size with the tag (AWS, Azure) or label (GCP)
``aiscale-expected-size-gb``; a bucket without it is not estimated at all.
"""

from __future__ import annotations

from typing import Any, Optional

from aiscale import catalog
from aiscale.facts import reader, tokens
from aiscale.preview.records import ResourceRecord

from ._fleet import Quote, price_text
from ._graph import Graph
from ._regions import aws_region, azure_location, gcp_region_of
from ._values import Unpriced, is_unknown, known_str

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


def _quote(cloud: str, region: str, storage_class: str, size: float, where: str) -> Quote:
    """Expected GB x the catalog's GB-month price of that class in that region."""
    price = catalog.storage_price(cloud, region, storage_class)
    if price is None:
        raise Unpriced(f"the catalog has no {storage_class} storage price for {cloud} {region}")
    monthly = size * price
    basis = (f"{_size_text(size)} GB expected ({where}.{EXPECTED_SIZE_KEY}) x "
             f"{storage_class} in {region} at {price_text(price)}/GB-month")
    return Quote(monthly, monthly, basis)


def s3_bucket(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """S3 bucket tagged with an expected size: GB x the S3 STANDARD price of its region."""
    bucket = reader.bucket(record.type, record.inputs)
    size = expected_size_gb(bucket.tags.value, bucket.tags.where)
    if size is None:
        return None
    return _quote(bucket.cloud, aws_region(record, graph), bucket.default_class, size, bucket.tags.where)


def gcs_bucket(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """GCS bucket labelled with an expected size: GB x the price of its storageClass
    (default STANDARD) in its location (a multi-region location has no catalog price)."""
    bucket = reader.bucket(record.type, record.inputs)
    size = expected_size_gb(bucket.tags.value, bucket.tags.where)
    if size is None:
        return None
    location = known_str(bucket.location.known()) or graph.config.get("gcp:region")
    if not location:
        raise Unpriced("location is not set and neither is gcp:region")
    storage_class = bucket.storage_class.text() or bucket.default_class
    return _quote(bucket.cloud, gcp_region_of(location), storage_class.upper(), size, bucket.tags.where)


def storage_account(record: ResourceRecord, graph: Graph) -> Optional[Quote]:
    """Azure storage account tagged with an expected size: GB x the price of its accessTier
    (default Hot) in its location."""
    bucket = reader.bucket(record.type, record.inputs)
    size = expected_size_gb(bucket.tags.value, bucket.tags.where)
    if size is None:
        return None
    tier = bucket.storage_class.text() or bucket.default_class
    return _quote(bucket.cloud, azure_location(record, graph), tier.upper(), size, bucket.tags.where)


PRICERS = {
    tokens.AWS_S3_BUCKET: s3_bucket,
    tokens.AWS_S3_BUCKET_V2: s3_bucket,
    tokens.GCP_STORAGE_BUCKET: gcs_bucket,
    tokens.AZURE_STORAGE_STORAGE_ACCOUNT: storage_account,
}
"""Type token -> pricer for object storage."""
