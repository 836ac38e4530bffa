"""The one reference follower: which resource of a stack another one names.

A node group names its cluster and launch template, a Kubernetes object runs on the cluster its
provider was built from, a bucket policy names its bucket, an autoscaler names the group it
scales. A reference is followed the same way for the cost estimate (preview ``ResourceRecord``
objects: ``inputs``, ``outputs``, ``id``, ``provider`` as ``urn::id``) and for the policy packs
(``ResourceView`` objects: ``props``, ``provider_urn``, and the record when one exists): each
resource is read once into a :class:`Node` and the answers are the caller's own objects.

How input `key` of a resource refers to a candidate, strongest first:

1. the engine's property dependencies of `key` name the candidate's URN (certain: the value
   came from that resource's outputs);
2. a string inside the value (at any depth) equals one of the candidate's :func:`names`;
3. the last segment of a path-like string (a self link, an ARM id, an ARN's resource part)
   equals one of them.

A tier that matches exactly one candidate answers; several candidates at the same name tier are
*ambiguous* and answer nothing (two clusters both called ``gpu`` in two regions: guessing would
price or judge the wrong one); no match falls to the next tier. Values not known during preview
name nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

from . import kubernetes, reader
from .tokens import canonical_type
from .values import is_unknown, known_str

REFERENCE_FIELDS: tuple[str, ...] = ("id", "name", "selfLink", "selfLinkUnique", "arn")
"""Inputs and outputs whose value another resource may use to name this one, on every kind
(each kind's own name inputs, e.g. an S3 bucket's ``bucket``, come from its cloud's facts)."""

_WORD_BREAKS = re.compile(r"[\s\"'_:/]+")


def provider_urn_of(reference: Any) -> Optional[str]:
    """The provider's URN in a provider reference as the engine sends it (``urn::id``), or None."""
    if not isinstance(reference, str) or "::" not in reference:
        return None
    return reference.rsplit("::", 1)[0]


@dataclass(frozen=True)
class Node:
    """One resource as the follower reads it, whatever object it came from."""

    urn: str
    """The resource's URN."""
    kind: str
    """The canonical type token."""
    name: str
    """The logical name."""
    inputs: Mapping[str, Any]
    """The camelCase inputs (a record's ``inputs``, a view's ``props``)."""
    outputs: Mapping[str, Any]
    """What the (fake) cloud answered; {} when not known (a policy pack's view)."""
    id: Optional[str]
    """The resource's id, when known."""
    dependencies: tuple[str, ...]
    """URNs the resource depends on."""
    property_dependencies: Mapping[str, Sequence[str]]
    """For each input key, the URNs its value came from."""
    provider_urn: Optional[str]
    """The URN of the provider resource it was registered with, if known."""

    @classmethod
    def of(cls, resource: Any) -> "Node":
        """The node of a preview ``ResourceRecord`` or a policy ``ResourceView`` (a node is
        its own)."""
        if isinstance(resource, Node):
            return resource
        inputs = getattr(resource, "inputs", None)
        if inputs is None:
            inputs = getattr(resource, "props", None) or {}
        record = getattr(resource, "record", None) or resource
        provider_urn = getattr(resource, "provider_urn", None) or provider_urn_of(getattr(resource, "provider", None))
        return cls(urn=resource.urn, kind=canonical_type(resource.type), name=resource.name,
                   inputs=inputs, outputs=getattr(record, "outputs", None) or {},
                   id=known_str(getattr(record, "id", None)),
                   dependencies=tuple(getattr(resource, "dependencies", None) or ()),
                   property_dependencies=getattr(resource, "property_dependencies", None) or {},
                   provider_urn=provider_urn)

    def came_from(self, key: str) -> tuple[str, ...]:
        """The URNs input `key` came from (the engine's property dependencies)."""
        return tuple(self.property_dependencies.get(key, ()))

    def upstream(self) -> tuple[str, ...]:
        """Every URN the resource depends on: its dependencies, then its inputs' sources."""
        urns = list(self.dependencies)
        for sources in self.property_dependencies.values():
            urns += [urn for urn in sources if urn not in urns]
        return tuple(urns)


def physical_names(node: Node) -> frozenset[str]:
    """The strings the cloud knows `node` by: its id, its ``id``/``name``/``selfLink``/``arn``
    outputs and inputs, and its kind's own name inputs (an S3 bucket's ``bucket``)."""
    found = {node.id} if node.id else set()
    for source in (node.outputs, node.inputs):
        for key in (*REFERENCE_FIELDS, *reader.name_inputs(node.kind)):
            text = known_str(source.get(key))
            if text:
                found.add(text)
    return frozenset(found)


def names(node: Node) -> frozenset[str]:
    """Every string that names `node`: its physical names and its logical name (what a policy
    pack sees under ``pulumi preview``, before the cloud has named anything)."""
    return physical_names(node) | {node.name}


def known_strings(value: Any) -> list[str]:
    """Every known, non-empty string inside `value` (at any depth), in order."""
    if isinstance(value, str):
        return [value] if value and not is_unknown(value) else []
    items = value.values() if isinstance(value, Mapping) else value if isinstance(value, (list, tuple)) else ()
    return [text for item in items for text in known_strings(item)]


def _segment(text: str) -> set[str]:
    """The last segment of a path-like string ({} for a plain one)."""
    return {text.rstrip("/").rsplit("/", 1)[-1]} - {text} if "/" in text else set()


def value_strings(value: Any) -> tuple[set[str], set[str]]:
    """(whole strings, last path segments) of every known string inside `value`."""
    whole = set(known_strings(value))
    segments = {segment for text in whole for segment in _segment(text)}
    return whole, segments - whole


def words(value: Any) -> set[str]:
    """Every word of every string inside `value` (split on spaces, quotes, ``_``, ``:`` and ``/``),
    as a kubeconfig mentions the cluster it was made for."""
    found: set[str] = set()
    whole, _ = value_strings(value)
    for text in whole:
        found |= set(_WORD_BREAKS.split(text))
    return found - {""}


def named(value: Any, target: Any) -> bool:
    """True when a string inside `value` (or its last path segment) names `target`."""
    whole, segments = value_strings(value)
    return bool((whole | segments) & names(Node.of(target)))


def within(value: Any, target: Any) -> bool:
    """True when a string inside `value` is a resource id of `target` or of one of its
    sub-resources: it holds ``/<collection>/<name>`` (the kind's id collection and one of the
    target's names, in any case) followed by ``/`` or its end. False for kinds without an id
    collection."""
    node = Node.of(target)
    collection = reader.id_collection(node.kind)
    if collection is None:
        return False
    wanted = {f"/{collection}/{name}".lower() for name in names(node)}
    whole, _ = value_strings(value)
    for text in (text.lower().rstrip("/") for text in whole):
        if any(text.endswith(path) or f"{path}/" in text for path in wanted):
            return True
    return False


def came_from(resource: Any, key: str, target: Any) -> bool:
    """True when the engine records that input `key` of `resource` came from `target`."""
    return Node.of(target).urn in Node.of(resource).came_from(key)


def refers_to(resource: Any, key: str, target: Any) -> bool:
    """True when input `key` of `resource` refers to `target`: by property dependency, or by a
    string inside the value (or its last path segment) that names the target."""
    node = Node.of(resource)
    if came_from(node, key, target):
        return True
    whole, segments = _tiers(node, key)
    return bool((whole | segments) & names(Node.of(target)))


def _tiers(node: Node, key: str) -> tuple[set[str], set[str]]:
    """(whole strings, path segments) that input `key` of `node` names things by: its cloud's
    reading of a composite reference when it has one, else the value's strings."""
    value = node.inputs.get(key)
    composite = reader.referenced_names(node.kind, key, value)
    return (set(composite), set()) if composite is not None else value_strings(value)


class References:
    """The resources of one stack, indexed for following references between them."""

    def __init__(self, resources: Iterable[Any]) -> None:
        self.resources = tuple(resources)
        """Every resource, in registration order (the caller's own objects)."""
        self._nodes = {id(resource): Node.of(resource) for resource in self.resources}
        self._by_urn = {self._nodes[id(r)].urn: r for r in self.resources}
        self._by_kind: dict[str, list[Any]] = {}
        for resource in self.resources:
            self._by_kind.setdefault(self._nodes[id(resource)].kind.lower(), []).append(resource)
        self._names: dict[int, frozenset[str]] = {}
        self._words: dict[int, frozenset[str]] = {}
        self._of_types: dict[frozenset[str], tuple[Any, ...]] = {}
        self._mentions: dict[tuple[int, str], frozenset[str]] = {}
        self.memo: dict[str, Any] = {}
        """What a reader derives from the whole stack once (e.g. its scaling policies, its GPU
        workloads), by the derivation's name: stack-wide readings stay linear in its size."""

    def node(self, resource: Any) -> Node:
        """The follower's reading of `resource` (one of this stack's, or any other)."""
        return self._nodes.get(id(resource)) or Node.of(resource)

    def names(self, resource: Any) -> frozenset[str]:
        """Every string that names `resource` (see :func:`names`)."""
        key = id(resource)
        if key not in self._nodes:
            return names(Node.of(resource))  # not one of this stack's: nothing to cache
        if key not in self._names:
            self._names[key] = names(self._nodes[key])
        return self._names[key]

    def get(self, urn: Optional[str]) -> Any:
        """The resource with `urn`, or None."""
        return self._by_urn.get(urn) if urn else None

    def of_type(self, *types: str) -> list[Any]:
        """The resources whose type is one of `types` (compared in canonical form, any case),
        in order."""
        wanted = frozenset(canonical_type(t).lower() for t in types)
        if len(wanted) == 1:
            return list(self._by_kind.get(next(iter(wanted)), ()))
        found = self._of_types.get(wanted)
        if found is None:  # several kinds, merged in registration order once per set of kinds
            found = tuple(r for r in self.resources if self._nodes[id(r)].kind.lower() in wanted)
            self._of_types[wanted] = found
        return list(found)

    def _candidates(self, types: Sequence[str], among: Optional[Iterable[Any]]) -> list[Any]:
        return list(among) if among is not None else self.of_type(*types)

    def provider(self, resource: Any) -> Any:
        """The provider resource `resource` was registered with, if it is in the stack."""
        return self.get(self.node(resource).provider_urn)

    def linked(self, resource: Any, key: str, *types: str, among: Optional[Iterable[Any]] = None) -> Any:
        """The resource of `types` (or of `among`) that input `key` of `resource` refers to;
        None when none is found or the name is ambiguous (see the module's tiers)."""
        candidates = self._candidates(types, among)
        node = self.node(resource)
        by_urn = {self.node(c).urn: c for c in candidates}
        for urn in node.came_from(key):
            if urn in by_urn:
                return by_urn[urn]
        return self._one_named(candidates, *_tiers(node, key))

    def named_by(self, value: Any, *types: str, among: Optional[Iterable[Any]] = None) -> Any:
        """The one resource of `types` (or of `among`) that `value` names; None when none or
        several do."""
        return self._one_named(self._candidates(types, among), *value_strings(value))

    def _one_named(self, candidates: Sequence[Any], *tiers: set[str]) -> Any:
        for strings in tiers:
            if not strings:
                continue
            found = [c for c in candidates if strings & self.names(c)]
            if len(found) == 1:
                return found[0]
            if found:
                return None  # ambiguous: several candidates carry the name
        return None

    def all_linked(self, resource: Any, key: str, *types: str, among: Optional[Iterable[Any]] = None) -> list[Any]:
        """Every resource of `types` (or of `among`) that input `key` of `resource` refers to
        (a cluster's subnets): those its property dependencies name, in order; when none do,
        the one each string inside the value names (an ambiguous string adds nothing)."""
        candidates = self._candidates(types, among)
        node = self.node(resource)
        by_urn = {self.node(c).urn: c for c in candidates}
        found = [by_urn[urn] for urn in node.came_from(key) if urn in by_urn]
        if not found:
            for text in known_strings(node.inputs.get(key)):
                found.append(self._one_named(candidates, {text}, _segment(text)))
        unique = {id(r): r for r in found if r is not None}
        return list(unique.values())

    def _mentioned(self, resource: Any, node: Node, key: str) -> frozenset[str]:
        """Every string (whole or path segment) input `key` of `resource` names things by, read
        once per resource and key: a stack check asks it of every resource for every target."""
        cache_key = (id(resource), key)
        found = self._mentions.get(cache_key) if id(resource) in self._nodes else None
        if found is None:
            whole, segments = _tiers(node, key)
            found = frozenset(whole | segments)
            if id(resource) in self._nodes:
                self._mentions[cache_key] = found
        return found

    def pointing_at(self, target: Any, key: str, *types: str, among: Optional[Iterable[Any]] = None) -> list[Any]:
        """The resources of `types` (or of `among`) whose input `key` refers to `target`
        (autoscalers of a group, containers of an account), in order."""
        wanted = self.node(target).urn
        target_names = self.names(target)
        found = []
        for candidate in self._candidates(types, among):
            node = self.node(candidate)
            if wanted in node.came_from(key):
                found.append(candidate)
                continue
            if self._mentioned(candidate, node, key) & target_names:
                found.append(candidate)
        return found

    def source(self, resource: Any, *types: str, among: Optional[Iterable[Any]] = None) -> Any:
        """The first resource of `types` (or of `among`) that `resource` depends on (its
        dependencies, then its inputs' sources), or None."""
        candidates = self._candidates(types, among)
        by_urn = {self.node(c).urn: c for c in candidates}
        return next((by_urn[urn] for urn in self.node(resource).upstream() if urn in by_urn), None)

    def scaler_of(self, workload: Any, *types: str) -> Any:
        """The HorizontalPodAutoscaler of `types` that scales a Kubernetes `workload`: the
        first whose ``spec`` came from it or whose ``scaleTargetRef`` names it (same name,
        kind and namespace); None when none does."""
        node = self.node(workload)
        for autoscaler in self.of_type(*types):
            scaler = self.node(autoscaler)
            if node.urn in scaler.came_from("spec") or kubernetes.scales(scaler.inputs, node.kind, node.inputs, node.name):
                return autoscaler
        return None

    def cluster_of(self, resource: Any, *types: str, among: Optional[Iterable[Any]] = None) -> Any:
        """The cluster (of `types`, or of `among`) a Kubernetes object runs on: the one its
        provider was built from, by dependency, else (dependencies not known, as under
        ``pulumi preview``) the one cluster whose physical name the provider's kubeconfig
        mentions as a word. None on the default provider, for a cluster not in the stack, or
        when several clusters are mentioned."""
        provider = self.provider(resource)
        if provider is None:
            return None
        candidates = self._candidates(types, among)
        found = self.source(provider, among=candidates)
        if found is not None:
            return found
        if id(provider) not in self._words:
            self._words[id(provider)] = frozenset(words(self.node(provider).inputs))
        mentioned = self._words[id(provider)]
        named = [c for c in candidates if physical_names(self.node(c)) & mentioned]
        return named[0] if len(named) == 1 else None
