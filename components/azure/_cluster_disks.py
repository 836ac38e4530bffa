"""The disk encryption set that puts AKS node disks under a Key Vault key (SEC-K8S-014).

AKS encrypts node OS and data disks with Microsoft-managed keys unless the cluster names a disk
encryption set (https://learn.microsoft.com/en-us/azure/aks/azure-disk-customer-managed-keys).
The set's own identity unwraps with the key; the control plane reads the set.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native.compute as compute
import pulumi_azure_native.keyvault as keyvault

from aiscale.azure import _cluster_identity, _names
from aiscale.scope import CloudScope

KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
"""Built-in role "Key Vault Crypto Service Encryption User": wrap and unwrap for a service."""
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
"""Built-in role "Reader"."""
DISK_KEY_SIZE = 3072
"""RSA key size of the disk key (a size disk encryption sets accept: 2048, 3072, 4096)."""


def disk_encryption(parent: pulumi.Resource, name: str, scope: CloudScope, tags: dict[str, str], client: Any,
                    vault: keyvault.Vault, control_plane_principal: Any) -> dict[str, pulumi.Resource]:
    """The disk key (in the cluster's vault), the set, and the grants the cluster needs first."""
    stateful = _cluster_identity.stateful(scope, parent)
    key = keyvault.Key(
        f"{name}-disk-key", key_name="aks-disks", vault_name=vault.name,
        resource_group_name=scope.resource_group_name, tags=tags,
        properties={"kty": "RSA", "key_size": DISK_KEY_SIZE, "key_ops": ["wrapKey", "unwrapKey"],
                    "attributes": {"enabled": True},
                    "rotation_policy": {"lifetime_actions": [{"trigger": {"time_after_create": _cluster_identity.KMS_KEY_ROTATE_AFTER},
                                                              "action": {"type": "rotate"}}]}},
        opts=stateful)
    disk_set = compute.DiskEncryptionSet(
        f"{name}-disk-encryption",
        disk_encryption_set_name=_names.resource_name(scope.platform, scope.environment, "aks-disks"),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        identity={"type": "SystemAssigned"}, encryption_type="EncryptionAtRestWithCustomerKey",
        active_key={"key_url": key.key_uri_with_version, "source_vault": {"id": vault.id}},
        rotation_to_latest_key_version_enabled=True, opts=stateful)
    who = (scope.platform, scope.environment, "aks-disks")
    key_use = _cluster_identity.grant(
        parent, f"{name}-disk-key-use", client=client, role=KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
        principal_id=disk_set.identity.apply(lambda i: i.principal_id if i else None), scope_id=vault.id,
        identity=who, description="Lets the AKS disk encryption set wrap and unwrap with the disk key.")
    read = _cluster_identity.grant(
        parent, f"{name}-disk-set-read", client=client, role=READER, principal_id=control_plane_principal,
        scope_id=disk_set.id, identity=(*who, "control-plane"),
        description="Lets the AKS control plane read the disk encryption set of its nodes.")
    return {"disk_key": key, "disk_encryption_set": disk_set, "disk_key_use": key_use, "disk_set_read": read}
