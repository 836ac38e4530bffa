"""Queries over the catalog: filters, exact resolution, cheapest placement, price look-ups.

Unknown cloud or accelerator names raise CatalogLookupError (they are typos, not empty answers);
a known name with nothing on offer gives an empty tuple from the listing functions, and an error
naming the valid choices from `resolve` and `cheapest`.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping

from aiscale import clouds

from ._accelerators import ACCELERATORS
from ._data import all_offerings, storage_prices
from ._overlay import CatalogOverlay, active_overlay
from ._model import CAPACITIES, CLOUDS, AcceleratorInfo, CatalogLookupError, Offering

SAGEMAKER_PREFIX = "ml."
"""SageMaker instance types are this prefix + the EC2 name; they have no price here."""


def _choices(values: Iterable[object]) -> str:
    text = ", ".join(str(v) for v in values)
    return text or "none"


def _check_cloud(cloud: str) -> None:
    if cloud not in CLOUDS:
        raise CatalogLookupError(
            f"unknown cloud {cloud!r}; valid: {_choices(CLOUDS)}",
            field="cloud", value=cloud, valid=CLOUDS,
        )


def _check_accelerator(name: str) -> None:
    if name not in ACCELERATORS:
        raise CatalogLookupError(
            f"unknown accelerator {name!r}; valid: {_choices(accelerators())}",
            field="accelerator", value=name, valid=accelerators(),
        )


def _check_capacity(capacity: str) -> None:
    if capacity not in CAPACITIES:
        raise ValueError(f"capacity {capacity!r} is not valid; valid: {_choices(CAPACITIES)}")


def accelerators() -> tuple[str, ...]:
    """Every canonical accelerator name, sorted."""
    return tuple(sorted(ACCELERATORS))


def accelerator_info(name: str) -> AcceleratorInfo:
    """Cloud-independent facts about accelerator `name`; CatalogLookupError if it is unknown."""
    _check_accelerator(name)
    return ACCELERATORS[name]


def offerings(
    cloud: str | None = None,
    accelerator: str | None = None,
    region: str | None = None,
    gpus: int | None = None,
) -> tuple[Offering, ...]:
    """The offerings matching every filter given (None = any).

    Ordered by (cloud, accelerator, gpus, instance_type, region). An unknown cloud or
    accelerator raises CatalogLookupError; an unlisted region or GPU count matches nothing.
    """
    if cloud is not None:
        _check_cloud(cloud)
    if accelerator is not None:
        _check_accelerator(accelerator)
    return tuple(
        o
        for o in all_offerings()
        if (cloud is None or o.cloud == cloud)
        and (accelerator is None or o.accelerator == accelerator)
        and (region is None or o.region == region)
        and (gpus is None or o.gpus == gpus)
    )


def regions(cloud: str, accelerator: str | None = None) -> tuple[str, ...]:
    """The regions of `cloud` with any GPU offering (of `accelerator`, when given), sorted."""
    return tuple(sorted({o.region for o in offerings(cloud, accelerator)}))


def is_known_region(cloud: str, region: str) -> bool:
    """True when `region` is in the cloud's region list (``aiscale.clouds``) or has catalog rows."""
    _check_cloud(cloud)
    return region in clouds.adapter(cloud).regions or region in regions(cloud)


def region_choices(cloud: str, region: str) -> str:
    """What an unknown `region` of `cloud` could have been: the closest known names, or all."""
    return clouds.adapter(cloud).region_table.choices(region)


def gpu_counts(cloud: str, accelerator: str, region: str | None = None) -> tuple[int, ...]:
    """The GPUs-per-instance counts offered for `accelerator` on `cloud` (in `region`), sorted."""
    return tuple(sorted({o.gpus for o in offerings(cloud, accelerator, region)}))


def _resolve_key(offering: Offering) -> tuple:
    """Cheapest on-demand first (unpriced last), then fewest vCPUs, then instance type name."""
    price = offering.price_hour_ondemand
    return (price is None, price or 0.0, offering.vcpus, offering.instance_type)


def resolve(cloud: str, accelerator: str, gpus: int, region: str) -> Offering:
    """The machine for exactly `gpus` GPUs of `accelerator` per node on `cloud` in `region`.

    When several instance types carry that many GPUs (g6.xlarge .. g6.16xlarge all have one),
    the cheapest on-demand one is chosen; ties go to the fewest vCPUs, then the name; types
    without an on-demand price come last. Raises CatalogLookupError, checking in this order:
    cloud known, accelerator known, offered on that cloud, offered in that region, GPU count.
    """
    _check_cloud(cloud)
    _check_accelerator(accelerator)
    on_cloud = offerings(cloud, accelerator)
    if not on_cloud:
        clouds = tuple(sorted({o.cloud for o in offerings(accelerator=accelerator)}))
        raise CatalogLookupError(
            f"{accelerator} is not offered on {cloud}; offered on: {_choices(clouds)}",
            field="cloud", value=cloud, valid=clouds,
        )
    in_region = [o for o in on_cloud if o.region == region]
    if not in_region:
        valid_regions = regions(cloud, accelerator)
        if not is_known_region(cloud, region):
            raise CatalogLookupError(
                f"unknown {cloud} region {region!r}; {region_choices(cloud, region)}",
                field="region", value=region, valid=valid_regions,
            )
        raise CatalogLookupError(
            f"the catalog has no data for {accelerator} on {cloud} in region {region}; add it "
            f"with the catalog overlay (docs/catalog.md), or use a region the catalog has it "
            f"in: {_choices(valid_regions)}",
            field="region", value=region, valid=valid_regions,
        )
    matching = [o for o in in_region if o.gpus == gpus]
    if not matching:
        counts = gpu_counts(cloud, accelerator, region)
        raise CatalogLookupError(
            f"{accelerator} on {cloud} in {region} is not offered with {gpus} GPUs per node; "
            f"offered: {_choices(counts)}",
            field="gpus", value=gpus, valid=counts,
        )
    return min(matching, key=_resolve_key)


def effective_price(offering: Offering, capacity: str) -> float | None:
    """The price `cheapest` compares: spot falls back to on-demand when spot is missing."""
    price = offering.price_hour(capacity)
    return offering.price_hour_ondemand if price is None else price


def cheapest(
    accelerator: str, gpus: int, candidates: Mapping[str, str], capacity: str
) -> Offering:
    """The lowest-priced offering of `gpus` x `accelerator` among `candidates` (cloud -> region).

    Every instance type in each candidate region is compared on its `capacity` price (spot falls
    back to on-demand when missing; offerings with no price at all are skipped); ties are broken
    by (price, cloud, instance_type). Raises CatalogLookupError: field "cloud" for no or unknown
    candidate clouds, "accelerator" when no candidate offers it (or none has a price), "gpus"
    when it is offered there but not with that GPU count.
    """
    _check_capacity(capacity)
    if not candidates:
        raise CatalogLookupError(
            f"no candidate clouds were given (candidates: {dict(candidates)}); "
            f"valid: {_choices(CLOUDS)}",
            field="cloud", value=dict(candidates), valid=CLOUDS,
        )
    for cloud in candidates:
        _check_cloud(cloud)
    _check_accelerator(accelerator)
    places = sorted(candidates.items())
    where = ", ".join(f"{cloud}/{region}" for cloud, region in places)
    there = [o for o in all_offerings() if (o.cloud, o.region) in places]
    pool = [o for o in there if o.accelerator == accelerator]
    if not pool:
        offered = tuple(sorted({o.accelerator for o in there}))
        raise CatalogLookupError(
            f"{accelerator} is not offered in any candidate ({where}); "
            f"offered there: {_choices(offered)}",
            field="accelerator", value=accelerator, valid=offered,
        )
    matching = [o for o in pool if o.gpus == gpus]
    if not matching:
        counts = tuple(sorted({o.gpus for o in pool}))
        raise CatalogLookupError(
            f"{accelerator} is not offered with {gpus} GPUs per node in any candidate "
            f"({where}); offered: {_choices(counts)}",
            field="gpus", value=gpus, valid=counts,
        )
    priced = [(effective_price(o, capacity), o.cloud, o.instance_type, o) for o in matching]
    priced = [entry for entry in priced if entry[0] is not None]
    if not priced:
        with_price = tuple(
            sorted(
                {o.accelerator for o in there
                 if o.gpus == gpus and effective_price(o, capacity) is not None}
            )
        )
        raise CatalogLookupError(
            f"{accelerator} with {gpus} GPUs per node has no list price in any candidate "
            f"({where}), so no cheapest placement exists; priced there: {_choices(with_price)}",
            field="accelerator", value=accelerator, valid=with_price,
        )
    return min(priced, key=lambda entry: entry[:3])[3]


@lru_cache(maxsize=4)
def _by_instance_type(overlay: CatalogOverlay) -> Mapping[tuple[str, str, str], tuple[Offering, ...]]:
    index: dict[tuple[str, str, str], list[Offering]] = {}
    for o in all_offerings():
        index.setdefault((o.cloud, o.instance_type, o.region), []).append(o)
    return MappingProxyType({key: tuple(rows) for key, rows in index.items()})


def find_instance_type(
    cloud: str,
    instance_type: str,
    region: str | None = None,
    *,
    accelerator_type: str | None = None,
    gpus: int | None = None,
) -> Offering | None:
    """The catalog row for `instance_type` on `cloud` in `region`, or None.

    None when the type is unknown, when `region` is None or not listed for that type (no price
    is guessed from another region), and for SageMaker "ml.*" types (managed services are
    unpriced). GCP N1 rows are a host VM plus attached GPUs priced together, so the host name
    alone is not enough: such a row is returned only when `accelerator_type` (GKE/GCE type,
    e.g. "nvidia-tesla-t4") and `gpus` match its attached GPUs; a bare N1 host gives None.
    Both keywords are ignored for machine types that bundle their GPUs. An unknown cloud
    raises CatalogLookupError.
    """
    _check_cloud(cloud)
    if region is None or instance_type.startswith(SAGEMAKER_PREFIX):
        return None
    for o in _by_instance_type(active_overlay()).get((cloud, instance_type, region), ()):
        if not o.gpu_attached or (o.accelerator_type, o.gpus) == (accelerator_type, gpus):
            return o
    return None


def sagemaker_instance_type(offering: Offering) -> str:
    """The SageMaker instance type of an AWS offering: "ml." + the EC2 name."""
    if offering.cloud != "aws":
        raise CatalogLookupError(
            f"SageMaker instance types exist only for aws offerings, not {offering.cloud} "
            f"({offering.instance_type}); valid: aws",
            field="cloud", value=offering.cloud, valid=("aws",),
        )
    return SAGEMAKER_PREFIX + offering.instance_type


def storage_price(cloud: str, region: str, storage_class: str) -> float | None:
    """Object-storage list price in USD per GB-month, or None when the catalog has no figure.

    `storage_class` is the provider's class name (S3 "STANDARD", "STANDARD_IA"; GCS "STANDARD",
    "NEARLINE", "COLDLINE", "ARCHIVE"; Azure access tier and redundancy, "HOT_LRS"), matched
    case-insensitively.
    """
    _check_cloud(cloud)
    return storage_prices().get((cloud, region, storage_class.upper()))
