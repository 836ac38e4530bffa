"""Catalog and cloud rules for a node pool's capacity: machine types, reservations, sharing,
zones; and ``pool_offerings``, the one place a pool's machine types per cloud are chosen (the
plan reads it too).
"""

from __future__ import annotations

from typing import Any, Optional

from aiscale import catalog, clouds

from ._base import choices
from ._capacity import capacity_block_family
from .crosscheck import Context


def pool_offerings(cloud: str, pool: Any, region: str) -> tuple[catalog.Offering, ...]:
    """The catalog offerings a pool uses on ``cloud`` in ``region``, the primary first.

    Pinned ``machine_types.<cloud>``: those, in the order listed. Otherwise the catalog's
    cheapest type; a spot pool on a cloud whose pools take several types gets every type with
    the accelerator x ``gpus_per_node`` in the region, cheapest first (more spot pools to draw
    from). Raises ``catalog.CatalogLookupError`` when nothing fits (validation reports it)."""
    pinned = _pinned(pool, cloud)
    fitting = catalog.offerings(cloud, pool.accelerator, region, pool.gpus_per_node)
    if pinned:
        by_type = {offering.instance_type: offering for offering in fitting}
        return tuple(by_type[name] for name in pinned if name in by_type)
    primary = catalog.resolve(cloud, pool.accelerator, pool.gpus_per_node, region)
    if not (getattr(pool, "runs_on_spot", False)
            and clouds.adapter(cloud).pool_takes_several_machine_types):
        return (primary,)
    others = sorted((o for o in fitting if o.instance_type != primary.instance_type),
                    key=lambda o: (o.price_hour_ondemand is None, o.price_hour_ondemand or 0.0,
                                   o.vcpus, o.instance_type))
    return (primary, *others)


def _pinned(pool: Any, cloud: str) -> tuple[str, ...]:
    types = getattr(pool, "machine_types", None)
    return tuple(getattr(types, cloud, None) or ()) if types is not None else ()


def check_pool_capacity(ctx: Context, index: int, pool: Any) -> None:
    """Machine types, reservations, sharing and zones of ``node_pools[index]`` on its clouds."""
    targets = ctx.targets.get(("node_pools", index))
    if not targets:
        return
    item = ("node_pools", index)
    _check_machine_types(ctx, item, pool, targets)
    _check_reservation(ctx, item, pool, targets)
    _check_sharing(ctx, item, pool, targets)
    _check_zones(ctx, item, pool, targets)


def _check_machine_types(ctx: Context, item: tuple, pool: Any, targets: tuple[str, ...]) -> None:
    if pool.machine_types is None:
        return
    for cloud in type(pool.machine_types).model_fields:
        pinned = getattr(pool.machine_types, cloud)
        if not pinned:
            continue
        path = item + ("machine_types", cloud)
        if cloud not in targets:
            ctx.add(path, list(pinned), f"the pool does not run on {cloud}; it runs on "
                    f"{choices(targets)}")
            continue
        region = ctx.region(cloud)
        valid = [o.instance_type for o in catalog.offerings(cloud, pool.accelerator, region,
                                                             pool.gpus_per_node)]
        for position, name in enumerate(pinned):
            if name not in valid:
                ctx.add(path + (position,), name,
                        f"not a machine type on {cloud} with {pool.gpus_per_node} x "
                        f"{pool.accelerator} in {region}; valid: {choices(valid)}")


def _types_on(pool: Any, cloud: str, region: str) -> tuple[str, ...]:
    try:
        return tuple(o.instance_type for o in pool_offerings(cloud, pool, region))
    except catalog.CatalogLookupError:
        return ()


def _check_reservation(ctx: Context, item: tuple, pool: Any, targets: tuple[str, ...]) -> None:
    reservation = pool.reservation
    if reservation is None:
        return
    for cloud in reservation.clouds:
        path = item + ("reservation", cloud)
        if cloud not in targets:
            ctx.add(path, getattr(reservation, cloud).model_dump(exclude_defaults=True),
                    f"the pool does not run on {cloud}; it runs on {choices(targets)}")
            continue
        entry = getattr(reservation, cloud)
        if getattr(entry, "capacity_block", False):
            types = _types_on(pool, cloud, ctx.region(cloud))
            refused = [name for name in types if not capacity_block_family(name)]
            if refused:
                ctx.add(path + ("capacity_block",), True,
                        f"{choices(refused)} is not sold as a Capacity Block for ML; Capacity "
                        "Blocks exist for p4d, p4de, p5, p5e, p5en, p6-b200, trn1 and trn2 "
                        "instances: pick such an accelerator or remove capacity_block")
        if len(_types_on(pool, cloud, ctx.region(cloud))) > 1:
            ctx.add(item + ("machine_types", cloud), list(_types_on(pool, cloud, ctx.region(cloud))),
                    "a reservation holds one machine type: list exactly one")


def _check_sharing(ctx: Context, item: tuple, pool: Any, targets: tuple[str, ...]) -> None:
    if pool.sharing is None:
        return
    feature = f"sharing.{pool.sharing.mode}"
    for cloud in targets:
        reason = clouds.adapter(cloud).unsupported_pool_features.get(feature)
        if reason:
            ctx.add(item + ("sharing", "mode"), pool.sharing.mode, f"not on {cloud}: {reason}")


def zones_of(cloud: str, region: str) -> Optional[tuple[str, ...]]:
    """The zones of ``region`` on ``cloud``, or None when the adapter has no zone vocabulary."""
    lookup = getattr(clouds.adapter(cloud), "zones", None)
    if lookup is None:
        return None
    try:
        return tuple(lookup(region))
    except ValueError:  # an unknown region: reported at clouds.<cloud>.region
        return None


def _check_zones(ctx: Context, item: tuple, pool: Any, targets: tuple[str, ...]) -> None:
    if not pool.zones:
        return
    known = {cloud: zones_of(cloud, ctx.region(cloud)) for cloud in targets}
    if any(zones is None for zones in known.values()):
        return
    valid = [zone for cloud in targets for zone in known[cloud] or ()]
    for position, zone in enumerate(pool.zones):
        if zone not in valid:
            ctx.add(item + ("zones", position), zone,
                    f"not a zone of {choices(f'{c} {ctx.region(c)}' for c in targets)}; "
                    f"valid: {choices(valid)}")
    for cloud in targets:
        configured = getattr(getattr(ctx.parts.clouds, cloud, None), "zones", None)
        for position, zone in enumerate(pool.zones):
            if configured and zone in (known[cloud] or ()) and zone not in configured:
                ctx.add(item + ("zones", position), zone,
                        f"the {cloud} network uses only clouds.{cloud}.zones; valid: {choices(configured)}")
        if valid and not any(zone in (known[cloud] or ()) for zone in pool.zones):
            ctx.add(item + ("zones",), list(pool.zones),
                    f"names no zone of {cloud} region {ctx.region(cloud)}, where the pool also "
                    f"runs; add one of: {choices(known[cloud] or ())}")


def pool_zones(cloud: str, pool: Any, region: str) -> tuple[str, ...]:
    """The pool's zones that belong to ``region`` on ``cloud`` (empty: the cluster's zones)."""
    known = zones_of(cloud, region)
    if not getattr(pool, "zones", ()) or known is None:
        return tuple(getattr(pool, "zones", ()))
    return tuple(zone for zone in pool.zones if zone in known)
