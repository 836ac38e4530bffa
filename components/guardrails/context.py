"""What a rule may know besides the resource's inputs: config, environment, provider, catalog.

Rules never import pulumi_policy; the pack wrapper and :func:`aiscale.guardrails.evaluate`
build a :class:`Context` and :class:`ResourceView` objects from whatever they were given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

from .props import canonical_type, is_unknown

DEFAULT_NONPROD_ENVS: tuple[str, ...] = ("dev", "test", "qa", "sandbox", "staging")
"""Environments treated as non-production unless config `nonprod_envs` says otherwise."""

GpuLookup = Callable[[str, str, Optional[str]], Any]
"""(cloud, instance_type, region) -> an object with ``gpus`` and ``accelerator``, or None."""

Estimator = Callable[[Sequence[Any]], Any]
"""resources -> an object with ``monthly_min`` and ``monthly_max`` (aiscale.cost.estimate)."""


def catalog_lookup(cloud: str, instance_type: str, region: Optional[str] = None) -> Any:
    """The catalog offering for a machine type, region-tolerant, or None.

    Uses ``aiscale.catalog.find_instance_type`` for the region given; when that finds nothing
    (no region, an unlisted region), any region's row of the same type answers, since a machine
    type's GPU count and accelerator do not depend on the region. SageMaker ``ml.`` types are
    looked up by their EC2 name; Azure sizes match case-insensitively. GCP N1 hosts (GPUs
    attached separately) give None: their GPUs come from guestAccelerators.
    """
    from aiscale import catalog  # lazy: keeps rule modules importable without the data loaded
    from aiscale.facts import reader

    if not isinstance(instance_type, str) or not instance_type or is_unknown(instance_type):
        return None
    name = reader.catalog_instance_type(cloud, instance_type)
    if region and not is_unknown(region):
        hit = catalog.find_instance_type(cloud, name, region)
        if hit is not None:
            return hit
    wanted = name.lower()
    for offering in catalog.offerings(cloud=cloud):
        if offering.instance_type.lower() == wanted and not offering.gpu_attached:
            return offering
    return None


def stack_config_from_env() -> dict[str, Any]:
    """The stack configuration the Pulumi CLI hands a policy pack (PULUMI_CONFIG), or {}."""
    try:
        from pulumi.runtime.config import get_config_env

        return dict(get_config_env())
    except Exception:  # no Pulumi runtime config in this process
        return {}


def default_estimator(resources: Sequence[Any], config: Optional[Mapping[str, Any]] = None) -> Any:
    """``aiscale.cost.estimate(resources, config)``, imported when first needed; `config` (the
    stack configuration, for default regions) defaults to what the CLI passed the process."""
    from aiscale.cost import estimate  # lazy: only the budget checks need the estimator

    return estimate(resources, dict(stack_config_from_env() if config is None else config))


@dataclass(frozen=True)
class ResourceView:
    """One resource as a rule sees it, whether from the policy engine or an offline preview."""

    type: str
    """The type token as registered (not yet canonical)."""
    urn: str
    """The resource URN."""
    name: str
    """The logical name."""
    props: Mapping[str, Any]
    """Plain camelCase inputs; unknown values are the engine's sentinel strings."""
    parent: Optional[str] = None
    """The parent's URN, if any."""
    dependencies: tuple[str, ...] = ()
    """URNs this resource depends on."""
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each input key, the URNs its value came from (followed by
    :class:`aiscale.facts.references.References`, never read by a rule itself)."""
    provider_type: Optional[str] = None
    """The provider resource's type token (``pulumi:providers:aws``), if known."""
    provider_urn: Optional[str] = None
    """The provider resource's URN, if known."""
    provider_props: Optional[Mapping[str, Any]] = None
    """The provider resource's inputs (region, defaultTags, ...), if known."""
    record: Any = None
    """The original record (e.g. a preview ResourceRecord) for the cost estimator, if any."""

    @property
    def canonical(self) -> str:
        """The canonical type token (props.canonical_type)."""
        return canonical_type(self.type)


@dataclass(frozen=True)
class Context:
    """Everything a rule may consult besides the inputs."""

    config: Mapping[str, Any] = field(default_factory=dict)
    """The check's config, defaults already merged in."""
    environment: str = ""
    """The stack's environment (dev, staging, prod, ...); "" when unknown."""
    urn: str = ""
    """The URN of the resource under check ("" for stack checks)."""
    name: str = ""
    """The logical name of the resource under check."""
    provider_props: Optional[Mapping[str, Any]] = None
    """The inputs of the resource's provider, if known (e.g. AWS ``defaultTags``)."""
    lookup: GpuLookup = catalog_lookup
    """Machine type -> catalog offering (GPU count, accelerator)."""
    estimator: Estimator = default_estimator
    """Stack resources -> cost estimate (budget checks only)."""

    @property
    def env(self) -> str:
        """The environment: config ``environment`` when set, else the resolved one."""
        configured = self.config.get("environment")
        return str(configured) if configured else self.environment

    def is_nonprod(self) -> bool:
        """True when the environment is listed in config `nonprod_envs` (default DEFAULT_NONPROD_ENVS)."""
        envs = self.config.get("nonprod_envs", DEFAULT_NONPROD_ENVS)
        return self.env.lower() in {str(e).lower() for e in envs}


def resolve_environment(
    configured: Optional[str] = None,
    platform_environment: Optional[str] = None,
    stack_tags: Optional[Mapping[str, str]] = None,
    stack: Optional[str] = None,
) -> str:
    """The environment by precedence: policy config, aiscale:platform.environment, the stack
    tag ``environment``, then the stack name ("" when none is known)."""
    for candidate in (configured, platform_environment, (stack_tags or {}).get("environment"), stack):
        if candidate and isinstance(candidate, str) and not is_unknown(candidate):
            return candidate
    return ""
