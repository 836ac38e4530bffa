"""AKS workload identity of a model endpoint: a user-assigned managed identity federated with
the endpoint's Kubernetes service account, allowed to read the model's blob container only.

The federated credential trusts the cluster's OIDC issuer for
``system:serviceaccount:<ns>:<sa>`` (audience ``api://AzureADTokenExchange``). The identity
gets "Storage Blob Data Reader" scoped to the model's container (not the account). The
ServiceAccount carries ``azure.workload.identity/client-id`` and the pods the label
``azure.workload.identity/use: "true"``, so the AKS webhook injects the token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.managedidentity as managedidentity

from aiscale.azure import naming
from aiscale.endpoint_spec import EndpointBuild, PodIdentity

if TYPE_CHECKING:
    from aiscale.azure.cluster import AzureCluster

STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
"""Built-in role "Storage Blob Data Reader": read and list blobs."""
TOKEN_AUDIENCE = "api://AzureADTokenExchange"
"""The audience Azure AD expects in a federated Kubernetes token."""
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
USE_LABEL = "azure.workload.identity/use"
ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("8d0c1f3e-2b7a-4c56-9e41-7a3f0d2c5b18")
"""Namespace for deterministic role-assignment names (Azure wants a GUID; uuid5 keeps it stable)."""


@dataclass(frozen=True, kw_only=True)
class AksPodIdentity(PodIdentity):
    """The pods' managed identity (resources by role: ``identity``, ``federated_credential``,
    ``model_read``)."""

    client_id: pulumi.Output[str]
    """The managed identity's client id (the ServiceAccount's annotation)."""


def role_assignment_name(scope: Any, endpoint: Any, purpose: str) -> str:
    """A stable GUID for one role assignment of one endpoint."""
    identity = "/".join((scope.platform, scope.environment, endpoint.name, purpose))
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, identity))


def role_definition(parent: pulumi.Resource, role: str) -> pulumi.Output[str]:
    """The subscription-scoped id of built-in role ``role``."""
    client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    return client.subscription_id.apply(
        lambda sub: f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}")


def model_reader(parent: pulumi.Resource, name: str, scope: Any, endpoint: Any, store: Any,
                 principal_id: pulumi.Input[str], purpose: str) -> authorization.RoleAssignment:
    """"Storage Blob Data Reader" for ``principal_id`` on the model's container only."""
    return authorization.RoleAssignment(
        name,
        role_assignment_name=role_assignment_name(scope, endpoint, purpose),
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition(parent, STORAGE_BLOB_DATA_READER),
        scope=store.resources["container"].id,
        description=f"Model endpoint {endpoint.name} reads its model",
        opts=pulumi.ResourceOptions(parent=parent))


def identity_name(scope: Any, endpoint: Any, role: str) -> str:
    """The managed identity's name: ``<platform>-<environment>-<endpoint>-<role>``."""
    return f"{scope.platform}-{scope.environment}-{endpoint.name}-{role}"


def build(component: pulumi.ComponentResource, args: EndpointBuild, namespace: str,
          service_account: str) -> AksPodIdentity:
    """Declare the identity, its federated credential and its read grant."""
    scope, endpoint = args.scope, args.endpoint
    cluster: AzureCluster = args.cluster.built
    name = args.name
    child = pulumi.ResourceOptions(parent=component)
    identity = managedidentity.UserAssignedIdentity(
        f"{name}-identity", resource_group_name=scope.resource_group_name, location=scope.region,
        resource_name_=identity_name(scope, endpoint, "pods"), tags=naming.azure_tags(scope.tags),
        opts=child)
    federation = managedidentity.FederatedIdentityCredential(
        f"{name}-federation", resource_group_name=scope.resource_group_name,
        resource_name_=identity.name,
        federated_identity_credential_resource_name=f"{namespace}-{service_account}",
        issuer=cluster.oidc_issuer_url,
        subject=f"system:serviceaccount:{namespace}:{service_account}",
        audiences=[TOKEN_AUDIENCE], opts=child)
    reader = model_reader(component, f"{name}-model-read", scope, endpoint, args.store,
                          identity.principal_id, "pods-model-read")
    return AksPodIdentity(service_account_annotations={CLIENT_ID_ANNOTATION: identity.client_id},
                          pod_labels={USE_LABEL: "true"}, client_id=identity.client_id,
                          resources={"identity": identity, "federated_credential": federation,
                                     "model_read": reader})
