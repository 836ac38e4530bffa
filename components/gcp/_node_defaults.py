"""Settings every GCP machine aiscale declares shares: GKE nodes and managed-instance-group VMs.

Pure data and functions (no provider SDK import), so they can be tested and reused by the
cluster, node pool and VM group builders alike.
"""

from __future__ import annotations

from typing import Any, Mapping

NODE_OAUTH_SCOPES: tuple[str, ...] = (
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring",
    "https://www.googleapis.com/auth/service.management.readonly",
    "https://www.googleapis.com/auth/servicecontrol",
    "https://www.googleapis.com/auth/trace.append",
)
"""Access scopes of node and VM service accounts: what nodes need (image pulls from Artifact
Registry, logs, metrics, traces) and not ``cloud-platform``. Pods do not inherit them: with
Workload Identity a pod's Google access comes from its own Kubernetes service account."""

GKE_NODE_ROLES: tuple[str, ...] = (
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/artifactregistry.reader",
)
"""Project roles of the dedicated GKE node service account (least privilege for a node)."""

VM_ROLES: tuple[str, ...] = (
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/artifactregistry.reader",
)
"""Project roles of a VM group's service account: write logs and metrics, pull images."""

DEFAULT_DISK_TYPE = "pd-balanced"
"""Boot disk type of nodes and VMs (encrypted at rest by Google, like every GCE disk)."""
HYPERDISK_ONLY_PREFIXES: tuple[str, ...] = ("a3-ultragpu", "a4-", "a4x-")
"""Machine series that accept only Hyperdisk boot disks (H200 and B200 machines)."""
HYPERDISK_DISK_TYPE = "hyperdisk-balanced"
"""The boot disk type used on the machine series above."""

TAINT_EFFECTS: Mapping[str, str] = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}
"""Kubernetes taint effects in the spelling the GKE API uses."""

GPU_DRIVER_VERSION = "LATEST"
"""GKE installs the latest NVIDIA driver for the node version (set explicitly: an unset value
reads back as a default and forces a node-pool replacement)."""


def disk_type(machine_type: str) -> str:
    """The boot disk type for ``machine_type``: Hyperdisk where the series requires it."""
    if machine_type.startswith(HYPERDISK_ONLY_PREFIXES):
        return HYPERDISK_DISK_TYPE
    return DEFAULT_DISK_TYPE


def gke_taint(taint: Mapping[str, str]) -> dict[str, str]:
    """A ``{key, value, effect}`` taint with the effect spelled for GKE (``NO_SCHEDULE``)."""
    effect = taint["effect"]
    if effect not in TAINT_EFFECTS:
        raise ValueError(f"taints[{taint['key']}].effect: got {effect!r}; "
                         f"valid: {', '.join(TAINT_EFFECTS)}")
    return {"key": taint["key"], "value": taint.get("value", ""), "effect": TAINT_EFFECTS[effect]}


def shielded_node_config() -> dict[str, bool]:
    """Shielded GKE nodes: secure boot and integrity monitoring."""
    return {"enable_secure_boot": True, "enable_integrity_monitoring": True}


def node_identity(service_account_email: Any) -> dict[str, Any]:
    """The ``node_config`` keys that pin a node's identity and protect its metadata server."""
    return {
        "service_account": service_account_email,
        "oauth_scopes": list(NODE_OAUTH_SCOPES),
        "workload_metadata_config": {"mode": "GKE_METADATA"},
        "shielded_instance_config": shielded_node_config(),
    }
