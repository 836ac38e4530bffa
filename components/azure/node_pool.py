"""The Azure builder of ``GpuNodePool``: an autoscaled AKS user agent pool of GPU VMs.

One ``containerservice.AgentPool`` in the cluster, GPU-correct by default:

- VM size ``offering.instance_type``, Ubuntu nodes, ``gpu_profile.driver = "Install"`` (AKS
  installs the NVIDIA driver; the cluster installs the device plugin);
- the GPU taint ``nvidia.com/gpu=present:NoSchedule`` plus the model's taints, and the GPU and
  accelerator labels plus the model's labels (``node_taints`` / ``node_labels``);
- cluster autoscaler on, ``min_nodes``..``max_nodes`` (zero allowed: user pools scale to zero);
  the pool starts at ``min_nodes`` and its node count is then the autoscaler's
  (``ignore_changes=["count"]``), so no fixed count fights the autoscaler;
- spot pools: ``scale_set_priority = "Spot"``, eviction ``Delete`` and ``spot_max_price = -1``
  (pay at most the on-demand price, never evicted for price). AKS adds the taint
  ``kubernetes.azure.com/scalesetpriority=spot:NoSchedule`` and its label itself; GPU workloads
  must tolerate it (the device plugin does);
- encryption at host, no public node IPs, a managed OS disk of ``pool.disk_gb``, the cluster's
  nodes subnet, cost tags.

- spot-with-fallback: a Spot and a Regular agent pool, the priority expander told to try the
  Spot one first; ``reservation.azure``: the capacity reservation group; ``sharing``: MIG through
  ``gpu_instance_profile`` (and the pool's own device plugin), or time-slicing through the pool's
  own device plugin; ``zones``: ``availability_zones`` (docs/capacity.md).

Reads a ``PoolBuild``; returns a ``BuiltPool``: ``pool_name`` (the AKS agent pool name), resources
``agent_pool`` (``fallback_agent_pool``, ``device_plugin``), facts ``vm_size`` and ``priority``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_azure_native.containerservice as containerservice

from aiscale.azure import naming
from aiscale.azure import _names
from aiscale.gpu_nodes import (FALLBACK_PRIORITY, SPOT_PRIORITY, BuiltPool, PoolBuild, capacity_role_label, is_fallback,
                               node_labels,
                               node_taints)
from aiscale.kubernetes import addons

SPOT_SETTINGS = {"scale_set_priority": "Spot", "scale_set_eviction_policy": "Delete", "spot_max_price": -1}
"""Agent pool settings of a spot pool."""
ON_DEMAND_SETTINGS = {"scale_set_priority": "Regular"}
"""Agent pool settings of an on-demand pool."""
GPU_DRIVER = "Install"
"""AKS installs the NVIDIA driver on the GPU nodes (``"None"`` would leave it to a GPU operator)."""


@dataclass(frozen=True, kw_only=True)
class AksNodeTarget:
    """What an agent pool reads of its AKS cluster (an ``AzureCluster`` or an existing cluster)."""

    cluster_name: pulumi.Input[str]
    """The managed cluster's name."""
    resource_group_name: pulumi.Input[str]
    """The cluster's resource group."""
    nodes_subnet_id: Optional[pulumi.Input[str]] = None
    """The subnet of the nodes; None: AKS's default for the cluster (existing clusters only)."""


def existing_target(cluster_name: str, region: str, *, resource_group_name: pulumi.Input[str],
                    nodes_subnet_id: Optional[pulumi.Input[str]] = None) -> AksNodeTarget:
    """The node target of the existing cluster ``cluster_name`` in ``region``, from its
    ``GpuNodePoolArgs`` (this cloud's ``existing_cluster_args``)."""
    return AksNodeTarget(cluster_name=cluster_name, resource_group_name=resource_group_name,
                         nodes_subnet_id=nodes_subnet_id)


def taint_strings(pool: Any) -> list[str]:
    """The pool's taints in AKS's ``key=value:Effect`` form."""
    return [f"{taint['key']}={taint['value']}:{taint['effect']}" for taint in node_taints(pool)]


def capacity_settings(capacity: str) -> dict[str, Any]:
    """The priority settings for ``capacity`` (``on-demand`` or ``spot``)."""
    if capacity == "spot":
        return dict(SPOT_SETTINGS)
    if capacity == "on-demand":
        return dict(ON_DEMAND_SETTINGS)
    raise ValueError(f"node_pools.capacity: got {capacity!r}; valid: on-demand, spot")


MIG_INSTANCE_PROFILES = {1: "MIG1g", 2: "MIG2g", 3: "MIG3g", 4: "MIG4g", 7: "MIG7g"}
"""AKS ``gpu_instance_profile`` by the compute slices of a MIG profile (``2g.20gb`` -> MIG2g)."""
FALLBACK_SUFFIX = "-od"
"""Added to the pool's name for the agent pool name of a fallback pool's on-demand half."""


def mig_instance_profile(sharing: Any) -> Optional[str]:
    """The AKS MIG instance profile of ``sharing`` (None unless its mode is mig)."""
    if sharing is None or sharing.mode != "mig":
        return None
    return MIG_INSTANCE_PROFILES[int(str(sharing.profile).split("g.", 1)[0])]


def vmss_pattern(agent_pool_name: str) -> str:
    """The regex the priority expander matches an agent pool's scale set with
    (``aks-<agent pool>-<digits>-vmss``)."""
    return f"^aks-{agent_pool_name}-[0-9]+-vmss$"


def _agent_pools(pool: Any) -> tuple[tuple[str, str, str, int], ...]:
    """(role, logical suffix, agent pool name, min count) of each agent pool of ``pool``."""
    own = _names.agent_pool_name(pool.name)
    if is_fallback(pool):
        return (("agent_pool", "pool", own, pool.min_nodes),
                ("fallback_agent_pool", "pool-fallback", _names.agent_pool_name(pool.name + FALLBACK_SUFFIX), 0))
    return (("agent_pool", "pool", own, pool.min_nodes),)


def _priority(pool: Any, role: str) -> dict[str, Any]:
    if role == "fallback_agent_pool":
        return capacity_settings("on-demand")
    return capacity_settings("spot" if pool.runs_on_spot else "on-demand")


def build(component: pulumi.ComponentResource, args: PoolBuild) -> BuiltPool:
    """Declare the GPU agent pool(s) in the cluster; return their outputs."""
    scope, pool, offering, inherited = args.scope, args.pool, args.offering, args.inherited
    target: AksNodeTarget = args.cluster.node_target
    if pool.max_nodes < pool.min_nodes:
        raise ValueError(f"node_pools[{pool.name}].max_nodes: got {pool.max_nodes}; valid: >= min_nodes ({pool.min_nodes})")
    reservation = pool.reservation.azure if pool.reservation is not None else None
    extra: dict[str, Any] = {}
    if reservation is not None:
        extra["capacity_reservation_group_id"] = reservation.capacity_reservation_group_id
    if mig_instance_profile(pool.sharing):
        extra["gpu_instance_profile"] = mig_instance_profile(pool.sharing)
    if args.zones:
        extra["availability_zones"] = [zone.rsplit("-", 1)[-1] for zone in args.zones]
    resources, names = {}, {}
    for role, suffix, pool_name, minimum in _agent_pools(pool):
        settings = _priority(pool, role)
        names[role] = pool_name
        resources[role] = containerservice.AgentPool(
            f"{args.name}-{suffix}",
            agent_pool_name=pool_name,
            resource_name_=target.cluster_name,
            resource_group_name=target.resource_group_name,
            mode="User",
            type="VirtualMachineScaleSets",
            vm_size=offering.instance_type,
            os_type="Linux",
            os_sku="Ubuntu",
            os_disk_type="Managed",
            os_disk_size_gb=pool.disk_gb,
            gpu_profile={"driver": GPU_DRIVER},
            enable_auto_scaling=True,
            min_count=minimum,
            max_count=pool.max_nodes,
            count=minimum,
            node_labels={**node_labels(pool), **capacity_role_label(pool, role != "agent_pool")},
            node_taints=taint_strings(pool),
            enable_encryption_at_host=True,
            enable_node_public_ip=False,
            vnet_subnet_id=target.nodes_subnet_id,
            tags=naming.azure_tags(scope.tags),
            opts=inherited.child(component, ignore_changes=["count"]),
            **settings, **extra)
    if pool.sharing is not None and args.kubernetes_provider is not None:
        resources["device_plugin"] = addons.shared_gpu_device_plugin(
            f"{args.name}-device-plugin", pool.name, pool.sharing, args.kubernetes_provider, component)
    own = names["agent_pool"]
    priorities = ({SPOT_PRIORITY: (vmss_pattern(own),), FALLBACK_PRIORITY: (".*",)} if is_fallback(pool) else {})
    return BuiltPool(pool_name=resources["agent_pool"].name.apply(lambda _: own), resources=resources,
                     facts={"vm_size": offering.instance_type,
                            "priority": _priority(pool, "agent_pool")["scale_set_priority"],
                            "agent_pool_names": list(names.values()), **extra},
                     autoscaler_priorities=priorities)
