"""GPU compute: node pools on managed Kubernetes, and autoscaling VM groups outside it."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, Field, model_serializer, model_validator

from ._base import Capacity, CloudName, ProblemCollector, SpecModel, matches, no_duplicates
from ._capacity import MachineTypes, PoolCapacity, Reservation, Sharing, mig_profile_problem
from ._kubernetes_names import Taint, label_key_problem, label_value_problem, parse_taint

POOL_NAME = r"^[a-z][a-z0-9-]{0,18}[a-z0-9]$"
PoolName = matches(POOL_NAME, "2-20 characters: lowercase letters, digits and '-', starting "
                   "with a letter and ending with a letter or digit")

MAX_NODES_LIMIT = 1000
"""Sanity bound on one pool or group (AKS allows 1000 nodes per pool); split larger fleets."""
MIN_DISK_GB = 20
"""Smallest node disk: a GPU image with drivers and a container runtime needs about this."""
MAX_DISK_GB = 4096
"""Largest node boot disk accepted."""

def _not_empty(clouds: tuple[str, ...]) -> tuple[str, ...]:
    if not clouds:
        raise ValueError("must name at least one cloud; omit clouds to use every configured "
                         "cloud")
    return clouds


TargetClouds = Annotated[
    tuple[CloudName, ...],
    AfterValidator(_not_empty),
    AfterValidator(no_duplicates),
    Field(json_schema_extra={"minItems": 1, "uniqueItems": True}),
]
"""A non-empty list of cloud ids without repeats."""


class _GpuFleet(SpecModel):
    """Fields shared by node pools and autoscaling groups: a fleet of identical GPU machines."""

    name: PoolName
    """Unique within its section; part of resource names. Required."""
    accelerator: str
    """Canonical accelerator name from the catalog, e.g. "nvidia-l4". Required."""
    gpus_per_node: int = Field(ge=1)
    """GPUs on each machine; must be a count the catalog offers for the accelerator. Required."""
    min_nodes: int = Field(0, ge=0, le=MAX_NODES_LIMIT)
    """Fewest machines the autoscaler keeps (0 allows scaling to zero). Omitted: 0."""
    max_nodes: int = Field(ge=1, le=MAX_NODES_LIMIT)
    """Most machines the autoscaler may run; at least `min_nodes`. Required."""
    capacity: Capacity = "on-demand"
    """on-demand, or spot (cheaper, may be reclaimed). Omitted: on-demand."""
    clouds: TargetClouds = ()
    """Clouds to create it on, each a configured cloud. Omitted: every configured cloud, or the
    cloud `placement` chose. After validation: the resolved clouds, in the order aws, azure,
    gcp."""
    placement: Optional[Literal["cheapest"]] = None
    """`cheapest`: instead of `clouds`, create it on the configured cloud with the lowest list
    price for this accelerator, GPU count and capacity. Omitted: use `clouds`."""
    disk_gb: int = Field(100, ge=MIN_DISK_GB, le=MAX_DISK_GB)
    """Boot disk size of each machine, GB (20-4096). Omitted: 100."""

    @model_validator(mode="after")
    def _consistent(self) -> Any:
        problems = ProblemCollector()
        if self.max_nodes < self.min_nodes:
            problems.add(("max_nodes",), self.max_nodes,
                         f"must be >= min_nodes ({self.min_nodes})")
        if self.placement is not None and "clouds" in self.model_fields_set:
            problems.add(("placement",), self.placement,
                         "placement and clouds are exclusive: remove clouds to let placement "
                         "choose the cloud, or remove placement to use the clouds listed")
        problems.raise_if_any()
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> Any:
        """Dump as valid input: with `placement`, the chosen cloud is left out of the dump."""
        data = handler(self)
        if self.placement is not None and isinstance(data, dict):
            data.pop("clouds", None)
        return data


def _check_labels(labels: dict[str, str]) -> dict[str, str]:
    problems = ProblemCollector()
    for key, value in labels.items():
        key_problem = label_key_problem(key)
        if key_problem:
            problems.add((key,), key, f"label key {key_problem}")
        value_problem = label_value_problem(value)
        if value_problem:
            problems.add((key,), value, f"label value {value_problem}")
    problems.raise_if_any()
    return labels


def _check_taints(taints: tuple[str, ...]) -> tuple[str, ...]:
    problems = ProblemCollector()
    seen: dict[tuple[str, str], int] = {}
    for index, text in enumerate(taints):
        try:
            taint = parse_taint(text)
        except ValueError as error:
            problems.add((index,), text, str(error))
            continue
        if (taint.key, taint.effect) in seen:
            problems.add((index,), text, f"repeats the key and effect of taints"
                         f"[{seen[(taint.key, taint.effect)]}]")
        seen.setdefault((taint.key, taint.effect), index)
    problems.raise_if_any()
    return taints


class NodePool(_GpuFleet):
    """A GPU node pool on the managed Kubernetes of each target cloud (EKS, AKS, GKE).

    Nodes carry the taint nvidia.com/gpu=present:NoSchedule and accelerator labels, so only GPU
    workloads land on them.
    """

    labels: Annotated[dict[str, str], AfterValidator(_check_labels)] = {}
    """Extra Kubernetes node labels (valid label keys and values; the kubernetes.io, k8s.io and
    aiscale.io prefixes are reserved). Omitted: none."""
    taints: Annotated[tuple[str, ...], AfterValidator(_check_taints)] = ()
    """Extra node taints, each "key=value:Effect" (Effect: NoSchedule, PreferNoSchedule or
    NoExecute); the GPU taint is always added. Omitted: none."""
    capacity: PoolCapacity = "on-demand"
    """on-demand, spot (cheaper, may be reclaimed), or spot-with-fallback (a spot pool and an
    on-demand pool of the same shape, the autoscaler told to try spot first; docs/capacity.md).
    Omitted: on-demand."""
    machine_types: Optional[MachineTypes] = None
    """Machine types per cloud (`{aws: [g6.xlarge, g6.2xlarge]}`), each offering the accelerator
    x gpus_per_node in the region. Omitted: the catalog's cheapest type, and for spot on a cloud
    whose pool takes several types (EKS) every catalog type that fits."""
    reservation: Optional[Reservation] = None
    """Reserved capacity per cloud (`{aws: {capacity_reservation_id: cr-...}}`, `{aws:
    {capacity_block: true, capacity_reservation_id: ...}}`, `{gcp: {reservation: name}}`,
    `{gcp: {flex_start: true}}`, `{azure: {capacity_reservation_group_id: ...}}`); on-demand
    pools only. Omitted: none."""
    sharing: Optional[Sharing] = None
    """Share each GPU between pods: `{mode: time-slicing, replicas: 4}` or `{mode: mig, profile:
    1g.10gb}` (MIG accelerators only). Endpoints needing more than one GPU per replica do not
    run on a shared pool. Omitted: one pod per GPU."""
    zones: Annotated[tuple[str, ...], AfterValidator(no_duplicates)] = ()
    """Zones of the region the nodes may run in (one zone pins, several spread), each a zone of
    every region the pool runs in. Omitted: every zone the cluster uses."""

    @model_validator(mode="after")
    def _capacity_consistent(self) -> Any:
        problems = ProblemCollector()
        if self.reservation is not None and self.capacity != "on-demand":
            problems.add(("reservation",), self.reservation.model_dump(exclude_defaults=True),
                         f"reserved capacity is on-demand capacity: capacity {self.capacity} "
                         "cannot use it; set capacity: on-demand or remove reservation")
        if self.sharing is not None and self.sharing.mode == "mig":
            problem = mig_profile_problem(self.accelerator, str(self.sharing.profile))
            if problem:
                problems.add(("sharing", "profile"), self.sharing.profile, problem)
        problems.raise_if_any()
        return self

    @property
    def runs_on_spot(self) -> bool:
        """True when some of the pool's nodes are spot nodes (spot, spot-with-fallback)."""
        return self.capacity in ("spot", "spot-with-fallback")

    @property
    def bound_capacity(self) -> str:
        """The capacity of the pool's most expensive nodes: on-demand for spot-with-fallback
        (every node may be a fallback node), else its capacity."""
        return "on-demand" if self.capacity == "spot-with-fallback" else self.capacity

    @property
    def price_capacity(self) -> str:
        """The capacity the pool is priced and placed by: spot when it prefers spot."""
        return "spot" if self.runs_on_spot else "on-demand"

    def serves_replicas_of(self, gpus_per_replica: int) -> bool:
        """True when a replica asking for ``gpus_per_replica`` GPUs fits one node of the pool:
        a shared pool hands out one slice per request, so it serves one-GPU replicas only."""
        if self.sharing is not None:
            return gpus_per_replica == 1
        return self.gpus_per_node >= gpus_per_replica

    @property
    def schedulable_gpus_per_node(self) -> int:
        """``nvidia.com/gpu`` each node advertises: GPUs x slices per GPU on a shared pool."""
        slices = self.sharing.slices_per_gpu if self.sharing is not None else 1
        return self.gpus_per_node * slices

    @property
    def parsed_taints(self) -> tuple[Taint, ...]:
        """`taints` as (key, value, effect) tuples."""
        return tuple(parse_taint(text) for text in self.taints)


CPU_SCALING_FROM_ZERO = (
    "a group scaled on CPU utilization never starts from zero machines: with no machine "
    "running there is no CPU signal, so the autoscaler (AWS target tracking, Azure autoscale, "
    "GCP autoscaler) never adds the first one; valid: min_nodes >= 1 (for example 1)")
"""Why an autoscaling group with ``min_nodes: 0`` is refused, and what to set instead."""


class AutoscalingGroup(_GpuFleet):
    """A fleet of GPU VMs outside Kubernetes (AWS Auto Scaling group, Azure VM scale set, GCP
    managed instance group), scaled on CPU utilization."""

    min_nodes: int = Field(1, ge=0, le=MAX_NODES_LIMIT)
    """Fewest machines the group keeps running: at least 1, because the group scales on the CPU
    utilization of its running machines and with none there is no signal to scale up on (0 is
    refused). Omitted: 1."""
    target_cpu_utilization: int = Field(60, ge=1, le=100)
    """Average CPU utilization, percent, that autoscaling aims for (1-100). Omitted: 60."""

    @model_validator(mode="after")
    def _can_start(self) -> Any:
        problems = ProblemCollector()
        if self.min_nodes == 0:
            problems.add(("min_nodes",), self.min_nodes, CPU_SCALING_FROM_ZERO)
        problems.raise_if_any()
        return self
