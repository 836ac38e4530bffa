"""Reading resource inputs the way the engine sends them: tolerant tokens, coercion, unknowns.

Rules read plain dicts of camelCase inputs (``args.props``). Three things make that harder than
it looks, and this module is the one place that handles them:

- type tokens vary: pulumi-aws v6 spelled S3 tokens ``aws:s3/bucketV2:BucketV2``, v7 drops the
  suffix; azure-native has versioned tokens (``azure-native:storage/v20230101:StorageAccount``);
  Kubernetes kinds exist in several API versions. :func:`canonical_type` folds them together.
- values arrive loosely typed: launch-template booleans may be the strings "true"/"false",
  numbers arrive as floats (``maxSize`` 20 reads as ``20.0``). :func:`as_bool` and
  :func:`as_number` coerce.
- during preview an input may be unknown: the engine sends a sentinel string. :func:`get`
  raises :class:`UnknownValue` on one, and the runner turns that into "not applicable";
  :func:`is_set` instead treats an unknown as set (a value will be there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Iterable, Optional

from aiscale.facts.tokens import canonical_type  # noqa: F401 - re-exported
from aiscale.facts.values import (  # noqa: F401 - the shared readers, re-exported
    UNKNOWN_SENTINELS,
    Input,
    UnknownValue,
    as_bool,
    as_number,
    is_unknown,
)


def type_matches(token: str, canonical_tokens: Iterable[str]) -> bool:
    """True when `token`, made canonical, is one of `canonical_tokens`."""
    return canonical_type(token) in set(canonical_tokens)


def _proxy_target(value: Any) -> Any:
    """The wrapped dict/list of a pulumi_policy proxy, or None for anything else."""
    try:
        target = value["__target"]
    except (KeyError, TypeError, IndexError):
        return None
    return target if isinstance(target, (dict, list)) else None


def plain(value: Any) -> Any:
    """A deep copy of `value` as plain dicts and lists, keeping unknown sentinels as they are.

    Unwraps pulumi_policy's unknown-checking proxies without tripping them, so a rule can decide
    per input what an unknown means.
    """
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (Mapping, Sequence)):
        target = _proxy_target(value)
        if target is not None:
            return plain(target)
        if isinstance(value, Mapping):
            return {key: plain(value[key]) for key in value}
        return [plain(item) for item in value]
    return value


def get(props: Any, path: str, default: Any = None) -> Any:
    """The value at dotted `path` (``"vpcConfig.endpointPublicAccess"``), or `default`.

    Missing keys, None and non-dict intermediates give `default`; an unknown value anywhere on
    the path raises :class:`UnknownValue` (read through ``aiscale.facts.values.Input``).
    """
    value = Input.at(props, *path.split(".")).known()
    return default if value is None else value


def items(props: Any, path: str) -> list[Any]:
    """The list at `path` (each element checked for unknowns); [] when absent.

    A single object where a list is expected is returned as a one-element list.
    """
    return Input.at(props, *path.split(".")).items()


def is_set(props: Any, path: str) -> bool:
    """True when `path` holds a non-empty value, or a value not known yet (it will be set)."""
    try:
        value = get(props, path)
    except UnknownValue:
        return True
    return value not in (None, "", [], {})


def get_bool(props: Any, path: str, default: Optional[bool] = None) -> Optional[bool]:
    """The bool at `path` (strings coerced), or `default` when absent."""
    return as_bool(get(props, path), default)


def get_number(props: Any, path: str) -> Optional[float]:
    """The number at `path` (floats, ints, numeric strings), or None when absent."""
    return as_number(get(props, path))


def fmt_number(value: Optional[float]) -> str:
    """A number for a message: ``20.0`` -> ``"20"``, ``2.5`` -> ``"2.5"``."""
    if value is None:
        return "unset"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def lower(value: Any) -> str:
    """`value` as a lower-case string ("" for None)."""
    return "" if value is None else str(value).lower()
