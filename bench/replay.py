"""Replay a preview's own resources through the bare Pulumi SDK: the floor of registering exactly
that work.

:func:`replay_records` turns an ``aiscale preview`` result into plain records (type, name, custom
or component, parent, provider, inputs as registered); :func:`replay` registers each again on
the bare SDK's mock runtime, with generic ``pulumi.CustomResource`` / ``ProviderResource`` /
``ComponentResource`` classes and the same parents and providers, in an order where every parent
and provider comes before the resources that name it. No provider SDK module is imported and no
component logic runs: what is left is what the Pulumi runtime itself costs for these resources.
"""

from __future__ import annotations

from typing import Any, Iterable

STACK_TYPE = "pulumi:pulumi:Stack"
"""The stack resource: the bare runtime registers its own."""
PROVIDER_PREFIX = "pulumi:providers:"
"""Type tokens of provider resources (``pulumi:providers:aws``)."""


def replay_records(resources: Iterable[Any]) -> list[dict[str, Any]]:
    """Plain, JSON-ready records of a preview's ``ResourceRecord``s (the stack left out)."""
    return [{"urn": r.urn, "type": r.type, "name": r.name, "custom": r.custom, "parent": r.parent,
             "provider": provider_urn(r.provider), "inputs": r.inputs}
            for r in resources if r.type != STACK_TYPE]


def provider_urn(reference: str | None) -> str | None:
    """The URN of a provider reference ``urn::id`` (None stays None)."""
    if not reference:
        return None
    return reference.rsplit("::", 1)[0]


def replay_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`records` so that each comes after its parent and its provider (when they are among the
    records), otherwise in the given order. Raises ValueError on a cycle."""
    by_urn = {record["urn"]: record for record in records}
    placed: set[str] = set()
    visiting: set[str] = set()
    ordered: list[dict[str, Any]] = []

    def place(record: dict[str, Any]) -> None:
        urn = record["urn"]
        if urn in placed:
            return
        if urn in visiting:
            raise ValueError(f"cycle through {urn}")
        visiting.add(urn)
        for before in (record.get("parent"), record.get("provider")):
            if before in by_urn:
                place(by_urn[before])
        visiting.discard(urn)
        placed.add(urn)
        ordered.append(record)

    for record in records:
        place(record)
    return ordered


def replay(records: list[dict[str, Any]]) -> None:
    """Register `records` (from :func:`replay_records`) in the current Pulumi program."""
    import pulumi

    registered: dict[str, Any] = {}
    for record in replay_order(records):
        opts = pulumi.ResourceOptions(parent=registered.get(record["parent"]),
                                      provider=registered.get(record["provider"]))
        kind = record["type"]
        if kind.startswith(PROVIDER_PREFIX):
            resource = pulumi.ProviderResource(kind[len(PROVIDER_PREFIX):], record["name"],
                                               dict(record["inputs"]), opts)
        elif record["custom"]:
            resource = pulumi.CustomResource(kind, record["name"], dict(record["inputs"]), opts)
        else:
            resource = pulumi.ComponentResource(kind, record["name"], None, opts)
            resource.register_outputs({})
        registered[record["urn"]] = resource
