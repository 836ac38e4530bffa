"""Hypothesis strategies: valid platform models drawn from the catalog, and mutations that make
them invalid, each with the field path the error must name.

Valid models are built so that every rule holds by construction: regions where the catalog has
GPUs, for each fleet an accelerator and GPU count offered on all its clouds in their regions,
endpoints on the clouds of a node pool with their accelerator, model buckets present where the
endpoint runs, lifecycle stages in order (cool at >= 30 days on AWS).
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from hypothesis import strategies as st

from aiscale import catalog

CLOUDS = ("aws", "azure", "gcp")
IMAGE = "vllm/vllm-openai:v0.6.3"
LABEL_TEXT = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)
"""Valid as a model name part, a GCP label and a Kubernetes label value."""


def _names(count: int, prefix: str) -> st.SearchStrategy[list[str]]:
    """`count` unique section-item names (2-20 chars, as the model requires)."""
    return st.lists(st.from_regex(rf"{prefix}[a-z0-9]{{2,6}}", fullmatch=True),
                    min_size=count, max_size=count, unique=True)


def _offered(cloud: str, region: str) -> list[tuple[str, int]]:
    """(accelerator, GPUs per machine) pairs the catalog offers on `cloud` in `region`."""
    return sorted({(o.accelerator, o.gpus) for o in catalog.offerings(cloud=cloud, region=region)})


def _region_strategy(cloud: str) -> st.SearchStrategy[str]:
    return st.sampled_from(catalog.regions(cloud))


def _clouds_section(regions: dict[str, str], project: str) -> dict[str, Any]:
    section: dict[str, Any] = {}
    if "aws" in regions:
        section["aws"] = {"region": regions["aws"]}
    if "azure" in regions:
        section["azure"] = {"location": regions["azure"]}
    if "gcp" in regions:
        section["gcp"] = {"project": project, "region": regions["gcp"]}
    return section


def _targets(draw, configured: list[str]) -> list[str]:
    return draw(st.lists(st.sampled_from(configured), min_size=1, max_size=len(configured), unique=True))


def _fleet(draw, name: str, configured: list[str], offered: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    """A node pool or autoscaling group offered on every cloud it targets."""
    targets = _targets(draw, configured)
    common = set(offered[targets[0]]).intersection(*(offered[c] for c in targets[1:]))
    if not common:
        targets, common = targets[:1], set(offered[targets[0]])
    accelerator, gpus = draw(st.sampled_from(sorted(common)))
    max_nodes = draw(st.integers(1, 4))
    fleet = {"name": name, "accelerator": accelerator, "gpus_per_node": gpus,
             "min_nodes": draw(st.integers(0, max_nodes)), "max_nodes": max_nodes,
             "capacity": draw(st.sampled_from(["on-demand", "spot"])),
             "disk_gb": draw(st.sampled_from([100, 200]))}
    if sorted(targets) != sorted(configured) or draw(st.booleans()):
        fleet["clouds"] = targets
    return fleet


S3_IA_DAYS = 30
"""On AWS, cool (Standard-IA) no earlier than day 30, and archive (Glacier) at least 30 days
after cool. The model checks the first only; ObjectStore refuses the second at preview time
(reported: load_platform should reject it too), so valid models keep both."""


def _lifecycle(draw, on_aws: bool) -> dict[str, int]:
    stages: dict[str, int] = {}
    day = 0
    for stage in ("cool_after_days", "archive_after_days", "expire_after_days"):
        if draw(st.booleans()):
            low = day + 1
            if on_aws and stage == "cool_after_days":
                low = S3_IA_DAYS
            elif on_aws and stage == "archive_after_days" and "cool_after_days" in stages:
                low = stages["cool_after_days"] + S3_IA_DAYS
            day = draw(st.integers(low, low + 200))
            stages[stage] = day
    return stages


@st.composite
def valid_models(draw, min_items: int = 0, max_items: int = 2) -> dict[str, Any]:
    """A valid platform model (the value of ``aiscale:platform``) with `min_items` to
    `max_items` node pools, autoscaling groups, buckets and endpoints."""
    configured = sorted(draw(st.lists(st.sampled_from(CLOUDS), min_size=1, max_size=3, unique=True)),
                        key=CLOUDS.index)
    regions = {cloud: draw(_region_strategy(cloud)) for cloud in configured}
    offered = {cloud: _offered(cloud, regions[cloud]) for cloud in configured}
    model: dict[str, Any] = {
        "name": draw(st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True)),
        "environment": draw(st.sampled_from(["dev", "staging", "prod"])),
        "tags": draw(st.dictionaries(LABEL_TEXT, LABEL_TEXT, max_size=2)),
        "clouds": _clouds_section(regions, "acme-" + draw(st.from_regex(r"[a-z0-9]{4,10}", fullmatch=True))),
    }
    pools = [_fleet(draw, name, configured, offered)
             for name in draw(_names(draw(st.integers(min_items, max_items)), "p"))]
    # A group scales on CPU: it keeps at least one machine (min_nodes 0 is refused).
    groups = [_fleet(draw, name, configured, offered)
              | {"target_cpu_utilization": draw(st.integers(20, 90)), "min_nodes": 1}
              for name in draw(_names(draw(st.integers(min_items, max_items)), "g"))]
    buckets = []
    for name in draw(_names(draw(st.integers(min_items, max_items)), "b")):
        bucket: dict[str, Any] = {"name": name, "versioning": draw(st.booleans()),
                                  "encryption": draw(st.sampled_from(["customer-managed", "provider-managed"]))}
        if draw(st.booleans()):
            bucket["clouds"] = _targets(draw, configured)
        bucket["lifecycle"] = _lifecycle(draw, "aws" in bucket.get("clouds", configured))
        buckets.append(bucket)
    endpoints = []
    for name in draw(_names(draw(st.integers(min_items, max_items)) if pools else 0, "e")):
        pool = draw(st.sampled_from(pools))
        clouds = _targets(draw, pool.get("clouds", configured))
        max_replicas = draw(st.integers(1, 4))
        endpoint: dict[str, Any] = {
            "name": name, "image": IMAGE, "accelerator": pool["accelerator"],
            "gpus_per_replica": draw(st.integers(1, pool["gpus_per_node"])),
            "min_replicas": draw(st.integers(0, max_replicas)), "max_replicas": max_replicas,
            "clouds": clouds}
        holders = [b["name"] for b in buckets if set(clouds) <= set(b.get("clouds", configured))]
        if holders and draw(st.booleans()):
            endpoint["model"] = {"bucket": draw(st.sampled_from(holders)), "path": "weights/"}
        endpoints.append(endpoint)
    for section, items in (("node_pools", pools), ("autoscaling_groups", groups),
                           ("buckets", buckets), ("endpoints", endpoints)):
        if items:
            model[section] = items
    return model


# -- invalid models ------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], str]
"""Breaks a model in place and returns the field path the error must name."""


def _first(section: str, field: str, value: Any) -> Mutation:
    def mutate(model: dict[str, Any]) -> str:
        model[section][0][field] = value
        return f"{section}[0].{field}"
    return mutate


def _top(field: str, value: Any) -> Mutation:
    def mutate(model: dict[str, Any]) -> str:
        model[field] = value
        return field
    return mutate


def _drop(field: str) -> Mutation:
    def mutate(model: dict[str, Any]) -> str:
        del model[field]
        return field
    return mutate


def _duplicate(section: str) -> Mutation:
    def mutate(model: dict[str, Any]) -> str:
        model[section].append(copy.deepcopy(model[section][0]))
        return f"{section}[{len(model[section]) - 1}].name"
    return mutate


def _region(value: str) -> Mutation:
    def mutate(model: dict[str, Any]) -> str:
        cloud = next(iter(model["clouds"]))
        field = "location" if cloud == "azure" else "region"
        model["clouds"][cloud][field] = value
        return f"clouds.{cloud}.{field}"
    return mutate


def _unknown_model_bucket(model: dict[str, Any]) -> str:
    model["endpoints"][0]["model"] = {"bucket": "no-such-bucket"}
    return "endpoints[0].model.bucket"


def _lifecycle_out_of_order(model: dict[str, Any]) -> str:
    model["buckets"][0]["lifecycle"] = {"cool_after_days": 90, "archive_after_days": 60}
    return "buckets[0].lifecycle.archive_after_days"


MUTATIONS: dict[str, tuple[str | None, Mutation]] = {
    # name: (the section it breaks, or None for a top-level field; mutation)
    "unknown accelerator": ("node_pools", _first("node_pools", "accelerator", "nvidia-x999")),
    "GPU count offered nowhere": ("node_pools", _first("node_pools", "gpus_per_node", 3)),
    "max_nodes not a number": ("node_pools", _first("node_pools", "max_nodes", "many")),
    "negative min_nodes": ("autoscaling_groups", _first("autoscaling_groups", "min_nodes", -1)),
    "capacity unknown": ("autoscaling_groups", _first("autoscaling_groups", "capacity", "cheap")),
    "uppercase pool name": ("node_pools", _first("node_pools", "name", "Train_Pool")),
    "duplicate bucket": ("buckets", _duplicate("buckets")),
    "bucket lifecycle out of order": ("buckets", _lifecycle_out_of_order),
    "endpoint image on latest": ("endpoints", _first("endpoints", "image", "vllm/vllm-openai:latest")),
    "endpoint model bucket unknown": ("endpoints", _unknown_model_bucket),
    "environment unknown": (None, _top("environment", "qa")),
    "platform name too short": (None, _top("name", "ab")),
    "name missing": (None, _drop("name")),
    "unknown top-level field": (None, _top("budgets", {"monthly": 10})),
    "region malformed": (None, _region("Mars 1")),
}
"""Each way of breaking a valid model."""


@st.composite
def invalid_models(draw, mutation: str) -> tuple[dict[str, Any], str]:
    """(a valid model broken by `mutation`, one of :data:`MUTATIONS`; the path its error must
    name)."""
    broken = copy.deepcopy(draw(valid_models(min_items=1, max_items=2)))
    return broken, MUTATIONS[mutation][1](broken)
