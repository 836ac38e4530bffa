"""GCP KubernetesCluster builder: a hardened regional GKE cluster, its key, identity and system pool."""

from __future__ import annotations

import pytest

from aiscale.gcp import cluster as gke
from aiscale.gcp._node_defaults import GKE_NODE_ROLES, NODE_OAUTH_SCOPES
from aiscale.preview.fake_cloud import GCP_PROJECT_NUMBER

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"


def _cluster(scope, platform, declare):
    return declare.cluster(scope, platform)


@pytest.fixture
def private(gcp_stack, declare):
    return gcp_stack(lambda scope, platform: _cluster(scope, platform, declare))


def test_cluster_is_regional_without_its_default_pool(private):
    cluster = private.one(CLUSTER).inputs
    assert cluster["location"] == "us-central1"
    assert cluster["name"] == "acme-ml-dev"
    assert cluster["removeDefaultNodePool"] is True
    assert cluster["initialNodeCount"] == 1
    assert "nodeLocations" not in cluster


def test_private_api_has_private_nodes_and_only_a_private_endpoint(private):
    cluster = private.one(CLUSTER).inputs
    assert cluster["privateClusterConfig"]["enablePrivateNodes"] is True
    assert cluster["privateClusterConfig"]["enablePrivateEndpoint"] is True


def test_private_endpoint_always_has_authorized_networks_listing_the_platform_network(private):
    """GKE refuses enablePrivateEndpoint without master authorized networks; the provider sends
    them disabled when the block is absent, so the block is always there."""
    authorized = private.one(CLUSTER).inputs["masterAuthorizedNetworksConfig"]
    from aiscale.model.sections import NetworkSettings

    network_cidr = NetworkSettings().cidr
    assert authorized["cidrBlocks"] == [{"cidrBlock": network_cidr, "displayName": "platform-network"}]
    assert authorized["gcpPublicCidrsAccessEnabled"] is False


def test_private_endpoint_on_an_existing_network_still_enables_authorized_networks():
    access = gke.endpoint_access("private", [], ())
    assert access["master_authorized_networks_config"] == {"cidr_blocks": [],
                                                           "gcp_public_cidrs_access_enabled": False}


def test_restricted_api_is_public_but_limited_to_the_authorized_networks(gcp_stack, declare):
    result = gcp_stack(lambda scope, platform: _cluster(scope, platform, declare),
                       kubernetes={"api_access": "restricted",
                                   "authorized_networks": ["203.0.113.0/24", "198.51.100.7/32"]})
    cluster = result.one(CLUSTER).inputs
    assert cluster["privateClusterConfig"] == {"enablePrivateNodes": True, "enablePrivateEndpoint": False}
    authorized = cluster["masterAuthorizedNetworksConfig"]
    assert [b["cidrBlock"] for b in authorized["cidrBlocks"]] == ["203.0.113.0/24", "198.51.100.7/32"]
    assert authorized["gcpPublicCidrsAccessEnabled"] is False


@pytest.mark.parametrize("api_access, networks, message", [
    ("restricted", [], "at least one CIDR"),
    ("public", [], "valid: private, restricted"),
])
def test_invalid_api_access_is_an_error_naming_the_field(api_access, networks, message):
    with pytest.raises(ValueError, match=message):
        gke.endpoint_access(api_access, networks)


@pytest.mark.parametrize("path, expected, reason", [
    (("workloadIdentityConfig", "workloadPool"), "acme-ml-dev.svc.id.goog", "workload identity"),
    (("releaseChannel", "channel"), "REGULAR", "managed upgrades"),
    (("datapathProvider",), "ADVANCED_DATAPATH", "Dataplane V2 enforces network policy"),
    (("enableShieldedNodes",), True, "shielded nodes"),
    (("enableLegacyAbac",), False, "RBAC only"),
    (("masterAuth", "clientCertificateConfig", "issueClientCertificate"), False, "no static credential"),
    (("databaseEncryption", "state"), "ENCRYPTED", "secrets encrypted with Cloud KMS"),
    (("deletionProtection",), False, "dev clusters can be deleted"),
    (("minMasterVersion",), "1.31", "the model's version"),
    (("networkingMode",), "VPC_NATIVE", "alias IPs"),
    (("ipAllocationPolicy", "clusterSecondaryRangeName"), "pods", "the network's pod range"),
    (("ipAllocationPolicy", "servicesSecondaryRangeName"), "services", "the network's service range"),
    (("resourceLabels",), {"team": "ml-platform", "cost-center": "cc-1234"}, "cost labels"),
    (("monitoringConfig", "enableComponents"), ["SYSTEM_COMPONENTS", "DCGM"], "GPU metrics"),
])
def test_cluster_hardening_defaults(private, path, expected, reason):
    value = private.one(CLUSTER).inputs
    for key in path:
        value = value[key]
    assert value == expected, reason


def test_control_plane_and_workload_logs_are_collected(private):
    components = private.one(CLUSTER).inputs["loggingConfig"]["enableComponents"]
    assert {"SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"} <= set(components)


def test_secrets_key_is_rotated_and_the_gke_service_agent_may_use_it(private):
    key = private.one("gcp:kms/cryptoKey:CryptoKey")
    assert key.inputs["rotationPeriod"] == "7776000s"
    assert private.one(CLUSTER).inputs["databaseEncryption"]["keyName"] == key.id
    grant = private.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").inputs
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant["member"] == (f"serviceAccount:service-{GCP_PROJECT_NUMBER}"
                               "@container-engine-robot.iam.gserviceaccount.com")
    assert grant["cryptoKeyId"] == key.id


def test_cluster_waits_for_the_key_grant_and_node_roles(private):
    cluster = private.one(CLUSTER)
    grant = private.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    members = private.by_type("gcp:projects/iAMMember:IAMMember")
    assert {grant.urn, *(m.urn for m in members)} <= set(cluster.dependencies)


@pytest.mark.parametrize("environment, protected", [("dev", False), ("prod", True)])
def test_key_and_cluster_are_protected_in_prod_only(gcp_stack, declare, environment, protected):
    result = gcp_stack(lambda scope, platform: _cluster(scope, platform, declare), environment=environment)
    for token in ("gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey"):
        record = result.one(token)
        assert (record.protect, record.retain_on_delete) == (protected, protected), token
    cluster = result.one(CLUSTER)
    assert cluster.protect is protected
    assert cluster.inputs["deletionProtection"] is protected


def test_node_service_account_has_only_the_node_roles(private):
    account = private.one("gcp:serviceaccount/account:Account")
    assert account.inputs["accountId"] == "acme-ml-dev-gke-nodes"
    members = private.by_type("gcp:projects/iAMMember:IAMMember")
    assert sorted(m.inputs["role"] for m in members) == sorted(GKE_NODE_ROLES)
    email = account.outputs["email"]
    assert {m.inputs["member"] for m in members} == {f"serviceAccount:{email}"}


def test_system_pool_is_small_cpu_autoscaled_and_uses_the_node_account(private):
    pool = private.one(NODE_POOL, "system").inputs
    email = private.one("gcp:serviceaccount/account:Account").outputs["email"]
    assert pool["name"] == "system"
    assert pool["nodeConfig"]["machineType"] == "e2-standard-4"
    assert "guestAccelerators" not in pool["nodeConfig"]
    assert pool["nodeConfig"]["serviceAccount"] == email
    assert pool["nodeConfig"]["oauthScopes"] == list(NODE_OAUTH_SCOPES)
    assert pool["nodeConfig"]["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    assert pool["autoscaling"] == {"totalMinNodeCount": 1, "totalMaxNodeCount": 3, "locationPolicy": "BALANCED"}
    assert pool["management"] == {"autoRepair": True, "autoUpgrade": True}


def test_default_pool_runs_as_the_node_account_too(private):
    config = private.one(CLUSTER).inputs["nodeConfig"]
    assert config["serviceAccount"] == private.one("gcp:serviceaccount/account:Account").outputs["email"]
    assert "https://www.googleapis.com/auth/cloud-platform" not in config["oauthScopes"]


def test_prod_system_pool_keeps_a_node_in_every_zone(gcp_stack, declare):
    result = gcp_stack(lambda scope, platform: _cluster(scope, platform, declare), environment="prod")
    assert result.one(NODE_POOL, "system").inputs["autoscaling"]["minNodeCount"] == 1


def test_existing_network_lets_gke_manage_the_secondary_ranges(gcp_stack, declare):
    result = gcp_stack(lambda scope, platform: _cluster(scope, platform, declare),
                       network={"existing": {"gcp": declare.existing_network}})
    cluster = result.one(CLUSTER).inputs
    assert cluster["network"] == declare.existing_network["network"]
    assert cluster["subnetwork"] == declare.existing_network["subnetwork"]
    assert cluster["ipAllocationPolicy"] == {"stackType": "IPV4"}


def test_kubeconfig_uses_the_auth_plugin_and_the_provider_gets_it(gcp_stack, declare):
    seen = {}

    def body(scope, platform):
        cluster = _cluster(scope, platform, declare)
        cluster.kubeconfig.apply(lambda text: seen.setdefault("kubeconfig", text))

    result = gcp_stack(body)
    import yaml  # noqa: PLC0415 - only this test parses YAML

    config = yaml.safe_load(seen["kubeconfig"])
    assert config["current-context"] == "gke_acme-ml-dev_us-central1_acme-ml-dev"
    assert config["clusters"][0]["cluster"]["server"] == "https://10.0.0.2"
    assert config["clusters"][0]["cluster"]["certificate-authority-data"]
    assert config["users"][0]["user"]["exec"]["command"] == "gke-gcloud-auth-plugin"
    provider = result.one("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == seen["kubeconfig"]
    assert result.one(NODE_POOL, "system").urn in provider.dependencies


def test_builder_returns_the_extras_node_pools_need(gcp_stack, declare):
    seen = {}
    gcp_stack(lambda scope, platform: seen.setdefault("details", _cluster(scope, platform, declare).details))
    assert {"cluster", "location", "node_service_account_email", "workload_pool",
            "node_identity_grants"} <= set(seen["details"])
    assert seen["details"]["location"] == "us-central1"
    assert seen["details"]["workload_pool"] == "acme-ml-dev.svc.id.goog"


def test_monitoring_skips_gpu_metrics_on_old_versions():
    assert gke.monitoring("1.29")["enable_components"] == ["SYSTEM_COMPONENTS"]
    with pytest.raises(ValueError, match="kubernetes.version: got 'latest'"):
        gke.monitoring("latest")
