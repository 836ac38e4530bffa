"""The cloud registry: one adapter per cloud, and the one list of clouds.

``adapter("aws")`` is the AWS adapter; ``names()`` every cloud id, in the order the model,
reports and outputs use. Adding a cloud: a module here with a :class:`CloudAdapter` subclass,
one line in :data:`_ADAPTERS`, its builders in ``aiscale/<cloud>/`` and its catalog data
(docs/architecture.md).
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from aiscale.clouds._regions import UnknownRegionError
from aiscale.clouds.base import CAPABILITIES, CloudAdapter

__all__ = ["CAPABILITIES", "CloudAdapter", "adapter", "adapters", "names", "UnknownCloudError",
           "UnknownRegionError"]

#: Cloud id -> the adapter class (module path, class name), in the canonical order.
_ADAPTERS = {
    "aws": ("aiscale.clouds.aws", "AwsAdapter"),
    "azure": ("aiscale.clouds.azure", "AzureAdapter"),
    "gcp": ("aiscale.clouds.gcp", "GcpAdapter"),
}


class UnknownCloudError(ValueError):
    """A cloud id the registry does not know."""


def names() -> tuple[str, ...]:
    """Every cloud id, in the canonical order."""
    return tuple(_ADAPTERS)


@lru_cache(maxsize=None)
def adapter(name: str) -> CloudAdapter:
    """The adapter of cloud ``name``; :class:`UnknownCloudError` naming the valid clouds."""
    if name not in _ADAPTERS:
        raise UnknownCloudError(f"cloud: got {name!r}; valid: {', '.join(names())}")
    module, cls = _ADAPTERS[name]
    return getattr(importlib.import_module(module), cls)()


def adapters() -> tuple[CloudAdapter, ...]:
    """Every adapter, in the canonical order."""
    return tuple(adapter(name) for name in names())
