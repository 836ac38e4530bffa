"""The Azure builder of ``KubernetesCluster``: a hardened AKS cluster.

Declared in the platform's resource group:

- a user-assigned control-plane identity with "Network Contributor" on the VNet (only on the
  nodes subnet for a restricted cluster on an existing network) and
  the Key Vault roles of the etcd key (see ``_cluster_identity``), granted before the cluster;
- a Key Vault and RSA key for KMS etcd encryption (private vault on a network aiscale created);
- the managed cluster: Entra ID auth with Azure RBAC, Kubernetes RBAC, local accounts disabled;
  a private API server (no public FQDN) or a public one limited to ``authorized_networks``;
  API Server VNet Integration on a network aiscale created; Azure CNI Overlay with Calico
  network policy; egress through the network's NAT gateway; OIDC issuer and workload identity;
  KMS with the key above; image cleaner; auto-upgrade channel ``stable`` and node OS channel
  ``NodeImage``; a small autoscaled CPU system pool (``Standard_D4ds_v5``, 1..3 nodes,
  encryption at host, no public node IPs) in the nodes subnet;
- a Log Analytics workspace and a diagnostic setting that sends the control-plane logs
  (API server, audit, controller manager, scheduler, autoscaler, Entra guard) to it;
- "Azure Kubernetes Service RBAC Cluster Admin" on the cluster for the deploying principal,
  so Pulumi can install add-ons with local accounts disabled;
- the Kubernetes provider (from the kubeconfig) and the NVIDIA device plugin release (AKS
  installs the GPU drivers on pools with ``gpu_profile.driver = Install``, not the plugin).

Reads a ``ClusterBuild``; returns an :class:`AzureCluster`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.containerservice as containerservice
import pulumi_azure_native.monitor as monitor
import pulumi_azure_native.operationalinsights as operationalinsights
import pulumi_kubernetes

from aiscale.azure import _cluster_disks, _container_insights
from aiscale.azure import naming
from aiscale.azure import _addressing, _cluster_identity, _kubeconfig, _names
from aiscale.azure.network import AzureNetwork
from aiscale.azure.node_pool import AksNodeTarget
from aiscale.cluster_spec import BuiltCluster, ClusterBuild
from aiscale.kubernetes import addons
from aiscale.scope import CloudScope

SYSTEM_POOL = {"name": "system", "vm_size": "Standard_D4ds_v5", "min_count": 1, "max_count": 3,
               "os_disk_size_gb": 128}
"""The CPU system pool: cluster add-ons only, never GPU work."""
SKU_TIER_BY_ENVIRONMENT = {"prod": "Standard"}
"""AKS pricing tier by environment: Standard (financially backed API server SLA) in prod."""
DEFAULT_SKU_TIER = "Free"
"""The pricing tier in other environments."""
NETWORK_POLICY = "calico"
"""Network policy engine (works with Azure CNI Overlay; Azure NPM is being retired)."""
CONTROL_PLANE_LOGS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler",
                      "cluster-autoscaler", "guard")
"""Control-plane log categories sent to Log Analytics besides the audit log."""
AUDIT_LOG_BY_ENVIRONMENT = {"prod": "kube-audit"}
"""Audit category by environment: every request in prod."""
DEFAULT_AUDIT_LOG = "kube-audit-admin"
"""Audit category elsewhere: writes only (no get/list), a fraction of the volume and cost."""
LOG_RETENTION_DAYS = {"prod": 90}
"""Days Log Analytics keeps the logs, by environment."""
DEFAULT_LOG_RETENTION_DAYS = 30
"""Retention elsewhere (30 days are included in the ingestion price)."""
IMAGE_CLEANER_INTERVAL_HOURS = 168
"""Unused, vulnerable images are removed from nodes weekly."""
IGNORED_DRIFT = ["kubernetesVersion", "agentPoolProfiles[0].orchestratorVersion", "agentPoolProfiles[0].count"]
"""Owned by AKS after creation: the auto-upgrade channel moves versions, the autoscaler counts."""


@dataclass(frozen=True, kw_only=True)
class AzureCluster(BuiltCluster):
    """What the AKS builder returns: the outputs plus what node pools and endpoints read
    (resources by role: ``cluster`` (the ManagedCluster), ``control_plane_identity``,
    ``kms_key``, ``key_vault``, ``log_workspace``, ``device_plugin``)."""

    resource_group_name: pulumi.Input[str]
    """The platform's resource group, which holds the cluster."""
    nodes_subnet_id: pulumi.Input[str]
    """The subnet of the cluster's nodes."""
    oidc_issuer_url: pulumi.Output[Optional[str]]
    """The cluster's OIDC issuer URL (workload identity federation trusts it)."""
    kubelet_identity: pulumi.Output[Optional[dict[str, Optional[str]]]]
    """``{object_id, client_id, resource_id}`` of the kubelet identity AKS creates."""

    def node_target(self) -> AksNodeTarget:
        """What an agent pool reads of this cluster."""
        return AksNodeTarget(cluster_name=self.resources["cluster"].name,
                             resource_group_name=self.resource_group_name, nodes_subnet_id=self.nodes_subnet_id)


def api_server_access(api_access: str, authorized_networks: list[str],
                      api_server_subnet_id: Optional[Any]) -> dict[str, Any]:
    """The API server access profile for ``private`` or ``restricted`` access."""
    if api_access not in ("private", "restricted"):
        raise ValueError(f"api_access: got {api_access!r}; valid: private, restricted")
    if api_access == "restricted" and not authorized_networks:
        raise ValueError("authorized_networks: got []; a restricted API needs at least one CIDR")
    profile: dict[str, Any] = (
        {"enable_private_cluster": True, "enable_private_cluster_public_fqdn": False}
        if api_access == "private" else
        {"enable_private_cluster": False, "authorized_ip_ranges": list(authorized_networks)})
    if api_server_subnet_id is not None:
        profile.update(enable_vnet_integration=True, subnet_id=api_server_subnet_id)
    return profile


def network_profile(outbound_type: str, vnet_cidr: Optional[str]) -> dict[str, Any]:
    """Azure CNI Overlay with Calico, overlay ranges clear of the VNet, the network's egress."""
    ranges = _addressing.cluster_ranges(vnet_cidr)
    return {
        "network_plugin": "azure",
        "network_plugin_mode": "overlay",
        "network_policy": NETWORK_POLICY,
        "pod_cidr": ranges.pod_cidr,
        "service_cidr": ranges.service_cidr,
        "dns_service_ip": ranges.dns_service_ip,
        "load_balancer_sku": "standard",
        "outbound_type": outbound_type,
    }


def system_pool_profile(nodes_subnet_id: Any, tags: dict[str, str]) -> dict[str, Any]:
    """The autoscaled CPU system pool (no fixed count: the autoscaler owns it)."""
    return {
        "name": SYSTEM_POOL["name"],
        "mode": "System",
        "vm_size": SYSTEM_POOL["vm_size"],
        "os_type": "Linux",
        "os_sku": "Ubuntu",
        "os_disk_type": "Managed",
        "os_disk_size_gb": SYSTEM_POOL["os_disk_size_gb"],
        "enable_auto_scaling": True,
        "min_count": SYSTEM_POOL["min_count"],
        "max_count": SYSTEM_POOL["max_count"],
        "enable_encryption_at_host": True,
        "enable_node_public_ip": False,
        "vnet_subnet_id": nodes_subnet_id,
        "type": "VirtualMachineScaleSets",
        "tags": tags,
    }


def control_plane_network_scopes(network: AzureNetwork, api_access: str, own_network: bool) -> dict[str, Any]:
    """Where the control-plane identity gets "Network Contributor": ``{purpose: resource id}``.

    The VNet when aiscale created it (it holds only platform subnets) or when the cluster is
    private (linking the private DNS zone to the VNet needs a VNet permission); otherwise, on an
    existing network with a restricted public API, only the nodes subnet.
    """
    if own_network or api_access == "private":
        return {"vnet": network.network_id}
    return {"nodes": network.nodes_subnet_id}


def log_categories(environment: str) -> list[str]:
    """The control-plane log categories collected for ``environment``."""
    return [*CONTROL_PLANE_LOGS, AUDIT_LOG_BY_ENVIRONMENT.get(environment, DEFAULT_AUDIT_LOG)]


def _kubelet_identity(profile: Any) -> Optional[dict[str, Any]]:
    kubelet = (profile or {}).get("kubeletidentity")
    if kubelet is None:
        return None
    return {key: getattr(kubelet, key, None) for key in ("object_id", "client_id", "resource_id")}


def _log_workspace(component: pulumi.Resource, name: str, scope: CloudScope,
                   tags: dict[str, str]) -> operationalinsights.Workspace:
    return operationalinsights.Workspace(
        f"{name}-logs",
        workspace_name=_names.workspace_name(scope.platform, scope.environment),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        sku={"name": "PerGB2018"},
        retention_in_days=LOG_RETENTION_DAYS.get(scope.environment, DEFAULT_LOG_RETENTION_DAYS),
        features={"disable_local_auth": True},
        opts=_cluster_identity.stateful(scope, component))


def _logs(component: pulumi.Resource, name: str, scope: CloudScope,
          cluster: containerservice.ManagedCluster, workspace: operationalinsights.Workspace) -> None:
    monitor.DiagnosticSetting(
        f"{name}-control-plane-logs",
        name="aiscale-control-plane",
        resource_uri=cluster.id,
        workspace_id=workspace.id,
        log_analytics_destination_type="Dedicated",
        logs=[{"category": category, "enabled": True} for category in log_categories(scope.environment)],
        opts=pulumi.ResourceOptions(parent=component))


def build(component: pulumi.ComponentResource, args: ClusterBuild) -> AzureCluster:
    """Declare the AKS cluster and everything it needs; return its outputs."""
    scope: CloudScope = args.scope
    net: AzureNetwork = args.network.built
    name = args.name
    tags = naming.azure_tags(scope.tags)
    group = scope.resource_group_name
    api_server_subnet_id = net.api_server_subnet_id
    private_vault = api_server_subnet_id is not None
    client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=component))

    identity = _cluster_identity.control_plane_identity(component, name, scope, tags)
    vault, key = _cluster_identity.kms_vault_and_key(component, name, scope, tags, client, private_vault)
    network_scopes = control_plane_network_scopes(net, args.api_access, private_vault)
    grants = _cluster_identity.control_plane_grants(
        component, name, scope, client, identity.principal_id, vault, private_vault, network_scopes)
    disks = _cluster_disks.disk_encryption(component, name, scope, tags, client, vault, identity.principal_id)
    workspace = _log_workspace(component, name, scope, tags)

    cluster = containerservice.ManagedCluster(
        f"{name}-aks",
        resource_name_=_names.cluster_name(scope.platform, scope.environment),
        dns_prefix=_names.dns_prefix(scope.platform, scope.environment),
        resource_group_name=group, location=scope.region, tags=tags,
        kubernetes_version=args.version,
        sku={"name": "Base", "tier": SKU_TIER_BY_ENVIRONMENT.get(scope.environment, DEFAULT_SKU_TIER)},
        identity={"type": "UserAssigned", "user_assigned_identities": [identity.id]},
        enable_rbac=True,
        disable_local_accounts=True,
        aad_profile={"managed": True, "enable_azure_rbac": True},
        api_server_access_profile=api_server_access(args.api_access, list(args.authorized_networks),
                                                    api_server_subnet_id),
        network_profile=network_profile(net.outbound_type, net.cidr),
        agent_pool_profiles=[system_pool_profile(net.nodes_subnet_id, tags)],
        oidc_issuer_profile={"enabled": True},
        disk_encryption_set_id=disks["disk_encryption_set"].id,
        addon_profiles=_container_insights.addon_profile(workspace.id),
        security_profile={
            "workload_identity": {"enabled": True},
            "azure_key_vault_kms": {
                "enabled": True,
                "key_id": key.key_uri_with_version,
                "key_vault_network_access": "Private" if private_vault else "Public",
                **({"key_vault_resource_id": vault.id} if private_vault else {}),
            },
            "image_cleaner": {"enabled": True, "interval_hours": IMAGE_CLEANER_INTERVAL_HOURS},
        },
        auto_upgrade_profile={"upgrade_channel": "stable", "node_os_upgrade_channel": "NodeImage"},
        # The priority expander reads kube-system/cluster-autoscaler-priority-expander (declared for
        # spot-with-fallback pools); without it, it picks at random like AKS's default expander.
        auto_scaler_profile={"expander": "priority"},
        opts=pulumi.ResourceOptions(parent=component, depends_on=[*grants, disks["disk_key_use"], disks["disk_set_read"]],
                                    protect=scope.protect, ignore_changes=IGNORED_DRIFT))

    _logs(component, name, scope, cluster, workspace)
    insights = _container_insights.data_collection(component, name, scope, tags, workspace.id, cluster)
    deployer_access = _cluster_identity.grant(
        component, f"{name}-deployer-admin", client=client, role=_cluster_identity.AKS_RBAC_CLUSTER_ADMIN,
        principal_id=client.object_id, scope_id=cluster.id, principal_type=None,
        identity=(scope.platform, scope.environment, "aks-deployer"),
        description="Lets the principal that runs Pulumi install the cluster add-ons.")

    credentials = containerservice.list_managed_cluster_user_credentials_output(
        resource_group_name=group, resource_name=cluster.name, format="exec",
        opts=pulumi.InvokeOutputOptions(parent=component, depends_on=[cluster]))
    kubeconfig = pulumi.Output.secret(pulumi.Output.all(cluster.name, cluster.fqdn, credentials.kubeconfigs).apply(
        lambda values: _kubeconfig.build(values[0], values[1], values[2])))
    provider = pulumi_kubernetes.Provider(
        f"{name}-k8s", kubeconfig=kubeconfig,
        opts=pulumi.ResourceOptions(parent=component, depends_on=[deployer_access]))
    device_plugin = addons.nvidia_device_plugin(f"{name}-nvidia-device-plugin", provider, component)

    return AzureCluster(
        cluster_name=cluster.name,
        kubeconfig=kubeconfig,
        kubernetes_provider=provider,
        resource_group_name=group,
        nodes_subnet_id=net.nodes_subnet_id,
        oidc_issuer_url=cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url if p else None),
        kubelet_identity=cluster.identity_profile.apply(_kubelet_identity),
        resources={"cluster": cluster, "control_plane_identity": identity, "kms_key": key,
                   "key_vault": vault, "log_workspace": workspace, "device_plugin": device_plugin,
                   **disks, **insights},
    )
