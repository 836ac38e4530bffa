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

Reads a ``PoolBuild``; returns a ``BuiltPool``: ``pool_name`` (the AKS agent pool name), resource
``agent_pool``, facts ``vm_size`` and ``priority``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import pulumi
import pulumi_azure_native.containerservice as containerservice

from aiscale.azure import naming
from aiscale.azure import _names
from aiscale.gpu_nodes import BuiltPool, PoolBuild, node_labels, node_taints

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


def existing_target(details: Mapping[str, Any]) -> AksNodeTarget:
    """The node target of an existing cluster, from the adapter's ``existing_cluster_details``."""
    return AksNodeTarget(cluster_name=details["cluster"].name, resource_group_name=details["resource_group_name"],
                         nodes_subnet_id=details.get("nodes_subnet_id"))


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


def build(component: pulumi.ComponentResource, args: PoolBuild) -> BuiltPool:
    """Declare the GPU agent pool in the cluster; return its outputs."""
    scope, pool, offering, inherited = args.scope, args.pool, args.offering, args.inherited
    target: AksNodeTarget = args.cluster.node_target
    if pool.max_nodes < pool.min_nodes:
        raise ValueError(f"node_pools[{pool.name}].max_nodes: got {pool.max_nodes}; valid: >= min_nodes ({pool.min_nodes})")
    pool_name = _names.agent_pool_name(pool.name)
    settings = capacity_settings(pool.capacity)
    agent_pool = containerservice.AgentPool(
        f"{args.name}-pool",
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
        min_count=pool.min_nodes,
        max_count=pool.max_nodes,
        count=pool.min_nodes,
        node_labels=node_labels(pool),
        node_taints=taint_strings(pool),
        enable_encryption_at_host=True,
        enable_node_public_ip=False,
        vnet_subnet_id=target.nodes_subnet_id,
        tags=naming.azure_tags(scope.tags),
        opts=inherited.child(component, ignore_changes=["count"]),
        **settings)
    return BuiltPool(pool_name=agent_pool.name.apply(lambda _: pool_name), resources={"agent_pool": agent_pool},
                     facts={"vm_size": offering.instance_type, "priority": settings["scale_set_priority"]})
