"""Security checks for managed Kubernetes: EKS, AKS, GKE clusters and their node pools."""

from __future__ import annotations

from aiscale.facts import reader, tokens

from .. import schema
from ..props import get, get_bool, is_set, items, lower
from ..registry import NOT_APPLICABLE, Check

OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0", "*", "0.0.0.0"})
DEFAULT_COMPUTE_SA_SUFFIX = "-compute@developer.gserviceaccount.com"
EKS_LOG_TYPES = ("api", "audit", "authenticator")
"""EKS control-plane log types required by default."""
MIN_KUBERNETES_VERSION = "1.31"
"""Oldest Kubernetes minor accepted by default (raise it as versions leave support)."""

_EKS_DOCS = "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"
_GKE_DOCS = "https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster"
_AKS_DOCS = "https://learn.microsoft.com/en-us/azure/aks/operator-best-practices-cluster-security"


def _open(cidrs) -> list[str]:
    return [c for c in cidrs if str(c).strip() in OPEN_CIDRS]


def _public_cidrs(resource_type, props):
    """(is the endpoint public, the CIDRs that may reach it); "no restriction" reads as 0.0.0.0/0."""
    return reader.control_plane(resource_type, props).api_access.get()


def api_not_open(resource_type, props, ctx):
    """A public API endpoint must be limited to authorized networks (never 0.0.0.0/0)."""
    public, cidrs = _public_cidrs(resource_type, props)
    wide = _open(cidrs) if public else []
    if wide:
        return [f"the public API endpoint admits {', '.join(wide)} (unset authorized networks mean "
                "any address); make it private or list your own CIDRs"]
    return []


def api_private(resource_type, props, ctx):
    """The API endpoint has no public address at all."""
    public, _cidrs = _public_cidrs(resource_type, props)
    return ["the API endpoint is public (restricted or not); prefer a private endpoint"] if public else []


def secrets_encryption(resource_type, props, ctx):
    """Kubernetes secrets are envelope-encrypted with a customer-managed key."""
    if resource_type == tokens.AWS_EKS_CLUSTER:
        configs = items(props, "encryptionConfig")
        ok = any("secrets" in items(c, "resources") and is_set(c, "provider.keyArn") for c in configs)
        return [] if ok else ["no encryptionConfig with resources ['secrets'] and a KMS keyArn; add one"]
    if resource_type == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
        ok = get_bool(props, "securityProfile.azureKeyVaultKms.enabled") is True
        return [] if ok else ["securityProfile.azureKeyVaultKms is not enabled; enable KMS with a Key Vault key"]
    state = get(props, "databaseEncryption.state")
    if state != "ENCRYPTED" or not is_set(props, "databaseEncryption.keyName"):
        return ["databaseEncryption is not ENCRYPTED with a keyName; set both"]
    return []


def control_plane_logging(resource_type, props, ctx):
    """Control-plane audit logs are kept."""
    if resource_type == tokens.AWS_EKS_CLUSTER:
        wanted = [str(t) for t in ctx.config.get("eks_log_types", EKS_LOG_TYPES)]
        have = {str(t) for t in items(props, "enabledClusterLogTypes")}
        missing = [t for t in wanted if t not in have]
        return [f"enabledClusterLogTypes lacks {', '.join(missing)}; add them"] if missing else []
    if lower(get(props, "loggingService")) == "none":
        return ["loggingService is 'none'; use 'logging.googleapis.com/kubernetes'"]
    components = get(props, "loggingConfig.enableComponents")
    if components is not None and not components:
        return ["loggingConfig.enableComponents is empty; enable at least SYSTEM_COMPONENTS"]
    return []


def network_policy(resource_type, props, ctx):
    """Pod network policy is enforced."""
    if resource_type == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
        policy = get(props, "networkProfile.networkPolicy")
        return [] if policy and lower(policy) != "none" else ["networkProfile.networkPolicy is not set; use 'cilium', 'calico' or 'azure'"]
    if get_bool(props, "networkPolicy.enabled") is True or get(props, "datapathProvider") == "ADVANCED_DATAPATH":
        return []
    return ["network policy is off; set networkPolicy.enabled or datapathProvider 'ADVANCED_DATAPATH'"]


def rbac_no_local_accounts(resource_type, props, ctx):
    """RBAC on; local admin accounts, legacy ABAC and client certificates off."""
    out = []
    if resource_type == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
        if get_bool(props, "enableRBAC") is False:
            out.append("enableRBAC is false; set it to true")
        if get_bool(props, "disableLocalAccounts") is not True:
            out.append("disableLocalAccounts is not true; set it and use Entra ID (aadProfile)")
        return out
    if get_bool(props, "enableLegacyAbac") is True:
        out.append("enableLegacyAbac is true; set it to false")
    if get_bool(props, "masterAuth.clientCertificateConfig.issueClientCertificate") is True:
        out.append("masterAuth issues a client certificate; set issueClientCertificate to false")
    return out


def workload_identity(resource_type, props, ctx):
    """Pods get cloud credentials through workload identity, never the node's metadata server."""
    mode = get(props, "nodeConfig.workloadMetadataConfig.mode") if resource_type != tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER else None
    wrong_mode = [f"nodeConfig.workloadMetadataConfig.mode is '{mode}'; set 'GKE_METADATA' (or leave it out)"] if mode not in (None, "GKE_METADATA") else []
    if resource_type == tokens.GCP_CONTAINER_NODE_POOL:
        return wrong_mode  # omitted: inherited, GKE_METADATA when the cluster has a workload pool
    if resource_type == tokens.GCP_CONTAINER_CLUSTER:
        pool = [] if is_set(props, "workloadIdentityConfig.workloadPool") else ["workloadIdentityConfig.workloadPool is not set; set '<project>.svc.id.goog'"]
        return pool + wrong_mode
    if get_bool(props, "securityProfile.workloadIdentity.enabled") is not True:
        return ["securityProfile.workloadIdentity is not enabled (with oidcIssuerProfile); enable both"]
    return []


def no_node_public_ip(resource_type, props, ctx):
    """Nodes get no public IP addresses."""
    if resource_type == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER:
        bad = [get(p, "name") or str(i) for i, p in enumerate(items(props, "agentPoolProfiles"))
               if get_bool(p, "enableNodePublicIP") is True]
        return [f"agent pool '{name}' enables node public IPs; set enableNodePublicIP false" for name in bad]
    if resource_type == tokens.AZURE_CONTAINERSERVICE_AGENT_POOL:
        return ["enableNodePublicIP is true; set it to false"] if get_bool(props, "enableNodePublicIP") is True else []
    if resource_type == tokens.GCP_CONTAINER_NODE_POOL:
        if get_bool(props, "networkConfig.enablePrivateNodes") is False:
            return ["networkConfig.enablePrivateNodes is false; remove it or set true"]
        return []
    return [] if get_bool(props, "privateClusterConfig.enablePrivateNodes") is True else ["privateClusterConfig.enablePrivateNodes is not true; set it"]


def node_group_ssh(resource_type, props, ctx):
    """An EKS node group with an SSH key must limit SSH to named security groups."""
    if not is_set(props, "remoteAccess.ec2SshKey"):
        return []
    if items(props, "remoteAccess.sourceSecurityGroupIds"):
        return []
    return ["remoteAccess has an SSH key but no sourceSecurityGroupIds (SSH open to 0.0.0.0/0); add them or drop the key"]


def shielded_nodes(resource_type, props, ctx):
    """Shielded GKE nodes with secure boot."""
    if resource_type == tokens.GCP_CONTAINER_CLUSTER:
        return ["enableShieldedNodes is false; set it to true"] if get_bool(props, "enableShieldedNodes") is False else []
    if get_bool(props, "nodeConfig.shieldedInstanceConfig.enableSecureBoot") is not True:
        return ["nodeConfig.shieldedInstanceConfig.enableSecureBoot is not true; enable it"]
    return []


def _version_tuple(text):
    parts = []
    for piece in str(text).lstrip("v").split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            return None
        parts.append(int(digits))
    return tuple(parts) if len(parts) == 2 else None


def managed_upgrades(resource_type, props, ctx):
    """Nodes auto-repair and auto-upgrade; clusters follow a channel on a supported version."""
    out = []
    plane = reader.control_plane(resource_type, props)
    version_key = plane.version.where if plane is not None else None
    floor = _version_tuple(ctx.config.get("min_kubernetes_version", MIN_KUBERNETES_VERSION))
    if version_key and floor:
        version = plane.version.known()
        have = _version_tuple(version) if version and lower(version) != "latest" else None
        if have and have < floor:
            out.append(f"{version_key} {version} is older than {ctx.config.get('min_kubernetes_version', MIN_KUBERNETES_VERSION)}; upgrade")
    if resource_type == tokens.GCP_CONTAINER_NODE_POOL:
        for flag in ("autoRepair", "autoUpgrade"):
            if get_bool(props, f"management.{flag}") is False:
                out.append(f"management.{flag} is false; set it to true")
    elif resource_type == tokens.GCP_CONTAINER_CLUSTER and get(props, "releaseChannel.channel") == "UNSPECIFIED":
        out.append("releaseChannel.channel is UNSPECIFIED; use REGULAR or STABLE")
    elif resource_type == tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER and lower(get(props, "autoUpgradeProfile.upgradeChannel") or "none") == "none":
        out.append("autoUpgradeProfile.upgradeChannel is none; use 'patch' or 'stable'")
    return out


def dedicated_node_identity(resource_type, props, ctx):
    """GKE nodes run as a dedicated service account, not the default compute one: a node pool's
    nodeConfig, and a cluster's own nodeConfig (its default node pool) unless that pool is removed
    with nothing set (autopilot clusters have no nodeConfig: not applicable)."""
    if resource_type == tokens.GCP_CONTAINER_CLUSTER:
        if get_bool(props, "enableAutopilot") is True:
            return NOT_APPLICABLE
        if get_bool(props, "removeDefaultNodePool") is True and get(props, "nodeConfig.serviceAccount") is None:
            return []
    account = get(props, "nodeConfig.serviceAccount")
    if not account or account == "default" or str(account).endswith(DEFAULT_COMPUTE_SA_SUFFIX):
        return [f"nodeConfig.serviceAccount is '{account or 'default'}'; use a dedicated least-privilege account"]
    return []


def host_encryption(resource_type, props, ctx):
    """AKS node disks and temp disks encrypted at the host."""
    if resource_type == tokens.AZURE_CONTAINERSERVICE_AGENT_POOL:
        return [] if get_bool(props, "enableEncryptionAtHost") is True else ["enableEncryptionAtHost is not true; enable it"]
    pools = items(props, "agentPoolProfiles")
    if not pools:
        return NOT_APPLICABLE
    return [f"agent pool '{get(p, 'name') or i}' lacks enableEncryptionAtHost; enable it"
            for i, p in enumerate(pools) if get_bool(p, "enableEncryptionAtHost") is not True]


def aks_disk_encryption_set(resource_type, props, ctx):
    """AKS node OS and data disks are encrypted with a customer-managed key (a disk encryption set)."""
    return [] if is_set(props, "diskEncryptionSetID") else [
        "diskEncryptionSetID is not set (AKS default: Microsoft-managed keys); set a disk encryption set"]


def aks_monitoring(resource_type, props, ctx):
    """AKS sends container logs and metrics to Azure Monitor."""
    addons = get(props, "addonProfiles") or {}
    oms = next((v for k, v in addons.items() if lower(k) == "omsagent"), None) if isinstance(addons, dict) else None
    if isinstance(oms, dict) and get_bool(oms, "enabled") is True:
        return []
    return ["addonProfiles.omsagent is not enabled (AKS default: off); enable Container insights "
            "with a Log Analytics workspace"]


CLUSTERS = (tokens.AWS_EKS_CLUSTER, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.GCP_CONTAINER_CLUSTER)

CHECKS = (
    Check("SEC-K8S-001", "security", "Cluster API not open to the internet",
          "A public Kubernetes API endpoint must be limited to authorized networks; 0.0.0.0/0 or no "
          "list at all is refused (EKS public access defaults to on and to 0.0.0.0/0).",
          "critical", "mandatory", "Make the endpoint private or list the CIDRs that may reach it.",
          api_not_open, CLUSTERS, anchors=("CKV_AWS_38", "AVD-AWS-0041", "CKV_AZURE_6", "AVD-AZU-0041",
                                           "CKV_GCP_18", "AVD-GCP-0053"), url=_EKS_DOCS,
          when_omitted=("EKS: endpointPublicAccess defaults to true with publicAccessCidrs 0.0.0.0/0 "
                        "(https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html); AKS: a public "
                        "API server with no authorized IP ranges; GKE: a public endpoint without master "
                        "authorized networks."),
          omitted_verdict="fail"),
    Check("SEC-K8S-002", "security", "Cluster API endpoint private",
          "The Kubernetes API endpoint has no public address (EKS endpointPublicAccess false, AKS "
          "private cluster, GKE private endpoint).", "medium", "advisory",
          "Use a private endpoint and reach it through the VPC / VNet.", api_private, CLUSTERS,
          anchors=("CKV_AWS_39", "AVD-AWS-0040", "CKV_AZURE_115", "AVD-AZU-0065", "CKV_GCP_25"), url=_EKS_DOCS,
          when_omitted=("Every cloud gives the API server a public endpoint unless a private one is asked for "
                        "(EKS endpointPublicAccess true, AKS enablePrivateCluster false, GKE "
                        "enablePrivateEndpoint false)."),
          omitted_verdict="fail"),
    Check("SEC-K8S-003", "security", "Secrets encrypted with a customer-managed key",
          "Kubernetes secrets are envelope-encrypted with KMS (EKS encryptionConfig, AKS Key Vault "
          "KMS, GKE databaseEncryption).", "high", "mandatory",
          "Configure secrets encryption with a KMS / Key Vault key.", secrets_encryption, CLUSTERS,
          anchors=("CKV_AWS_58", "AVD-AWS-0039"),
          when_omitted=("EKS: no encryptionConfig means no customer-managed envelope key; AKS: azureKeyVaultKms "
                        "off; GKE: databaseEncryption DECRYPTED (application-layer encryption off) "
                        "(https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets)."),
          omitted_verdict="fail"),
    Check("SEC-K8S-004", "security", "Control-plane logging on",
          "EKS logs the api, audit and authenticator streams (config eks_log_types); GKE logging is "
          "not turned off.", "medium", "advisory", "Enable control-plane log types.",
          control_plane_logging, (tokens.AWS_EKS_CLUSTER, tokens.GCP_CONTAINER_CLUSTER), anchors=("CKV_AWS_37", "AVD-AWS-0038", "CKV_GCP_1"),
          config_schema={"eks_log_types": schema.strings(EKS_LOG_TYPES,
                                                         "EKS log types that must be enabled.")},
          when_omitted=("EKS: no control-plane log type is enabled by default "
                        "(https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html); GKE: "
                        "loggingService defaults to logging.googleapis.com/kubernetes "
                        "(https://cloud.google.com/kubernetes-engine/docs/concepts/about-logs)."),
          omitted_verdict={"aws": "fail", "gcp": "pass"}),
    Check("SEC-K8S-005", "security", "Network policy enforced",
          "AKS sets networkProfile.networkPolicy; GKE enables network policy or Dataplane V2.",
          "high", "mandatory", "Enable a network policy engine.", network_policy, (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.GCP_CONTAINER_CLUSTER),
          anchors=("CKV_AZURE_7", "AVD-AZU-0043", "CKV_GCP_12", "AVD-GCP-0056"),
          when_omitted=("AKS: networkPolicy left out means none; GKE: network policy enforcement is off and "
                        "Dataplane V2 is not chosen (https://cloud.google.com/kubernetes-engine/docs/how-"
                        "to/network-policy)."),
          omitted_verdict="fail"),
    Check("SEC-K8S-006", "security", "RBAC on, local accounts and legacy auth off",
          "AKS keeps RBAC and disables local accounts; GKE disables legacy ABAC and client certificates.",
          "high", "mandatory", "Disable local accounts / legacy ABAC / client certificates.",
          rbac_no_local_accounts, (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.GCP_CONTAINER_CLUSTER),
          anchors=("CKV_AZURE_5", "CKV_AZURE_141", "AVD-AZU-0042", "CKV_GCP_7", "CKV_GCP_13", "AVD-GCP-0062"),
          when_omitted=("AKS: enableRBAC defaults to true but disableLocalAccounts to false "
                        "(https://learn.microsoft.com/en-us/azure/aks/manage-local-accounts-managed-azure-ad); "
                        "GKE: legacy ABAC and client certificates are off by default "
                        "(https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster)."),
          omitted_verdict={"azure": "fail", "gcp": "pass"}),
    Check("SEC-K8S-007", "security", "Workload identity, node metadata protected",
          "GKE clusters set a workload pool, and no node pool or cluster nodeConfig sets a metadata mode "
          "other than GKE_METADATA (a node pool that omits it inherits GKE_METADATA from a cluster with "
          "a workload pool); AKS enables workload identity.",
          "high", "mandatory", "Enable workload identity and the GKE metadata server.", workload_identity,
          (tokens.GCP_CONTAINER_CLUSTER, tokens.GCP_CONTAINER_NODE_POOL, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER), anchors=("CKV_GCP_69", "AVD-GCP-0057"), url=_GKE_DOCS,
          when_omitted=("GKE cluster: workload identity is off unless workloadIdentityConfig is set; GKE node "
                        "pool: the metadata mode is inherited, GKE_METADATA when the cluster has a workload pool "
                        "(https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity); AKS: "
                        "workload identity is off."),
          omitted_verdict={tokens.GCP_CONTAINER_CLUSTER: "fail", tokens.GCP_CONTAINER_NODE_POOL: "pass", "azure": "fail"}),
    Check("SEC-K8S-008", "security", "Nodes have no public IPs",
          "AKS pools do not enable node public IPs; GKE clusters use private nodes.", "high", "mandatory",
          "Turn off node public IPs / enable private nodes.", no_node_public_ip, (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.AZURE_CONTAINERSERVICE_AGENT_POOL, tokens.GCP_CONTAINER_CLUSTER, tokens.GCP_CONTAINER_NODE_POOL),
          anchors=("CKV_AZURE_143", "CKV_GCP_64"),
          when_omitted=("AKS: enableNodePublicIP defaults to false; GKE cluster: nodes get public IPs unless "
                        "privateClusterConfig.enablePrivateNodes; GKE node pool: inherits the cluster's setting "
                        "(https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters)."),
          omitted_verdict={"azure": "pass", tokens.GCP_CONTAINER_CLUSTER: "fail", tokens.GCP_CONTAINER_NODE_POOL: "pass"}),
    Check("SEC-K8S-009", "security", "EKS node group SSH not open",
          "A node group with remoteAccess.ec2SshKey must list sourceSecurityGroupIds.", "high", "mandatory",
          "Add sourceSecurityGroupIds, or drop the SSH key and use SSM.", node_group_ssh, (tokens.AWS_EKS_NODE_GROUP,),
          anchors=("CKV_AWS_100",),
          when_omitted=("No remoteAccess: the node group opens no SSH access "
                        "(https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html)."),
          omitted_verdict="pass"),
    Check("SEC-K8S-010", "security", "Shielded GKE nodes with secure boot",
          "GKE node pools enable secure boot; clusters keep shielded nodes on.", "medium", "advisory",
          "Set shieldedInstanceConfig.enableSecureBoot true.", shielded_nodes, (tokens.GCP_CONTAINER_CLUSTER, tokens.GCP_CONTAINER_NODE_POOL),
          anchors=("CKV_GCP_68", "CKV_GCP_71", "AVD-GCP-0055"), url=_GKE_DOCS,
          when_omitted=("GKE cluster: shielded nodes are on by default since 1.18; GKE node pool: secure boot is "
                        "off unless enabled (https://cloud.google.com/kubernetes-engine/docs/how-to/shielded-gke-"
                        "nodes)."),
          omitted_verdict={tokens.GCP_CONTAINER_CLUSTER: "pass", tokens.GCP_CONTAINER_NODE_POOL: "fail"}),
    Check("SEC-K8S-011", "security", "Managed upgrades on a supported version",
          "GKE pools auto-repair and auto-upgrade, GKE follows a release channel, AKS has an upgrade "
          "channel, and versions are not older than config min_kubernetes_version.", "medium", "advisory",
          "Enable auto-upgrade / a release channel and raise the version.", managed_upgrades,
          (tokens.AWS_EKS_CLUSTER, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.GCP_CONTAINER_CLUSTER, tokens.GCP_CONTAINER_NODE_POOL), anchors=("CKV_GCP_9", "CKV_GCP_10", "CKV_AZURE_171", "AVD-GCP-0063"),
          config_schema={"min_kubernetes_version": schema.string(
              MIN_KUBERNETES_VERSION, "Oldest Kubernetes minor version accepted (raise as versions leave support).")},
          when_omitted=("EKS and GKE: no version means the current default version; GKE node pools auto-repair "
                        "and auto-upgrade by default and clusters enroll in the REGULAR channel "
                        "(https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels); AKS: "
                        "autoUpgradeProfile.upgradeChannel defaults to none (https://learn.microsoft.com/en-"
                        "us/azure/aks/auto-upgrade-cluster)."),
          omitted_verdict={"aws": "pass", "gcp": "pass", "azure": "fail"}),
    Check("SEC-K8S-012", "security", "GKE nodes use a dedicated service account",
          "GKE node pools, and a cluster's own nodeConfig (its default node pool, unless removed), set "
          "nodeConfig.serviceAccount to an account other than the default compute one.",
          "medium", "advisory", "Create a least-privilege node service account and set it.",
          dedicated_node_identity, (tokens.GCP_CONTAINER_CLUSTER, tokens.GCP_CONTAINER_NODE_POOL), anchors=("AVD-GCP-0050", "KICS 1c8eef02-17b1-4a3e-b01d-dcc3292d2c38"), url=_GKE_DOCS,
          when_omitted=("No nodeConfig.serviceAccount: GKE nodes run as the Compute Engine default service "
                        "account (https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-"
                        "cluster#use_least_privilege_sa)."),
          omitted_verdict="fail"),
    Check("SEC-K8S-013", "security", "AKS host encryption",
          "AKS agent pools enable encryption at host.", "medium", "advisory",
          "Set enableEncryptionAtHost true on every agent pool.", host_encryption, (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, tokens.AZURE_CONTAINERSERVICE_AGENT_POOL),
          anchors=("CKV_AZURE_227", "AVD-AZU-0067"), url=_AKS_DOCS,
          when_omitted=("enableEncryptionAtHost defaults to false (https://learn.microsoft.com/en-"
                        "us/azure/aks/enable-host-encryption)."),
          omitted_verdict="fail"),
    Check("SEC-K8S-014", "security", "AKS disks encrypted with a customer-managed key",
          "AKS clusters set diskEncryptionSetID (node OS and data disks under a Key Vault key).",
          "medium", "advisory", "Create a DiskEncryptionSet on a Key Vault key and set diskEncryptionSetID.",
          aks_disk_encryption_set, (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,), anchors=("CKV_AZURE_117",),
          url="https://learn.microsoft.com/en-us/azure/aks/azure-disk-customer-managed-keys",
          when_omitted="Without a disk encryption set, AKS disks use Microsoft-managed keys "
          "(https://learn.microsoft.com/en-us/azure/aks/azure-disk-customer-managed-keys).", omitted_verdict="fail"),
    Check("SEC-K8S-015", "security", "AKS monitoring to Azure Monitor",
          "AKS clusters enable the omsagent add-on (Container insights: container logs to Log Analytics).", "medium", "advisory",
          "Enable Container insights with a Log Analytics workspace.", aks_monitoring,
          (tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,), anchors=("CKV_AZURE_4",),
          url="https://learn.microsoft.com/en-us/azure/azure-monitor/containers/kubernetes-monitoring-enable",
          when_omitted="Container insights is off unless enabled "
          "(https://learn.microsoft.com/en-us/azure/azure-monitor/containers/kubernetes-monitoring-enable).",
          omitted_verdict="fail"),
)
"""The managed-Kubernetes checks of the security pack."""
