"""The GCP builder of ``KubernetesCluster``: a hardened regional GKE Standard cluster.

Declares, under the component:

- a dedicated node service account with four project roles (no default compute account);
- a Cloud KMS key ring and a rotated key for Kubernetes secrets (application-layer encryption),
  and the grant that lets the GKE service agent use the key (the cluster waits for it);
- ``container.Cluster``: regional, the default node pool removed, private nodes, a private
  endpoint (``api_access: private``, master authorized networks on and listing the platform
  network's CIDR) or a public endpoint limited to ``authorized_networks`` (``restricted``), VPC-native with the network's pod and service ranges, Dataplane V2 (network
  policy built in), Workload Identity, shielded nodes, the REGULAR release channel, control-plane
  and workload logging, managed Prometheus with GPU (DCGM) metrics, no client certificate, no
  legacy ABAC, deletion protection in prod;
- the ``system`` node pool: small CPU nodes for cluster add-ons;
- a ``pulumi_kubernetes.Provider`` whose kubeconfig authenticates with gke-gcloud-auth-plugin.

Reads a ``ClusterBuild``; returns a :class:`GcpCluster`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_gcp.container as container
import pulumi_gcp.kms as kms
import pulumi_gcp.organizations as organizations

from aiscale.gcp import naming
from aiscale.gcp import _kubeconfig, _names, _node_defaults
from aiscale.gcp._identity import ServiceIdentity, service_identity
from aiscale.cluster_spec import BuiltCluster, ClusterBuild
from aiscale.gcp.network import GcpNetwork
from aiscale.gcp.node_pool import GkeNodeTarget

RELEASE_CHANNEL = "REGULAR"
"""GKE upgrades control plane and nodes automatically along the REGULAR channel."""
KEY_ROTATION_PERIOD = "7776000s"
"""Cloud KMS makes a new primary version of the secrets key every 90 days."""
ENCRYPTER_DECRYPTER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
"""What the GKE service agent needs on the key to encrypt secrets."""
GKE_SERVICE_AGENT = "service-{number}@container-engine-robot.iam.gserviceaccount.com"
"""The GKE service agent of a project, by project number."""
LOGGING_COMPONENTS = ("SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS")
"""Cluster components whose logs go to Cloud Logging (the API server's included)."""
DCGM_MIN_VERSION = (1, 31)
"""Oldest minor version for which GPU (DCGM) metrics are enabled (GKE needs 1.30.1+)."""
MAX_PODS_PER_NODE = 64
"""Pods per node: a /25 of the pod range per node (GPU nodes run few, large pods)."""
MAINTENANCE_START = "03:00"
"""Daily maintenance window start (UTC, four hours): upgrades avoid working hours."""

SYSTEM_POOL_NAME = "system"
"""The CPU node pool for cluster add-ons (GPU pools are named ``gpu-<pool>``)."""
SYSTEM_MACHINE_TYPE = "e2-standard-4"
"""System nodes: 4 vCPUs, 16 GB."""
SYSTEM_DISK_GB = 100
"""System node boot disk, GB."""
SYSTEM_AUTOSCALING = {
    "prod": {"min_node_count": 1, "max_node_count": 3, "location_policy": "BALANCED"},
    "default": {"total_min_node_count": 1, "total_max_node_count": 3, "location_policy": "BALANCED"},
}
"""System pool size: in prod 1-3 nodes in every zone (zone failures survive); elsewhere 1-3
nodes in total (cheaper)."""


@dataclass(frozen=True, kw_only=True)
class GcpCluster(BuiltCluster):
    """What the GKE builder returns: the outputs plus what node pools and endpoints read
    (resources by role: ``cluster``, ``system_node_pool``, ``key_ring``, ``secrets_key``,
    ``secrets_key_grant``)."""

    location: str
    """The cluster's location (the region: the cluster is regional)."""
    project: Optional[str]
    """The cluster's project (None: the provider's)."""
    node_service_account_email: pulumi.Output[str]
    """The dedicated service account the nodes run as."""
    node_identity_grants: tuple[pulumi.Resource, ...]
    """The node account's project role grants (node pools wait for them)."""
    workload_pool: str
    """The Workload Identity pool, ``<project>.svc.id.goog``."""
    endpoint: pulumi.Output[str]
    """The API server's address."""

    def node_target(self) -> GkeNodeTarget:
        """What a node pool reads of this cluster."""
        return GkeNodeTarget(cluster_name=self.resources["cluster"].name, location=self.location,
                             node_service_account_email=self.node_service_account_email,
                             node_identity_grants=self.node_identity_grants)


def _secrets_key(component: pulumi.Resource, name: str, scope: Any,
                 labels: dict[str, str]) -> dict[str, pulumi.Resource]:
    """Key ring, rotated key and the GKE service agent's grant on it."""
    stateful = scope.stateful(component)
    ring = kms.KeyRing(f"{name}-key-ring", name=_names.cluster_key_ring_name(scope.platform, scope.environment),
                       location=scope.region, project=scope.gcp_project, opts=stateful)
    key = kms.CryptoKey(
        f"{name}-secrets-key", name=_names.CLUSTER_KEY_NAME, key_ring=ring.id, purpose="ENCRYPT_DECRYPT",
        rotation_period=KEY_ROTATION_PERIOD, labels=labels,
        version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "SOFTWARE"},
        opts=stateful)
    project = organizations.get_project_output(project_id=scope.gcp_project,
                                               opts=pulumi.InvokeOutputOptions(parent=component))
    grant = kms.CryptoKeyIAMMember(
        f"{name}-secrets-key-grant", crypto_key_id=key.id, role=ENCRYPTER_DECRYPTER_ROLE,
        member=project.number.apply(lambda number: "serviceAccount:" + GKE_SERVICE_AGENT.format(number=number)),
        opts=pulumi.ResourceOptions(parent=component))
    return {"key_ring": ring, "secrets_key": key, "secrets_key_grant": grant}


def _minor(version: str) -> tuple[int, int]:
    """``"1.31"`` (or ``"1.31.2-gke.100"``) as ``(1, 31)``."""
    match = re.match(r"^(\d+)\.(\d+)", version)
    if not match:
        raise ValueError(f"kubernetes.version: got {version!r}; valid: a minor version such as \"1.31\"")
    return int(match.group(1)), int(match.group(2))


PLATFORM_NETWORK_BLOCK = "platform-network"
"""The display name of the authorized-networks block holding the platform network's CIDR."""


def endpoint_access(api_access: str, authorized_networks: list[str],
                    network_cidrs: tuple[str, ...] = ()) -> dict[str, Any]:
    """``private_cluster_config`` and ``master_authorized_networks_config`` for the API access.

    private: private nodes and only a private endpoint, reachable from the VPC in any region,
    with master authorized networks on (GKE refuses ``enablePrivateEndpoint`` without them, and
    the provider sends them disabled when the block is absent), listing ``network_cidrs``: the
    platform network's address space (nodes, VMs, pods and services). An existing network's
    CIDR is not known here: the list is then empty, and GKE still admits the nodes' subnet.
    restricted: private nodes and a public endpoint that only ``authorized_networks`` reach.
    """
    if api_access == "private":
        blocks = [{"cidr_block": cidr, "display_name": PLATFORM_NETWORK_BLOCK} for cidr in network_cidrs]
        return {"private_cluster_config": {"enable_private_nodes": True, "enable_private_endpoint": True,
                                           "master_global_access_config": {"enabled": True}},
                "master_authorized_networks_config": {"cidr_blocks": blocks,
                                                      "gcp_public_cidrs_access_enabled": False}}
    if api_access == "restricted":
        if not authorized_networks:
            raise ValueError("kubernetes.authorized_networks: got []; a restricted API needs at least one CIDR")
        blocks = [{"cidr_block": cidr, "display_name": f"authorized-{index}"}
                  for index, cidr in enumerate(authorized_networks)]
        return {"private_cluster_config": {"enable_private_nodes": True, "enable_private_endpoint": False},
                "master_authorized_networks_config": {"cidr_blocks": blocks,
                                                      "gcp_public_cidrs_access_enabled": False}}
    raise ValueError(f"kubernetes.api_access: got {api_access!r}; valid: private, restricted")


def ip_allocation(network: GcpNetwork) -> dict[str, Any]:
    """VPC-native addressing: the network's named ranges, or GKE-managed ranges when unnamed."""
    if network.pods_range_name and network.services_range_name:
        return {"cluster_secondary_range_name": network.pods_range_name,
                "services_secondary_range_name": network.services_range_name,
                "stack_type": "IPV4"}
    return {"stack_type": "IPV4"}


def monitoring(version: str) -> dict[str, Any]:
    """System metrics and managed Prometheus; GPU (DCGM) metrics on recent versions."""
    components = ["SYSTEM_COMPONENTS"]
    if _minor(version) >= DCGM_MIN_VERSION:
        components.append("DCGM")
    return {"enable_components": components, "managed_prometheus": {"enabled": True}}


def _cluster(component: pulumi.Resource, name: str, args: ClusterBuild, identity: ServiceIdentity,
             key: dict[str, pulumi.Resource], labels: dict[str, str]) -> container.Cluster:
    scope, network = args.scope, args.network
    version = args.version
    return container.Cluster(
        f"{name}-gke",
        name=_names.cluster_name(scope.platform, scope.environment),
        project=scope.gcp_project,
        location=scope.region,
        network=network.network_id,
        subnetwork=network.built.subnetwork_id,
        networking_mode="VPC_NATIVE",
        ip_allocation_policy=ip_allocation(network.built),
        default_max_pods_per_node=MAX_PODS_PER_NODE,
        remove_default_node_pool=True,
        initial_node_count=1,
        # The default pool lives only until the cluster exists; it still runs as the node account.
        node_config={"machine_type": SYSTEM_MACHINE_TYPE, "disk_type": _node_defaults.DEFAULT_DISK_TYPE,
                     "disk_size_gb": SYSTEM_DISK_GB, "resource_labels": labels,
                     **_node_defaults.node_identity(identity.email)},
        min_master_version=version,
        release_channel={"channel": RELEASE_CHANNEL},
        maintenance_policy={"daily_maintenance_window": {"start_time": MAINTENANCE_START}},
        workload_identity_config={"workload_pool": f"{scope.gcp_project}.svc.id.goog"},
        database_encryption={"state": "ENCRYPTED", "key_name": key["secrets_key"].id},
        datapath_provider="ADVANCED_DATAPATH",
        enable_shielded_nodes=True,
        enable_legacy_abac=False,
        master_auth={"client_certificate_config": {"issue_client_certificate": False}},
        logging_config={"enable_components": list(LOGGING_COMPONENTS)},
        monitoring_config=monitoring(version),
        addons_config={"gcs_fuse_csi_driver_config": {"enabled": True},
                       "gce_persistent_disk_csi_driver_config": {"enabled": True}},
        cost_management_config={"enabled": True},
        security_posture_config={"mode": "BASIC", "vulnerability_mode": "VULNERABILITY_BASIC"},
        resource_labels=labels,
        deletion_protection=scope.protect,
        **endpoint_access(args.api_access, list(args.authorized_networks),
                          tuple(cidr for cidr in (network.built.cidr,) if cidr)),
        opts=pulumi.ResourceOptions(
            parent=component, protect=scope.protect,
            depends_on=[key["secrets_key_grant"], *identity.grants],
            ignore_changes=["nodeConfig", "initialNodeCount"]))


def _system_pool(component: pulumi.Resource, name: str, scope: Any, cluster: container.Cluster,
                 identity: ServiceIdentity, labels: dict[str, str]) -> container.NodePool:
    autoscaling = SYSTEM_AUTOSCALING["prod" if scope.environment == "prod" else "default"]
    return container.NodePool(
        f"{name}-system",
        name=SYSTEM_POOL_NAME,
        project=scope.gcp_project,
        location=scope.region,
        cluster=cluster.name,
        initial_node_count=1,
        autoscaling=dict(autoscaling),
        management={"auto_repair": True, "auto_upgrade": True},
        upgrade_settings={"strategy": "SURGE", "max_surge": 1, "max_unavailable": 0},
        node_config={"machine_type": SYSTEM_MACHINE_TYPE, "image_type": "COS_CONTAINERD",
                     "disk_type": _node_defaults.DEFAULT_DISK_TYPE, "disk_size_gb": SYSTEM_DISK_GB,
                     "labels": {"aiscale.io/pool": SYSTEM_POOL_NAME}, "resource_labels": labels,
                     **_node_defaults.node_identity(identity.email)},
        opts=pulumi.ResourceOptions(parent=component, depends_on=identity.grants,
                                    ignore_changes=["initialNodeCount"]))


def build(component: pulumi.ComponentResource, args: ClusterBuild) -> GcpCluster:
    """Declare the cluster, its key, node identity and system pool under ``component``."""
    import pulumi_kubernetes as k8s

    scope = args.scope
    name = args.name
    labels = naming.gcp_labels(scope.tags)
    identity = service_identity(
        f"{name}-nodes", account_id=_names.account_id(scope.platform, scope.environment, "gke-nodes"),
        display_name=f"GKE nodes of {scope.platform} {scope.environment} (aiscale)",
        project=scope.gcp_project, roles=_node_defaults.GKE_NODE_ROLES, parent=component)
    key = _secrets_key(component, name, scope, labels)
    cluster = _cluster(component, name, args, identity, key, labels)
    system_pool = _system_pool(component, name, scope, cluster, identity, labels)

    kubeconfig = pulumi.Output.all(
        cluster.name, cluster.endpoint, cluster.master_auth.cluster_ca_certificate,
    ).apply(lambda values: _kubeconfig.render(
        project=scope.gcp_project, location=scope.region, cluster=values[0], endpoint=values[1],
        ca_certificate=values[2] or ""))
    provider = k8s.Provider(f"{name}-k8s", kubeconfig=kubeconfig,
                            opts=pulumi.ResourceOptions(parent=component, depends_on=[system_pool]))
    return GcpCluster(
        cluster_name=cluster.name,
        kubeconfig=kubeconfig,
        kubernetes_provider=provider,
        location=scope.region,
        project=scope.gcp_project,
        node_service_account_email=identity.email,
        node_identity_grants=tuple(identity.grants),
        workload_pool=f"{scope.gcp_project}.svc.id.goog",
        endpoint=cluster.endpoint,
        resources={"cluster": cluster, "system_node_pool": system_pool, **key},
    )
