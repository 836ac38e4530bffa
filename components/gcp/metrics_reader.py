"""GKE: the identity of the Managed Service for Prometheus query frontend.

prometheus-adapter serves the endpoints' in-flight request gauges to their autoscalers
(``aiscale.kubernetes.observability``); on GKE the series live in Managed Service for
Prometheus, which prometheus-adapter reads through Google's query frontend in the cluster. The
frontend's Kubernetes ServiceAccount impersonates a dedicated Google service account (workload
identity) that holds ``roles/monitoring.viewer`` on the project: it reads metrics and nothing
else.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_gcp.projects as projects
import pulumi_gcp.serviceaccount as serviceaccount

from aiscale.gcp.endpoint_identity import (ACCOUNT_ID_MAX, SERVICE_ACCOUNT_ANNOTATION, WORKLOAD_IDENTITY_USER,
                                           workload_pool)
from aiscale.naming import stable_suffix
from aiscale.operations_spec import MetricsReader, OperationsBuild

MONITORING_VIEWER = "roles/monitoring.viewer"
"""Read access to Cloud Monitoring, Managed Service for Prometheus' store."""


def account_id(scope: Any) -> str:
    """``<platform>-metrics-<hash>``: 6-30 characters, unique per platform and environment."""
    suffix = stable_suffix(scope.platform, scope.environment, "metrics-reader")
    base = re.sub(r"[^a-z0-9]+", "-", f"{scope.platform}-metrics".lower())
    return f"{base[: ACCOUNT_ID_MAX - len(suffix) - 1].strip('-')}-{suffix}"


def build(component: pulumi.ComponentResource, args: OperationsBuild, namespace: str,
          service_account: str) -> MetricsReader:
    """Declare the Google service account, its metrics grant and its workload identity
    binding; return the frontend's ServiceAccount annotations and arguments."""
    scope, name = args.scope, args.name
    child = pulumi.ResourceOptions(parent=component)
    account = serviceaccount.Account(
        f"{name}-metrics-reader", account_id=account_id(scope), project=scope.gcp_project,
        display_name=f"{scope.platform} {scope.environment} metrics reader",
        description="Managed Prometheus query frontend for the endpoints' autoscaling metrics",
        opts=child)
    viewer = projects.IAMMember(f"{name}-metrics-viewer", project=scope.gcp_project,
                                role=MONITORING_VIEWER, member=account.member, opts=child)
    pool = workload_pool(args.cluster, scope.gcp_project)
    binding = serviceaccount.IAMMember(
        f"{name}-metrics-workload-identity", service_account_id=account.name,
        role=WORKLOAD_IDENTITY_USER,
        member=pulumi.Output.concat("serviceAccount:", pool, f"[{namespace}/{service_account}]"),
        opts=child)
    return MetricsReader(service_account_annotations={SERVICE_ACCOUNT_ANNOTATION: account.email},
                         args=(f"--query.project-id={scope.gcp_project}",),
                         resources={"metrics_reader_account": account, "metrics_viewer": viewer,
                                    "metrics_workload_identity": binding})
