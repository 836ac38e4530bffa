"""The record of one registered resource, as the offline preview captures it.

Every consumer of a preview (the tree renderer, the JSON report, the cost estimator, the policy
driver, tests) reads these records, never the Pulumi runtime directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

#: The value the Pulumi engine uses for an input that is not known during preview.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass
class ResourceRecord:
    """One resource registration, with the inputs exactly as the program sent them."""

    urn: str
    """The resource's URN, as the mock monitor assigned it."""
    type: str
    """The type token, e.g. ``aws:s3/bucket:Bucket`` or ``aiscale:index:ObjectStore``."""
    name: str
    """The logical name the program gave the resource."""
    custom: bool
    """True for provider (custom) resources, False for components and the stack."""
    parent: Optional[str] = None
    """The parent's URN, or None for the stack itself."""
    inputs: dict[str, Any] = field(default_factory=dict)
    """The engine's camelCase inputs; unknown values are :data:`UNKNOWN`, secrets are unwrapped
    (their places are in :attr:`secret_inputs`), resource references are the referenced id (custom
    resources) or URN (components), assets and archives are described (``aiscale.preview.values``)."""
    secret_paths: list[str] = field(default_factory=list)
    """Top-level input keys whose value is or contains a secret (the whole key is ``[secret]``
    in the report)."""
    secret_inputs: list[str] = field(default_factory=list)
    """JSON Pointers (``/tags/password``) of every secret value in :attr:`inputs`, at any depth."""
    secret_outputs: list[str] = field(default_factory=list)
    """JSON Pointers of every secret value in :attr:`outputs` (an exported secret: ``/token``)."""
    protect: bool = False
    """Whether the program asked for ``protect=True``."""
    retain_on_delete: bool = False
    """Whether the program asked for ``retain_on_delete=True``."""
    provider: Optional[str] = None
    """The provider reference (``urn::id``) the resource was registered with, if any."""
    dependencies: list[str] = field(default_factory=list)
    """URNs this resource depends on."""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """For each input key, the URNs its value came from."""
    id: Optional[str] = None
    """The id the fake cloud answered with (None for components)."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The state the fake cloud answered with (custom resources) or the registered outputs."""
    read: bool = False
    """True for a resource the program read (``Bucket.get(...)``, a StackReference): it exists
    already and this program neither creates nor manages it."""
    remote: bool = False
    """True for a remote (multi-language) component: its children are made by another
    language's plugin, which an offline preview does not run."""

    @property
    def package(self) -> str:
        """The provider package of the type token (``aws``, ``azure-native``, ``gcp``, ...);
        for a provider resource (``pulumi:providers:aws``), the package it configures."""
        if self.type.startswith("pulumi:providers:"):
            return self.type.rsplit(":", 1)[1]
        return self.type.split(":", 1)[0]
