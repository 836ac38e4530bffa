"""GKE workload identity of a model endpoint: a Google service account that the endpoint's
Kubernetes service account impersonates, allowed to read the model bucket only.

The Google service account gets ``roles/storage.objectViewer`` on the model bucket (a bucket
binding, not a project one) and grants ``roles/iam.workloadIdentityUser`` to
``serviceAccount:<workload_pool>[<ns>/<sa>]`` alone. The Kubernetes ServiceAccount carries
``iam.gke.io/gcp-service-account``; GKE's metadata server does the rest. Reading objects
encrypted with the bucket's Cloud KMS key needs no key grant: Cloud Storage decrypts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_gcp.serviceaccount as serviceaccount
import pulumi_gcp.storage as storage

from aiscale.endpoint_spec import EndpointBuild, PodIdentity
from aiscale.naming import stable_suffix

ACCOUNT_ID_MAX = 30
"""Service account ids: 6-30 characters of [a-z0-9-], starting with a letter."""
SERVICE_ACCOUNT_ANNOTATION = "iam.gke.io/gcp-service-account"
OBJECT_VIEWER = "roles/storage.objectViewer"
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"


@dataclass(frozen=True, kw_only=True)
class GkePodIdentity(PodIdentity):
    """The pods' Google service account (resources by role: ``google_service_account``,
    ``model_read``, ``workload_identity``)."""

    google_service_account: pulumi.Output[str]
    """The Google service account's email (the ServiceAccount's annotation)."""


def account_id(scope: Any, endpoint: Any, role: str) -> str:
    """``<platform>-<endpoint>-<role>`` cut to fit, plus a hash of platform, environment,
    endpoint and role (so environments sharing a project never collide)."""
    suffix = stable_suffix(scope.platform, scope.environment, endpoint.name, role)
    base = re.sub(r"[^a-z0-9]+", "-", f"{scope.platform}-{endpoint.name}-{role}".lower())
    base = base[: ACCOUNT_ID_MAX - len(suffix) - 1].strip("-")
    if not base[:1].isalpha():
        base = f"e{base}"[: ACCOUNT_ID_MAX - len(suffix) - 1].rstrip("-")
    return f"{base}-{suffix}"


def endpoint_account(parent: pulumi.Resource, name: str, scope: Any, endpoint: Any,
                    role: str) -> serviceaccount.Account:
    """A dedicated service account for the endpoint (never the default compute account)."""
    return serviceaccount.Account(
        f"{name}-sa", account_id=account_id(scope, endpoint, role), project=scope.gcp_project,
        display_name=f"{scope.platform} {scope.environment} endpoint {endpoint.name} ({role})",
        description=f"Serves model endpoint {endpoint.name}: reads its model bucket only",
        opts=pulumi.ResourceOptions(parent=parent))


def bucket_viewer(parent: pulumi.Resource, name: str, store: Any,
                  account: serviceaccount.Account) -> storage.BucketIAMMember:
    """``roles/storage.objectViewer`` for ``account`` on the model bucket only."""
    return storage.BucketIAMMember(f"{name}-model-read", bucket=store.bucket_name,
                                   role=OBJECT_VIEWER, member=account.member,
                                   opts=pulumi.ResourceOptions(parent=parent))


def workload_pool(cluster: Any, project: Optional[str]) -> pulumi.Input[str]:
    """The workload pool of ``cluster`` (a ``KubernetesCluster``, whose ``built`` is a
    ``GcpCluster``), or ``<project>.svc.id.goog`` when it names none."""
    found = cluster.built.workload_pool if cluster is not None else None
    return found if found is not None else f"{project}.svc.id.goog"


def build(component: pulumi.ComponentResource, args: EndpointBuild, namespace: str,
          service_account: str) -> GkePodIdentity:
    """Declare the Google service account, its bucket grant and the workload identity binding."""
    scope, endpoint = args.scope, args.endpoint
    name = args.name
    account = endpoint_account(component, name, scope, endpoint, "pods")
    viewer = bucket_viewer(component, name, args.store, account)
    member = pulumi.Output.concat("serviceAccount:", workload_pool(args.cluster, scope.gcp_project),
                                  f"[{namespace}/{service_account}]")
    binding = serviceaccount.IAMMember(f"{name}-workload-identity", service_account_id=account.name,
                                       role=WORKLOAD_IDENTITY_USER, member=member,
                                       opts=pulumi.ResourceOptions(parent=component))
    return GkePodIdentity(service_account_annotations={SERVICE_ACCOUNT_ANNOTATION: account.email},
                          google_service_account=account.email,
                          resources={"google_service_account": account, "model_read": viewer,
                                     "workload_identity": binding})
