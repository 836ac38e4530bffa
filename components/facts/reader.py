"""The one reader: a resource's type token and registered inputs -> its facts.

Works on anything that has a type token and camelCase inputs: a preview ``ResourceRecord``
(``record.type``, ``record.inputs``) or a policy pack's resource (``resource_type``,
``props``). Tokens are matched in canonical form (versioned spellings fold onto the plain
token). Each cloud's parsing lives in its own module (named by the cloud's adapter,
``facts_reader``); this one only dispatches by package.
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import Any, Callable, Mapping, Optional

from aiscale import clouds

from . import kubernetes
from .model import AutoscalerFacts, BucketFacts, ControlPlaneFacts, EndpointFacts, MachineRequest, NodePoolFacts, VmFacts, VmGroupFacts
from .tokens import canonical_type

_CLOUDS = (*(importlib.import_module(cloud.facts_reader) for cloud in clouds.adapters()), kubernetes)
"""The reader module of every cloud in the registry (its adapter's ``facts_reader``), then Kubernetes'."""
_BY_CLOUD = MappingProxyType({module.CLOUD: module for module in _CLOUDS})

_MACHINES: MappingProxyType[str, Callable[[Any], tuple[MachineRequest, ...]]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.MACHINES.items()})
_NODE_POOLS: MappingProxyType[str, Callable[[Any], list[NodePoolFacts]]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.NODE_POOLS.items()})

_VMS: MappingProxyType[str, Callable[[Any], VmFacts]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.VMS.items()})
_VM_GROUPS: MappingProxyType[str, Callable[[Any], VmGroupFacts]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.VM_GROUPS.items()})

_BUCKETS: MappingProxyType[str, Callable[[Any], BucketFacts]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.BUCKETS.items()})

_ENDPOINTS: MappingProxyType[str, Callable[[Any], list[EndpointFacts]]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.ENDPOINTS.items()})

_CONTROL_PLANES: MappingProxyType[str, Callable[[Any], ControlPlaneFacts]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.CONTROL_PLANES.items()})

_DISKS: MappingProxyType[str, Callable[[Any], tuple[Any, ...]]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.DISKS.items()})

_USER_DATA: MappingProxyType[str, Callable[[Any], tuple[Any, ...]]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.USER_DATA.items()})

_AUTOSCALERS: MappingProxyType[str, Callable[[Any], AutoscalerFacts]] = MappingProxyType(
    {token: read for cloud in _CLOUDS for token, read in cloud.AUTOSCALERS.items()})

_NAME_INPUTS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {token: keys for cloud in _CLOUDS for token, keys in getattr(cloud, "NAME_INPUTS", {}).items()})

_REFERENCE_READERS: MappingProxyType[str, Mapping[str, Callable[[Any], tuple[str, ...]]]] = MappingProxyType(
    {token: readers for cloud in _CLOUDS for token, readers in getattr(cloud, "REFERENCE_READERS", {}).items()})

_ID_COLLECTIONS: MappingProxyType[str, str] = MappingProxyType(
    {token: collection for cloud in _CLOUDS for token, collection in getattr(cloud, "ID_COLLECTIONS", {}).items()})

MACHINE_TYPES: tuple[str, ...] = tuple(_MACHINES)
"""Canonical tokens whose inputs name machine types or accelerators."""
NODE_POOL_TYPES: tuple[str, ...] = tuple(_NODE_POOLS)
"""Canonical tokens whose inputs declare Kubernetes node pools."""


def machine_requests(type_token: str, inputs: Any) -> tuple[MachineRequest, ...]:
    """Every machine / accelerator request in a resource's inputs (() for other kinds).

    Raises UnknownValue when an input it needs is not known during preview.
    """
    read = _MACHINES.get(canonical_type(type_token))
    return read(inputs) if read is not None else ()


def node_pools(type_token: str, inputs: Any) -> list[NodePoolFacts]:
    """The Kubernetes node pools a resource declares: one for an EKS node group, AKS agent
    pool or GKE node pool, one per ``agentPoolProfiles`` entry for an AKS managed cluster,
    [] for other kinds. Raises UnknownValue when the pool list itself is not known."""
    read = _NODE_POOLS.get(canonical_type(type_token))
    return read(inputs) if read is not None else []


def vm(type_token: str, inputs: Any) -> Optional[VmFacts]:
    """The VM template or VM a resource declares (EC2 launch template or instance, Azure VM,
    GCE instance template or instance), None for other kinds."""
    read = _VMS.get(canonical_type(type_token))
    return read(inputs) if read is not None else None


def vm_group(type_token: str, inputs: Any) -> Optional[VmGroupFacts]:
    """The VM group a resource declares (Auto Scaling group, VM scale set, managed instance
    group, Azure ML compute cluster), None for other kinds."""
    read = _VM_GROUPS.get(canonical_type(type_token))
    return read(inputs) if read is not None else None


def bucket(type_token: str, inputs: Any) -> Optional[BucketFacts]:
    """The bucket a resource declares (S3 bucket, GCS bucket, Azure storage account), None for
    other kinds."""
    read = _BUCKETS.get(canonical_type(type_token))
    return read(inputs) if read is not None else None


def endpoints(type_token: str, inputs: Any) -> list[EndpointFacts]:
    """The model endpoints a resource declares: one per SageMaker production variant, one for
    an Azure ML online deployment, Vertex AI dedicated resources, a Cloud Run service, a
    Deployment / StatefulSet or a KServe InferenceService; [] for other kinds. Raises
    UnknownValue when the endpoint list itself is not known."""
    read = _ENDPOINTS.get(canonical_type(type_token))
    return read(inputs) if read is not None else []


def catalog_instance_type(cloud: str, instance_type: str) -> str:
    """The name the catalog lists a machine type under on `cloud` (a SageMaker ``ml.`` type
    is its EC2 type); the name itself where the cloud has no such rule."""
    rule = getattr(_BY_CLOUD.get(cloud), "catalog_instance_type", None)
    return rule(instance_type) if rule is not None else instance_type


def control_plane(type_token: str, inputs: Any) -> Optional[ControlPlaneFacts]:
    """The managed Kubernetes control plane a resource declares (EKS, AKS or GKE cluster),
    None for other kinds."""
    read = _CONTROL_PLANES.get(canonical_type(type_token))
    return read(inputs) if read is not None else None


def disk_types(type_token: str, inputs: Any) -> list[str]:
    """The disk types a VM, template or node pool names (EBS volume types, Azure storage
    account types, GCE disk types), as written; [] for other kinds or when none is set.
    Raises UnknownValue when one is not known during preview."""
    read = _DISKS.get(canonical_type(type_token))
    return [str(found) for found in read(inputs) if found] if read is not None else []


def user_data(type_token: str, inputs: Any) -> list[str]:
    """The user data, custom data and startup scripts a VM or template passes to its machines,
    as registered (base64 or plain text); [] for other kinds or when none is set. Raises
    UnknownValue when one is not known during preview."""
    read = _USER_DATA.get(canonical_type(type_token))
    return [blob for blob in read(inputs) if isinstance(blob, str) and blob] if read is not None else []


def autoscaler(type_token: str, inputs: Any) -> Optional[AutoscalerFacts]:
    """The autoscaler a resource declares (Azure autoscale setting, GCE autoscaler), None for
    other kinds."""
    read = _AUTOSCALERS.get(canonical_type(type_token))
    return read(inputs) if read is not None else None


def name_inputs(type_token: str) -> tuple[str, ...]:
    """The inputs that hold a resource's own name on its kind besides ``name`` (an S3 bucket's
    ``bucket``, a storage account's ``accountName``); () for other kinds."""
    return _NAME_INPUTS.get(canonical_type(type_token), ())


def id_collection(type_token: str) -> Optional[str]:
    """The collection segment a resource id names a kind by (a storage account's
    ``storageAccounts``); None for kinds without one."""
    return _ID_COLLECTIONS.get(canonical_type(type_token))


def referenced_names(type_token: str, key: str, value: Any) -> Optional[tuple[str, ...]]:
    """The names a composite reference in input `key` holds (a SageMaker scaling target's
    ``resourceId`` -> its endpoint's name); None where the input is a plain reference."""
    read = _REFERENCE_READERS.get(canonical_type(type_token), {}).get(key)
    return read(value) if read is not None else None


def provider_default_tag_keys(provider_inputs: Any) -> set[Any]:
    """Tag keys a provider resource puts on every resource it manages (the AWS provider's
    ``defaultTags``, the GCP provider's ``defaultLabels``), read by every cloud that has them."""
    keys: set[Any] = set()
    for cloud in _CLOUDS:
        read = getattr(cloud, "provider_default_tag_keys", None)
        if read is not None:
            keys |= set(read(provider_inputs))
    return keys
