"""Shared building blocks of the platform model.

The strict base class every section derives from, the cloud and capacity vocabularies, and the
small validators that turn a bad value into a plain sentence (what is valid) instead of a
pydantic error code. Models report problems found across several of their own fields by raising
`FieldProblems`, which carries paths relative to the model; the loader re-roots them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Callable, ClassVar, Iterable, Literal, Sequence

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from aiscale import clouds

CLOUD_ORDER: tuple[str, ...] = clouds.names()
"""Every cloud id, in the order resolved `clouds` tuples use (the registry's list)."""

CloudName = Literal.__getitem__(CLOUD_ORDER)
"""A cloud id (one of the registry's)."""

Capacity = Literal["on-demand", "spot"]
"""How machines are bought: on-demand, or spot / preemptible (cheaper, can be reclaimed)."""

RelPath = tuple[str | int, ...]
"""A path inside one model, e.g. ("lifecycle", "expire_after_days") or ("labels", "team")."""


class SpecModel(BaseModel):
    """Base of every platform-model section: unknown fields are errors, instances are immutable.

    Each field's docstring becomes its description in the JSON Schema.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    unknown_field_noun: ClassVar[str] = "field"
    """How the error for an unknown key names it ("unknown cloud; valid clouds: ...")."""

    @model_validator(mode="before")
    @classmethod
    def _null_means_omitted(cls, data: Any) -> Any:
        """An explicit null (an empty YAML key) for a field with a default means "omitted"."""
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            key: value for key, value in data.items()
            if not (value is None and key in fields and not fields[key].is_required()
                    and fields[key].default is not None)
        }


class FieldProblems(ValueError):
    """Problems found by a model validator, each at a path relative to the model validated."""

    def __init__(self, items: Iterable[tuple[RelPath, object, str]]) -> None:
        self.items: tuple[tuple[RelPath, object, str], ...] = tuple(items)
        super().__init__("; ".join(message for _, _, message in self.items))


class ProblemCollector:
    """Collects problems inside one model validator and raises them together at the end."""

    def __init__(self) -> None:
        self._items: list[tuple[RelPath, object, str]] = []

    def add(self, path: RelPath, value: object, message: str) -> None:
        """Record that `value` at `path` (relative to the model) is invalid, and why."""
        self._items.append((tuple(path), value, message))

    def raise_if_any(self) -> None:
        """Raise FieldProblems with everything recorded, if anything was."""
        if self._items:
            raise FieldProblems(self._items)


def choices(values: Iterable[object]) -> str:
    """`a, b, c` for a message listing valid choices ("none" when there are none)."""
    text = ", ".join(str(value) for value in values)
    return text or "none"


def matches(regex: str, rule: str, flags: int = 0) -> Any:
    """A string type that must fully match `regex`; `rule` says in words what is valid.

    The pattern also appears in the JSON Schema (without `flags`, which JSON Schema lacks).
    """
    compiled = re.compile(regex, flags)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"must be {rule}")
        return value

    return Annotated[str, AfterValidator(check), Field(json_schema_extra={"pattern": regex})]


def check_each(check: Callable[[Any], str | None]) -> Any:
    """An annotation validating every item of a sequence with `check` (returns a message or None).

    Problems point at the item (`field[2]`), so that several bad items are all reported.
    """

    def validate(values: Sequence[str]) -> Sequence[str]:
        problems = ProblemCollector()
        for index, value in enumerate(values):
            message = check(value)
            if message:
                problems.add((index,), value, message)
        problems.raise_if_any()
        return values

    return AfterValidator(validate)


def no_duplicates(values: Sequence[object]) -> Sequence[object]:
    """Reject a list that names the same item twice, pointing at the repeat."""
    problems = ProblemCollector()
    seen: dict[object, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            problems.add((index,), value, f"listed twice (first at index {seen[value]})")
        else:
            seen[value] = index
    problems.raise_if_any()
    return values


def canonical_clouds(clouds: Iterable[str]) -> tuple[str, ...]:
    """`clouds` without repeats, in the order aws, azure, gcp."""
    wanted = set(clouds)
    return tuple(cloud for cloud in CLOUD_ORDER if cloud in wanted)
