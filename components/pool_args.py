"""The plain arguments of ``GpuNodePool``: a GPU node pool added to a cluster that exists.

Usable from every Pulumi language: plain strings, numbers, lists and maps. The cluster is named
(it already exists, in this stack or elsewhere), the pool is described by the fields of a
``node_pools`` entry of the platform model and validated by the model, and
:func:`resolve_args` turns them into what the cloud's builder (``aiscale.<cloud>.node_pool``,
the one ``AiPlatform``'s pools run) reads.

No ``from __future__ import annotations``: Pulumi's component analyzer (``pulumi package add``)
reads these annotations as real types.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale import catalog, clouds
from aiscale.model import NodePool, Platform, PlatformValidationError, load_platform
from aiscale._plain import renamed, whole_numbers

__all__ = ["GpuNodePoolArgs", "ExistingCluster", "PoolSpec", "CLOUD_ONLY_ARGS", "resolve_args"]

CLOUDS = clouds.names()
"""The clouds a pool can be added on."""
CLOUD_ONLY_ARGS = {arg: a.name for a in clouds.adapters() for arg in a.existing_cluster_args}
"""Arguments that describe the existing cluster on one cloud only, by argument."""
REQUIRED_ON_CLOUD = {a.name: dict(a.required_existing_cluster_args) for a in clouds.adapters()}
"""The cloud-only arguments each cloud cannot do without, with what they are (the platform
model itself requires ``gcp_project`` on gcp)."""
POOL_FIELDS = ("accelerator", "gpus_per_node", "min_nodes", "max_nodes", "capacity", "disk_gb",
               "labels", "taints", "machine_types", "reservation", "sharing", "zones")
"""Arguments passed as they are to the model's ``node_pools`` entry."""
MODEL_PATHS = (
    ("node_pools[0].name", "pool"), ("node_pools[0]", ""),
    *(path for a in clouds.adapters() for path in a.model_paths), ("name", "platform"),
)
"""Where a platform-model problem path points in these arguments."""


class GpuNodePoolArgs(TypedDict, total=False):
    """The arguments of :class:`GpuNodePool` (plain values, usable from every Pulumi language)."""

    cloud: Required[str]
    """``aws`` (an EKS managed node group), ``azure`` (an AKS agent pool) or ``gcp`` (a GKE node
    pool). Required."""
    platform: Required[str]
    """The platform name (3-22 lowercase letters, digits and '-'): tagged on every resource.
    Required."""
    environment: Required[str]
    """``dev``, ``staging`` or ``prod``: tagged on every resource. Required."""
    region: Required[str]
    """The AWS region, Azure location or GCP region of the cluster; the accelerator must be
    offered there (see ``aiscale catalog``). The provider the pool is declared with must target
    the same region. Required."""
    cluster_name: Required[str]
    """The name of the existing EKS, AKS or GKE cluster the pool joins. Required."""
    pool: Required[str]
    """The pool's name (2-20 lowercase letters, digits and '-'): the node label value, and the
    EKS node group prefix, AKS agent pool name or GKE node pool name (``gpu-<pool>``) derive from
    it. Required."""
    accelerator: Required[str]
    """The canonical accelerator name from the catalog, e.g. ``nvidia-l4`` or
    ``nvidia-a100-80gb``. Required."""
    gpus_per_node: Required[int]
    """GPUs on each node; a count the catalog offers for the accelerator in the region. The
    machine type is the cheapest the catalog lists with exactly this many. Required."""
    max_nodes: Required[int]
    """Most nodes the cluster autoscaler may run (at least ``min_nodes``). Required."""
    min_nodes: int
    """Fewest nodes the autoscaler keeps; 0 lets the pool scale to zero. Omitted: 0."""
    capacity: str
    """``on-demand``, ``spot`` (cheaper, may be reclaimed) or ``spot-with-fallback`` (a spot and
    an on-demand pool, spot tried first; see docs/capacity.md). Omitted: ``on-demand``."""
    machine_types: dict[str, list[str]]
    """Machine types by cloud, ``{"aws": ["g6.xlarge", "g6.2xlarge"]}`` (one on azure and gcp),
    each offering the accelerator x ``gpus_per_node`` in the region. Omitted: the catalog's
    cheapest, or for spot on aws every type that fits."""
    reservation: dict[str, dict[str, Any]]
    """Reserved capacity by cloud (``{"aws": {"capacity_reservation_id": "cr-..."}}``,
    ``{"gcp": {"reservation": "name"}}``, ``{"gcp": {"flex_start": true}}``, ``{"azure":
    {"capacity_reservation_group_id": "..."}}``); on-demand pools only. Omitted: none."""
    sharing: dict[str, Any]
    """GPU sharing: ``{"mode": "time-slicing", "replicas": 4}`` or ``{"mode": "mig", "profile":
    "1g.10gb"}``. On an existing EKS or AKS cluster the pool's own device plugin is not
    installed (no Kubernetes provider): see docs/capacity.md. Omitted: none."""
    zones: list[str]
    """Zones of the region the nodes run in. Omitted: the cluster's zones."""
    disk_gb: int
    """Boot disk size of each node in GB (20-4096). Omitted: 100."""
    labels: dict[str, str]
    """Extra Kubernetes node labels (the GPU and accelerator labels are always set). Omitted:
    none."""
    taints: list[str]
    """Extra node taints, each ``key=value:Effect`` (the GPU taint
    ``nvidia.com/gpu=present:NoSchedule`` is always set). Omitted: none."""
    tags: dict[str, str]
    """Cost-allocation tags (labels on GCP), added to ``platform``, ``environment`` and
    ``managed-by``. Omitted: only those three."""
    node_role_arn: pulumi.Input[str]
    """AWS only, and required there: the ARN of the IAM role the cluster's nodes use (it needs
    the EKS worker node, CNI and ECR read-only policies)."""
    subnet_ids: pulumi.Input[list[str]]
    """AWS only, and required there: the private subnets the nodes are placed in."""
    resource_group_name: pulumi.Input[str]
    """Azure only, and required there: the resource group of the AKS cluster."""
    nodes_subnet_id: pulumi.Input[str]
    """Azure only: the VNet subnet of the nodes (clusters on a custom VNet need it). Omitted:
    AKS's default for the cluster."""
    gcp_project: str
    """GCP only, and required there: the project of the GKE cluster."""
    cluster_location: str
    """GCP only: the cluster's location, a region or a zone. Omitted: ``region``."""
    node_service_account_email: pulumi.Input[str]
    """GCP only: the service account the nodes run as (a dedicated, least-privilege one is
    recommended). Omitted: the cluster's default (the Compute Engine default account)."""


@dataclass(frozen=True)
class ExistingCluster:
    """An existing cluster, shaped as the node pool builders read a ``KubernetesCluster``."""

    cluster_name: pulumi.Input[str]
    """The cluster's name in the cloud."""
    cloud: str = ""
    """The cluster's cloud (whose node pool builder turns this into its node target)."""
    region: Optional[str] = None
    """The pool's region (the cluster's location when the cloud's arguments name none)."""
    cluster_args: Mapping[str, Any] = field(default_factory=dict)
    """The cloud's existing-cluster arguments that were given (its adapter's
    ``existing_cluster_args``: node role and subnets, resource group, location...), passed by
    keyword to its node pool builder's typed ``existing_target``."""

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "ExistingCluster":
        """The cluster that ``args`` name, on ``args['cloud']``."""
        cloud = args["cloud"]
        given = {key: args[key] for key in clouds.adapter(cloud).existing_cluster_args if args.get(key) is not None}
        return cls(cluster_name=args["cluster_name"], cloud=cloud, region=args.get("region"), cluster_args=given)

    @property
    def node_target(self) -> Any:
        """What the cloud's node pool builder reads of this cluster (its ``existing_target``)."""
        return clouds.adapter(self.cloud).builder("node_pool").existing_target(
            self.cluster_name, self.region, **self.cluster_args)


@dataclass(frozen=True)
class PoolSpec:
    """Validated arguments: the one-pool platform model, its pool and the catalog's machine."""

    platform: Platform
    """The platform model holding just this pool (for tags)."""
    pool: NodePool
    """The validated pool, defaults resolved."""
    offering: catalog.Offering
    """The catalog machine for the accelerator and GPU count in the region."""
    machine_offerings: tuple[catalog.Offering, ...] = ()
    """Every machine the pool may use, ``offering`` first."""
    zones: tuple[str, ...] = ()
    """The pool's zones in the region."""
    cluster: Optional[ExistingCluster] = None
    """The existing cluster the pool joins: its cloud, region and the cloud's cluster arguments."""
    gcp_project: Optional[str] = None
    """The project to declare in, where the cloud has projects (``gcp_project``); else None."""


def _model(args: Mapping[str, Any]) -> dict[str, Any]:
    """The platform model with one cloud and this one pool."""
    cloud = args["cloud"]
    where = clouds.adapter(cloud).model_settings(args)
    pool = {"name": args.get("pool"), **{key: args.get(key) for key in POOL_FIELDS}}
    model = {"name": args.get("platform"), "environment": args.get("environment"),
             "tags": args.get("tags"), "clouds": {cloud: _present(where)},
             "node_pools": [_present(pool)]}
    return whole_numbers(_present(model))


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the keys that were not given, so the model reports them as missing."""
    return {key: value for key, value in values.items() if value is not None}


def _argument_problems(args: Mapping[str, Any]) -> list[str]:
    """Problems the platform model cannot see: unknown keys, the cloud and the cluster."""
    known = set(GpuNodePoolArgs.__required_keys__) | set(GpuNodePoolArgs.__optional_keys__)
    problems = [f"{key}: unknown field; valid: {', '.join(sorted(known))}"
                for key in sorted(set(args) - known)]
    cloud = args.get("cloud")
    if cloud not in CLOUDS:
        problems.append(f"cloud: got {cloud!r}; valid: {', '.join(CLOUDS)}")
        return problems
    name = args.get("cluster_name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"cluster_name: got {name!r}; valid: the name of an existing cluster")
    for key, meaning in REQUIRED_ON_CLOUD[cloud].items():
        if args.get(key) in (None, "", []):
            problems.append(f"{key}: got {args.get(key)!r}; valid: {meaning} (required on {cloud})")
    for key, only_on in CLOUD_ONLY_ARGS.items():
        if key in args and args[key] is not None and only_on != cloud:
            problems.append(f"{key}: got {args[key]!r}; valid: only on {only_on} (cloud is {cloud})")
    return problems


def resolve_args(name: str, args: Any) -> PoolSpec:
    """Validate ``args`` completely; raise one ValueError listing every problem."""
    if not isinstance(args, Mapping):
        raise ValueError(f"GpuNodePool {name!r}: args: got {args!r}; valid: a GpuNodePoolArgs mapping")
    problems = _argument_problems(args)
    platform = None
    if args.get("cloud") in CLOUDS:
        try:
            platform = load_platform(_model(args))
        except PlatformValidationError as error:
            problems.extend(str(renamed(problem, MODEL_PATHS)) for problem in error.problems)
    if problems or platform is None:
        listing = "\n".join(f"  - GpuNodePoolArgs.{problem}" for problem in problems)
        raise ValueError(f"invalid arguments for GpuNodePool {name!r}:\n{listing}")
    from aiscale.model._capacity_rules import pool_offerings, pool_zones

    pool = platform.node_pools[0]
    try:
        offerings = pool_offerings(args["cloud"], pool, args["region"])
    except catalog.CatalogLookupError as error:
        raise ValueError(f"invalid arguments for GpuNodePool {name!r}:\n"
                         f"  - GpuNodePoolArgs.accelerator: {error}") from None
    return PoolSpec(platform=platform, pool=pool, offering=offerings[0], machine_offerings=offerings,
                    zones=pool_zones(args["cloud"], pool, args["region"]), cluster=ExistingCluster.from_args(args),
                    gcp_project=args.get("gcp_project"))
