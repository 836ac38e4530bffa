"""The facts a resource's inputs state, as frozen dataclasses shared by cost and the packs.

A fact is what one resource's own registered inputs say about it, read once by the reader of
its cloud (``aiscale.facts.aws``, ``azure``, ``gcp``): which machines a node pool runs, how many,
on which capacity. Facts never look at other resources (a launch template, an autoscaler) and
never consult the catalog: following references and pricing stay with their consumers.

Two kinds of values appear in facts:

- :class:`~aiscale.facts.values.Input`: one raw input with its path, for values that consumers
  read with different strictness (the packs leniently, the cost estimator strictly);
- :class:`Reading`: a value derived from several inputs, or the path of the input that was not
  known during preview; ``reading.get()`` raises :class:`~aiscale.facts.values.UnknownValue`
  only when the consumer asks for it, so each consumer decides in which order it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Optional, TypeVar

from .values import Input, UnknownValue, Unreadable

T = TypeVar("T")


@dataclass(frozen=True)
class Reading(Generic[T]):
    """A fact derived from inputs: its value, or the path of the input not known yet."""

    value: Optional[T] = None
    """The fact (meaningful only when `unknown_at` is empty)."""
    unknown_at: str = ""
    """The dotted path of the input that was unknown during preview, "" when known."""

    @classmethod
    def of(cls, derive: Callable[[], T]) -> "Reading[T]":
        """Runs `derive` now and keeps its result, or the path of the unknown it hit."""
        try:
            return cls(derive())
        except UnknownValue as unknown:
            return cls(None, unknown.path)

    def get(self) -> T:
        """The fact; UnknownValue naming the input when it was not known during preview."""
        if self.unknown_at:
            raise UnknownValue(self.unknown_at)
        return self.value  # type: ignore[return-value]


@dataclass(frozen=True)
class MachineRequest:
    """One machine (or accelerator) request found in a resource's inputs."""

    cloud: str
    """Catalog cloud id ("aws", "azure", "gcp")."""
    instance_type: Optional[str]
    """The machine type as written (EC2 type, ``ml.*`` type, Azure size, GCE type), if any."""
    accelerator: Optional[str]
    """The accelerator as written (GKE type, Vertex enum), if any."""
    accelerator_count: Optional[float] = None
    """Accelerators attached explicitly (GKE/GCE guestAccelerators, Vertex), if given."""


@dataclass(frozen=True)
class Bounds:
    """How many machines a pool runs: between the inputs `low` and `high` (one input twice for a
    fixed size), per zone where `per_zone` says so."""

    low: Input
    """The input of the smallest size."""
    high: Input
    """The input of the largest size."""
    low_default: Optional[int] = None
    """The smallest size when `low` is missing (the provider's default), None when required."""
    high_default: Optional[int] = None
    """The largest size when `high` is missing, None when required."""
    autoscaled: Optional[bool] = False
    """True when an autoscaling block or flag is set, False when the size is fixed, None when
    only the range says (the pool scales when max is above min)."""
    per_zone: bool = False
    """True when the counts are per zone (GKE): the pool runs them in every zone it spans."""
    note: str = ""
    """How the sizes were chosen, for a cost basis (e.g. the provider default that applied)."""

    def lenient(self, zones: float = 1.0) -> tuple[Optional[float], Optional[float]]:
        """(min, max) as numbers for the packs (x `zones` when per zone); None when missing or
        not a number and no default applies. UnknownValue when an input is not known yet."""
        factor = zones if self.per_zone else 1.0
        return (_times(_number_or(self.low, self.low_default), factor),
                _times(_number_or(self.high, self.high_default), factor))

    def strict(self, zones: int = 1) -> tuple[int, int]:
        """(min, max) as whole numbers for pricing (x `zones` when per zone); Unreadable naming
        the input when one is missing without a default or malformed."""
        factor = zones if self.per_zone else 1
        return self.low.count(self.low_default) * factor, self.high.count(self.high_default) * factor


def _number_or(value: Input, default: Optional[int]) -> Optional[float]:
    number = value.number()
    return float(default) if number is None and default is not None else number


def _times(value: Optional[float], factor: float) -> Optional[float]:
    return None if value is None else value * factor


@dataclass(frozen=True)
class NodePoolFacts:
    """A Kubernetes node pool as its own inputs declare it: an EKS managed node group, an AKS
    agent pool (alone, or one of a managed cluster's ``agentPoolProfiles``) or a GKE node pool."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    kind: str
    """The canonical type token of the declaring resource."""
    name: Input
    """The pool's own name input (an inline AKS pool's ``name``); missing for a resource."""
    machine: Input
    """The machine type the pool is priced by (``instanceTypes[0]``, ``vmSize``,
    ``nodeConfig.machineType``)."""
    machine_list: Input
    """The input listing every machine type (EKS ``instanceTypes``), else the same as `machine`."""
    machines: Reading[tuple[MachineRequest, ...]]
    """Every machine / accelerator request of the pool, for GPU lookups."""
    accelerators: Input
    """Attached accelerators (GKE ``nodeConfig.guestAccelerators``); missing elsewhere."""
    launch_template_key: Optional[str]
    """The input naming a launch template that may supply the machine type (EKS), else None."""
    spot: Reading[bool]
    """True for spot (or preemptible / low-priority) capacity."""
    bounds: Reading[Bounds]
    """The pool's size inputs."""
    node_locations: Input
    """The zones the pool spans when listed (GKE ``nodeLocations``); missing elsewhere."""
    location: Input
    """The pool's own location input (GKE ``location``); missing elsewhere."""
    taints: Reading[tuple[tuple[str, str], ...]]
    """(key, effect) of every node taint."""
    system: Reading[bool] = Reading(False)
    """True for an AKS System-mode pool (it cannot scale to zero)."""
    zone_rule: Optional[Callable[["NodePoolFacts", "str | Input"], tuple[int, str]]] = None
    """How many zones per-zone counts apply to (GKE), given the pool's location; None when the
    counts are for the whole pool."""

    def zones(self, location: "str | Input | None" = None) -> tuple[int, str]:
        """(zones the per-zone counts of `bounds` apply to, how that was decided), given the
        pool's resolved location (default: its own ``location`` input); (1, "") when the
        counts are for the whole pool. UnknownValue when an input it reads is unknown."""
        if self.zone_rule is None:
            return 1, ""
        return self.zone_rule(self, self.location if location is None else location)


@dataclass(frozen=True)
class VmFacts:
    """A VM template or a single VM as its own inputs declare it: an EC2 launch template or
    instance, an Azure VM, a GCE instance template or instance."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    kind: str
    """The canonical type token."""
    machine: Input
    """The machine type input (``instanceType``, ``hardwareProfile.vmSize``, ``machineType``)."""
    accelerators: Input
    """Attached accelerators (GCE ``guestAccelerators``); missing elsewhere."""
    machines: Reading[tuple[MachineRequest, ...]]
    """Every machine / accelerator request, for GPU lookups."""
    spot: Reading[bool]
    """True when the VM is bought as spot (or preemptible)."""


@dataclass(frozen=True)
class VmGroupFacts:
    """A group of VMs as its own inputs declare it: an AWS Auto Scaling group, an Azure VM scale
    set, a GCE managed instance group or an Azure ML compute cluster. Its machine type and
    capacity may come from a template it names (`template_keys`), and its size from an
    autoscaler that names it: following those references is the consumer's work."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    kind: str
    """The canonical type token."""
    machine: Input
    """The machine type input the group is priced by (ASG ``mixedInstancesPolicy`` first
    override, ``sku.name``, ``properties.properties.vmSize``); missing when only a template
    names it."""
    machines: Reading[tuple[MachineRequest, ...]]
    """The machine requests of the group's own inputs (a template's are the template's)."""
    template_keys: tuple[str, ...]
    """Inputs that may name the group's template, in the order to follow them."""
    size: Bounds
    """The group's own size inputs (an autoscaler may override them)."""
    spot: Reading[Optional[bool]]
    """True when the group's own inputs buy spot / low-priority capacity only, False when they
    buy on-demand, None when they do not say (the template decides)."""
    on_demand_base: Input = Input((), None)
    """ASG ``mixedInstancesPolicy.instancesDistribution.onDemandBaseCapacity``."""
    on_demand_percent: Input = Input((), None)
    """ASG ``mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity``."""
    mixed_policy: Input = Input((), None)
    """ASG ``mixedInstancesPolicy`` as a whole."""
    applies: Reading[bool] = Reading(True)
    """False for a resource of the kind that is not a VM group (an Azure ML compute that is not
    an AmlCompute cluster)."""


@dataclass(frozen=True)
class BucketFacts:
    """An object-storage bucket as its own inputs declare it: an S3 bucket, a GCS bucket or an
    Azure storage account. Settings made by separate resources (an S3 versioning or lifecycle
    configuration, an Azure management policy) are not facts of the bucket."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    kind: str
    """The canonical type token."""
    tags: Input
    """The key/value map used for cost allocation: ``tags`` (AWS, Azure) or ``labels`` (GCP)."""
    storage_class: Input
    """The storage class or access tier input (GCS ``storageClass``, Azure ``accessTier``);
    missing for S3, whose class is chosen per object."""
    default_class: str
    """The class the provider uses when `storage_class` is not set."""
    location: Input
    """The bucket's own location input (GCS, Azure); missing for S3 (the region is the
    provider's)."""
    versioning: Input
    """The bucket's own versioning switch (GCS ``versioning.enabled``, Azure blob service's
    ``isVersioningEnabled``); missing where a separate resource configures it."""
    lifecycle_rules: Input
    """The bucket's own lifecycle rules (S3 legacy inline ``lifecycleRules``, GCS
    ``lifecycleRules``); missing where a separate resource holds them."""
    public_access: Input
    """The bucket's public-access switch: GCS ``publicAccessPrevention``, Azure
    ``allowBlobPublicAccess``; missing for S3 (a public access block is a separate resource)."""
    uniform_access: Input
    """GCS ``uniformBucketLevelAccess`` (IAM only, no object ACLs); missing elsewhere."""


@dataclass(frozen=True)
class EndpointFacts:
    """A model endpoint as its own inputs declare it: a SageMaker production variant, an Azure
    ML online deployment, Vertex AI dedicated resources, a Cloud Run service, a Kubernetes
    Deployment / StatefulSet, a KServe InferenceService. An autoscaler that names it (an
    Application Auto Scaling target, a HorizontalPodAutoscaler) may set other bounds."""

    cloud: str
    """"aws", "azure", "gcp" or "kubernetes"."""
    kind: str
    """The canonical type token."""
    name: Input
    """The endpoint's own name inside the resource (a SageMaker variant's ``variantName``);
    missing when the resource is the endpoint."""
    instance_type: Input
    """The machine type that serves it (SageMaker ``instanceType``, Azure ML
    ``properties.instanceType`` else ``sku.name``, Vertex ``machineSpec.machineType``);
    missing for Cloud Run and Kubernetes."""
    accelerator: Input
    """The accelerator asked for by name (Cloud Run ``nodeSelector.accelerator``, Vertex
    ``acceleratorType``); missing elsewhere."""
    machines: Reading[tuple[MachineRequest, ...]]
    """Machine / accelerator requests, for GPU lookups in the catalog."""
    replicas: Reading[tuple[Optional[float], Optional[float]]]
    """(min, max) replicas as the own inputs state them, read leniently (None when unset)."""
    gpus_per_replica: Reading[Optional[float]]
    """GPUs one replica asks for when the inputs say it directly (container ``nvidia.com/gpu``
    limits, a Cloud Run accelerator); None when the machine type decides (catalog)."""
    managed: bool
    """True for cloud-managed serving (its GPUs are not part of any node pool)."""


@dataclass(frozen=True)
class AutoscalerFacts:
    """An autoscaler as its own inputs declare it: an Azure autoscale setting or a GCE
    (regional) autoscaler. The resource it scales is named by its input `target_key`."""

    cloud: str
    """"azure" or "gcp"."""
    kind: str
    """The canonical type token."""
    target_key: str
    """The input naming the scaled resource (``targetResourceUri``, ``target``)."""
    enabled: Reading[bool]
    """False when the autoscaler is switched off (Azure ``enabled: false``)."""
    profiles: Reading[tuple[Bounds, ...]]
    """The size bounds it may set, one per profile (Azure ``profiles[].capacity``, GCE
    ``autoscalingPolicy``); () when it lists none."""


ANY_ADDRESS = "0.0.0.0/0"
"""The CIDR an API endpoint admits when the provider's access list is unset (any address)."""


@dataclass(frozen=True)
class ControlPlaneFacts:
    """A managed Kubernetes control plane as its cluster's own inputs declare it: an EKS
    cluster, an AKS managed cluster or a GKE cluster."""

    cloud: str
    """"aws", "azure" or "gcp"."""
    kind: str
    """The canonical type token."""
    api_access: Reading[tuple[bool, tuple[str, ...]]]
    """(the API endpoint has a public address, the CIDRs that may reach it); an unset access
    list reads as :data:`ANY_ADDRESS`."""
    version: Input
    """The Kubernetes version input (EKS ``version``, AKS ``kubernetesVersion``, GKE
    ``minMasterVersion``)."""


__all__ = ["ANY_ADDRESS", "AutoscalerFacts", "BucketFacts", "ControlPlaneFacts", "EndpointFacts", "Bounds", "Input", "MachineRequest", "NodePoolFacts", "Reading", "UnknownValue",
           "Unreadable", "VmFacts", "VmGroupFacts"]
