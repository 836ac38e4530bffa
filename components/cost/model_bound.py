"""The monthly cost upper bound of a platform model, per cloud, before any resource exists.

What the preview estimator would price for aiscale's own GPU capacity (node pools and VM groups
at ``max_nodes`` x the catalog's hourly price for their capacity x 730 h), computed from the
model alone so that the Pulumi program can default each cloud's budget to it. Managed endpoints,
CPU system pools and control planes are unpriced here as in the estimator.
"""

from __future__ import annotations

from typing import Any

from aiscale import catalog


def _hourly(offering: catalog.Offering, capacity: str) -> float:
    price = offering.price_hour(capacity)
    return price if price is not None else (offering.price_hour_ondemand or 0.0)


def monthly_upper_bound(platform: Any, cloud: str) -> float:
    """USD per month for the GPU capacity the model declares on ``cloud`` at its maximum size."""
    region = platform.region_of(cloud)
    total = 0.0
    for fleet in (*platform.node_pools, *platform.autoscaling_groups):
        if cloud in fleet.clouds:
            offering = catalog.resolve(cloud, fleet.accelerator, fleet.gpus_per_node, region)
            capacity = getattr(fleet, "bound_capacity", fleet.capacity)  # fallback: on-demand at worst
            total += fleet.max_nodes * _hourly(offering, capacity) * catalog.HOURS_PER_MONTH
    return round(total, 2)


def budget_per_cloud(platform: Any) -> dict[str, float]:
    """Each configured cloud's monthly budget: the model's ``operations.budget.monthly_usd``
    split across clouds in proportion to their upper bounds (evenly when nothing is priced), or
    each cloud's own upper bound when the model gives no figure. A cloud's budget alerts on that
    cloud's spend only, so the shares add up to the platform's figure."""
    bounds = {cloud: monthly_upper_bound(platform, cloud) for cloud in platform.configured_clouds}
    budget = platform.operations.budget if platform.operations is not None else None
    figure = budget.monthly_usd if budget is not None else None
    if figure is None:
        return bounds
    priced = sum(bounds.values())
    if priced <= 0:
        return {cloud: round(figure / len(bounds), 2) for cloud in bounds}
    return {cloud: round(figure * bound / priced, 2) for cloud, bound in bounds.items()}
