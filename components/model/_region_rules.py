"""The configured regions: each must be one the cloud has (its region list or the catalog's rows).

An unknown region is reported once, at ``clouds.<cloud>.region`` (``location`` on Azure), with the
closest known names; the catalog rules then skip that cloud instead of reporting every GPU as
missing there.
"""

from __future__ import annotations

from aiscale import catalog, clouds

from .crosscheck import Context


def check_regions(ctx: Context) -> None:
    """Report each configured cloud whose region is unknown, and remember it in ``ctx``."""
    for cloud in ctx.configured:
        region = ctx.region(cloud)
        if catalog.is_known_region(cloud, region):
            continue
        field = clouds.adapter(cloud).region_field
        ctx.unknown_regions.add(cloud)
        ctx.add(("clouds", cloud, field), region,
                f"unknown {cloud} {field}; {catalog.region_choices(cloud, region)}")
