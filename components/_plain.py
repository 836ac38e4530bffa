"""Plain values across the language boundary.

Arguments that reach a component through the provider (``pulumi package add`` from another
language) arrive over Pulumi's wire format: every number is a float, and a value another
resource has not computed yet is an ``Output``. These helpers turn such a value back into what
the Python model expects, or say precisely where it is not plain.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Optional

import pulumi

from aiscale.model import Problem


def whole_numbers(value: Any) -> Any:
    """``value`` with every float that is a whole number (``8.0``) turned into an int, deeply."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [whole_numbers(item) for item in value]
    return value


def first_output(value: Any, path: str) -> Optional[str]:
    """The path of the first ``pulumi.Output`` inside ``value`` (``path`` itself when it is one),
    or None when the value is plain all the way down."""
    if isinstance(value, pulumi.Output):
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = first_output(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for index, item in enumerate(value):
            found = first_output(item, f"{path}[{index}]")
            if found:
                return found
    return None


def renamed(problem: Problem, prefixes: Sequence[tuple[str, str]]) -> Problem:
    """``problem`` with the first matching path prefix replaced, e.g. ``("node_pools[0]", "")``
    turns ``node_pools[0].max_nodes`` into ``max_nodes`` and ``("name", "platform")`` turns
    ``name`` into ``platform``. A prefix matches whole path segments only."""
    for old, new in prefixes:
        if problem.path == old:
            return problem._replace(path=new)
        if problem.path.startswith((old + ".", old + "[")):
            rest = problem.path[len(old):]
            return problem._replace(path=new + rest if new else rest.lstrip("."))
    return problem
