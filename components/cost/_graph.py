"""The resources of one preview, indexed so a pricer can follow references between them.

A node group names its launch template by id, an autoscaler names its instance group by self
link: during a real preview those values are unknown, so references are followed through the
engine's property dependencies first and through matching ids, names and self links second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence

from aiscale.preview.records import ResourceRecord

from ._values import canonical_type, is_unknown

if TYPE_CHECKING:
    from ._usage import Usage

_REFERENCE_FIELDS = ("id", "name", "selfLink", "selfLinkUnique", "arn")
"""Fields whose value another resource may use to name this one."""


class Graph:
    """Lookups over the records of one preview plus the stack configuration."""

    def __init__(self, records: Sequence[ResourceRecord], config: Mapping[str, str],
                 usage: Optional["Usage"] = None) -> None:
        from ._usage import NO_USAGE

        self.records = tuple(records)
        """Every record, in registration order."""
        self.config = dict(config)
        """Stack configuration (``aws:region``, ``azure-native:location``, ``gcp:region``...)."""
        self.usage = usage if usage is not None else NO_USAGE
        """Usage quantities for usage-based charges (the usage file and the model's)."""
        self._by_urn = {record.urn: record for record in self.records}

    def get(self, urn: str) -> Optional[ResourceRecord]:
        """The record with `urn`, or None."""
        return self._by_urn.get(urn)

    def of_type(self, *types: str) -> list[ResourceRecord]:
        """Records whose type matches one of `types` (tolerantly, see `canonical_type`)."""
        wanted = {canonical_type(t) for t in types}
        return [r for r in self.records if canonical_type(r.type) in wanted]

    def provider(self, record: ResourceRecord) -> Optional[ResourceRecord]:
        """The provider resource the record was registered with ("urn::id"), if it is known."""
        if not record.provider:
            return None
        return self.get(record.provider.rsplit("::", 1)[0])

    def linked(self, record: ResourceRecord, key: str, *types: str) -> Optional[ResourceRecord]:
        """The resource of one of `types` that input `key` of `record` came from, if any.

        Follows the engine's property dependencies first, then matches the input's value
        (or any string inside it) against the ids, names and self links of candidates.
        """
        wanted = {canonical_type(t) for t in types}
        for urn in record.property_dependencies.get(key, ()):
            found = self.get(urn)
            if found is not None and canonical_type(found.type) in wanted:
                return found
        return self.named_by(record.inputs.get(key), *types)

    def named_by(self, value: Any, *types: str) -> Optional[ResourceRecord]:
        """The resource of one of `types` that `value` (or a string inside it) names, if any."""
        names = set(_strings(value))
        if not names:
            return None
        for candidate in self.of_type(*types):
            if names & set(_reference_values(candidate)):
                return candidate
        return None

    def pointing_at(self, target: ResourceRecord, key: str, *types: str) -> list[ResourceRecord]:
        """Resources of `types` whose input `key` refers to `target` (autoscalers, settings)."""
        own = set(_reference_values(target))
        found = []
        for candidate in self.of_type(*types):
            if target.urn in candidate.property_dependencies.get(key, ()):
                found.append(candidate)
            elif own & set(_strings(candidate.inputs.get(key))):
                found.append(candidate)
        return found


def _strings(value: Any) -> Iterable[str]:
    """Every known string inside `value`, and the last path segment of self links and ids."""
    if isinstance(value, str):
        if value and not is_unknown(value):
            yield value
            if "/" in value:
                yield value.rstrip("/").rsplit("/", 1)[-1]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _reference_values(record: ResourceRecord) -> Iterable[str]:
    """The strings another resource may use to name `record`."""
    if record.id and not is_unknown(record.id):
        yield record.id
    for source in (record.outputs, record.inputs):
        for field in _REFERENCE_FIELDS:
            value = source.get(field)
            if isinstance(value, str) and value and not is_unknown(value):
                yield value
