"""The AWS builder of ``GpuNodePool``: an EKS managed node group of GPU nodes.

Declares a launch template (IMDSv2 only with hop limit 2, encrypted gp3 root volume of
``pool.disk_gb`` GB, cost tags on instances and volumes; the reservation's target and, for a
Capacity Block, market type ``capacity-block``) and ``aws.eks.NodeGroup`` with:
``ami_type`` AL2023 NVIDIA (driver and container toolkit in the image), ``instance_types`` the
pool's machine types (pinned, or every catalog type that fits for spot), ``capacity_type``
ON_DEMAND, SPOT or CAPACITY_BLOCK (spot-with-fallback: a SPOT group and an ON_DEMAND group,
ordered by the priority expander; docs/capacity.md), the subnets of ``zones``, scaling ``min_nodes`` ..
``max_nodes`` (zero allowed; desired size starts at ``min_nodes`` and its drift is ignored, the
cluster autoscaler owns it), the GPU taint and labels plus the model's, the cluster-autoscaler
discovery and node-template tags (so the autoscaler can scale the group up from zero), node auto
repair, the cluster's node role and its private subnets.

Reads a ``PoolBuild``; returns a ``BuiltPool``: ``pool_name`` (the node group name EKS assigns:
``<pool>-<suffix>``), resources ``node_group`` (``fallback_node_group``, ``device_plugin`` for a
shared pool) and ``launch_template``, facts ``instance_type(s)``, ``capacity_type(s)`` and
``ami_type``, and the priority expander entries of a fallback pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws.eks as eks

from aiscale.aws import naming
from aiscale.aws import _nodes
from aiscale.gpu_nodes import (FALLBACK_PRIORITY, SPOT_PRIORITY, BuiltPool, PoolBuild, capacity_role_label, is_fallback,
                               node_labels,
                               node_taints)
from aiscale.kubernetes import addons

MAX_NODE_GROUP_TAGS = 50
"""AWS allows at most 50 tags on a node group."""
MAX_UNAVAILABLE = 1
"""Nodes replaced at a time during a node group update (GPU nodes are scarce)."""


@dataclass(frozen=True, kw_only=True)
class EksNodeTarget:
    """What a node group reads of its EKS cluster (an ``AwsCluster`` or an existing cluster)."""

    name: str
    """The cluster's name as a plain string (the autoscaler's tag keys hold it)."""
    node_role_arn: pulumi.Input[str]
    """The role the nodes run as."""
    subnet_ids: pulumi.Input[list[str]]
    """The private subnets the nodes are placed in."""
    node_dependencies: tuple[pulumi.Resource, ...] = ()
    """Resources a node group waits for (the CNI and kube-proxy add-ons, the node role's policies)."""
    subnet_zones: Optional[pulumi.Input[list[str]]] = None
    """The zone of each subnet in ``subnet_ids`` (same order), so a pool with ``zones`` takes
    only their subnets; None when unknown (an existing cluster)."""


def existing_target(cluster_name: str, region: str, *, node_role_arn: pulumi.Input[str],
                    subnet_ids: pulumi.Input[list[str]]) -> EksNodeTarget:
    """The node target of the existing cluster ``cluster_name`` in ``region``, from its
    ``GpuNodePoolArgs`` (this cloud's ``existing_cluster_args``)."""
    return EksNodeTarget(name=cluster_name, node_role_arn=node_role_arn, subnet_ids=subnet_ids)


def eks_taints(taints: list[dict[str, str]]) -> list[dict[str, str]]:
    """Kubernetes taints in the EKS spelling (effect ``NO_SCHEDULE``)."""
    return [{"key": t["key"], "value": t["value"], "effect": _nodes.eks_taint_effect(t["effect"])}
            for t in taints]


def node_group_tags(cost_tags: dict[str, str], cluster_name: str, pool: Any, gpus: int) -> dict[str, str]:
    """Cost tags plus the cluster-autoscaler tags; at most ``MAX_NODE_GROUP_TAGS``."""
    tags = {**cost_tags, **_nodes.autoscaler_tags(cluster_name, node_labels(pool), node_taints(pool), gpus)}
    if len(tags) > MAX_NODE_GROUP_TAGS:
        raise ValueError(
            f"node_pools[{pool.name}]: got {len(tags)} node group tags ({len(cost_tags)} cost tags "
            f"+ autoscaler tags for {len(node_labels(pool))} labels and {len(node_taints(pool))} "
            f"taints); valid: at most {MAX_NODE_GROUP_TAGS}: use fewer tags, labels or taints")
    return tags


@dataclass(frozen=True)
class _Group:
    """One node group of a pool: its role, logical name suffix, name prefix and capacity type."""

    role: str
    suffix: str
    prefix: str
    capacity_type: str
    min_nodes: int


def node_groups(pool: Any, reservation: Any) -> tuple[_Group, ...]:
    """The node groups of ``pool``: one, or for spot-with-fallback a spot group (the pool's
    ``min_nodes``) and an on-demand fallback group starting at zero, with distinct name prefixes
    the priority expander tells apart."""
    if is_fallback(pool):
        return (_Group("node_group", "gpu", f"{pool.name}-spot-", "SPOT", pool.min_nodes),
                _Group("fallback_node_group", "gpu-fallback", f"{pool.name}-ondemand-", "ON_DEMAND", 0))
    capacity = "capacity-block" if reservation is not None and reservation.capacity_block else pool.capacity
    return (_Group("node_group", "gpu", f"{pool.name}-", _nodes.eks_capacity_type(capacity), pool.min_nodes),)


def spot_group_pattern(pool: Any) -> str:
    """The regex the priority expander matches a fallback pool's spot group with: the group's
    auto scaling group is ``eks-<node group name>-<uuid>`` and the name ``<pool>-spot-<id>``."""
    return f"^eks-{pool.name}-spot-[0-9a-f]+-.*"


def build(component: pulumi.ComponentResource, args: PoolBuild) -> BuiltPool:
    """Declare the GPU node group(s) of ``args.pool`` on ``args.cluster`` under ``component``."""
    scope, cluster, pool, offering = args.scope, args.cluster, args.pool, args.offering
    target: EksNodeTarget = cluster.node_target
    name, inherited = args.name, args.inherited
    cost_tags = naming.aws_tags(scope.tags)
    ami_type = _nodes.EKS_GPU_AMI_TYPES[_nodes.architecture(offering.instance_type)]
    reservation = pool.reservation.aws if pool.reservation is not None else None
    instance_types = [o.instance_type for o in args.offerings]

    template = _nodes.node_launch_template(
        f"{name}-nodes", pool.disk_gb, cost_tags, component,
        f"GPU nodes of pool {pool.name}: IMDSv2 only, encrypted gp3 root volume", reservation)
    subnet_ids = zone_subnets(target, args.zones)
    groups = {}
    for group in node_groups(pool, reservation):
        groups[group.role] = eks.NodeGroup(
            f"{name}-{group.suffix}",
            cluster_name=cluster.cluster_name,
            node_group_name_prefix=group.prefix,
            node_role_arn=target.node_role_arn,
            subnet_ids=subnet_ids,
            ami_type=ami_type,
            capacity_type=group.capacity_type,
            instance_types=instance_types,
            scaling_config={"min_size": group.min_nodes, "max_size": pool.max_nodes,
                            "desired_size": group.min_nodes},
            labels={**node_labels(pool), **capacity_role_label(pool, group.role != "node_group")},
            taints=eks_taints(node_taints(pool)),
            launch_template={"id": template.id, "version": _nodes.template_version(template)},
            update_config={"max_unavailable": MAX_UNAVAILABLE},
            node_repair_config={"enabled": True},
            tags=node_group_tags(cost_tags, target.name, pool, pool.schedulable_gpus_per_node),
            opts=inherited.child(component, depends_on=list(target.node_dependencies),
                                 ignore_changes=["scalingConfig.desiredSize"]),
        )
    resources = {**groups, "launch_template": template}
    if pool.sharing is not None and args.kubernetes_provider is not None:
        resources["device_plugin"] = addons.shared_gpu_device_plugin(
            f"{name}-device-plugin", pool.name, pool.sharing, args.kubernetes_provider, component)
    capacity_types = [group.capacity_type for group in node_groups(pool, reservation)]
    return BuiltPool(
        pool_name=groups["node_group"].node_group_name,
        resources=resources,
        facts={"instance_type": offering.instance_type, "instance_types": instance_types,
               "capacity_type": capacity_types[0], "capacity_types": capacity_types, "ami_type": ami_type},
        autoscaler_priorities=({SPOT_PRIORITY: (spot_group_pattern(pool),), FALLBACK_PRIORITY: (".*",)}
                               if is_fallback(pool) else {}))


def zone_subnets(target: EksNodeTarget, zones: tuple[str, ...]) -> Any:
    """The cluster's private subnets, only those in ``zones`` when zones are given (the target
    must know each subnet's zone: ``subnet_zones``)."""
    if not zones:
        return target.subnet_ids
    if target.subnet_zones is None:
        raise ValueError(f"node_pools.zones: got {list(zones)}; the cluster's subnets have no known "
                         "zones (an existing cluster): omit zones")
    return pulumi.Output.all(target.subnet_ids, target.subnet_zones).apply(
        lambda both: [subnet for subnet, zone in zip(both[0], both[1]) if zone in zones])
