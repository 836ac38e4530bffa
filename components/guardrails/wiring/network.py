"""Is this policy enforced, is this API reachable? NetworkPolicies on a CNI that ignores them,
and a GKE private endpoint without master authorized networks."""

from __future__ import annotations

from aiscale.facts import cluster_wiring, tokens
from aiscale.facts import gcp as gcp_facts
from aiscale.facts.values import UnknownValue

from ..registry import Check, NotApplicable, Violation
from .graph import StackGraph
from .storage_access import storage_firewall_denies_pods

ENFORCING_CHARTS = ("calico", "tigera-operator", "cilium", "antrea")
"""Helm charts whose CNI or policy engine enforces NetworkPolicies on any cluster."""


def _eks_enforces(graph: StackGraph, cluster_urn: str, key: str) -> bool:
    """vpc-cni with ``enableNetworkPolicy: "true"``, or a policy engine installed by Helm."""
    for view in graph.of_type(tokens.AWS_EKS_ADDON):
        try:
            addon = cluster_wiring.addon(view.props)
        except UnknownValue:
            continue
        if addon.name == "vpc-cni" and graph.owner(view, "clusterName") == cluster_urn:
            if addon.flag("enableNetworkPolicy"):
                return True
    return _engine_installed(graph, key)


def _engine_installed(graph: StackGraph, key: str) -> bool:
    return any(cluster_wiring.chart_name(view.props) in ENFORCING_CHARTS
               for view in graph.on_cluster((tokens.K8S_HELM_SH_RELEASE,), key))


def unenforced_network_policies(resources, ctx):
    """NetworkPolicies on a cluster whose CNI does not enforce them (EKS vpc-cni without
    enableNetworkPolicy, GKE without Dataplane V2 or network policy, AKS without a network
    policy engine)."""
    graph = StackGraph(resources)
    by_cluster: dict[str, list] = {}
    for view in graph.of_type(tokens.K8S_NETWORKING_NETWORK_POLICY):
        cluster = graph.cluster_urn(view)
        if cluster is not None:
            by_cluster.setdefault(cluster, []).append(view)
    if not by_cluster:
        return NotApplicable("no NetworkPolicy on a cluster of this stack")
    found = []
    for cluster, policies in by_cluster.items():
        view, wiring = graph.clusters[cluster]
        enforced = (_eks_enforces(graph, cluster, cluster) if wiring.enforces_network_policy is None
                    else wiring.enforces_network_policy or _engine_installed(graph, cluster))
        if not enforced:
            names = ", ".join(sorted(p.name for p in policies))
            found.append(Violation(view.urn, (
                f"cluster '{view.name}' has NetworkPolicies ({names}) but its CNI does not enforce "
                f"them ({wiring.policy_setting}): every pod stays reachable")))
    return found


def private_endpoint_without_authorized_networks(resources, ctx):
    """A GKE cluster with a private endpoint and no masterAuthorizedNetworksConfig (GKE rejects
    it: master authorized networks must be enabled if the private endpoint is)."""
    graph = StackGraph(resources)
    gke = [(view, wiring) for view, wiring in graph.clusters.values() if wiring.cloud == gcp_facts.CLOUD]
    if not gke:
        return NotApplicable("no GKE cluster")
    return [Violation(view.urn, f"cluster '{view.name}' sets privateClusterConfig.enablePrivateEndpoint "
                                "but no masterAuthorizedNetworksConfig: GKE rejects the cluster")
            for view, wiring in gke if wiring.private_endpoint and not wiring.authorized_networks]


CHECKS = (
    Check("WIRE-NET-001", "wiring", "NetworkPolicies are enforced by the cluster's CNI",
          "A cluster with NetworkPolicies enforces them: EKS's vpc-cni add-on sets "
          "enableNetworkPolicy in configurationValues (off by default), GKE uses Dataplane V2 or "
          "networkPolicy.enabled, AKS sets networkProfile.networkPolicy (azure, calico, cilium); or "
          "a policy engine (Calico, Cilium) is installed by Helm. Otherwise the policies are ignored.",
          "high", "mandatory",
          "Turn on the CNI's network policy enforcement (EKS: vpc-cni configurationValues "
          "{\"enableNetworkPolicy\": \"true\"}).",
          unenforced_network_policies, scope="stack",
          url="https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html"),
    Check("WIRE-NET-002", "wiring", "GKE private endpoint has master authorized networks",
          "A GKE cluster whose API endpoint is private (privateClusterConfig.enablePrivateEndpoint) "
          "declares masterAuthorizedNetworksConfig; GKE refuses to create it otherwise.",
          "high", "mandatory",
          "Add masterAuthorizedNetworksConfig (with the CIDRs that may reach the API, or none).",
          private_endpoint_without_authorized_networks, scope="stack",
          url="https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks"),
    Check("WIRE-NET-003", "wiring", "Storage firewalls let in the pods that read them",
          "An Azure storage account that denies by default (networkRuleSet.defaultAction Deny) lets "
          "in the node subnet of every AKS cluster whose pods read it (a role assignment on the "
          "account or its containers for the cluster's kubelet identity or a workload identity "
          "federated with the cluster, or a pod that names the account), by a virtual network rule "
          "or a private endpoint.", "high", "mandatory",
          "Add the AKS node subnet to the account's networkRuleSet.virtualNetworkRules (it needs the "
          "Microsoft.Storage service endpoint), or give the account a private endpoint.",
          storage_firewall_denies_pods, scope="stack",
          url="https://learn.microsoft.com/azure/storage/common/storage-network-security"),
)
"""The network checks of the wiring pack."""
