"""The AKS control-plane identity, its secrets-encryption key and the roles they need.

AKS KMS (etcd encryption with a Key Vault key) works only with a user-assigned control-plane
identity that holds its key permissions before the cluster exists, so the identity, the vault,
the key and the role assignments are all declared ahead of the cluster.

- The vault uses Azure RBAC, soft delete and purge protection. With a private key vault
  (``private=True``: the network aiscale created, whose delegated API server subnet allows API
  Server VNet Integration) public network access is disabled and AKS reaches the vault through a
  private link it creates; the identity then also needs "Key Vault Contributor" on the vault.
  Otherwise (an existing network) the vault stays publicly reachable but RBAC-only: AKS KMS does
  not support a vault firewall that admits selected networks.
- The key is RSA 2048 with a rotation policy (a new version every 90 days) and no expiry:
  the cluster pins one key version, and an expired version would stop the API server from
  reading secrets. Move the cluster to a new version with ``pulumi refresh`` + ``pulumi up``.
"""

from __future__ import annotations

from typing import Any, Iterable

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.keyvault as keyvault
import pulumi_azure_native.managedidentity as managedidentity

from aiscale.azure import naming
from aiscale.azure import _names
from aiscale.scope import CloudScope

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
"""Built-in role "Network Contributor": join the subnets, use the NAT gateway, place the
API server, private endpoints and the private DNS zone link."""
KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
"""Built-in role "Key Vault Crypto User": wrap and unwrap with the vault's keys."""
KEY_VAULT_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395"
"""Built-in role "Key Vault Contributor": lets AKS create the private link to a private vault."""
AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
"""Built-in role "Azure Kubernetes Service RBAC Cluster Admin" (Kubernetes API data actions)."""
KMS_KEY_SIZE = 2048
"""RSA key size of the etcd encryption key (the size AKS documents for KMS)."""
KMS_KEY_ROTATE_AFTER = "P90D"
"""A new key version this long after the current one was created."""
VAULT_SOFT_DELETE_DAYS = {"prod": 90}
"""Days a deleted vault and its key stay recoverable, by environment."""
DEFAULT_VAULT_SOFT_DELETE_DAYS = 7
"""The soft-delete window in other environments (the shortest Azure allows)."""
KMS_VAULT_PURPOSE = "aks.kms"
"""Identity part of the vault name; the '.' keeps it distinct from any bucket's vault."""


def stateful(scope: CloudScope, parent: pulumi.Resource, **extra: Any) -> pulumi.ResourceOptions:
    """Options of a stateful child: protected and retained on delete in prod."""
    return scope.stateful(parent, **extra)


def role_definition_id(client: Any, role: str) -> pulumi.Output[str]:
    """The full role definition id of a built-in ``role`` GUID in the current subscription."""
    return client.subscription_id.apply(
        lambda sub: f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}")


def grant(parent: pulumi.Resource, logical: str, *, client: Any, role: str, principal_id: Any,
          scope_id: Any, identity: Iterable[str], description: str,
          principal_type: str | None = "ServicePrincipal") -> authorization.RoleAssignment:
    """Assign the built-in ``role`` to ``principal_id`` on ``scope_id`` (deterministic GUID name)."""
    extra = {"principal_type": principal_type} if principal_type else {}
    return authorization.RoleAssignment(
        logical,
        role_assignment_name=_names.role_assignment_name(*identity, role),
        principal_id=principal_id,
        role_definition_id=role_definition_id(client, role),
        scope=scope_id,
        description=description,
        opts=pulumi.ResourceOptions(parent=parent),
        **extra)


def control_plane_identity(parent: pulumi.Resource, name: str, scope: CloudScope,
                           tags: dict[str, str]) -> managedidentity.UserAssignedIdentity:
    """The cluster's user-assigned control-plane identity."""
    return managedidentity.UserAssignedIdentity(
        f"{name}-identity",
        resource_name_=_names.resource_name(scope.platform, scope.environment, "aks-identity"),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        opts=pulumi.ResourceOptions(parent=parent))


def kms_vault_and_key(parent: pulumi.Resource, name: str, scope: CloudScope, tags: dict[str, str],
                      client: Any, private: bool) -> tuple[keyvault.Vault, keyvault.Key]:
    """The Key Vault and the RSA key that encrypt the cluster's secrets in etcd."""
    vault = keyvault.Vault(
        f"{name}-kms-vault",
        vault_name=naming.azure_key_vault_name(scope.platform, scope.environment, KMS_VAULT_PURPOSE),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        properties={
            "tenant_id": client.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enable_rbac_authorization": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": VAULT_SOFT_DELETE_DAYS.get(scope.environment,
                                                                        DEFAULT_VAULT_SOFT_DELETE_DAYS),
            "enable_purge_protection": True,
            "enabled_for_deployment": False,
            "enabled_for_disk_encryption": False,
            "enabled_for_template_deployment": False,
            "public_network_access": "Disabled" if private else "Enabled",
            "network_acls": {"default_action": "Deny" if private else "Allow", "bypass": "AzureServices"},
        },
        opts=stateful(scope, parent))
    key = keyvault.Key(
        f"{name}-kms-key",
        key_name="aks-etcd",
        vault_name=vault.name, resource_group_name=scope.resource_group_name, tags=tags,
        properties={
            "kty": "RSA",
            "key_size": KMS_KEY_SIZE,
            "key_ops": ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
            "attributes": {"enabled": True},
            "rotation_policy": {"lifetime_actions": [
                {"trigger": {"time_after_create": KMS_KEY_ROTATE_AFTER}, "action": {"type": "rotate"}},
            ]},
        },
        opts=stateful(scope, parent))
    return vault, key


def control_plane_grants(parent: pulumi.Resource, name: str, scope: CloudScope, client: Any,
                         principal_id: Any, vault: keyvault.Vault, private: bool,
                         network_scopes: dict[str, Any]) -> list[authorization.RoleAssignment]:
    """The roles the control-plane identity needs before the cluster is created:
    "Network Contributor" on each of ``network_scopes`` (``{purpose: resource id}``) and the
    Key Vault roles of the etcd key."""
    who = (scope.platform, scope.environment, "aks-control-plane")
    grants = [
        grant(parent, f"{name}-{purpose}-network", client=client, role=NETWORK_CONTRIBUTOR,
              principal_id=principal_id, scope_id=scope_id, identity=(*who, purpose),
              description=f"Lets the AKS control plane use the {purpose} network.")
        for purpose, scope_id in network_scopes.items()
    ]
    grants.append(grant(parent, f"{name}-kms-crypto", client=client, role=KEY_VAULT_CRYPTO_USER,
                        principal_id=principal_id, scope_id=vault.id, identity=(*who, "kms"),
                        description="Lets the AKS KMS plugin wrap and unwrap with the etcd key."))
    if private:
        grants.append(grant(parent, f"{name}-kms-private-link", client=client, role=KEY_VAULT_CONTRIBUTOR,
                            principal_id=principal_id, scope_id=vault.id, identity=(*who, "kms-link"),
                            description="Lets AKS create the private link to the private etcd key vault."))
    return grants
