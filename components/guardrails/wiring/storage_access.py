"""Can these pods reach that bucket? An Azure storage account that denies by default against
the node subnets of the AKS clusters whose pods read it."""

from __future__ import annotations

from aiscale.facts import cloud_wiring, tokens
from aiscale.facts import azure as azure_facts
from aiscale.facts.references import within
from aiscale.facts.values import UnknownValue, known_str

from ..registry import NotApplicable, Violation
from .graph import K8S_WORKLOADS, StackGraph


def _account_refs(graph: StackGraph, view) -> set[str]:
    """The account's URN and the URNs of its blob containers."""
    return {view.urn} | {container.urn for container in
                          graph.pointing_at(view, "accountName", tokens.AZURE_STORAGE_BLOB_CONTAINER)}


def _federated_clusters(graph: StackGraph, identity_urn: str) -> set[str]:
    """Clusters whose OIDC issuer a federated credential of the identity trusts."""
    identity = [graph.get(identity_urn)]
    clusters = [view for view, _ in graph.clusters.values()]
    found = set()
    for credential in graph.of_type(tokens.AZURE_MANAGEDIDENTITY_FEDERATED_IDENTITY_CREDENTIAL):
        if graph.linked(credential, "resourceName", among=identity) or graph.source(credential, among=identity):
            issuer = graph.linked(credential, "issuer", among=clusters)
            if issuer is not None:
                found.add(issuer.urn)
    return found


def readers(graph: StackGraph, view, account: str) -> set[str]:
    """URNs of the AKS clusters whose pods read the account: by a role assignment on it (or one
    of its containers) for the cluster's own identity or an identity federated with it, or by a
    pod on the cluster that names the account's endpoint."""
    refs = _account_refs(graph, view)
    found: set[str] = set()
    for assignment in graph.of_type(tokens.AZURE_AUTHORIZATION_ROLE_ASSIGNMENT):
        scope_deps = set(graph.node(assignment).came_from("scope"))
        if not (scope_deps & refs or within(assignment.props.get("scope"), view)):
            continue
        for principal in graph.node(assignment).came_from("principalId"):
            if principal in graph.clusters:
                found.add(principal)
            elif principal in {i.urn for i in graph.of_type(tokens.AZURE_MANAGEDIDENTITY_USER_ASSIGNED_IDENTITY)}:
                found |= _federated_clusters(graph, principal)
    for workload in graph.of_type(*K8S_WORKLOADS):
        if account and f"{account}.blob.core." in str(workload.props.get("spec", "")).lower():
            cluster = graph.cluster_urn(workload)
            if cluster is not None:
                found.add(cluster)
    return {urn for urn in found if graph.clusters[urn][1].cloud == azure_facts.CLOUD}


def _node_subnets(graph: StackGraph, cluster_urn: str) -> tuple[set[str], set[str]]:
    """(subnet ids, subnet URNs) the cluster's nodes run in."""
    view, wiring = graph.clusters[cluster_urn]
    ids = {s.lower() for s in wiring.node_subnets}
    urns = set(graph.node(view).came_from("agentPoolProfiles"))
    for pool in graph.of_type(tokens.AZURE_CONTAINERSERVICE_AGENT_POOL):
        if graph.owner(pool, "resourceName") == cluster_urn:
            subnet = known_str(pool.props.get("vnetSubnetID"))
            if subnet:
                ids.add(subnet.lower())
            urns |= set(graph.node(pool).came_from("vnetSubnetID"))
    subnets = {subnet.urn for subnet in graph.of_type(tokens.AZURE_NETWORK_SUBNET)}
    return ids, urns & subnets


def _private_endpoint(graph: StackGraph, view) -> bool:
    for endpoint in graph.of_type(tokens.AZURE_NETWORK_PRIVATE_ENDPOINT):
        if view.urn in graph.node(endpoint).came_from("privateLinkServiceConnections"):
            return True
        for connection in endpoint.props.get("privateLinkServiceConnections") or []:
            target = known_str(connection.get("privateLinkServiceId")) if isinstance(connection, dict) else None
            if within(target, view):
                return True
    return False


def storage_firewall_denies_pods(resources, ctx):
    """Storage accounts that deny by default and let in neither the node subnet of an AKS
    cluster whose pods read them nor a private endpoint."""
    graph = StackGraph(resources)
    found, checked = [], 0
    for view in graph.of_type(tokens.AZURE_STORAGE_STORAGE_ACCOUNT):
        try:
            firewall = cloud_wiring.storage_firewall(view.props)
        except UnknownValue:
            continue
        account = firewall.account_name.lower()
        if not firewall.denies_by_default:
            continue
        for cluster in sorted(readers(graph, view, account)):
            checked += 1
            if _private_endpoint(graph, view):
                continue
            ids, urns = _node_subnets(graph, cluster)
            rule_urns = set(graph.node(view).came_from("networkRuleSet"))
            if not firewall.public_network_disabled and (ids & set(firewall.allowed_subnets) or urns & rule_urns):
                continue
            name = graph.clusters[cluster][0].name
            found.append(Violation(view.urn, (
                f"storage account '{view.name}' denies by default and lets in neither the node subnet of "
                f"AKS cluster '{name}', whose pods read it, nor a private endpoint: the pods get 403")))
    return found if checked else NotApplicable("no firewalled storage account read by AKS pods")
