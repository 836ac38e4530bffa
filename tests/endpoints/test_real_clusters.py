"""The kubernetes runtime on each cloud's real KubernetesCluster (not the stand-in): the pod
identity binds to the cluster's own OIDC issuer / workload pool and every Kubernetes resource
goes through the cluster's provider."""

from __future__ import annotations

import pytest

from .helpers import DEPLOYMENT, SERVICE_ACCOUNT, policy

SUBJECT = "system:serviceaccount:aiscale-chat:chat"


@pytest.fixture(scope="module")
def real(endpoint_preview):
    return lambda cloud: endpoint_preview(cloud, real=True)


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_workloads_use_the_cluster_provider(real, cloud):
    result = real(cloud)
    provider = result.one("pulumi:providers:kubernetes")
    workloads = [r for r in result.resources if r.type.startswith("kubernetes:")
                 and r.parent == result.one("aiscale:index:ModelEndpoint").urn]
    assert len(workloads) == 7
    assert all(r.provider and r.provider.startswith(provider.urn) for r in workloads)
    assert result.outputs["url"] == "http://chat.aiscale-chat.svc.cluster.local:8000"
    assert result.one(DEPLOYMENT, "chat").inputs["spec"]["template"]["spec"]["serviceAccountName"] == "chat"


def test_aws_role_trusts_the_clusters_oidc_provider(real):
    result = real("aws")
    provider = result.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    (statement,) = policy(result.one("aws:iam/role:Role", "pod-role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"]["Federated"] == provider.outputs["arn"]
    issuer = provider.inputs["url"].removeprefix("https://")
    assert statement["Condition"]["StringEquals"][f"{issuer}:sub"] == SUBJECT


def test_azure_credential_trusts_the_clusters_issuer(real):
    result = real("azure")
    cluster = result.one("azure-native:containerservice:ManagedCluster")
    credential = result.one("azure-native:managedidentity:FederatedIdentityCredential").inputs
    assert credential["issuer"] == cluster.outputs["oidcIssuerProfile"]["issuerURL"]
    assert credential["subject"] == SUBJECT


def test_gcp_binding_names_the_clusters_workload_pool(real):
    result = real("gcp")
    pool = result.one("gcp:container/cluster:Cluster").inputs["workloadIdentityConfig"]["workloadPool"]
    binding = result.one("gcp:serviceaccount/iAMMember:IAMMember", "workload-identity").inputs
    assert binding["member"] == f"serviceAccount:{pool}[aiscale-chat/chat]"
    annotations = result.one(SERVICE_ACCOUNT, "chat").inputs["metadata"]["annotations"]
    assert annotations["iam.gke.io/gcp-service-account"].endswith(".iam.gserviceaccount.com")
