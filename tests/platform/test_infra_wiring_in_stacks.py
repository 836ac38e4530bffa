"""Issue 13 at the stack level: what makes the clusters and buckets of the dev and prod stacks
work together (EKS storage and NetworkPolicy enforcement, GKE authorized networks, the Azure
storage firewall letting in the AKS nodes)."""

from __future__ import annotations

import json

import pytest

EKS_ADDON = "aws:eks/addon:Addon"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"


@pytest.fixture(params=["dev", "prod"])
def stack(request):
    return request.getfixturevalue(request.param)


def test_eks_has_the_ebs_csi_driver_and_an_encrypted_default_storage_class(stack):
    addons = {a.inputs["addonName"]: a for a in stack.by_type(EKS_ADDON)}
    assert "aws-ebs-csi-driver" in addons
    assert addons["aws-ebs-csi-driver"].inputs["serviceAccountRoleArn"]
    defaults = [s for s in stack.by_type(STORAGE_CLASS)
                if s.inputs["metadata"].get("annotations", {}).get(DEFAULT_CLASS) == "true"]
    assert [(s.inputs["provisioner"], s.inputs["parameters"]["type"], s.inputs["parameters"]["encrypted"])
            for s in defaults] == [("ebs.csi.aws.com", "gp3", "true")]


def test_eks_vpc_cni_enforces_network_policies(stack):
    (cni,) = [a for a in stack.by_type(EKS_ADDON) if a.inputs["addonName"] == "vpc-cni"]
    assert json.loads(cni.inputs["configurationValues"])["enableNetworkPolicy"] == "true"


def test_a_private_gke_endpoint_has_authorized_networks(stack):
    for cluster in stack.by_type("gcp:container/cluster:Cluster"):
        if cluster.inputs["privateClusterConfig"]["enablePrivateEndpoint"]:
            blocks = cluster.inputs["masterAuthorizedNetworksConfig"]["cidrBlocks"]
            assert [b["displayName"] for b in blocks] == ["platform-network"]


def test_azure_storage_accounts_admit_the_aks_node_subnet(dev):
    (nodes,) = [s for s in dev.by_type("azure-native:network:Subnet") if s.inputs["subnetName"] == "nodes"]
    assert {"service": "Microsoft.Storage"} in nodes.inputs["serviceEndpoints"]
    (cluster,) = dev.by_type("azure-native:containerservice:ManagedCluster")
    node_subnets = {p["vnetSubnetID"] for p in cluster.inputs["agentPoolProfiles"]}
    assert node_subnets == {nodes.id}
    accounts = dev.by_type("azure-native:storage:StorageAccount")
    assert accounts
    for account in accounts:
        rules = account.inputs["networkRuleSet"]
        assert rules["defaultAction"] == "Deny"
        assert rules["virtualNetworkRules"] == [{"virtualNetworkResourceId": nodes.id,
                                                 "action": "Allow"}], account.name
        assert nodes.urn in account.dependencies


def test_the_metrics_stack_waits_for_the_volume_provisioner_on_eks(stack):
    """kube-prometheus-stack asks for a persistent volume: on EKS its release waits for the EBS
    CSI add-on and the default StorageClass, so the claim never meets a cluster without them."""
    (driver,) = [a for a in stack.by_type(EKS_ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"]
    (default_class,) = [s for s in stack.by_type(STORAGE_CLASS)
                        if s.inputs["metadata"].get("annotations", {}).get(DEFAULT_CLASS) == "true"]
    (release,) = [r for r in stack.by_type("kubernetes:helm.sh/v3:Release")
                  if r.name.endswith("kube-prometheus-stack") and "aws" in r.name]
    assert {driver.urn, default_class.urn} <= set(release.dependencies)
