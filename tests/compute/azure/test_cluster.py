"""The AKS builder: hardened cluster, KMS key, logs, identity roles, kubeconfig and add-ons."""

from __future__ import annotations

import base64

import pytest
import yaml

from aiscale.azure import _cluster_identity, _kubeconfig
from aiscale.azure.cluster import api_server_access, control_plane_network_scopes, log_categories
from aiscale.azure.network import AzureNetwork
from tests.compute.azure.helpers import SUBNET_ID, depends_on, platform_model

CLUSTER = "azure-native:containerservice:ManagedCluster"
ROLE = "azure-native:authorization:RoleAssignment"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"


@pytest.fixture(scope="module")
def private(preview):
    return preview(platform_model())


@pytest.fixture(scope="module")
def restricted_prod(preview):
    return preview(platform_model(
        environment="prod",
        kubernetes={"api_access": "restricted", "authorized_networks": ["203.0.113.0/24"]},
        network={"existing": {"azure": {"subnet_id": SUBNET_ID}}}))


def _cluster(result):
    return result.one(CLUSTER).inputs


def _roles(result):
    return {r.name.rsplit("-cluster-", 1)[1]: r for r in result.by_type(ROLE)}


def test_private_api_server_with_vnet_integration(private):
    access = _cluster(private)["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is True
    assert access["enablePrivateClusterPublicFQDN"] is False
    assert "authorizedIPRanges" not in access
    assert access["enableVnetIntegration"] is True
    assert depends_on(private.one(CLUSTER), "apiServerAccessProfile", "p-azure-network-apiserver")


def test_restricted_api_server_allows_only_the_authorized_networks(restricted_prod):
    access = _cluster(restricted_prod)["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is False
    assert access["authorizedIPRanges"] == ["203.0.113.0/24"]
    assert "enableVnetIntegration" not in access, "an existing network has no delegated API server subnet"


@pytest.mark.parametrize("field, expected", [
    ("enableRBAC", True),
    ("disableLocalAccounts", True),
    ("aadProfile", {"managed": True, "enableAzureRBAC": True}),
    ("oidcIssuerProfile", {"enabled": True}),
    ("autoUpgradeProfile", {"upgradeChannel": "stable", "nodeOSUpgradeChannel": "NodeImage"}),
    ("kubernetesVersion", "1.31"),
    ("resourceName", "acme-ml-dev-aks"),
    ("sku", {"name": "Base", "tier": "Free"}),
])
def test_hardened_cluster_settings(private, field, expected):
    assert _cluster(private)[field] == expected


def test_workload_identity_and_image_cleaner(private):
    security = _cluster(private)["securityProfile"]
    assert security["workloadIdentity"] == {"enabled": True}
    assert security["imageCleaner"]["enabled"] is True


def test_network_profile_overlay_calico_nat_egress(private):
    profile = _cluster(private)["networkProfile"]
    assert profile["networkPlugin"] == "azure"
    assert profile["networkPluginMode"] == "overlay"
    assert profile["networkPolicy"] == "calico"
    assert profile["outboundType"] == "userAssignedNATGateway"
    assert (profile["podCidr"], profile["serviceCidr"], profile["dnsServiceIP"]) == \
        ("10.244.0.0/16", "10.0.0.0/16", "10.0.0.10")


def test_existing_network_egress_through_the_load_balancer(restricted_prod):
    assert _cluster(restricted_prod)["networkProfile"]["outboundType"] == "loadBalancer"


def test_system_pool_is_small_cpu_autoscaled_and_private(private):
    (pool,) = _cluster(private)["agentPoolProfiles"]
    assert pool["mode"] == "System"
    assert pool["vmSize"] == "Standard_D4ds_v5"
    assert (pool["enableAutoScaling"], pool["minCount"], pool["maxCount"]) == (True, 1, 3)
    assert "count" not in pool, "the autoscaler owns the count"
    assert pool["enableEncryptionAtHost"] is True
    assert pool["enableNodePublicIP"] is False
    assert depends_on(private.one(CLUSTER), "agentPoolProfiles", "p-azure-network-nodes")


def test_user_assigned_control_plane_identity(private):
    identity = _cluster(private)["identity"]
    assert identity["type"] == "UserAssigned"
    assert depends_on(private.one(CLUSTER), "identity", "p-azure-cluster-identity")


@pytest.mark.parametrize("fixture, access", [("private", "Private"), ("restricted_prod", "Public")])
def test_secrets_encrypted_with_the_key_vault_key(request, fixture, access):
    result = request.getfixturevalue(fixture)
    kms = _cluster(result)["securityProfile"]["azureKeyVaultKms"]
    assert kms["enabled"] is True
    assert kms["keyId"] == result.one(KEY, "kms-key").outputs["keyUriWithVersion"]
    assert kms["keyVaultNetworkAccess"] == access
    assert ("keyVaultResourceId" in kms) is (access == "Private")


@pytest.mark.parametrize("fixture, public_access, default_action", [
    ("private", "Disabled", "Deny"),
    ("restricted_prod", "Enabled", "Allow"),
])
def test_kms_vault_network_follows_the_vault_mode(request, fixture, public_access, default_action):
    properties = request.getfixturevalue(fixture).one(VAULT).inputs["properties"]
    assert properties["publicNetworkAccess"] == public_access
    assert properties["networkAcls"]["defaultAction"] == default_action
    assert properties["enableRbacAuthorization"] is True
    assert properties["enablePurgeProtection"] is True


def test_kms_key_rotates_and_never_expires(private):
    properties = private.one(KEY, "kms-key").inputs["properties"]
    assert properties["kty"] == "RSA"
    assert properties["rotationPolicy"]["lifetimeActions"] == [
        {"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}}]
    assert "attributes" not in properties["rotationPolicy"], "an expiring pinned version would break KMS"


@pytest.mark.parametrize("fixture, protected", [("private", False), ("restricted_prod", True)])
def test_stateful_children_protected_in_prod(request, fixture, protected):
    result = request.getfixturevalue(fixture)
    for token in (VAULT, KEY, "azure-native:operationalinsights:Workspace"):
        assert result.by_type(token), token
        for record in result.by_type(token):
            assert (record.protect, record.retain_on_delete) == (protected, protected), token
    assert result.one(CLUSTER).protect is protected


def test_control_plane_roles_granted_before_the_cluster(private):
    roles = _roles(private)
    expected = {
        "vnet-network": _cluster_identity.NETWORK_CONTRIBUTOR,
        "kms-crypto": _cluster_identity.KEY_VAULT_CRYPTO_USER,
        "kms-private-link": _cluster_identity.KEY_VAULT_CONTRIBUTOR,
    }
    cluster_dependencies = private.one(CLUSTER).dependencies
    for key, role in expected.items():
        assert roles[key].inputs["roleDefinitionId"].endswith(f"/roleDefinitions/{role}"), key
        assert roles[key].inputs["principalType"] == "ServicePrincipal"
        assert roles[key].urn in cluster_dependencies, f"{key} must exist before the cluster"
    assert depends_on(roles["vnet-network"], "scope", "p-azure-network-vnet")
    assert depends_on(roles["kms-crypto"], "scope", "p-azure-cluster-kms-vault")


def test_existing_network_grants_only_its_subnet_and_no_private_link_role(restricted_prod):
    roles = _roles(restricted_prod)
    assert roles["nodes-network"].inputs["scope"] == SUBNET_ID
    assert "vnet-network" not in roles and "kms-private-link" not in roles


@pytest.mark.parametrize("own_network, api_access, expected, reason", [
    (True, "private", {"vnet": "vnet-id"}, "our VNet holds only platform subnets"),
    (True, "restricted", {"vnet": "vnet-id"}, "our VNet, whatever the API access"),
    (False, "private", {"vnet": "vnet-id"}, "the private DNS zone link needs the VNet"),
    (False, "restricted", {"nodes": "subnet-id"}, "least privilege on a shared network"),
])
def test_control_plane_network_scopes(own_network, api_access, expected, reason):
    network = AzureNetwork(network_id="vnet-id", subnet_ids=["subnet-id"], nodes_subnet_id="subnet-id",
                           outbound_type="loadBalancer")
    assert control_plane_network_scopes(network, api_access, own_network) == expected, reason


def test_deployer_gets_cluster_admin_to_install_add_ons(private):
    admin = _roles(private)["deployer-admin"]
    assert admin.inputs["roleDefinitionId"].endswith(_cluster_identity.AKS_RBAC_CLUSTER_ADMIN)
    assert depends_on(admin, "scope", "p-azure-cluster-aks")


def test_role_assignment_names_are_stable_guids(private, preview):
    again = {r.name: r.inputs["roleAssignmentName"] for r in preview(platform_model()).by_type(ROLE)}
    first = {r.name: r.inputs["roleAssignmentName"] for r in private.by_type(ROLE)}
    assert first == again
    assert len(set(first.values())) == len(first)


@pytest.mark.parametrize("fixture, audit", [("private", "kube-audit-admin"), ("restricted_prod", "kube-audit")])
def test_control_plane_logs_go_to_log_analytics(request, fixture, audit):
    result = request.getfixturevalue(fixture)
    setting = result.one("azure-native:monitor:DiagnosticSetting")
    categories = {log["category"] for log in setting.inputs["logs"] if log["enabled"]}
    assert {"kube-apiserver", audit, "kube-controller-manager", "kube-scheduler", "guard"} <= categories
    assert depends_on(setting, "resourceUri", "p-azure-cluster-aks")
    assert depends_on(setting, "workspaceId", "p-azure-cluster-logs")
    assert setting.inputs["logAnalyticsDestinationType"] == "Dedicated"


def test_log_categories_by_environment():
    assert "kube-audit" in log_categories("prod") and "kube-audit-admin" not in log_categories("prod")
    assert "kube-audit-admin" in log_categories("dev") and "kube-audit" not in log_categories("dev")


def test_kubeconfig_is_valid_yaml_with_non_interactive_entra_login(private):
    config = yaml.safe_load(private.outputs["kubeconfig"])
    assert config["current-context"] == "acme-ml-dev-aks"
    assert config["clusters"][0]["cluster"]["server"].startswith("https://acme-ml-dev-aks.")
    exec_ = config["users"][0]["user"]["exec"]
    assert exec_["command"] == "kubelogin"
    assert exec_["args"][:3] == ["get-token", "--login", "azurecli"]
    assert private.outputs["cluster_name"] == "acme-ml-dev-aks"


def test_cluster_extras_for_pools_and_endpoints(private):
    assert private.outputs["oidc_issuer_url"].startswith("https://")
    assert private.outputs["kubelet_identity"]["object_id"]


def test_device_plugin_installed_through_the_cluster_provider(private):
    provider = private.one("pulumi:providers:kubernetes")
    release = private.one("kubernetes:helm.sh/v3:Release")
    assert release.inputs["chart"] == "nvidia-device-plugin"
    assert release.provider.startswith(provider.urn)
    admin = _roles(private)["deployer-admin"]
    assert admin.urn in provider.dependencies, "the provider waits for the deployer's cluster role"


def test_kubeconfig_takes_server_and_ca_from_the_credentials():
    issued = yaml.safe_dump({"clusters": [{"name": "c", "cluster": {
        "server": "https://c.privatelink.eastus.azmk8s.io:443", "certificate-authority-data": "Q0E="}}],
        "users": [{"name": "u", "user": {"exec": {"args": ["--login", "devicecode"]}}}]})
    credentials = [{"name": "clusterUser", "value": base64.b64encode(issued.encode()).decode()}]
    config = yaml.safe_load(_kubeconfig.build("c", "ignored.example", credentials))
    assert config["clusters"][0]["cluster"] == {"server": "https://c.privatelink.eastus.azmk8s.io:443",
                                                "certificate-authority-data": "Q0E="}
    assert "devicecode" not in config["users"][0]["user"]["exec"]["args"]


@pytest.mark.parametrize("credentials, reason", [
    (None, "the offline fake cloud answers with nothing"),
    ([], "no credentials"),
    ([{"name": "clusterUser", "value": ""}], "an empty credential"),
])
def test_kubeconfig_falls_back_to_the_fqdn(credentials, reason):
    config = yaml.safe_load(_kubeconfig.build("c", "c.hcp.eastus.azmk8s.io", credentials))
    assert config["clusters"][0]["cluster"] == {"server": "https://c.hcp.eastus.azmk8s.io:443"}, reason


def test_kubeconfig_without_credentials_or_fqdn_is_an_error():
    with pytest.raises(ValueError, match="cluster c: neither user credentials nor an FQDN"):
        _kubeconfig.build("c", None, None)


@pytest.mark.parametrize("api_access, networks, message", [
    ("public", [], r"api_access: got 'public'; valid: private, restricted"),
    ("restricted", [], r"authorized_networks: got \[\]"),
])
def test_api_server_access_rejects_invalid_access(api_access, networks, message):
    with pytest.raises(ValueError, match=message):
        api_server_access(api_access, networks, None)
