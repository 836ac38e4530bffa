"""Which machines and accelerators a resource asks for, and how many GPUs each carries.

Machine types are resolved through the context's catalog lookup (``ctx.lookup``); accelerator
names in provider vocabularies (GKE ``nvidia-tesla-t4``, Vertex ``NVIDIA_TESLA_T4``) are mapped
to the catalog's canonical names (``nvidia-t4``) from the catalog's own data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from aiscale.facts import tokens

from ..props import as_number, get, is_unknown, items



MACHINE_TYPES: tuple[str, ...] = (
    tokens.AWS_EKS_NODE_GROUP,
    tokens.AWS_EC2_LAUNCH_TEMPLATE,
    tokens.AWS_EC2_INSTANCE,
    tokens.AWS_AUTOSCALING_GROUP,
    tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION,
    tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE,
    tokens.AZURE_CONTAINERSERVICE_AGENT_POOL,
    tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET,
    tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE,
    tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT,
    tokens.GCP_CONTAINER_NODE_POOL,
    tokens.GCP_CONTAINER_CLUSTER,
    tokens.GCP_COMPUTE_INSTANCE_TEMPLATE,
    tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE,
    tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL,
    tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT,
    tokens.GCP_CLOUDRUNV2_SERVICE,
)
"""Canonical tokens whose inputs name machine types or accelerators (see :func:`machines`)."""


@dataclass(frozen=True)
class Machine:
    """One machine (or accelerator) request found in a resource's inputs."""

    cloud: str
    """Catalog cloud id ("aws", "azure", "gcp")."""
    instance_type: Optional[str]
    """The machine type as written (EC2 type, ``ml.*`` type, Azure size, GCE type), if any."""
    accelerator: Optional[str]
    """The accelerator as written (GKE type, Vertex enum), if any."""
    accelerator_count: Optional[float] = None
    """Accelerators attached explicitly (GKE/GCE guestAccelerators, Vertex), if given."""


@lru_cache(maxsize=1)
def _accelerator_aliases() -> dict[str, str]:
    """Provider accelerator names (lower-case) -> canonical names, from the catalog."""
    from aiscale import catalog

    aliases = {name: name for name in catalog.accelerators()}
    for offering in catalog.offerings(cloud="gcp"):
        if offering.accelerator_type:
            aliases[offering.accelerator_type.lower()] = offering.accelerator
    for name in catalog.accelerators():
        vertex = catalog.accelerator_info(name).vertex_type
        if vertex:
            aliases[vertex.lower()] = name
    return aliases


def canonical_accelerator(name: Any) -> Optional[str]:
    """The catalog's canonical name for an accelerator name in any vocabulary, or None."""
    if not isinstance(name, str) or not name or is_unknown(name):
        return None
    return _accelerator_aliases().get(name.lower())


def _typed(cloud: str, names) -> list[Machine]:
    return [Machine(cloud, n, None) for n in names if isinstance(n, str) and n and not is_unknown(n)]


def _with_accelerators(cloud: str, machine_type, accelerators) -> list[Machine]:
    out = []
    for acc in accelerators:
        kind = get(acc, "type")
        if kind:
            out.append(Machine(cloud, machine_type, kind, as_number(get(acc, "count"))))
    return out or _typed(cloud, [machine_type])


def machines(resource_type: str, props) -> list[Machine]:
    """Every machine / accelerator request in a resource's inputs (canonical token expected)."""
    cloud = tokens.cloud_of(resource_type)
    if resource_type == tokens.AWS_EKS_NODE_GROUP:
        return _typed(cloud, items(props, "instanceTypes"))
    if resource_type in (tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE,
                         tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE):
        return _typed(cloud, [get(props, "instanceType")])
    if resource_type == tokens.AWS_AUTOSCALING_GROUP:
        overrides = items(props, "mixedInstancesPolicy.launchTemplate.overrides")
        return _typed(cloud, [get(o, "instanceType") for o in overrides])
    if resource_type == tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION:
        return _typed(cloud, [get(v, "instanceType") for v in items(props, "productionVariants")])
    if resource_type == tokens.AZURE_CONTAINERSERVICE_AGENT_POOL:
        return _typed(cloud, [get(props, "vmSize")])
    if resource_type == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
        return _typed(cloud, [get(p, "vmSize") for p in items(props, "agentPoolProfiles")])
    if resource_type == tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET:
        return _typed(cloud, [get(props, "sku.name")])
    if resource_type == tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE:
        return _typed(cloud, [get(props, "properties.properties.vmSize")])
    if resource_type == tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT:
        return _typed(cloud, [get(props, "properties.instanceType")])
    if resource_type == tokens.GCP_CONTAINER_NODE_POOL:
        return _with_accelerators(cloud, get(props, "nodeConfig.machineType"),
                                  items(props, "nodeConfig.guestAccelerators"))
    if resource_type in (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE,
                         tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE):
        return _with_accelerators(cloud, get(props, "machineType"), items(props, "guestAccelerators"))
    if resource_type in (tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL,
                         tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT):
        prefix = "deployConfig." if "Garden" in resource_type else ""
        spec = get(props, f"{prefix}dedicatedResources.machineSpec") or {}
        acc = get(spec, "acceleratorType")
        return [Machine(cloud, get(spec, "machineType"), acc, as_number(get(spec, "acceleratorCount")))] if spec else []
    if resource_type == tokens.GCP_CLOUDRUNV2_SERVICE:
        acc = get(props, "template.nodeSelector.accelerator")
        return [Machine(cloud, None, acc, 1.0)] if acc else []
    if resource_type == tokens.GCP_CONTAINER_CLUSTER:
        limits = items(props, "clusterAutoscaling.resourceLimits")
        return [Machine(cloud, None, get(r, "resourceType"), as_number(get(r, "maximum")))
                for r in limits if str(get(r, "resourceType") or "").startswith("nvidia-")]
    return []


@dataclass(frozen=True)
class GpuFacts:
    """What the catalog says about one machine request."""

    gpus: Optional[float]
    """GPUs per machine (0 = no GPU, None = unknown machine type)."""
    accelerator: Optional[str]
    """Canonical accelerator name, if known."""


def facts(machine: Machine, lookup, region: Optional[str] = None) -> GpuFacts:
    """GPU count and canonical accelerator of `machine` (explicit accelerators win)."""
    accelerator = canonical_accelerator(machine.accelerator)
    if machine.accelerator:
        count = machine.accelerator_count if machine.accelerator_count is not None else 1.0
        if accelerator is None and machine.instance_type:
            offering = lookup(machine.cloud, machine.instance_type, region)
            accelerator = getattr(offering, "accelerator", None)
        return GpuFacts(count, accelerator or machine.accelerator)
    if not machine.instance_type:
        return GpuFacts(None, None)
    offering = lookup(machine.cloud, machine.instance_type, region)
    if offering is None:
        return GpuFacts(None, None)
    return GpuFacts(float(offering.gpus), offering.accelerator)
