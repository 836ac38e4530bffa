"""The Azure builder of ``AutoscalingGroup``: a GPU VM scale set scaled on CPU utilization.

- ``compute.VirtualMachineScaleSet`` (Uniform orchestration): VM size
  ``offering.instance_type``; the Ubuntu HPC 22.04 image (``microsoft-dsvm:ubuntu-hpc:2204``,
  NVIDIA driver, CUDA and InfiniBand stack preinstalled for N- and ND-series); spot groups run
  at ``Spot`` priority with eviction ``Delete`` and ``max_price = -1`` (never evicted for
  price); encryption at host; a managed StandardSSD OS disk of ``group.disk_gb``; one NIC in
  the network's nodes subnet with no public IP (egress through the NAT gateway); a
  system-assigned identity with no roles; Microsoft Entra ID SSH login (the
  ``AADSSHLoginForLinux`` extension) and an admin SSH key nobody holds (see ``_ssh``) unless
  ``args.ssh_public_key`` gives one; no overprovisioning; a 5-minute terminate notification
  (Scheduled Events) so work can drain; manual upgrades; cost tags.
- ``monitor.AutoscaleSetting`` on the scale set: between ``min_nodes`` and ``max_nodes``, one
  VM more when the 5-minute average CPU exceeds ``target_cpu_utilization``, one fewer when it
  falls below the scale-in threshold (see ``scale_in_threshold``). Azure autoscale has no
  target tracking; the gap between the two thresholds keeps it from flapping. The scale set's
  capacity belongs to autoscale after creation (``ignore_changes=["sku.capacity"]``).

At zero VMs there is no CPU metric, so CPU rules cannot scale a group up from zero: raise the
minimum, or add a schedule or queue-based rule, for groups that must start from zero.

Reads a ``VmGroupBuild``; returns an :class:`AzureVmGroup` (resources ``scale_set``,
``autoscale_setting``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_azure_native.compute as compute
import pulumi_azure_native.monitor as monitor

from aiscale.azure import naming
from aiscale.azure import _names, _ssh
from aiscale.vm_group_spec import BuiltVmGroup, VmGroupBuild

IMAGE = {"publisher": "microsoft-dsvm", "offer": "ubuntu-hpc", "sku": "2204", "version": "latest"}
"""Ubuntu HPC 22.04: NVIDIA GPU driver, CUDA and the InfiniBand stack preinstalled."""
ADMIN_USERNAME = "azureuser"
"""The Linux admin account (key login only; Entra ID login for people)."""
OS_DISK_TYPE = "StandardSSD_LRS"
"""OS disk type every GPU VM size supports."""
ENTRA_SSH_EXTENSION = {"name": "AADSSHLoginForLinux", "publisher": "Microsoft.Azure.ActiveDirectory",
                       "type": "AADSSHLoginForLinux", "type_handler_version": "1.0",
                       "auto_upgrade_minor_version": True}
"""Microsoft Entra ID SSH login (roles "Virtual Machine User/Administrator Login" grant it)."""
TERMINATE_NOTICE = "PT5M"
"""How long a VM may delay its deletion on scale-in to drain work (Scheduled Events)."""
CPU_METRIC = "Percentage CPU"
"""The host metric autoscale reads."""
METRIC_WINDOW = "PT5M"
"""Averaging window of the autoscale rules."""
SCALE_OUT_COOLDOWN = "PT5M"
"""Wait after adding a VM before the next scale action."""
SCALE_IN_COOLDOWN = "PT10M"
"""Wait after removing a VM (GPU VMs boot slowly; removing is cheap to delay)."""
SCALE_IN_MARGIN = 20
"""Percentage points between the scale-out and scale-in thresholds."""


@dataclass(frozen=True, kw_only=True)
class AzureVmGroup(BuiltVmGroup):
    """What the Azure VM group builder returns: ``group_name`` is the scale set's name."""

    vm_size: str
    """The catalog's VM size."""
    priority: Literal["Spot", "Regular"]
    """The scale set's priority: ``Spot`` for a spot group, ``Regular`` for on-demand."""


def scale_in_threshold(target: float) -> float:
    """The average CPU below which one VM is removed: ``target - 20``, but at least half the
    target so low targets still scale in."""
    return max(target - SCALE_IN_MARGIN, target / 2)


def vm_priority(capacity: str) -> dict[str, Any]:
    """The VM profile's priority settings for ``capacity`` (``on-demand`` or ``spot``)."""
    if capacity == "spot":
        return {"priority": "Spot", "eviction_policy": "Delete", "billing_profile": {"max_price": -1}}
    if capacity == "on-demand":
        return {"priority": "Regular"}
    raise ValueError(f"autoscaling_groups.capacity: got {capacity!r}; valid: on-demand, spot")


def _rule(vmss_id: Any, operator: str, threshold: float, direction: str, cooldown: str) -> dict[str, Any]:
    return {
        "metric_trigger": {
            "metric_name": CPU_METRIC,
            "metric_namespace": "microsoft.compute/virtualmachinescalesets",
            "metric_resource_uri": vmss_id,
            "time_grain": "PT1M",
            "statistic": "Average",
            "time_window": METRIC_WINDOW,
            "time_aggregation": "Average",
            "operator": operator,
            "threshold": threshold,
        },
        "scale_action": {"direction": direction, "type": "ChangeCount", "value": "1", "cooldown": cooldown},
    }


def autoscale_profile(vmss_id: Any, group: Any) -> dict[str, Any]:
    """The autoscale profile: capacity from the group, a scale-out and a scale-in CPU rule."""
    target = float(group.target_cpu_utilization)
    return {
        "name": "cpu-utilization",
        "capacity": {"minimum": str(group.min_nodes), "maximum": str(group.max_nodes),
                     "default": str(group.min_nodes)},
        "rules": [
            _rule(vmss_id, "GreaterThan", target, "Increase", SCALE_OUT_COOLDOWN),
            _rule(vmss_id, "LessThan", scale_in_threshold(target), "Decrease", SCALE_IN_COOLDOWN),
        ],
    }


def vm_profile(group: Any, subnet_id: Any, ssh_public_key: str) -> dict[str, Any]:
    """The scale set's VM profile: image, disk, network, login, priority, host encryption."""
    return {
        "storage_profile": {
            "image_reference": dict(IMAGE),
            "os_disk": {"create_option": "FromImage", "caching": "ReadWrite", "disk_size_gb": group.disk_gb,
                        "managed_disk": {"storage_account_type": OS_DISK_TYPE}},
        },
        "os_profile": {
            "computer_name_prefix": _names.computer_name_prefix(group.name),
            "admin_username": ADMIN_USERNAME,
            "linux_configuration": {
                "disable_password_authentication": True,
                "provision_vm_agent": True,
                "ssh": {"public_keys": [{"path": f"/home/{ADMIN_USERNAME}/.ssh/authorized_keys",
                                         "key_data": ssh_public_key}]},
            },
        },
        "network_profile": {"network_interface_configurations": [{
            "name": "primary",
            "primary": True,
            "ip_configurations": [{"name": "primary", "primary": True, "subnet": {"id": subnet_id}}],
        }]},
        "security_profile": {"encryption_at_host": True},
        "extension_profile": {"extensions": [dict(ENTRA_SSH_EXTENSION)]},
        "scheduled_events_profile": {"terminate_notification_profile": {
            "enable": True, "not_before_timeout": TERMINATE_NOTICE}},
        **vm_priority(group.capacity),
    }


def build(component: pulumi.ComponentResource, args: VmGroupBuild) -> AzureVmGroup:
    """Declare the scale set and its autoscale setting; return their outputs."""
    scope, group, offering = args.scope, args.group, args.offering
    if group.max_nodes < group.min_nodes:
        raise ValueError(f"autoscaling_groups[{group.name}].max_nodes: got {group.max_nodes}; "
                         f"valid: >= min_nodes ({group.min_nodes})")
    name = args.name
    tags = naming.azure_tags(scope.tags)
    subnet_id = args.network.built.nodes_subnet_id
    ssh_public_key = args.ssh_public_key or _ssh.unusable_public_key()
    profile = vm_profile(group, subnet_id, ssh_public_key)
    vmss = compute.VirtualMachineScaleSet(
        f"{name}-vmss",
        vm_scale_set_name=_names.scale_set_name(scope.platform, scope.environment, group.name),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        sku={"name": offering.instance_type, "tier": "Standard", "capacity": group.min_nodes},
        orchestration_mode="Uniform",
        upgrade_policy={"mode": "Manual"},
        overprovision=False,
        single_placement_group=False,
        identity={"type": "SystemAssigned"},
        virtual_machine_profile=profile,
        opts=pulumi.ResourceOptions(parent=component, ignore_changes=["sku.capacity"]))
    autoscale = monitor.AutoscaleSetting(
        f"{name}-autoscale",
        autoscale_setting_name=f"{_names.scale_set_name(scope.platform, scope.environment, group.name)}-autoscale",
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        enabled=True,
        target_resource_uri=vmss.id,
        target_resource_location=scope.region,
        profiles=[autoscale_profile(vmss.id, group)],
        opts=pulumi.ResourceOptions(parent=component))
    return AzureVmGroup(
        group_name=vmss.name,
        vm_size=offering.instance_type,
        priority=profile["priority"],
        resources={"scale_set": vmss, "autoscale_setting": autoscale},
    )
