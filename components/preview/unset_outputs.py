"""Preview semantics for the outputs the fake cloud answers: what it does not set is unknown.

In a real ``pulumi preview``, an output the provider has not computed yet is unknown: an
``apply`` on it does not run, and the value shows as unknown. The Python SDK already treats a
top-level output missing from a registration's answer that way during preview
(``rpc.resolve_properties`` resolves it as not known). A nested object is different: the SDK
builds the resource's output type from the dict it gets, and every field missing from that dict
becomes a known ``None``, so a program reading ``account.primary_endpoints.web`` crashes where a
real preview would leave it unknown.

:func:`unknown_where_unset` closes that gap for the objects the fake cloud answers itself (an
output that is not one of the program's inputs, such as a storage account's
``primaryEndpoints`` or a Helm release's ``status``): every field of the SDK's output type that
the answer leaves out becomes the engine's unknown value. An input the program declared is echoed
as declared, as a real preview echoes it. Outside preview (``dry_run=False``) nothing changes.
"""

from __future__ import annotations

import typing
from collections import abc
from typing import Any, Collection, Optional

from pulumi import _types
from pulumi.runtime import rpc

from aiscale.preview import sdk_index

#: The engine's unknown value, as the mock monitor passes it back to the program.
UNKNOWN = rpc.UNKNOWN


def unknown_where_unset(type_token: str, declared: Collection[str], state: dict) -> dict:
    """``state`` with the unset fields of each object the fake cloud answered made unknown.

    ``declared`` holds the input names the program gave; those outputs are left as they are.
    """
    answered_objects = [key for key, value in state.items()
                        if key not in declared and isinstance(value, (dict, list))]
    resource_class = sdk_index.resource_class(type_token) if answered_objects else None
    if resource_class is None:
        return state
    types = _types.resource_types(resource_class)
    return {**state, **{key: fill_unknowns(state[key], types.get(key)) for key in answered_objects}}


def fill_unknowns(value: Any, typ: Optional[type]) -> Any:
    """``value`` with every field its output type declares and it lacks set to :data:`UNKNOWN`."""
    if value is None or value == UNKNOWN or typ is None:
        return value
    typ = _types.unwrap_optional_type(typ)
    origin = typing.get_origin(typ)
    if isinstance(value, list):
        element = (typing.get_args(typ) or (None,))[0] if origin in (list, abc.Sequence) else None
        return [fill_unknowns(item, element) for item in value]
    if not isinstance(value, dict):
        return value
    if isinstance(typ, type) and _types.is_output_type(typ):
        fields = _types.output_type_types(typ)
        filled = {key: fill_unknowns(item, fields.get(key)) for key, item in value.items()}
        for field in fields:
            filled.setdefault(field, UNKNOWN)
        return filled
    if origin in (dict, abc.Mapping) and len(typing.get_args(typ)) == 2:
        element = typing.get_args(typ)[1]
        return {key: fill_unknowns(item, element) for key, item in value.items()}
    return value
