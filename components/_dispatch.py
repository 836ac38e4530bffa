"""Dispatch from a cloud-neutral component to its per-cloud builder, imported lazily.

A builder is a module ``aiscale.<cloud>.<capability>`` (named by the cloud's adapter) with a
function ``build(component, args)`` that reads the capability's typed ``*Build`` value,
declares the cloud's resources as children of ``component`` and returns the cloud's subclass
of the capability's ``Built*`` type. Importing it here, only when a component is built on that
cloud, keeps a one-cloud stack from importing the other clouds' SDKs.
"""

from __future__ import annotations

from types import ModuleType

from aiscale import clouds
from aiscale.sdk_extras import require_cloud_sdks


def cloud_builder(cloud: str, capability: str) -> ModuleType:
    """The cloud's builder module of ``capability``, once its provider SDK is checked to be
    installed (a missing SDK is an error naming the extra to install)."""
    require_cloud_sdks((cloud,))
    return clouds.adapter(cloud).builder(capability)
