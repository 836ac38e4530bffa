"""Turn pydantic validation errors into Problems with plain messages.

Every pydantic error becomes a Problem with the path formatted `a.b[0].c`, the value received
and a sentence saying what is valid (unknown fields list the valid fields, enumerations list
their choices). Problems raised by model validators as `FieldProblems` are re-rooted at the
model's own path.
"""

from __future__ import annotations

import re
import types
import typing
from inspect import isclass
from typing import Any, Iterable, Sequence

from pydantic import BaseModel, ValidationError

from ._base import FieldProblems, choices
from .errors import MISSING, Problem, format_path

_KEY_MARKER = "[key]"
_QUOTED = re.compile(r"'([^']*)'")


def problems_from_error(error: ValidationError, root: type[BaseModel],
                        prefix: Sequence[str | int] = ()) -> list[Problem]:
    """Every problem in `error`, raised while validating `root` at path `prefix`."""
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        problems.extend(_problems_from_detail(detail, root, tuple(prefix)))
    return problems


def _problems_from_detail(detail: Any, root: type[BaseModel],
                          prefix: tuple[str | int, ...]) -> Iterable[Problem]:
    loc = tuple(detail["loc"])
    is_key = bool(loc) and loc[-1] == _KEY_MARKER
    if is_key:
        loc = loc[:-1]
    ctx = detail.get("ctx") or {}
    cause = ctx.get("error")
    if detail["type"] == "value_error" and isinstance(cause, FieldProblems):
        for relative, value, message in cause.items:
            yield Problem(format_path(prefix + loc + tuple(relative)), value, message)
        return
    value = MISSING if detail["type"] == "missing" else detail.get("input")
    message = _message(detail, root, loc)
    if is_key:
        message = f"key {message}"
    yield Problem(format_path(prefix + loc), value, message)


def _message(detail: Any, root: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error") or detail["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return _unknown_field(root, loc[:-1])
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        return f"must be one of: {choices(_QUOTED.findall(str(ctx.get('expected', ''))))}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model = _annotation_at(root, loc)
        if isclass(model) and issubclass(model, BaseModel):
            return f"must be a mapping with the fields: {choices(model.model_fields)}"
        return "must be a mapping (key: value)"
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return simple.format(**ctx)
    return str(detail["msg"])


_SIMPLE = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "greater_than_equal": "must be >= {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be <= {le}",
    "less_than": "must be < {lt}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} character(s)",
}


def _unknown_field(root: type[BaseModel], owner_loc: tuple[str | int, ...]) -> str:
    model = _annotation_at(root, owner_loc)
    if not (isclass(model) and issubclass(model, BaseModel)):
        return "unknown field"
    noun = getattr(model, "unknown_field_noun", "field")
    return f"unknown {noun}; valid {noun}s: {choices(model.model_fields)}"


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional from a type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _annotation_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> Any:
    """The type expected at `loc` inside `root` (None when the path leaves the schema)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isclass(current) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            current = field.annotation
            continue
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if origin in (tuple, list) and isinstance(part, int) and args:
            current = args[0]
        elif origin is dict and isinstance(part, str) and len(args) == 2:
            current = args[1]
        else:
            return None
    return _unwrap(current)
