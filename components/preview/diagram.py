"""The platform as a picture: clouds -> clusters -> pools -> endpoints -> buckets, with the
number of resources each holds and the monthly cost per cloud.

:func:`platform_graph` reads it from a preview's components (``aiscale:index:KubernetesCluster``,
``GpuNodePool``, ``AutoscalingGroup``, ``ModelEndpoint``, ``ObjectStore``): a component's cloud
is the one most of its resources are on, a pool hangs under the cluster it belongs to, an
endpoint under the cluster whose Kubernetes resources it creates (else under its cloud), and an
endpoint points at each bucket one of its resources depends on. A program without aiscale
components draws its clouds only. A Kubernetes endpoint hangs under the GPU pool whose
``aiscale.io/accelerator`` node label its pods select (else under its cluster). :func:`mermaid` writes the graph as a Mermaid flowchart (for
``--markdown``); :mod:`aiscale.preview.html` draws it as inline SVG.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from aiscale.facts.tokens import CLOUD_OF_PACKAGE, cloud_of

LEVELS = ("cloud", "cluster", "pool", "endpoint", "bucket")
"""The columns of the picture, left to right."""
COMPONENT_LEVEL = {
    "aiscale:index:KubernetesCluster": "cluster",
    "aiscale:index:GpuNodePool": "pool",
    "aiscale:index:AutoscalingGroup": "pool",
    "aiscale:index:ModelEndpoint": "endpoint",
    "aiscale:index:ObjectStore": "bucket",
}
"""Which component types are drawn, and in which column."""
KIND = {"aiscale:index:KubernetesCluster": "cluster", "aiscale:index:GpuNodePool": "GPU pool",
        "aiscale:index:AutoscalingGroup": "GPU VM group", "aiscale:index:ModelEndpoint": "endpoint",
        "aiscale:index:ObjectStore": "bucket"}
"""The word shown before a component's name."""
NON_CLOUDS = ("kubernetes", "other")
"""Packages that run on some cloud rather than being one."""


@dataclass(frozen=True)
class Node:
    """One box of the picture."""

    key: str
    """A Mermaid-safe id, unique in the graph."""
    level: str
    """One of LEVELS."""
    label: str
    """What the box says first (``cluster acme-ml-aws-k8s``)."""
    resources: int
    """The provider resources it holds, at any depth."""
    cloud: str
    """The cloud it is on."""
    cost_max: Optional[float] = None
    """Monthly cost at the largest scale (clouds only)."""
    cost_min: Optional[float] = None
    """Monthly cost at the smallest scale (clouds only)."""


@dataclass(frozen=True)
class PlatformGraph:
    """The picture's boxes and arrows, and the cost per cloud."""

    nodes: tuple[Node, ...]
    """Boxes, in drawing order (by level, then cloud, then name)."""
    edges: tuple[tuple[str, str], ...]
    """Arrows, as (from key, to key)."""
    currency: str = "USD"
    """The currency of the costs."""

    def at(self, level: str) -> list[Node]:
        """The boxes of one column."""
        return [node for node in self.nodes if node.level == level]


def _key(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))


def cost_per_cloud(cost: Any) -> dict[str, tuple[float, float]]:
    """``{cloud: (monthly min, monthly max)}`` from a cost estimate's items."""
    totals: dict[str, list[float]] = {}
    for item in cost.items:
        token = item.urn.split("::")[-2].split("$")[-1]
        low_high = totals.setdefault(cloud_of(token), [0.0, 0.0])
        low_high[0] += item.monthly_min
        low_high[1] += item.monthly_max
    return {cloud: (round(low, 2), round(high, 2)) for cloud, (low, high) in sorted(totals.items())}


def platform_graph(result: Any, cost: Any = None) -> PlatformGraph:
    """The graph of a ``PreviewResult`` (and its ``CostEstimate``, for the clouds' costs)."""
    records = list(result.resources)
    children: dict[Optional[str], list] = {}
    for record in records:
        children.setdefault(record.parent, []).append(record)

    def descendants(urn: str) -> list:
        found = []
        for child in children.get(urn, []):
            found.append(child)
            found += descendants(child.urn)
        return found

    def cloud_among(resources: Sequence) -> Optional[str]:
        clouds = Counter(CLOUD_OF_PACKAGE.get(r.package, "other") for r in resources if r.custom)
        for name in NON_CLOUDS:
            clouds.pop(name, None)
        return clouds.most_common(1)[0][0] if clouds else None

    costs = cost_per_cloud(cost) if cost is not None else {}
    per_cloud = Counter(CLOUD_OF_PACKAGE.get(r.package, "other") for r in records if r.custom)
    clouds = sorted((set(per_cloud) | set(costs)) - set(NON_CLOUDS))
    nodes = [Node(_key("cloud", c), "cloud", c.upper() if len(c) <= 3 else c.capitalize(), per_cloud[c], c,
                  costs.get(c, (None, None))[1], costs.get(c, (None, None))[0]) for c in clouds]
    drawn: dict[str, Node] = {}
    inside: dict[str, list] = {}
    for record in records:
        level = COMPONENT_LEVEL.get(record.type)
        if level is None:
            continue
        held = descendants(record.urn)
        cloud = cloud_among(held) or "other"
        node = Node(_key(level, record.name), level, f"{KIND[record.type]} {record.name}",
                    sum(1 for r in held if r.custom), cloud)
        drawn[record.urn] = node
        inside[record.urn] = held
    edges: list[tuple[str, str]] = []
    by_cloud = {node.cloud: node for node in nodes}

    def ancestor(record, level: str) -> Optional[Node]:
        parent = record.parent
        while parent is not None:
            node = drawn.get(parent)
            if node is not None and node.level == level:
                return node
            parent = next((r.parent for r in records if r.urn == parent), None)
        return None

    components = {r.urn: r for r in records if r.urn in drawn}
    clusters = [urn for urn in drawn if drawn[urn].level == "cluster"]
    for urn, node in drawn.items():
        record = components[urn]
        source = None
        if node.level == "pool":
            source = ancestor(record, "cluster")
        elif node.level == "endpoint" and any(r.package == "kubernetes" for r in inside[urn]):
            wanted = _accelerators(inside[urn])
            source = next((drawn[p] for p in drawn if drawn[p].level == "pool" and drawn[p].cloud == node.cloud
                           and wanted & _accelerators(inside[p])), None)
            source = source or next((drawn[c] for c in clusters if drawn[c].cloud == node.cloud), None)
        if node.level == "bucket":
            continue
        source = source or by_cloud.get(node.cloud)
        if source is not None:
            edges.append((source.key, node.key))
    for urn, node in drawn.items():
        if node.level != "endpoint":
            continue
        needs = {dep for r in inside[urn] for dep in getattr(r, "dependencies", ())}
        for bucket_urn, bucket in drawn.items():
            if bucket.level == "bucket" and needs & ({bucket_urn} | {r.urn for r in inside[bucket_urn]}):
                edges.append((node.key, bucket.key))
    linked = {target for _, target in edges}
    for node in drawn.values():  # buckets no endpoint reads hang under their cloud
        if node.level == "bucket" and node.key not in linked and node.cloud in by_cloud:
            edges.append((by_cloud[node.cloud].key, node.key))
    ordered = sorted(drawn.values(), key=lambda n: (LEVELS.index(n.level), n.cloud, n.label))
    return PlatformGraph(tuple(nodes + ordered), tuple(sorted(set(edges))),
                         getattr(cost, "currency", "USD"))


ACCELERATOR_LABEL = "aiscale.io/accelerator"
"""The node label a GPU pool carries and a Kubernetes endpoint selects its nodes by."""


def _accelerators(resources: Sequence) -> set[str]:
    """The values of ACCELERATOR_LABEL anywhere in `resources`' inputs (a pool's node labels,
    an endpoint's node selector)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == ACCELERATOR_LABEL and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for record in resources:
        walk(getattr(record, "inputs", None))
    return found


def _money(amount: Optional[float]) -> str:
    return "unpriced" if amount is None else f"${amount:,.2f}"


def node_text(node: Node) -> list[str]:
    """The lines of a box: its label, its resources, and for a cloud its monthly cost."""
    lines = [node.label, f"{node.resources} resource{'' if node.resources == 1 else 's'}"]
    if node.level == "cloud" and node.cost_max is not None:
        lines.append(f"{_money(node.cost_min)} - {_money(node.cost_max)} / month")
    return lines


def _quoted(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(graph: PlatformGraph) -> str:
    """The graph as a Mermaid flowchart, left to right, one subgraph-free box per node."""
    lines = ["flowchart LR"]
    shapes = {"cloud": ('(["', '"])'), "bucket": ('[("', '")]'), "endpoint": ('{{"', '"}}')}
    for node in graph.nodes:
        start, end = shapes.get(node.level, ('["', '"]'))
        lines.append(f"  {node.key}{start}{'<br/>'.join(_quoted(t) for t in node_text(node))}{end}")
    lines += [f"  {source} --> {target}" for source, target in graph.edges]
    return "\n".join(lines)


def mermaid_cost_pie(graph: PlatformGraph) -> Optional[str]:
    """A Mermaid pie of the monthly cost per cloud at the largest scale (None when nothing is
    priced)."""
    priced = [node for node in graph.at("cloud") if node.cost_max]
    if not priced:
        return None
    lines = [f"pie showData title Monthly cost per cloud, largest scale ({graph.currency})"]
    lines += [f'  "{node.label}" : {node.cost_max:.2f}' for node in priced]
    return "\n".join(lines)


def markdown_section(outcome: Any) -> list[str]:
    """The ``### Platform`` section of the Markdown report: the diagram and the cost per cloud."""
    graph = platform_graph(outcome.result, outcome.cost)
    if not graph.nodes:
        return []
    lines = ["### Platform", "", "```mermaid", mermaid(graph), "```", ""]
    pie = mermaid_cost_pie(graph)
    if pie:
        lines += ["```mermaid", pie, "```", ""]
    return lines
