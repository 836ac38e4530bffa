"""The GCP builder of ``GpuNodePool``: a GKE node pool with GPU-correct, hardened defaults.

- Machine type ``offering.instance_type`` with ``guest_accelerators`` = ``offering.accelerator_type``
  x ``pool.gpus_per_node`` and the NVIDIA driver installed by GKE (``gpu_driver_version`` LATEST),
  so no device-plugin release is needed: GKE runs its own.
- Taints ``node_taints(pool)`` (the GPU taint ``nvidia.com/gpu=present`` is set explicitly even
  though GKE may add it, so a re-apply never sees a diff) with effects spelled ``NO_SCHEDULE``;
  Kubernetes labels ``node_labels(pool)``; GCE resource labels from the platform's tags.
- Spot (``node_config.spot``) when ``pool.capacity`` is spot, with the autoscaler's location
  policy ANY (the zone with capacity wins); BALANCED for on-demand.
- Autoscaling with ``total_min_node_count`` / ``total_max_node_count``: the model's min and max
  count nodes across all zones of the region, and min 0 scales to zero. No fixed node count.
- The cluster's node service account, minimal OAuth scopes, the GKE metadata server (Workload
  Identity), shielded nodes (secure boot, integrity monitoring), a ``pool.disk_gb`` boot disk
  (pd-balanced; Hyperdisk on H200/B200 machines), auto-repair and auto-upgrade, private nodes (the
  cluster's private_cluster_config).
- ``node_locations`` from ``zones`` when given; otherwise unset, so GKE uses the cluster's zones
  and a zone without the accelerator simply never gets a node.

- spot-with-fallback: a spot pool and an on-demand pool (``gpu-<pool>-od``), ordered by a custom
  ComputeClass; ``reservation.gcp``: specific reservation affinity or flex-start; ``sharing``:
  ``gpu_sharing_config`` (time-sharing) or ``gpu_partition_size`` (MIG); ``zones``:
  ``node_locations`` (docs/capacity.md).

Reads a ``PoolBuild``; returns a ``BuiltPool``: ``pool_name``, resources ``node_pool``
(``fallback_node_pool``, ``compute_class``), facts ``machine_type``, ``accelerator_type`` and
``spot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_gcp.container as container

from aiscale.gcp import naming
from aiscale.gcp import _names, _node_defaults
from aiscale.gpu_nodes import (BuiltPool, PoolBuild, capacity_class_name, capacity_role_label, is_fallback, node_labels,
                               node_taints)

IMAGE_TYPE = "COS_CONTAINERD"
"""Container-Optimized OS: the node image GKE's managed GPU drivers support."""
UPGRADE_SETTINGS = {"strategy": "SURGE", "max_surge": 0, "max_unavailable": 1}
"""Upgrade one node at a time without a surge node: no extra GPU is needed during upgrades."""
RESERVATION_NAME_KEY = "compute.googleapis.com/reservation-name"
"""The reservation affinity key that targets a specific reservation by name."""
CAPACITY_CLASS_LABEL = "cloud.google.com/compute-class"
"""The node label of a ComputeClass's manually created node pools."""
FALLBACK_SUFFIX = "-od"
"""Added to the pool's name for the node pool name of a fallback pool's on-demand half."""


@dataclass(frozen=True, kw_only=True)
class GkeNodeTarget:
    """What a node pool reads of its GKE cluster (a ``GcpCluster`` or an existing cluster)."""

    cluster_name: pulumi.Input[str]
    """The cluster's name."""
    location: str
    """The cluster's location (a region or a zone)."""
    node_service_account_email: Optional[pulumi.Input[str]] = None
    """The service account the nodes run as; None: the cluster's default (existing clusters only)."""
    node_identity_grants: tuple[pulumi.Resource, ...] = ()
    """The node account's role grants, which the pool waits for."""


def existing_target(cluster_name: str, region: str, *, gcp_project: Optional[str] = None,
                    cluster_location: Optional[str] = None,
                    node_service_account_email: Optional[pulumi.Input[str]] = None) -> GkeNodeTarget:
    """The node target of the existing cluster ``cluster_name``, from its ``GpuNodePoolArgs``
    (this cloud's ``existing_cluster_args``): located at ``cluster_location``, else ``region``.
    ``gcp_project`` is the scope's (the node pool is declared in it)."""
    return GkeNodeTarget(cluster_name=cluster_name, location=cluster_location or region,
                         node_service_account_email=node_service_account_email)


def _check(pool: Any, offering: Any) -> None:
    """The offering must be a GKE GPU machine with exactly the pool's GPU count."""
    if not offering.accelerator_type:
        raise ValueError(f"node_pools.{pool.name}.accelerator: got {pool.accelerator!r}, whose GCP "
                         f"offering {offering.instance_type!r} has no GKE accelerator type")
    if offering.gpus != pool.gpus_per_node:
        raise ValueError(f"node_pools.{pool.name}.gpus_per_node: got {pool.gpus_per_node}; the "
                         f"offering {offering.instance_type!r} has {offering.gpus} GPUs")


def autoscaling(pool: Any, spot: bool | None = None) -> dict[str, Any]:
    """Total (all zones) min and max nodes; ANY location for spot and flex-start (the zone with
    capacity wins), BALANCED for on-demand. ``spot``: this pool's own capacity (a fallback
    pool's on-demand half passes False and starts at zero)."""
    spot = pool.capacity == "spot" if spot is None else spot
    flex = _gcp_reservation(pool) is not None and _gcp_reservation(pool).flex_start
    minimum = 0 if (is_fallback(pool) and not spot) else pool.min_nodes
    return {"total_min_node_count": minimum, "total_max_node_count": pool.max_nodes,
            "location_policy": "ANY" if spot or flex else "BALANCED"}


def _gcp_reservation(pool: Any) -> Any:
    reservation = getattr(pool, "reservation", None)
    return reservation.gcp if reservation is not None else None


def management(pool: Any) -> dict[str, bool]:
    """Auto-repair and auto-upgrade; flex-start pools turn auto-repair off (GKE requires it: a
    flex-start node is not repaired, it ends and a new one is queued)."""
    reservation = _gcp_reservation(pool)
    flex = reservation is not None and reservation.flex_start
    return {"auto_repair": not flex, "auto_upgrade": True}


def reservation_affinity(pool: Any) -> dict[str, Any]:
    """``node_config`` keys of the pool's GCP reservation: a specific reservation's affinity, or
    flex-start (which consumes no reservation). Empty without one."""
    reservation = _gcp_reservation(pool)
    if reservation is None:
        return {}
    if reservation.flex_start:
        return {"flex_start": True, "reservation_affinity": {"consume_reservation_type": "NO_RESERVATION"}}
    return {"reservation_affinity": {"consume_reservation_type": "SPECIFIC_RESERVATION",
                                     "key": RESERVATION_NAME_KEY, "values": [reservation.reservation]}}


def gpu_sharing(pool: Any) -> dict[str, Any]:
    """``guest_accelerators`` keys for the pool's sharing: GKE time-sharing or a MIG partition."""
    sharing = getattr(pool, "sharing", None)
    if sharing is None:
        return {}
    if sharing.mode == "mig":
        return {"gpu_partition_size": sharing.profile}
    return {"gpu_sharing_config": {"gpu_sharing_strategy": "TIME_SHARING",
                                   "max_shared_clients_per_gpu": int(sharing.replicas)}}


def node_config(pool: Any, offering: Any, service_account_email: Any, labels: dict[str, str],
                spot: bool | None = None) -> dict[str, Any]:
    """The ``node_config`` of a GPU pool (``spot``: this pool's capacity, default the model's)."""
    spot = pool.capacity == "spot" if spot is None else spot
    class_label = ({CAPACITY_CLASS_LABEL: capacity_class_name(pool)} if is_fallback(pool) else {})
    class_label.update(capacity_role_label(pool, not spot))
    return {
        "machine_type": offering.instance_type,
        "image_type": IMAGE_TYPE,
        "guest_accelerators": [{
            "type": offering.accelerator_type,
            "count": pool.gpus_per_node,
            "gpu_driver_installation_config": {"gpu_driver_version": _node_defaults.GPU_DRIVER_VERSION},
            **gpu_sharing(pool),
        }],
        "spot": spot,
        "taints": [_node_defaults.gke_taint(taint) for taint in node_taints(pool)],
        "labels": {**node_labels(pool), **class_label},
        "disk_size_gb": pool.disk_gb,
        "disk_type": _node_defaults.disk_type(offering.instance_type),
        "resource_labels": labels,
        **reservation_affinity(pool),
        **_node_defaults.node_identity(service_account_email),
    }


def compute_class(name: str, pool: Any, pool_names: list[Any], provider: Any,
                  parent: pulumi.Resource) -> Any:
    """A GKE custom ComputeClass that scales the spot pool first and the on-demand pool when
    spot cannot be had (no node pool auto-creation: only these two pools)."""
    from pulumi_kubernetes.apiextensions import CustomResource

    return CustomResource(
        name, api_version="cloud.google.com/v1", kind="ComputeClass",
        metadata={"name": capacity_class_name(pool), "labels": {"app.kubernetes.io/managed-by": "aiscale"}},
        spec={"priorities": [{"nodepools": [pool_name]} for pool_name in pool_names],
              "nodePoolAutoCreation": {"enabled": False},
              "whenUnsatisfiable": "DoNotScaleUp"},
        opts=pulumi.ResourceOptions(parent=parent, provider=provider))


def build(component: pulumi.ComponentResource, args: PoolBuild) -> BuiltPool:
    """Declare the node pool(s) under ``component``: one, or for spot-with-fallback a spot pool
    and an on-demand pool with the ComputeClass that orders them."""
    scope, pool, offering, inherited = args.scope, args.pool, args.offering, args.inherited
    target: GkeNodeTarget = args.cluster.node_target
    _check(pool, offering)
    labels = {**naming.gcp_labels(scope.tags), **naming.gcp_labels({"aiscale-node-pool": pool.name})}
    halves = [("node_pool", "pool", _names.node_pool_name(pool.name), pool.runs_on_spot)]
    if is_fallback(pool):
        halves.append(("fallback_node_pool", "pool-fallback", _names.node_pool_name(pool.name + FALLBACK_SUFFIX), False))
    resources: dict[str, Any] = {}
    for role, suffix, pool_name, spot in halves:
        settings = autoscaling(pool, spot)
        resources[role] = container.NodePool(
            f"{args.name}-{suffix}",
            name=pool_name,
            project=scope.gcp_project,
            location=target.location,
            cluster=target.cluster_name,
            initial_node_count=0 if settings["total_min_node_count"] == 0 else 1,
            autoscaling=settings,
            management=management(pool),
            upgrade_settings=dict(UPGRADE_SETTINGS),
            node_config=node_config(pool, offering, target.node_service_account_email, labels, spot),
            **({"node_locations": list(args.zones)} if args.zones else {}),
            opts=inherited.child(
                component,
                depends_on=list(target.node_identity_grants),
                # The name is fixed, so a replacement must delete the old pool first.
                delete_before_replace=True,
                ignore_changes=["initialNodeCount"]))
    if is_fallback(pool) and args.kubernetes_provider is not None:
        resources["compute_class"] = compute_class(
            f"{args.name}-compute-class", pool, [resources[role].name for role, *_ in halves],
            args.kubernetes_provider, component)
    return BuiltPool(pool_name=resources["node_pool"].name, resources=resources,
                     facts={"machine_type": offering.instance_type, "accelerator_type": offering.accelerator_type,
                            "spot": pool.runs_on_spot, "node_pool_names": [name for _, _, name, _ in halves],
                            **({"compute_class": capacity_class_name(pool)} if is_fallback(pool) else {})})
