"""ObjectStore on Azure: the inputs the mock runtime received, by type token and camelCase name."""

from __future__ import annotations

import re

import pytest

from aiscale.azure import naming
from aiscale.preview.fake_cloud import AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID

from .helpers import BLOB_CONTAINER, STORAGE_ACCOUNT, STORE, store_program

VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
ROLE = "azure-native:authorization:RoleAssignment"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
POLICY = "azure-native:storage:ManagementPolicy"
CONFIG = {"azure-native:location": "eastus"}


@pytest.fixture
def azure(preview):
    """``azure(**overrides)``: preview one Azure ObjectStore."""
    return lambda **overrides: preview(store_program("azure", **overrides), config=CONFIG)


def test_account_is_locked_down(azure):
    inputs = azure().one(STORAGE_ACCOUNT).inputs
    assert inputs["accountName"] == naming.azure_storage_account_name("acme-ml", "dev", "models")
    assert re.fullmatch(r"[a-z0-9]{3,24}", inputs["accountName"])
    assert inputs["kind"] == "StorageV2"
    assert inputs["allowBlobPublicAccess"] is False
    assert inputs["allowSharedKeyAccess"] is False
    assert inputs["minimumTlsVersion"] == "TLS1_2"
    assert inputs["enableHttpsTrafficOnly"] is True
    assert inputs["networkRuleSet"]["defaultAction"] == "Deny"
    assert inputs["encryption"]["requireInfrastructureEncryption"] is True
    assert inputs["tags"]["cost-center"] == "cc-1234"


@pytest.mark.parametrize("environment,sku", [("dev", "Standard_LRS"), ("prod", "Standard_ZRS")])
def test_sku_by_environment(azure, environment, sku):
    assert azure(environment=environment).one(STORAGE_ACCOUNT).inputs["sku"] == {"name": sku}


def test_customer_managed_key_wiring(azure):
    result = azure()
    account, vault, key = result.one(STORAGE_ACCOUNT), result.one(VAULT), result.one(KEY)
    identity = result.one(IDENTITY)
    encryption = account.inputs["encryption"]
    assert encryption["keySource"] == "Microsoft.Keyvault"
    assert encryption["keyVaultProperties"]["keyName"] == key.inputs["keyName"]
    assert encryption["keyVaultProperties"]["keyVaultUri"] == vault.outputs["properties"]["vaultUri"]
    assert encryption["encryptionIdentity"]["encryptionUserAssignedIdentity"] == identity.id
    assert account.inputs["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [identity.id]}
    assert result.outputs["key_id"] == key.outputs["keyUri"]


def test_vault_and_key_settings(azure):
    result = azure()
    properties = result.one(VAULT).inputs["properties"]
    assert properties["tenantId"] == AZURE_TENANT_ID
    assert properties["enableRbacAuthorization"] is True
    assert properties["enablePurgeProtection"] is True
    assert properties["enableSoftDelete"] is True
    assert properties["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    vault_name = result.one(VAULT).inputs["vaultName"]
    assert vault_name == naming.azure_key_vault_name("acme-ml", "dev", "models")
    key = result.one(KEY).inputs["properties"]
    assert key["kty"] == "RSA" and key["keySize"] >= 2048
    actions = {a["action"]["type"] for a in key["rotationPolicy"]["lifetimeActions"]}
    assert "rotate" in actions


def test_identity_gets_the_crypto_role_on_the_vault(azure):
    result = azure()
    role = result.one(ROLE).inputs
    assert role["roleDefinitionId"] == (f"/subscriptions/{AZURE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/"
                                        "roleDefinitions/e36c3c87-5a64-4e6a-b4a0-e8a4cc5d3b94")
    assert role["principalId"] == result.one(IDENTITY).outputs["principalId"]
    assert role["principalType"] == "ServicePrincipal"
    assert role["scope"] == result.one(VAULT).id
    assert result.one(STORAGE_ACCOUNT).dependencies.count(result.one(ROLE).urn) == 1


def test_role_assignment_name_is_a_stable_guid(azure):
    first, second = azure().one(ROLE), azure().one(ROLE)
    name = first.inputs["roleAssignmentName"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", name)
    assert name == second.inputs["roleAssignmentName"]


def test_provider_managed_creates_no_key(azure):
    result = azure(encryption="provider-managed")
    for token in (VAULT, KEY, IDENTITY, ROLE):
        assert result.by_type(token) == [], token
    encryption = result.one(STORAGE_ACCOUNT).inputs["encryption"]
    assert encryption["keySource"] == "Microsoft.Storage"
    assert encryption["requireInfrastructureEncryption"] is True
    assert "identity" not in result.one(STORAGE_ACCOUNT).inputs
    assert result.outputs.get("key_id") is None


def test_container_is_private(azure):
    result = azure()
    container = result.one(BLOB_CONTAINER).inputs
    assert container["publicAccess"] == "None"
    assert container["containerName"] == "models"
    account = result.one(STORAGE_ACCOUNT).inputs["accountName"]
    assert result.outputs["bucket_name"] == "models"
    assert result.outputs["bucket_url"] == f"https://{account}.blob.core.windows.net/models"


@pytest.mark.parametrize("environment,days", [("dev", 7), ("staging", 7), ("prod", 30)])
def test_versioning_and_soft_delete(azure, environment, days):
    inputs = azure(environment=environment).one(BLOB_SERVICE).inputs
    assert inputs["isVersioningEnabled"] is True
    assert inputs["deleteRetentionPolicy"] == {"enabled": True, "days": days}
    assert inputs["containerDeleteRetentionPolicy"] == {"enabled": True, "days": days}


def _rules(result) -> dict:
    return {rule["name"]: rule for rule in result.one(POLICY).inputs["policy"]["rules"]}


def test_management_policy_tiers_and_expires(azure):
    rules = _rules(azure(lifecycle={"cool_after_days": 30, "archive_after_days": 90, "expire_after_days": 365}))
    base = rules["tiering-and-expiry"]["definition"]["actions"]["baseBlob"]
    assert base["tierToCool"] == {"daysAfterCreationGreaterThan": 30}
    assert base["tierToArchive"] == {"daysAfterCreationGreaterThan": 90}
    assert base["delete"] == {"daysAfterCreationGreaterThan": 365}
    assert rules["cleanup"]["definition"]["actions"]["version"] == {"delete": {"daysAfterCreationGreaterThan": 7}}


def test_archive_on_zone_redundant_prod_tiers_to_cold_with_a_warning(azure):
    result = azure(environment="prod", lifecycle={"archive_after_days": 90})
    base = _rules(result)["tiering-and-expiry"]["definition"]["actions"]["baseBlob"]
    assert "tierToArchive" not in base and base["tierToCold"] == {"daysAfterCreationGreaterThan": 90}
    assert any("tiers to Cold" in w for w in result.warnings)


def test_allowed_subnets_pass_the_firewall(azure):
    subnet = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    rules = azure(allowed_subnet_ids=[subnet]).one(STORAGE_ACCOUNT).inputs["networkRuleSet"]
    assert rules["virtualNetworkRules"] == [{"virtualNetworkResourceId": subnet, "action": "Allow"}]


@pytest.mark.parametrize("protect", [True, False])
def test_protect_and_retain_stateful_children(azure, protect):
    result = azure(protect=protect)
    for token in (STORAGE_ACCOUNT, BLOB_CONTAINER, VAULT, KEY):
        record = result.one(token)
        assert (record.protect, record.retain_on_delete) == (protect, protect), token
    assert result.one(POLICY).protect is False


def test_children_are_parented_and_names_stable(azure):
    first, second = azure(), azure()
    store = first.one(STORE)
    assert all(r.parent == store.urn for r in first.resources if r.custom)
    for token in (STORAGE_ACCOUNT, VAULT):
        assert first.one(token).inputs == second.one(token).inputs


def test_subnets_given_as_an_output_pass_the_firewall(preview):
    """AiPlatform passes its network's ``subnet_ids`` output; each id becomes one Allow rule."""
    import pulumi

    from aiscale.object_store import ObjectStore

    from .helpers import store_args

    subnets = ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
               "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/b"]

    def program() -> None:
        ObjectStore("models", store_args("azure", allowed_subnet_ids=pulumi.Output.from_input(subnets)))

    rules = preview(program, config=CONFIG).one(STORAGE_ACCOUNT).inputs["networkRuleSet"]
    assert rules["virtualNetworkRules"] == [{"virtualNetworkResourceId": s, "action": "Allow"} for s in subnets]
    assert rules["defaultAction"] == "Deny"
