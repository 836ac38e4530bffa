"""GpuNodePool: an autoscaled GPU node pool with GPU-correct defaults on EKS, AKS or GKE.

One class registers ``aiscale:index:GpuNodePool``, from Python and, through the component
package, from every Pulumi language. It takes either the plain :class:`GpuNodePoolArgs` (a pool
added to a cluster that exists, validated by the platform model) or, inside ``AiPlatform`` and
for Python callers that already hold them, a :class:`PlacedPoolArgs` (a ``CloudScope``, the
``KubernetesCluster``, the model's ``NodePool`` and the catalog ``Offering``). Both run the same
per-cloud builder, ``aiscale.<cloud>.node_pool``.

No ``from __future__ import annotations``: Pulumi's component analyzer (``pulumi package add``)
reads the annotations of ``GpuNodePool`` as real types.
"""

from collections.abc import Mapping
from typing import Any, Optional, TypedDict

import pulumi

from aiscale import clouds
from aiscale._docs import documented
from aiscale.gpu_nodes import (ACCELERATOR_LABEL, GPU_PRESENT_LABEL, GPU_TAINT, BuiltPool, PoolBuild, node_labels,
                               node_taints)
from aiscale.inheritance import ChildOptions
from aiscale.pool_args import GpuNodePoolArgs, PoolSpec, resolve_args

__all__ = ["GpuNodePool", "GpuNodePoolArgs", "PlacedPoolArgs", "ACCELERATOR_LABEL", "GPU_PRESENT_LABEL",
           "GPU_TAINT", "node_labels", "node_taints"]

TYPE_TOKEN = "aiscale:index:GpuNodePool"
class PlacedPoolArgs(TypedDict, total=False):
    """A pool already placed by ``AiPlatform`` (Python only): what the builders read."""

    scope: Any
    """Required. The ``CloudScope``: cloud, region, provider and parent to declare on."""
    cluster: Any
    """Required. The ``KubernetesCluster`` the pool joins."""
    pool: Any
    """Required. The model's node pool (``aiscale.model.NodePool``): name, accelerator,
    gpus_per_node, min_nodes, max_nodes, capacity, disk_gb, labels, taints."""
    offering: Any
    """Required. The catalog offering for (cloud, accelerator, gpus_per_node, region)
    (``aiscale.catalog.resolve``): the machine type and, on GCP, the accelerator type."""
    machine_offerings: Any
    """Every offering the pool may use, ``offering`` first (``AiPlatform.plan.machine_offerings``).
    Omitted: ``offering`` only."""
    zones: Any
    """The pool's zones in the region (``AiPlatform.plan.pool_zones``). Omitted: the cluster's."""


def _is_placed(args: Any) -> bool:
    return isinstance(args, Mapping) and "scope" in args


def _placed_from_plain(component: pulumi.Resource, spec: PoolSpec) -> dict[str, Any]:
    """The builder's arguments for a plain-args pool (resolved into ``spec``): a scope parented
    on ``component``."""
    from aiscale.platform import resource_tags
    from aiscale.scope import CloudScope

    cluster = spec.cluster
    scope = CloudScope(cloud=cluster.cloud, platform=spec.platform.name,
                       environment=spec.platform.environment, region=cluster.region,
                       parent=component, provider=None, tags=resource_tags(spec.platform),
                       gcp_project=spec.gcp_project)
    return {"scope": scope, "cluster": cluster, "pool": spec.pool,
            "offering": spec.offering, "machine_offerings": spec.machine_offerings, "zones": spec.zones}


@documented("Declare a GPU node pool (plain arguments, or a pool placed by AiPlatform).", GpuNodePoolArgs)
class GpuNodePool(pulumi.ComponentResource):
    """GPU nodes on an EKS, AKS or GKE cluster, scaling between ``min_nodes`` and ``max_nodes``
    (zero included), with GPU-correct defaults: the GPU taint and labels, the cloud's NVIDIA
    driver path, encrypted disks, no public node addresses, cost tags and the cluster
    autoscaler's scale-from-zero hints. The same resources as the pools of an ``AiPlatform``."""

    pool_name: pulumi.Output[str]
    """The node group / agent pool / node pool name in the cloud."""
    machine_type: pulumi.Output[str]
    """The instance type / VM size / machine type chosen from the catalog (the primary one when
    the pool takes several)."""

    def __init__(self, name: str, args: GpuNodePoolArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        spec = None if _is_placed(args) else resolve_args(name, args)  # bad args register nothing
        super().__init__(TYPE_TOKEN, name, None, opts)
        placed = dict(args) if spec is None else _placed_from_plain(self, spec)
        build = PoolBuild(name=name, scope=placed["scope"], cluster=placed["cluster"], pool=placed["pool"],
                          offering=placed["offering"], machine_offerings=tuple(placed.get("machine_offerings") or ()),
                          zones=tuple(placed.get("zones") or ()), inherited=ChildOptions().with_options(opts))
        self._built = clouds.adapter(build.scope.cloud).builder("node_pool").build(self, build)
        self.pool_name = pulumi.Output.from_input(self._built.pool_name)
        self.machine_type = pulumi.Output.from_input(build.offering.instance_type)
        self.register_outputs({"pool_name": self.pool_name, "machine_type": self.machine_type})

    @property
    def built(self) -> BuiltPool:
        """What the cloud's builder declared: the pool name, resources by role, the cloud's facts."""
        return self._built

    @property
    def details(self) -> dict[str, Any]:
        """Cloud-specific facts and the underlying resources by role (the escape hatch)."""
        return {**self._built.facts, **self._built.resources, "resources": dict(self._built.resources),
                "autoscaler_priorities": dict(self._built.autoscaler_priorities)}
