"""The GCP builder of ``AutoscalingGroup``: a regional managed instance group of GPU VMs.

Declares, under the component:

- a dedicated service account (write logs and metrics, pull images) with minimal OAuth scopes;
- ``compute.RegionInstanceTemplate``: machine ``offering.instance_type``; on N1 hosts the GPUs
  as ``guest_accelerators`` (A2/A3/A4/G2 machines carry theirs); a Deep Learning VM image with
  the NVIDIA driver preinstalled; ``scheduling.on_host_maintenance`` TERMINATE (GPU VMs cannot
  live-migrate); spot: ``provisioning_model`` SPOT, ``preemptible``, no automatic restart,
  deleted on preemption (the group recreates it); on-demand: STANDARD with automatic restart;
  shielded VM; no ``access_configs`` (no public IP); OS Login and no project SSH keys; labels.
  The template is auto-named (``name_prefix``) because templates are immutable: a change makes
  a new template before the old one is deleted;
- ``compute.RegionInstanceGroupManager``: the region's zones, target shape ANY for spot
  (capacity wherever it is) or BALANCED for on-demand, new template versions applied
  opportunistically (running jobs are not replaced);
- ``compute.RegionAutoscaler``: ``min_nodes``..``max_nodes`` replicas on CPU utilization
  ``target_cpu_utilization / 100``.

Reads a ``VmGroupBuild``; returns a :class:`GcpVmGroup` (resources
``instance_group_manager``, ``instance_template``, ``autoscaler``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp.compute as compute

from aiscale.gcp import naming
from aiscale.gcp import _names, _node_defaults
from aiscale.gcp._identity import service_identity
from aiscale.vm_group_spec import BuiltVmGroup, VmGroupBuild

DLVM_IMAGE = "projects/deeplearning-platform-release/global/images/family/common-cu129-ubuntu-2404-nvidia-580"
"""Deep Learning VM image family: Ubuntu 24.04, CUDA 12.9, NVIDIA driver 580 preinstalled."""
VM_METADATA = {
    "enable-oslogin": "TRUE",
    "block-project-ssh-keys": "TRUE",
    "install-nvidia-driver": "True",
}
"""SSH only through OS Login (IAM), never project-wide keys; the DLVM installs the driver on
first boot if the image lacks it."""
INITIALIZATION_SECONDS = 300
"""Autoscaler cooldown: a GPU VM boots, loads its driver and starts work in about five minutes;
its CPU is not counted before that."""
UPDATE_POLICY = {"type": "OPPORTUNISTIC", "minimal_action": "REPLACE", "instance_redistribution_type": "NONE"}
"""New templates reach VMs as they are recreated or scaled; no proactive replacement (or
rebalancing, which targets ANY and BALANCED do not allow) of VMs running jobs."""


@dataclass(frozen=True, kw_only=True)
class GcpVmGroup(BuiltVmGroup):
    """What the GCP VM group builder returns: ``group_name`` is the instance group manager's name."""

    service_account_email: pulumi.Output[str]
    """The dedicated service account the VMs run as."""
    spot: bool
    """True when the VMs are spot (``provisioning_model`` SPOT)."""


def scheduling(capacity: str) -> dict[str, Any]:
    """Scheduling of a GPU VM: TERMINATE on host maintenance; spot or standard provisioning."""
    if capacity == "spot":
        return {"on_host_maintenance": "TERMINATE", "automatic_restart": False, "preemptible": True,
                "provisioning_model": "SPOT", "instance_termination_action": "DELETE"}
    return {"on_host_maintenance": "TERMINATE", "automatic_restart": True, "preemptible": False,
            "provisioning_model": "STANDARD"}


def guest_accelerators(offering: Any, gpus: int) -> list[dict[str, Any]]:
    """The GPUs to attach: only on hosts that carry none themselves (N1)."""
    if offering.gpu_attached:
        return [{"type": offering.accelerator_type, "count": gpus}]
    return []


def _check(group: Any, offering: Any) -> None:
    if offering.gpus != group.gpus_per_node:
        raise ValueError(f"autoscaling_groups.{group.name}.gpus_per_node: got {group.gpus_per_node}; "
                         f"the offering {offering.instance_type!r} has {offering.gpus} GPUs")
    if offering.gpu_attached and not offering.accelerator_type:
        raise ValueError(f"autoscaling_groups.{group.name}.accelerator: got {group.accelerator!r}, whose "
                         f"GCP offering {offering.instance_type!r} has no accelerator type to attach")


def _template(name: str, scope: Any, group: Any, offering: Any, subnetwork: Any, email: Any,
              labels: dict[str, str], opts: pulumi.ResourceOptions) -> compute.RegionInstanceTemplate:
    prefix = _names.rfc1035(f"{scope.platform}-{group.name}", scope.platform, group.name, limit=36) + "-"
    accelerators = guest_accelerators(offering, group.gpus_per_node)
    return compute.RegionInstanceTemplate(
        f"{name}-template",
        name_prefix=prefix,
        project=scope.gcp_project,
        region=scope.region,
        machine_type=offering.instance_type,
        description=f"aiscale {scope.platform} {group.name}: {group.gpus_per_node} x {group.accelerator}",
        disks=[{"source_image": DLVM_IMAGE, "boot": True, "auto_delete": True,
                "disk_size_gb": group.disk_gb, "disk_type": _node_defaults.disk_type(offering.instance_type),
                "labels": labels}],
        **({"guest_accelerators": accelerators} if accelerators else {}),
        scheduling=scheduling(group.capacity),
        network_interfaces=[{"subnetwork": subnetwork}],
        service_account={"email": email, "scopes": list(_node_defaults.NODE_OAUTH_SCOPES)},
        shielded_instance_config={"enable_secure_boot": True, "enable_vtpm": True,
                                  "enable_integrity_monitoring": True},
        metadata=dict(VM_METADATA),
        labels=labels,
        opts=opts)


def build(component: pulumi.ComponentResource, args: VmGroupBuild) -> GcpVmGroup:
    """Declare the template, instance group and autoscaler under ``component``."""
    scope, group, offering = args.scope, args.group, args.offering
    _check(group, offering)
    name = args.name
    spot = group.capacity == "spot"
    labels = {**naming.gcp_labels(scope.tags), **naming.gcp_labels({"aiscale-group": group.name})}
    identity = service_identity(
        f"{name}-vm", account_id=_names.account_id(scope.platform, scope.environment, f"vm-{group.name}"),
        display_name=f"GPU VMs of {scope.platform} {scope.environment} {group.name} (aiscale)",
        project=scope.gcp_project, roles=_node_defaults.VM_ROLES, parent=component)
    opts = pulumi.ResourceOptions(parent=component)
    template = _template(name, scope, group, offering, args.network.built.subnetwork_id,
                         identity.email, labels, opts)
    group_name = _names.instance_group_name(scope.platform, scope.environment, group.name)
    manager = compute.RegionInstanceGroupManager(
        f"{name}-mig",
        name=group_name,
        project=scope.gcp_project,
        region=scope.region,
        base_instance_name=_names.base_instance_name(group.name),
        versions=[{"name": "primary", "instance_template": template.self_link}],
        distribution_policy_target_shape="ANY" if spot else "BALANCED",
        update_policy=dict(UPDATE_POLICY),
        wait_for_instances=False,
        opts=pulumi.ResourceOptions(parent=component, depends_on=identity.grants))
    autoscaler = compute.RegionAutoscaler(
        f"{name}-autoscaler",
        name=group_name,
        project=scope.gcp_project,
        region=scope.region,
        target=manager.id,
        autoscaling_policy={
            "min_replicas": group.min_nodes,
            "max_replicas": group.max_nodes,
            "cooldown_period": INITIALIZATION_SECONDS,
            "cpu_utilization": {"target": group.target_cpu_utilization / 100},
            "mode": "ON",
        },
        opts=opts)
    return GcpVmGroup(group_name=manager.name, service_account_email=identity.email, spot=spot,
                      resources={"instance_group_manager": manager, "instance_template": template,
                                 "autoscaler": autoscaler})
