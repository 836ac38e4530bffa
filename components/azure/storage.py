"""The Azure builder of ``ObjectStore``: a locked-down storage account with one container.

Customer-managed encryption declares a Key Vault (RBAC, soft delete, purge protection, firewall
on), an RSA key with a rotation policy, a user-assigned identity and its "Key Vault Crypto
Service Encryption User" role on the vault; the storage account then encrypts with that key.
The account refuses anonymous and shared-key access, requires TLS 1.2 and HTTPS, adds
infrastructure (double) encryption and denies network access by default (trusted Azure services
and the ``allowed_subnet_ids`` pass: in a platform, the AKS nodes and VM scale sets subnet). Blob versioning, soft delete and a management policy
(tiering, expiry, old-version cleanup) complete it.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.keyvault as keyvault
import pulumi_azure_native.managedidentity as managedidentity
import pulumi_azure_native.storage as storage

from aiscale.azure import naming
from aiscale.store_spec import BuiltStore, StoreSpec

CRYPTO_SERVICE_ENCRYPTION_USER = "e36c3c87-5a64-4e6a-b4a0-e8a4cc5d3b94"
"""Built-in role "Key Vault Crypto Service Encryption User": wrap and unwrap with a key."""
ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("4f1b6d2a-9c3e-4d8b-a7f0-6a2e5c1b9d30")
"""Namespace for deterministic role-assignment names (a GUID is required; uuid5 keeps it stable)."""
SKU_BY_ENVIRONMENT = {"prod": "Standard_ZRS"}
"""Zone-redundant storage in prod."""
DEFAULT_SKU = "Standard_LRS"
"""Locally redundant storage everywhere else."""
ARCHIVE_UNSUPPORTED_SKUS = {"Standard_ZRS": "the Archive tier is not available on zone-redundant accounts"}
"""SKUs where ``archive_after_days`` tiers to Cold instead of Archive, and why."""
VAULT_SOFT_DELETE_DAYS = {"prod": 90}
"""Days a deleted vault (and its keys) can be recovered, by environment."""
DEFAULT_VAULT_SOFT_DELETE_DAYS = 7
"""Soft-delete window in every other environment (the shortest Azure allows)."""
KEY_SIZE = 3072
KEY_ROTATE_AFTER = "P90D"
KEY_EXPIRES_AFTER = "P1Y"
KEY_NOTIFY_BEFORE_EXPIRY = "P30D"


def _sku(spec: StoreSpec) -> str:
    return SKU_BY_ENVIRONMENT.get(spec.environment, DEFAULT_SKU)


def management_policy_rules(spec: StoreSpec) -> list[dict[str, Any]]:
    """Tiering and expiry from the spec, plus deletion of old versions and snapshots."""
    block_blobs = {"blob_types": ["blockBlob"]}
    base_blob: dict[str, Any] = {}
    if spec.cool_after_days:
        base_blob["tier_to_cool"] = {"days_after_creation_greater_than": spec.cool_after_days}
    if spec.archive_after_days:
        tier = "tier_to_cold" if _sku(spec) in ARCHIVE_UNSUPPORTED_SKUS else "tier_to_archive"
        base_blob[tier] = {"days_after_creation_greater_than": spec.archive_after_days}
    if spec.expire_after_days:
        base_blob["delete"] = {"days_after_creation_greater_than": spec.expire_after_days}
    rules: list[dict[str, Any]] = []
    if base_blob:
        rules.append({"name": "tiering-and-expiry", "type": "Lifecycle", "enabled": True,
                      "definition": {"filters": block_blobs, "actions": {"base_blob": base_blob}}})
    old = {"delete": {"days_after_creation_greater_than": spec.retention_days}}
    rules.append({"name": "cleanup", "type": "Lifecycle", "enabled": True,
                  "definition": {"filters": block_blobs, "actions": {"version": old, "snapshot": old}}})
    return rules


def key_name(spec: StoreSpec) -> str:
    """The Key Vault key's name: ``<container>-storage``."""
    return f"{naming.azure_container_name(spec.bucket)}-storage"


def _role_assignment_name(spec: StoreSpec) -> str:
    identity = "/".join((spec.platform, spec.environment, spec.bucket, "storage-key-access"))
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, identity))


def _customer_managed_key(parent: pulumi.Resource, name: str, spec: StoreSpec,
                          tags: dict[str, str]) -> dict[str, pulumi.Resource]:
    """The vault, key, identity and role assignment that customer-managed encryption needs."""
    client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    group, location = spec.resource_group_name, spec.region
    identity = managedidentity.UserAssignedIdentity(
        f"{name}-identity", resource_group_name=group, location=location, tags=tags,
        resource_name_=naming.azure_identity_name(spec.platform, spec.environment, spec.bucket),
        opts=pulumi.ResourceOptions(parent=parent))
    vault = keyvault.Vault(
        f"{name}-vault", resource_group_name=group, location=location, tags=tags,
        vault_name=naming.azure_key_vault_name(spec.platform, spec.environment, spec.bucket, spec.name_seed),
        properties={
            "tenant_id": client.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enable_rbac_authorization": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": VAULT_SOFT_DELETE_DAYS.get(spec.environment, DEFAULT_VAULT_SOFT_DELETE_DAYS),
            "enable_purge_protection": True,
            "enabled_for_deployment": False,
            "enabled_for_disk_encryption": False,
            "enabled_for_template_deployment": False,
            "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
        },
        opts=spec.stateful(parent))
    key = keyvault.Key(
        f"{name}-key", resource_group_name=group, vault_name=vault.name, tags=tags,
        key_name=key_name(spec),
        properties={
            "kty": "RSA",
            "key_size": KEY_SIZE,
            "key_ops": ["wrapKey", "unwrapKey"],
            "attributes": {"enabled": True},
            "rotation_policy": {
                "attributes": {"expiry_time": KEY_EXPIRES_AFTER},
                "lifetime_actions": [
                    {"trigger": {"time_after_create": KEY_ROTATE_AFTER}, "action": {"type": "rotate"}},
                    {"trigger": {"time_before_expiry": KEY_NOTIFY_BEFORE_EXPIRY}, "action": {"type": "notify"}},
                ],
            },
        },
        opts=spec.stateful(parent))
    access = authorization.RoleAssignment(
        f"{name}-key-access",
        role_assignment_name=_role_assignment_name(spec),
        principal_id=identity.principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=client.subscription_id.apply(
            lambda sub: f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/"
                        f"{CRYPTO_SERVICE_ENCRYPTION_USER}"),
        scope=vault.id,
        description="Lets the storage account wrap and unwrap its data keys with the bucket's key.",
        opts=pulumi.ResourceOptions(parent=parent))
    return {"identity": identity, "vault": vault, "key": key, "key_access": access}


def _encryption(spec: StoreSpec, cmk: dict[str, pulumi.Resource]) -> dict[str, Any]:
    services = {"blob": {"enabled": True, "key_type": "Account"},
                "file": {"enabled": True, "key_type": "Account"}}
    encryption: dict[str, Any] = {"require_infrastructure_encryption": True, "services": services,
                                  "key_source": "Microsoft.Storage"}
    if spec.customer_managed:
        vault, key, identity = cmk["vault"], cmk["key"], cmk["identity"]
        # Names are deterministic; reading them through ``id`` keeps the dependency on the key.
        encryption.update(
            key_source="Microsoft.Keyvault",
            key_vault_properties={"key_name": key.id.apply(lambda _: key_name(spec)),
                                  "key_vault_uri": vault.properties.apply(lambda p: p.vault_uri)},
            encryption_identity={"encryption_user_assigned_identity": identity.id},
        )
    return encryption


def virtual_network_rules(subnet_ids: pulumi.Input[Any]) -> pulumi.Output[list[dict[str, str]]]:
    """One ``Allow`` rule per subnet (a list of ids, or an output of one): the storage account
    denies every other network. Each subnet needs the ``Microsoft.Storage`` service endpoint
    (the platform network's nodes subnet has it, see ``aiscale.azure.network``)."""
    return pulumi.Output.from_input(subnet_ids).apply(
        lambda ids: [{"virtual_network_resource_id": subnet, "action": "Allow"} for subnet in ids or ()])


def build(parent: pulumi.Resource, name: str, spec: StoreSpec) -> BuiltStore:
    """Declare the storage account, its container and settings under ``parent``."""
    tags = naming.azure_tags(spec.tags)
    group = spec.resource_group_name
    resources: dict[str, pulumi.Resource] = {}
    if spec.customer_managed:
        resources.update(_customer_managed_key(parent, name, spec, tags))
    if spec.archive_after_days and _sku(spec) in ARCHIVE_UNSUPPORTED_SKUS:
        pulumi.log.warn(f"{name}: archive_after_days tiers to Cold: {ARCHIVE_UNSUPPORTED_SKUS[_sku(spec)]}",
                        resource=parent)

    extra: dict[str, Any] = {}
    if spec.customer_managed:
        extra["identity"] = {"type": "UserAssigned", "user_assigned_identities": [resources["identity"].id]}
    account = storage.StorageAccount(
        f"{name}-account",
        account_name=naming.azure_storage_account_name(spec.platform, spec.environment, spec.bucket, spec.name_seed),
        resource_group_name=group, location=spec.region, tags=tags,
        kind="StorageV2", sku={"name": _sku(spec)}, access_tier="Hot",
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        allow_cross_tenant_replication=False,
        default_to_o_auth_authentication=True,
        minimum_tls_version="TLS1_2",
        enable_https_traffic_only=True,
        network_rule_set={
            "default_action": "Deny",
            "bypass": "AzureServices",
            "virtual_network_rules": virtual_network_rules(spec.allowed_subnet_ids),
        },
        encryption=_encryption(spec, resources),
        # The identity must hold its role on the vault before the account first uses the key.
        opts=spec.stateful(parent, depends_on=[resources["key_access"], resources["key"]]
                           if spec.customer_managed else []),
        **extra)
    resources["account"] = account

    child = pulumi.ResourceOptions(parent=parent)
    resources["blob_service"] = storage.BlobServiceProperties(
        f"{name}-blob-service", account_name=account.name, resource_group_name=group,
        blob_services_name="default",
        is_versioning_enabled=spec.versioning,
        delete_retention_policy={"enabled": True, "days": spec.retention_days},
        container_delete_retention_policy={"enabled": True, "days": spec.retention_days},
        opts=child)
    container_name = naming.azure_container_name(spec.bucket)
    container = storage.BlobContainer(
        f"{name}-container", account_name=account.name, resource_group_name=group,
        container_name=container_name, public_access="None", opts=spec.stateful(parent))
    resources["container"] = container
    resources["management_policy"] = storage.ManagementPolicy(
        f"{name}-lifecycle", account_name=account.name, resource_group_name=group,
        management_policy_name="default", policy={"rules": management_policy_rules(spec)}, opts=child)

    key_id: Optional[pulumi.Output[str]] = resources["key"].key_uri if spec.customer_managed else None
    return BuiltStore(
        bucket_name=container.id.apply(lambda _: container_name),
        bucket_url=pulumi.Output.all(account.name, account.primary_endpoints).apply(
            lambda values: _blob_url(values[0], values[1], container_name)),
        key_id=key_id,
        resources=resources,
    )


def _blob_url(account_name: str, endpoints: Any, container_name: str) -> str:
    """``https://<account>.blob.core.windows.net/<container>`` (from the account's endpoint)."""
    endpoint = getattr(endpoints, "blob", None) if endpoints is not None else None
    if isinstance(endpoints, dict):
        endpoint = endpoints.get("blob")
    endpoint = endpoint or f"https://{account_name}.blob.core.windows.net/"
    return f"{endpoint.rstrip('/')}/{container_name}"
