"""The parts of a platform model that validated, for the rules across sections.

When the whole model validates, every part is there. When it does not, each section (and each
item of a list section) is validated on its own, so the rules across sections still run on the
parts that are valid and one error can report everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from pydantic import BaseModel, ValidationError

from .compute import AutoscalingGroup, NodePool
from .endpoints import Endpoint
from .operations import Operations
from .platform import Platform
from .sections import Clouds, NetworkSettings
from .storage import Bucket

LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "node_pools": NodePool,
    "autoscaling_groups": AutoscalingGroup,
    "buckets": Bucket,
    "endpoints": Endpoint,
}
"""The list sections whose items have `clouds`, with their item model."""

Indexed = tuple[tuple[int, Any], ...]
"""(index in the input list, validated item) pairs."""


@dataclass(frozen=True)
class Parts:
    """The valid parts of a platform model (None or missing items where a part was invalid)."""

    clouds: Optional[Clouds]
    """The clouds section, or None when it was invalid."""
    tags: Optional[Mapping[str, str]]
    """The tags, or None when they were not a mapping of strings."""
    network: Optional[NetworkSettings]
    """The network section, or None when it was invalid."""
    operations: Optional[Operations]
    """The operations section, or None when omitted or invalid."""
    items: Mapping[str, Indexed]
    """Per list section, the items that validated, with their index."""
    complete: frozenset[str]
    """The list sections in which every item validated."""

    @classmethod
    def from_platform(cls, platform: Platform) -> "Parts":
        """Every part of a platform that validated as a whole."""
        return cls(
            clouds=platform.clouds,
            tags=platform.tags,
            network=platform.network,
            operations=platform.operations,
            items={name: tuple(enumerate(getattr(platform, name))) for name in LIST_SECTIONS},
            complete=frozenset(LIST_SECTIONS),
        )

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> "Parts":
        """The parts of an invalid model that validate on their own."""
        items: dict[str, Indexed] = {}
        complete = set()
        for name, model in LIST_SECTIONS.items():
            values = raw.get(name) or ()
            if not isinstance(values, (list, tuple)):
                items[name] = ()
                continue
            checked = enumerate(_each(model, values))
            valid = tuple((i, item) for i, item in checked if item is not None)
            items[name] = valid
            if len(valid) == len(values):
                complete.add(name)
        tags = raw.get("tags", {})
        string_tags = isinstance(tags, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
        )
        return cls(
            clouds=_clouds(raw.get("clouds")),
            tags=tags if string_tags else None,
            network=_valid(NetworkSettings, raw.get("network", {})),
            operations=_valid(Operations, raw.get("operations")),
            items=items,
            complete=frozenset(complete),
        )


def _valid(model: type[BaseModel], value: Any) -> Any:
    """`value` validated as `model`, or None when it is None or invalid."""
    if value is None:
        return None
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _clouds(value: Any) -> Optional[Clouds]:
    """The clouds section; when it names an unknown cloud, the known clouds alone."""
    clouds = _valid(Clouds, value)
    if clouds is None and isinstance(value, Mapping):
        clouds = _valid(Clouds, {k: v for k, v in value.items() if k in Clouds.model_fields})
    return clouds


def _each(model: type[BaseModel], values: Any) -> list[Any]:
    """Each item validated as `model` (None for an invalid item)."""
    return [_valid(model, value) for value in values]
