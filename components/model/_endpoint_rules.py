"""Rules for endpoints: their model bucket, the node pools they run on, managed services."""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from aiscale import catalog, clouds

from ._base import canonical_clouds, choices
from ._fleet_rules import accelerator_known, report_lookup
from .crosscheck import Context

MANAGED_SERVICE = {a.name: a.managed_runtime for a in clouds.adapters()}
"""What `runtime: managed` means on each cloud."""

NO_SCALE_TO_ZERO = tuple(a.name for a in clouds.adapters() if not a.managed_scales_to_zero)
"""Clouds whose managed endpoints keep at least one instance running."""



def check_endpoints(ctx: Context) -> None:
    """Apply the endpoint rules to every valid endpoint."""
    for index, endpoint in ctx.items("endpoints"):
        _follow_placed_pools(ctx, index, endpoint)
        targets = ctx.targets.get(("endpoints", index)) or ()
        item = ("endpoints", index)
        _check_images(ctx, item, endpoint, targets)
        if endpoint.model is not None:
            _check_model_bucket(ctx, item, endpoint, targets)
        if not accelerator_known(ctx, item + ("accelerator",), endpoint.accelerator):
            continue
        if endpoint.runtime == "kubernetes":
            _check_node_pools(ctx, item, endpoint, targets)
        else:
            for cloud in targets:
                _check_managed(ctx, item, endpoint, cloud)


DOCKER_HUB = "docker.io"
"""The registry of an image reference with no registry host (``vllm/vllm-openai:v0.6.3``)."""


def registry_host(image: str) -> str:
    """The registry an image is pulled from: its first path part when that names a host (has a
    '.' or ':' or is localhost), else Docker Hub."""
    first, slash, _ = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return DOCKER_HUB


def _pullable(cloud: str, host: str) -> bool:
    """Whether ``cloud``'s managed runtime can pull from registry ``host``."""
    adapter = clouds.adapter(cloud)
    if any(re.fullmatch(pattern, host) for pattern in adapter.managed_refused_registries):
        return False
    allowed = adapter.managed_image_registries
    return not allowed or any(re.fullmatch(pattern, host) for pattern in allowed)


def _check_images(ctx: Context, item: tuple, endpoint: Any, targets: tuple[str, ...]) -> None:
    """A map of images names every cloud the endpoint serves on (others are ignored); a managed
    runtime gets an image from a registry it can pull from."""
    path = item + ("image",)
    if isinstance(endpoint.image, dict):
        missing = [cloud for cloud in targets if cloud not in endpoint.image]
        if missing:
            ctx.add(path, dict(endpoint.image),
                    f"has no image for {choices(missing)}, where the endpoint serves: add "
                    f"{', '.join(f'{cloud}: <image>' for cloud in missing)}, or give one image "
                    "for every cloud")
    if endpoint.runtime != "managed":
        return
    for cloud in targets:
        if isinstance(endpoint.image, dict) and cloud not in endpoint.image:
            continue
        image = endpoint.image_for(cloud)
        host = registry_host(image)
        if not _pullable(cloud, host):
            adapter = clouds.adapter(cloud)
            where = path + (cloud,) if isinstance(endpoint.image, dict) else path
            ctx.add(where, image,
                    f"{adapter.managed_service} on {cloud} cannot pull from {host}: "
                    f"{adapter.managed_image_hint}"
                    + ("" if isinstance(endpoint.image, dict) else
                       f"; give one image per cloud with image: {{{cloud}: <image>, ...}}"))


def _check_model_bucket(ctx: Context, item: tuple, endpoint: Any,
                        targets: tuple[str, ...]) -> None:
    if "buckets" not in ctx.parts.complete:
        return
    wanted = endpoint.model.bucket
    path = item + ("model", "bucket")
    buckets = ctx.items("buckets")
    found = next(((i, b) for i, b in buckets if b.name == wanted), None)
    if found is None:
        ctx.add(path, wanted, f"no bucket named {wanted} in buckets; valid: "
                f"{choices(dict.fromkeys(b.name for _, b in buckets))}")
        return
    bucket_index, _ = found
    on = ctx.targets.get(("buckets", bucket_index)) or ()
    missing = [cloud for cloud in targets if cloud not in on]
    if missing:
        ctx.add(path, wanted,
                f"bucket {wanted} is not on {choices(missing)}, where the endpoint runs (it is "
                f"on: {choices(on)}); add {choices(missing)} to buckets[{bucket_index}].clouds")


def _pools_ready(ctx: Context) -> bool:
    """True when every node pool validated and resolved its clouds."""
    return "node_pools" in ctx.parts.complete and all(
        ctx.targets.get(("node_pools", index)) is not None
        for index, _ in ctx.items("node_pools")
    )


def _serves(pool: Any, gpus_per_replica: int) -> bool:
    """A replica of ``gpus_per_replica`` GPUs fits a node of ``pool`` (a shared pool serves
    one-GPU replicas only: ``NodePool.serves_replicas_of``)."""
    fits = getattr(pool, "serves_replicas_of", None)
    return fits(gpus_per_replica) if fits is not None else pool.gpus_per_node >= gpus_per_replica


def serving_pool(pools: Iterable[Any], accelerator: str, gpus_per_replica: int) -> Optional[Any]:
    """The node pool a Kubernetes endpoint runs on, among the pools on its cloud: same
    accelerator, enough GPUs per node; the smallest such pool, then by name. None when no pool
    fits (validation reports it). The one place this choice is made (the plan reads it)."""
    fitting = [pool for pool in pools
               if pool.accelerator == accelerator and _serves(pool, gpus_per_replica)]
    return min(fitting, key=lambda pool: (pool.gpus_per_node, pool.name), default=None)


def _follow_placed_pools(ctx: Context, index: int, endpoint: Any) -> None:
    """A Kubernetes endpoint that names no clouds and is served by a pool that ``placement``
    put on a cloud runs where its fitting pools are (it follows the placement)."""
    if endpoint.runtime != "kubernetes" or "clouds" in endpoint.model_fields_set or not _pools_ready(ctx):
        return
    fitting = [(pool, ctx.targets[("node_pools", i)]) for i, pool in ctx.items("node_pools")
               if pool.accelerator == endpoint.accelerator
               and _serves(pool, endpoint.gpus_per_replica)]
    if any(pool.placement is not None for pool, _ in fitting):
        ctx.targets[("endpoints", index)] = canonical_clouds(c for _, on in fitting for c in on)


def _placed_elsewhere(ctx: Context, accelerator: str, cloud: str) -> str:
    """`` (node_pools[i] has placement: cheapest, which put it on <c>)`` for placed pools of
    ``accelerator`` that are not on ``cloud``; empty when there are none."""
    notes = [f"node_pools[{i}] ({pool.name}) has placement: cheapest, which put it on "
             f"{choices(ctx.targets[('node_pools', i)])}"
             for i, pool in ctx.items("node_pools")
             if pool.placement is not None and pool.accelerator == accelerator
             and cloud not in ctx.targets[("node_pools", i)]]
    return f" ({'; '.join(notes)}: remove the endpoint's clouds to follow it)" if notes else ""


def _check_node_pools(ctx: Context, item: tuple, endpoint: Any,
                      targets: tuple[str, ...]) -> None:
    if not _pools_ready(ctx):
        return
    accelerator, gpus = endpoint.accelerator, endpoint.gpus_per_replica
    add_pool = f"add a node pool with accelerator {accelerator} and gpus_per_node >= {gpus}"
    for cloud in targets:
        on_cloud = [pool for index, pool in ctx.items("node_pools")
                    if cloud in ctx.targets[("node_pools", index)]]
        if serving_pool(on_cloud, accelerator, gpus) is not None:
            continue
        pools = [pool for pool in on_cloud if pool.accelerator == accelerator]
        if not pools:
            ctx.add(item + ("accelerator",), accelerator,
                    f"no node pool on {cloud} has accelerator {accelerator}"
                    f"{_placed_elsewhere(ctx, accelerator, cloud)}: {add_pool} on {cloud}")
        else:
            sizes = choices(f"{pool.name} ({pool.gpus_per_node}{', shared: 1-GPU replicas only' if pool.sharing else ''})"
                            for pool in pools)
            ctx.add(item + ("gpus_per_replica",), gpus,
                    f"is above the gpus_per_node of every {accelerator} node pool on {cloud} "
                    f"({sizes}): lower it or {add_pool} on {cloud}")


def _check_managed(ctx: Context, item: tuple, endpoint: Any, cloud: str) -> None:
    service = MANAGED_SERVICE[cloud]
    if cloud in NO_SCALE_TO_ZERO and endpoint.min_replicas < 1:
        ctx.add(item + ("min_replicas",), endpoint.min_replicas,
                f"{service} keeps at least one instance running: use min_replicas >= 1, or "
                "runtime: kubernetes to scale to zero")
    if clouds.adapter(cloud).check_managed_endpoint(ctx, item, endpoint):
        return
    if cloud in ctx.unknown_regions:
        return
    try:
        catalog.resolve(cloud, endpoint.accelerator, endpoint.gpus_per_replica,
                        ctx.region(cloud))
    except catalog.CatalogLookupError as error:
        report_lookup(ctx, item, endpoint.accelerator, "gpus_per_replica",
                      endpoint.gpus_per_replica, error, service=service)
