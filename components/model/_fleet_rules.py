"""Catalog rules for GPU fleets (node pools and autoscaling groups), and cheapest placement."""

from __future__ import annotations

from typing import Any

from aiscale import catalog

from ._base import choices
from ._capacity_rules import check_pool_capacity
from .crosscheck import Context

FLEET_SECTIONS = ("node_pools", "autoscaling_groups")
"""The list sections whose items are GPU fleets."""


def check_fleets(ctx: Context) -> None:
    """Every fleet's accelerator is known and offered, with its GPU count, where it runs."""
    for section in FLEET_SECTIONS:
        for index, fleet in ctx.items(section):
            if not accelerator_known(ctx, (section, index, "accelerator"), fleet.accelerator):
                if fleet.placement is not None:
                    ctx.targets[(section, index)] = None
                continue
            if fleet.placement is not None:
                _place_cheapest(ctx, section, index, fleet)
                if section == "node_pools":
                    check_pool_capacity(ctx, index, fleet)
                continue
            for cloud in ctx.targets.get((section, index)) or ():
                if cloud in ctx.unknown_regions:
                    continue
                try:
                    catalog.resolve(cloud, fleet.accelerator, fleet.gpus_per_node,
                                    ctx.region(cloud))
                except catalog.CatalogLookupError as error:
                    report_lookup(ctx, (section, index), fleet.accelerator, "gpus_per_node",
                                  fleet.gpus_per_node, error)
            if section == "node_pools":
                check_pool_capacity(ctx, index, fleet)


def accelerator_known(ctx: Context, path: tuple, accelerator: str) -> bool:
    """True when the catalog knows `accelerator`; otherwise report it at `path`."""
    known = catalog.accelerators()
    if accelerator in known:
        return True
    ctx.add(path, accelerator, f"unknown accelerator; valid: {choices(known)}")
    return False


def report_lookup(ctx: Context, item: tuple, accelerator: str, gpus_field: str, gpus: int,
                  error: Any, service: str = "") -> None:
    """Report a failed catalog look-up at the field it is about.

    A GPU count not offered points at `gpus_field`; an accelerator not offered on a cloud or
    in its region points at the accelerator. `service` prefixes the message (e.g. SageMaker).
    """
    prefix = f"{service}: " if service else ""
    if error.field == "gpus":
        ctx.add(item + (gpus_field,), gpus, f"{prefix}{error}")
    else:
        ctx.add(item + ("accelerator",), accelerator, f"{prefix}{error}")


def _place_cheapest(ctx: Context, section: str, index: int, fleet: Any) -> None:
    candidates = {cloud: ctx.region(cloud) for cloud in ctx.configured
                  if cloud not in ctx.unknown_regions}
    if not candidates:
        ctx.targets[(section, index)] = None
        return
    try:
        offering = catalog.cheapest(fleet.accelerator, fleet.gpus_per_node, candidates,
                                    getattr(fleet, "price_capacity", fleet.capacity))
    except catalog.CatalogLookupError as error:
        ctx.targets[(section, index)] = None
        report_lookup(ctx, (section, index), fleet.accelerator, "gpus_per_node",
                      fleet.gpus_per_node, error, service="placement cheapest")
        return
    ctx.targets[(section, index)] = (offering.cloud,)
