"""The seam between a Kubernetes endpoint's pod and each cloud's model loader.

Before the server starts, an init container copies the model's prefix from the bucket into the
pod's ``/models`` volume with the cloud's own CLI, under the endpoint's workload identity (the
same ServiceAccount as the server, so it can read that prefix and nothing else). Each cloud's
``aiscale.<cloud>.model_loader`` (the adapter's ``model_loader`` builder) returns a
:class:`Loader`; ``aiscale.kubernetes._serving_pod`` turns it into the init container.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from aiscale import clouds


@dataclass(frozen=True)
class Loader:
    """How one cloud copies ``<bucket>/<path>`` to ``<root>/<path>`` on the pod."""

    image: str
    """The cloud CLI's image, pinned."""
    command: list[str]
    """The container command (the image's entrypoint is not relied on)."""
    args: list[pulumi.Input[str]]
    """Its arguments (the bucket URL is an output)."""
    env: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Environment the CLI needs (writable configuration directories under ``/tmp``)."""


def loader(cloud: str, bucket_url: Any, path: str, root: str) -> Loader:
    """The loader of ``cloud``: copies ``<bucket_url>/<path>`` to ``<root>/<path>``."""
    module = clouds.adapter(cloud).builder("model_loader")
    return module.loader(pulumi.Output.from_input(bucket_url), path.strip("/"), root)


__all__ = ["Loader", "loader"]
