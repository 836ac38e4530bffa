"""Dispatch from a cloud-neutral component to its per-cloud builder, imported lazily.

A builder is a module ``aiscale.<cloud>.<capability>`` with a function
``build(component, args) -> dict[str, Any]`` that declares the cloud's resources as children of
``component`` and returns the component's outputs. Importing it here, only when a component is
built on that cloud, keeps a one-cloud stack from importing the other clouds' SDKs.
"""

from __future__ import annotations

from typing import Any

import pulumi

from aiscale import clouds

#: The clouds that have builders (the registry's list).
CLOUDS = clouds.names()


def build_on_cloud(component: pulumi.ComponentResource, capability: str, cloud: str,
                   args: Any) -> dict[str, Any]:
    """Run ``aiscale.<cloud>.<capability>.build(component, args)``."""
    return clouds.adapter(cloud).builder(capability).build(component, args)
