"""The configured regions: each must be one the cloud has (its region list or the catalog's rows).

An unknown region is reported once, at ``clouds.<cloud>.region`` (``location`` on Azure), with the
closest known names; the catalog rules then skip that cloud instead of reporting every GPU as
missing there.
"""

from __future__ import annotations

from aiscale import catalog, clouds

from .crosscheck import Context


def check_regions(ctx: Context) -> None:
    """Report each configured cloud whose region is unknown (and remember it in ``ctx``), and
    each configured zone that is not a zone of its region."""
    for cloud in ctx.configured:
        region = ctx.region(cloud)
        adapter = clouds.adapter(cloud)
        if not catalog.is_known_region(cloud, region):
            field = adapter.region_field
            ctx.unknown_regions.add(cloud)
            ctx.add(("clouds", cloud, field), region,
                    f"unknown {cloud} {field}; {catalog.region_choices(cloud, region)}")
            continue
        _check_zones(ctx, cloud, region, adapter)


def _check_zones(ctx: Context, cloud: str, region: str, adapter: clouds.CloudAdapter) -> None:
    """Zones of ``clouds.<cloud>.zones`` must be zones of the region (when the region list has it)."""
    configured = getattr(getattr(ctx.parts.clouds, cloud), "zones", None) or ()
    if not configured or region not in adapter.regions:
        return  # a region only an overlay names: its zones are not known here
    known = adapter.zones(region)
    for index, zone in enumerate(configured):
        if zone not in known:
            ctx.add(("clouds", cloud, "zones", index), zone,
                    f"not a zone of {region}; valid: {', '.join(known) or 'none (the region has no zones)'}")
