"""Dispatch from a cloud-neutral component to its per-cloud builder, imported lazily.

A builder is a module ``aiscale.<cloud>.<capability>`` (named by the cloud's adapter) with a
function ``build(component, args) -> dict[str, Any]`` that declares the cloud's resources as children of
``component`` and returns the component's outputs. Importing it here, only when a component is
built on that cloud, keeps a one-cloud stack from importing the other clouds' SDKs.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pulumi

from aiscale import clouds
from aiscale.sdk_extras import require_cloud_sdks

#: The clouds that have builders (the registry's list).
CLOUDS = clouds.names()


def cloud_builder(cloud: str, capability: str) -> ModuleType:
    """The cloud's builder module of ``capability`` (its SDK checked to be installed): for the
    typed seams, whose ``build(component, <capability>Build)`` returns a typed result."""
    require_cloud_sdks((cloud,))
    return clouds.adapter(cloud).builder(capability)


def build_on_cloud(component: pulumi.ComponentResource, capability: str, cloud: str,
                   args: Any, name: str) -> dict[str, Any]:
    """Run the cloud's builder of ``capability``: ``build(component, args)``, with the
    component's logical ``name`` in ``args["name"]`` (the prefix of its children's names)."""
    adapter = clouds.adapter(cloud)
    require_cloud_sdks((cloud,))
    args = {**args, "name": name}
    return adapter.builder(capability).build(component, args)
