"""Azure facts: what the inputs of AKS agent pools, managed clusters, VM scale sets and Azure ML
resources state.

Paths are the engine's camelCase names of azure-native 3 (``vmSize``, ``minCount``,
``agentPoolProfiles[].scaleSetPriority``, ``properties.properties.vmSize``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Optional

from . import tokens
from .model import (
    ANY_ADDRESS,
    AutoscalerFacts,
    ControlPlaneFacts,
    Bounds,
    BucketFacts,
    EndpointFacts,
    MachineRequest,
    NodePoolFacts,
    Reading,
    VmFacts,
    VmGroupFacts,
)
from .values import ABSENT, Input, items_at, known_str, value_at

CLOUD = "azure"
NAME_INPUTS: dict[str, tuple[str, ...]] = {
    tokens.AZURE_STORAGE_STORAGE_ACCOUNT: ("accountName",),
    tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER: ("resourceName",),
    tokens.AZURE_RESOURCES_RESOURCE_GROUP: ("resourceGroupName",),
}
"""Inputs holding a resource's own name (azure-native names it per kind), read by the reference
follower."""

ID_COLLECTIONS: dict[str, str] = {
    tokens.AZURE_STORAGE_STORAGE_ACCOUNT: "storageAccounts",
}
"""Kind -> the collection segment of its resource id (``.../storageAccounts/<name>``): an id of
the resource, or of one of its sub-resources (a container's scope), names it there."""

AKS_NETWORK_POLICY_ENGINES = ("azure", "calico", "cilium")
"""AKS ``networkProfile.networkPolicy`` values that enforce NetworkPolicies."""

AKS_DEFAULT_COUNT = 1
"""Agents in a pool whose ``count`` is omitted (the AKS API default)."""

SPOT_PRIORITIES = ("spot", "low")
"""``scaleSetPriority`` / ``priority`` values (lower case) billed at spot prices ("Low" is the
old name)."""


def _typed(names: list[Any]) -> tuple[MachineRequest, ...]:
    return tuple(MachineRequest(CLOUD, name, None) for name in names if known_str(name))


def is_spot_priority(priority: Input) -> bool:
    """True when a priority input says Spot (or the legacy Low); UnknownValue when unknown."""
    value = priority.known()
    return isinstance(value, str) and value.lower() in SPOT_PRIORITIES


MACHINES: dict[str, Callable[[Any], tuple[MachineRequest, ...]]] = {
    tokens.AZURE_CONTAINERSERVICE_AGENT_POOL: lambda inputs: _typed([value_at(inputs, "vmSize")]),
    tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER: lambda inputs: _typed(
        [value_at(profile, "vmSize") for profile in items_at(inputs, "agentPoolProfiles")]),
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET: lambda inputs: _typed([value_at(inputs, "sku", "name")]),
    tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE: lambda inputs: _typed(
        [value_at(inputs, "properties", "properties", "vmSize")]),
    tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT: lambda inputs: _typed(
        [value_at(inputs, "properties", "instanceType")]),
}
"""Canonical token -> the machine requests its inputs name."""


def _bounds(field: Callable[..., Input]) -> Bounds:
    """minCount..maxCount when enableAutoScaling, else count (AKS default 1 when omitted)."""
    if field("enableAutoScaling").flag(False):
        return Bounds(field("minCount"), field("maxCount"), autoscaled=True)
    count = field("count")
    note = f" (count not set: AKS default {AKS_DEFAULT_COUNT})" if count.missing else ""
    return Bounds(count, count, AKS_DEFAULT_COUNT, AKS_DEFAULT_COUNT, note=note)


def _taints(field: Callable[..., Input]) -> tuple[tuple[str, str], ...]:
    """(key, effect) of each ``key=value:Effect`` string of ``nodeTaints``."""
    out = []
    for text in field("nodeTaints").items():
        head, _, effect = str(text).partition(":")
        out.append((head.split("=", 1)[0], effect))
    return tuple(out)


def agent_pool(inputs: Any, kind: str = tokens.AZURE_CONTAINERSERVICE_AGENT_POOL,
               *at: str | int) -> NodePoolFacts:
    """An AKS agent pool whose fields sit at path `at` of `inputs` (the resource itself, or
    ``agentPoolProfiles[i]`` of a managed cluster)."""

    def field(*path: str | int) -> Input:
        return Input.at(inputs, *at, *path)

    machine = field("vmSize")
    return NodePoolFacts(
        cloud=CLOUD, kind=kind, name=field("name") if at else ABSENT, machine=machine,
        machine_list=machine, machines=Reading.of(lambda: _typed([machine.known()])),
        accelerators=ABSENT, launch_template_key=None,
        spot=Reading.of(lambda: is_spot_priority(field("scaleSetPriority"))),
        bounds=Reading.of(lambda: _bounds(field)), node_locations=ABSENT, location=ABSENT,
        taints=Reading.of(lambda: _taints(field)),
        system=Reading.of(lambda: field("mode").known() == "System"))


def cluster_pools(inputs: Any) -> list[NodePoolFacts]:
    """The inline pools of a managed cluster (``agentPoolProfiles[]``); [] when none is set,
    UnknownValue when the list is not known during preview."""
    profiles = Input.at(inputs, "agentPoolProfiles").known()
    if isinstance(profiles, Mapping) or not isinstance(profiles, list):
        return []
    kind = tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER
    return [agent_pool(inputs, kind, "agentPoolProfiles", index) for index in range(len(profiles))]


NODE_POOLS: dict[str, Callable[[Any], list[NodePoolFacts]]] = {
    tokens.AZURE_CONTAINERSERVICE_AGENT_POOL: lambda inputs: [agent_pool(inputs)],
    tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER: cluster_pools,
}
"""Canonical token -> the node pools its inputs declare."""


def virtual_machine(inputs: Any) -> VmFacts:
    """An Azure VM: ``hardwareProfile.vmSize``, Spot by ``priority``."""
    machine = Input.at(inputs, "hardwareProfile", "vmSize")
    return VmFacts(CLOUD, tokens.AZURE_COMPUTE_VIRTUAL_MACHINE, machine, ABSENT,
                   Reading.of(lambda: _typed([machine.known()])),
                   Reading.of(lambda: is_spot_priority(Input.at(inputs, "priority"))))


VMS: dict[str, Callable[[Any], VmFacts]] = {
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE: virtual_machine,
}
"""Canonical token -> the VM its inputs declare."""


def scale_set(inputs: Any) -> VmGroupFacts:
    """A VM scale set: ``sku.name`` x ``sku.capacity``, Spot by
    ``virtualMachineProfile.priority`` (its autoscale settings may set other bounds)."""
    capacity = Input.at(inputs, "sku", "capacity")
    return VmGroupFacts(
        CLOUD, tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET, machine=Input.at(inputs, "sku", "name"),
        machines=Reading.of(lambda: MACHINES[tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET](inputs)),
        template_keys=(), size=Bounds(capacity, capacity),
        spot=Reading.of(lambda: is_spot_priority(Input.at(inputs, "virtualMachineProfile", "priority"))))


def ml_compute(inputs: Any) -> VmGroupFacts:
    """An Azure ML AmlCompute cluster: ``properties.properties.vmSize`` x
    ``scaleSettings.minNodeCount..maxNodeCount``, spot when ``vmPriority`` is LowPriority."""
    settings = ("properties", "properties")
    scale = (*settings, "scaleSettings")
    return VmGroupFacts(
        CLOUD, tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE, machine=Input.at(inputs, *settings, "vmSize"),
        machines=Reading.of(lambda: MACHINES[tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE](inputs)),
        template_keys=(),
        size=Bounds(Input.at(inputs, *scale, "minNodeCount"), Input.at(inputs, *scale, "maxNodeCount")),
        spot=Reading.of(lambda: value_at(inputs, *settings, "vmPriority") == "LowPriority"),
        applies=Reading.of(lambda: value_at(inputs, "properties", "computeType") == "AmlCompute"))


VM_GROUPS: dict[str, Callable[[Any], VmGroupFacts]] = {
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET: scale_set,
    tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE: ml_compute,
}
"""Canonical token -> the VM group its inputs declare."""


def storage_account(inputs: Any) -> BucketFacts:
    """A storage account: ``tags``, ``accessTier`` (default Hot), ``location``,
    ``allowBlobPublicAccess``."""
    return BucketFacts(CLOUD, tokens.AZURE_STORAGE_STORAGE_ACCOUNT, tags=Input.at(inputs, "tags"),
                       storage_class=Input.at(inputs, "accessTier"), default_class="Hot",
                       location=Input.at(inputs, "location"), versioning=ABSENT,
                       lifecycle_rules=ABSENT, public_access=Input.at(inputs, "allowBlobPublicAccess"),
                       uniform_access=ABSENT)


BUCKETS: dict[str, Callable[[Any], BucketFacts]] = {
    tokens.AZURE_STORAGE_STORAGE_ACCOUNT: storage_account,
}
"""Canonical token -> the bucket its inputs declare."""


def _deployment_replicas(inputs: Any) -> tuple[Optional[float], Optional[float]]:
    """min..maxInstances of a TargetUtilization scale setting, else sku.capacity."""
    settings = value_at(inputs, "properties", "scaleSettings") or {}
    if value_at(settings, "scaleType") == "TargetUtilization":
        return Input.at(settings, "minInstances").number(), Input.at(settings, "maxInstances").number()
    capacity = Input.at(inputs, "sku", "capacity").number()
    return capacity, capacity


def online_deployment(inputs: Any) -> list[EndpointFacts]:
    """An Azure ML online deployment: ``properties.instanceType`` (else ``sku.name``) and its
    scale settings."""
    own = Input.at(inputs, "properties", "instanceType")
    instance_type = own if own.text() else Input.at(inputs, "sku", "name")
    kind = tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT
    return [EndpointFacts(CLOUD, kind, ABSENT, instance_type, ABSENT,
                          Reading.of(lambda: MACHINES[kind](inputs)),
                          Reading.of(lambda: _deployment_replicas(inputs)), Reading(None), managed=True)]


ENDPOINTS: dict[str, Callable[[Any], list[EndpointFacts]]] = {
    tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT: online_deployment,
}
"""Canonical token -> the model endpoints its inputs declare."""


def _aks_api(inputs: Any) -> tuple[bool, tuple[str, ...]]:
    """Public unless ``enablePrivateCluster``; any address when ``authorizedIPRanges`` is unset."""
    profile = ("apiServerAccessProfile",)
    public = Input.at(inputs, *profile, "enablePrivateCluster").flag() is not True
    return public, tuple(items_at(inputs, *profile, "authorizedIPRanges") or [ANY_ADDRESS])


def managed_cluster(inputs: Any) -> ControlPlaneFacts:
    """An AKS cluster's API server access and ``kubernetesVersion``."""
    return ControlPlaneFacts(CLOUD, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,
                             Reading.of(lambda: _aks_api(inputs)), Input.at(inputs, "kubernetesVersion"))


CONTROL_PLANES: dict[str, Callable[[Any], ControlPlaneFacts]] = {
    tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER: managed_cluster,
}
"""Canonical token -> the control plane its inputs declare."""


def _scale_set_disks(inputs: Any) -> tuple[Any, ...]:
    storage = value_at(inputs, "virtualMachineProfile", "storageProfile") or {}
    return (value_at(storage, "osDisk", "managedDisk", "storageAccountType"),
            *(value_at(disk, "managedDisk", "storageAccountType") for disk in items_at(storage, "dataDisks")))


DISKS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET: _scale_set_disks,
}
"""Canonical token -> the managed disk (storage account) types its inputs name."""


USER_DATA: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET: lambda inputs: (
        value_at(inputs, "virtualMachineProfile", "osProfile", "customData"),
        value_at(inputs, "virtualMachineProfile", "userData")),
}
"""Canonical token -> the custom data and user data its inputs pass to the VMs (base64)."""


def _setting_profiles(inputs: Any) -> tuple[Bounds, ...]:
    """capacity.minimum..maximum of each profile; () when ``profiles`` is not a list."""
    profiles = Input.at(inputs, "profiles").known()
    if not isinstance(profiles, list):
        return ()
    return tuple(Bounds(Input.at(inputs, "profiles", index, "capacity", "minimum"),
                        Input.at(inputs, "profiles", index, "capacity", "maximum"), autoscaled=True)
                 for index in range(len(profiles)))


def autoscale_setting(inputs: Any) -> AutoscalerFacts:
    """An autoscale setting: enabled unless ``enabled`` is false, one size range per profile."""
    return AutoscalerFacts(CLOUD, tokens.AZURE_MONITOR_AUTOSCALE_SETTING, "targetResourceUri",
                           Reading.of(lambda: Input.at(inputs, "enabled").flag(True) is not False),
                           Reading.of(lambda: _setting_profiles(inputs)))


AUTOSCALERS: dict[str, Callable[[Any], AutoscalerFacts]] = {
    tokens.AZURE_MONITOR_AUTOSCALE_SETTING: autoscale_setting,
}
"""Canonical token -> the autoscaler its inputs declare."""
