"""The resolved plan: every choice the model implies, made once, right after validation.

``make_plan(platform)`` turns a validated ``Platform`` into what builders, operations and
validation read instead of resolving again: every fleet (node pool, autoscaling group) x cloud
-> its catalog offering; every Kubernetes endpoint x cloud -> the node pool it runs on (and that
pool's offering); every bucket x cloud -> its physical name; and the protection of stateful
resources for the environment. Nothing here declares a resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Mapping

from aiscale import catalog, clouds
from aiscale.inheritance import ChildOptions
from aiscale.model import Platform
from aiscale.model._capacity_rules import pool_offerings, pool_zones
from aiscale.model._endpoint_rules import serving_pool

FleetKind = Literal["node_pools", "autoscaling_groups"]
"""The model sections that hold GPU fleets."""


@dataclass(frozen=True)
class ServingPlacement:
    """Where a Kubernetes endpoint runs on one cloud."""

    pool: Any
    """The model's ``NodePool`` (same accelerator, enough GPUs per node, the smallest)."""
    offering: catalog.Offering
    """That pool's catalog offering on the cloud."""


@dataclass(frozen=True)
class Plan:
    """The resolved choices of one platform model."""

    platform: Platform
    """The validated model the plan was made from."""
    protection: ChildOptions
    """What stateful resources get in this environment (protected and retained in prod)."""
    offerings: Mapping[tuple[FleetKind, str, str], catalog.Offering] = field(default_factory=dict)
    """(section, fleet name, cloud) -> the catalog offering in the cloud's region."""
    endpoint_offerings: Mapping[tuple[str, str], catalog.Offering] = field(default_factory=dict)
    """(endpoint name, cloud) -> the offering of a managed endpoint whose cloud uses the catalog."""
    serving: Mapping[tuple[str, str], ServingPlacement] = field(default_factory=dict)
    """(endpoint name, cloud) -> the pool a Kubernetes endpoint runs on."""
    bucket_names: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(bucket name, cloud) -> the physical bucket name (``account/container`` on Azure)."""
    machine_offerings: Mapping[tuple[str, str], tuple[catalog.Offering, ...]] = field(default_factory=dict)
    """(node pool name, cloud) -> every machine type the pool may use, the primary (``offerings``)
    first: pinned ``machine_types``, or several catalog types for a diversified spot pool."""
    pool_zones: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(node pool name, cloud) -> the pool's zones in the cloud's region (empty: the cluster's)."""
    placements: Mapping[tuple[FleetKind, str], "PlacementChoice"] = field(default_factory=dict)
    """(section, fleet name) -> where ``placement: cheapest`` put it, and against what."""

    def offering(self, kind: FleetKind, name: str, cloud: str) -> catalog.Offering:
        """The offering of fleet ``name`` of section ``kind`` on ``cloud``."""
        return self.offerings[(kind, name, cloud)]


@dataclass(frozen=True)
class PlacementOption:
    """One configured cloud's cheapest offering for a placed fleet."""

    cloud: str
    """The cloud."""
    region: str
    """Its configured region."""
    instance_type: str
    """Its cheapest machine type for the accelerator x GPUs."""
    price_hour: float | None
    """That machine's hourly list price for the fleet's capacity (spot falls back to on-demand)."""


@dataclass(frozen=True)
class PlacementChoice:
    """Where ``placement: cheapest`` put a fleet: the winner and every alternative."""

    capacity: str
    """The capacity prices were compared on (``spot`` for spot-with-fallback)."""
    chosen: PlacementOption
    """The cheapest option: the cloud the fleet runs on."""
    alternatives: tuple[PlacementOption, ...]
    """The other configured clouds that offer it, cheapest first."""
    not_offered: tuple[str, ...] = ()
    """Configured clouds whose region does not offer the accelerator x GPUs."""

    def to_report(self) -> dict[str, Any]:
        """The choice as plain data (the ``placements`` input of ``AiPlatform``)."""
        def option(o: PlacementOption) -> dict[str, Any]:
            return {"cloud": o.cloud, "region": o.region, "instance_type": o.instance_type,
                    "price_hour": o.price_hour}
        return {"capacity": self.capacity, **option(self.chosen),
                "alternatives": [option(o) for o in self.alternatives], "not_offered": list(self.not_offered)}


def placement_report(plan: "Plan") -> dict[str, dict[str, Any]]:
    """``{"<section>.<name>": choice}`` for every placed fleet (empty when none is placed)."""
    return {f"{kind}.{name}": choice.to_report() for (kind, name), choice in sorted(plan.placements.items())}


def placement_line(key: str, choice: Mapping[str, Any]) -> str:
    """One sentence: where ``placement: cheapest`` put ``key``, at which price, against what."""
    def price(value: Any) -> str:
        return f"${value:.4f}/h" if isinstance(value, (int, float)) else "no price"
    others = "; ".join(f"{o['cloud']} {o['instance_type']} {price(o['price_hour'])}"
                       for o in choice.get("alternatives", [])) or "none"
    missing = f"; not offered on {', '.join(choice['not_offered'])}" if choice.get("not_offered") else ""
    return (f"placement: {key} on {choice['cloud']} ({choice['region']}, {choice['instance_type']}, "
            f"{choice['capacity']} {price(choice['price_hour'])}); alternatives: {others}{missing}")


def placement_lines(resources: Any) -> list[str]:
    """The placement sentences of every ``AiPlatform`` among preview ``resources``."""
    return [placement_line(key, choice)
            for record in resources if record.type == "aiscale:index:AiPlatform"
            for key, choice in sorted(((record.inputs or {}).get("placements") or {}).items())]


def placement_choice(platform: Platform, fleet: Any) -> PlacementChoice:
    """The options ``placement: cheapest`` compared for ``fleet`` (already validated)."""
    capacity = getattr(fleet, "price_capacity", fleet.capacity)
    options, missing = [], []
    for cloud in platform.configured_clouds:
        where = region(platform, cloud)
        try:
            cheapest = catalog.cheapest(fleet.accelerator, fleet.gpus_per_node, {cloud: where}, capacity)
        except catalog.CatalogLookupError:
            missing.append(cloud)
            continue
        options.append(PlacementOption(cloud=cloud, region=where, instance_type=cheapest.instance_type,
                                       price_hour=_price(cheapest, capacity)))
    chosen = next(option for option in options if option.cloud == fleet.clouds[0])
    others = sorted((o for o in options if o is not chosen),
                    key=lambda o: (o.price_hour is None, o.price_hour or 0.0, o.cloud))
    return PlacementChoice(capacity=capacity, chosen=chosen, alternatives=tuple(others),
                           not_offered=tuple(missing))


def _price(offering: catalog.Offering, capacity: str) -> float | None:
    price = offering.price_hour(capacity)
    return offering.price_hour_ondemand if price is None else price


def region(platform: Platform, cloud: str) -> str:
    """The region (AWS, GCP) or location (Azure) the model configures for ``cloud``."""
    return clouds.adapter(cloud).region_of(getattr(platform.clouds, cloud))


def make_plan(platform: Platform) -> Plan:
    """Resolve every choice of ``platform`` (already validated: every lookup succeeds)."""
    offerings: dict[tuple[FleetKind, str, str], catalog.Offering] = {}
    machine_offerings: dict[tuple[str, str], tuple[catalog.Offering, ...]] = {}
    zones: dict[tuple[str, str], tuple[str, ...]] = {}
    placements: dict[tuple[FleetKind, str], PlacementChoice] = {}
    for kind in ("node_pools", "autoscaling_groups"):
        for fleet in getattr(platform, kind):
            if fleet.placement is not None:
                placements[(kind, fleet.name)] = placement_choice(platform, fleet)
            for cloud in fleet.clouds:
                where = region(platform, cloud)
                if kind == "node_pools":
                    machine_offerings[(fleet.name, cloud)] = pool_offerings(cloud, fleet, where)
                    zones[(fleet.name, cloud)] = pool_zones(cloud, fleet, where)
                    offerings[(kind, fleet.name, cloud)] = machine_offerings[(fleet.name, cloud)][0]
                else:
                    offerings[(kind, fleet.name, cloud)] = catalog.resolve(
                        cloud, fleet.accelerator, fleet.gpus_per_node, where)
    serving: dict[tuple[str, str], ServingPlacement] = {}
    endpoint_offerings: dict[tuple[str, str], catalog.Offering] = {}
    for endpoint in platform.endpoints:
        for cloud in endpoint.clouds:
            if endpoint.runtime == "kubernetes":
                pools = [pool for pool in platform.node_pools if cloud in pool.clouds]
                pool = serving_pool(pools, endpoint.accelerator, endpoint.gpus_per_replica)
                serving[(endpoint.name, cloud)] = ServingPlacement(
                    pool=pool, offering=offerings[("node_pools", pool.name, cloud)])
            elif clouds.adapter(cloud).managed_needs_offering:
                endpoint_offerings[(endpoint.name, cloud)] = catalog.resolve(
                    cloud, endpoint.accelerator, endpoint.gpus_per_replica, region(platform, cloud))
    bucket_names = {(bucket.name, cloud): clouds.adapter(cloud).bucket_name(
                        platform.name, platform.environment, bucket.name)
                    for bucket in platform.buckets for cloud in bucket.clouds}
    return Plan(platform=platform, protection=ChildOptions.for_environment(platform.environment),
                offerings=MappingProxyType(offerings),
                endpoint_offerings=MappingProxyType(endpoint_offerings),
                serving=MappingProxyType(serving), bucket_names=MappingProxyType(bucket_names),
                machine_offerings=MappingProxyType(machine_offerings), pool_zones=MappingProxyType(zones),
                placements=MappingProxyType(placements))
