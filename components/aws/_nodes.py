"""Shared pieces of AWS machines: launch-template settings, GPU images, node-group spellings.

Used by the EKS system pool (``cluster.py``), the GPU node groups (``node_pool.py``) and the
GPU Auto Scaling groups (``vm_group.py``), so every machine gets the same hardening: IMDSv2
only, an encrypted gp3 root volume, tags on the instance and its volumes.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi

ROOT_DEVICE = "/dev/xvda"
"""Root device name of the Amazon Linux 2023 images used here (EKS AMIs and the DLAMI)."""
METADATA_HOP_LIMIT = 2
"""IMDS response hop limit: 2 lets containers on the node reach IMDSv2 through the bridge."""

#: EKS managed node group AMI types for GPU nodes, by CPU architecture.
EKS_GPU_AMI_TYPES = {"x86_64": "AL2023_x86_64_NVIDIA", "arm64": "AL2023_ARM_64_NVIDIA"}
#: SSM parameters of the latest AWS Deep Learning Base GPU AMI (Amazon Linux 2023, NVIDIA
#: driver, CUDA and container toolkit installed), by CPU architecture.
DLAMI_SSM_PARAMETERS = {
    arch: f"/aws/service/deeplearning/ami/{arch}/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id"
    for arch in ("x86_64", "arm64")
}
#: Kubernetes taint effects as the EKS API spells them.
EKS_TAINT_EFFECTS = {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE",
                     "NoExecute": "NO_EXECUTE"}
#: Model capacity -> EKS ``capacity_type`` (``capacity-block``: a pool in a Capacity Block).
EKS_CAPACITY_TYPES = {"on-demand": "ON_DEMAND", "spot": "SPOT", "capacity-block": "CAPACITY_BLOCK"}
#: Launch template market type of instances in a Capacity Block for ML.
CAPACITY_BLOCK_MARKET_TYPE = "capacity-block"

_GRAVITON_FAMILY = re.compile(r"^[a-z]+\d+g[a-z]*$")
"""Graviton (arm64) families put a ``g`` right after the generation digit: g5g, c7g, m7gd."""


def architecture(instance_type: str) -> str:
    """``arm64`` for Graviton instance types (``g5g.xlarge``), else ``x86_64``."""
    family = instance_type.split(".", 1)[0]
    return "arm64" if _GRAVITON_FAMILY.match(family) else "x86_64"


def eks_taint_effect(effect: str) -> str:
    """The EKS spelling of a Kubernetes taint effect (``NoSchedule`` -> ``NO_SCHEDULE``)."""
    try:
        return EKS_TAINT_EFFECTS[effect]
    except KeyError:
        raise ValueError(f"taint effect: got {effect!r}; valid: {', '.join(EKS_TAINT_EFFECTS)}") from None


def eks_capacity_type(capacity: str) -> str:
    """The EKS ``capacity_type`` of a model capacity (``spot`` -> ``SPOT``)."""
    try:
        return EKS_CAPACITY_TYPES[capacity]
    except KeyError:
        raise ValueError(f"capacity: got {capacity!r}; valid: {', '.join(EKS_CAPACITY_TYPES)}") from None


def metadata_options() -> dict[str, Any]:
    """IMDSv2 only (session tokens required), with the hop limit containers need."""
    return {"http_endpoint": "enabled", "http_tokens": "required",
            "http_put_response_hop_limit": METADATA_HOP_LIMIT}


def root_volume(disk_gb: int) -> dict[str, Any]:
    """An encrypted gp3 root volume of ``disk_gb`` GB, deleted with the instance."""
    return {"device_name": ROOT_DEVICE,
            "ebs": {"volume_size": disk_gb, "volume_type": "gp3", "encrypted": "true",
                    "delete_on_termination": "true"}}


def tag_specifications(tags: dict[str, str]) -> list[dict[str, Any]]:
    """Tags for the instances and volumes a launch template starts (cost allocation)."""
    return [{"resource_type": kind, "tags": tags} for kind in ("instance", "volume")]


def reservation_settings(reservation: Any) -> dict[str, Any]:
    """Launch template settings that put instances in ``reservation`` (the model's
    ``reservation.aws``): the capacity reservation as target and, for a Capacity Block, the
    ``capacity-block`` market type. None: no settings."""
    if reservation is None:
        return {}
    settings: dict[str, Any] = {"capacity_reservation_specification": {
        "capacity_reservation_target": {"capacity_reservation_id": reservation.capacity_reservation_id}}}
    if reservation.capacity_block:
        settings["instance_market_options"] = {"market_type": CAPACITY_BLOCK_MARKET_TYPE}
    return settings


def node_launch_template(name: str, disk_gb: int, tags: dict[str, str], parent: pulumi.Resource,
                         description: str, reservation: Any = None) -> Any:
    """A launch template for an EKS managed node group: IMDSv2, encrypted gp3 root volume,
    tags, and the reservation's target and market type when ``reservation`` is given. No image,
    instance type or network interfaces: EKS chooses the image from the node group's
    ``ami_type`` and the subnets are private (they never map public IPs)."""
    import pulumi_aws.ec2 as ec2

    return ec2.LaunchTemplate(
        name,
        description=description,
        metadata_options=metadata_options(),
        block_device_mappings=[root_volume(disk_gb)],
        tag_specifications=tag_specifications(tags),
        update_default_version=True,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
        **reservation_settings(reservation),
    )


def template_version(template: Any) -> pulumi.Output[str]:
    """The latest version of a launch template, as the string node groups want."""
    return template.latest_version.apply(str)


def autoscaler_tags(cluster_name: str, labels: dict[str, str], taints: list[dict[str, str]],
                    gpus: Optional[int]) -> dict[str, str]:
    """Cluster-autoscaler discovery and node-template tags for scaling a group up from zero.

    ``taints`` use Kubernetes effects (``NoSchedule``); the tag value is ``<value>:<Effect>``.
    """
    prefix = "k8s.io/cluster-autoscaler"
    tags = {f"{prefix}/enabled": "true", f"{prefix}/{cluster_name}": "owned"}
    tags.update({f"{prefix}/node-template/label/{key}": value for key, value in labels.items()})
    tags.update({f"{prefix}/node-template/taint/{t['key']}": f"{t['value']}:{t['effect']}"
                 for t in taints})
    if gpus:
        tags[f"{prefix}/node-template/resources/nvidia.com/gpu"] = str(gpus)
    return tags
