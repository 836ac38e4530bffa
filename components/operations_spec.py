"""What the ``Operations`` builders read and return: :class:`OperationsBuild`,
:class:`NotificationTarget` and :class:`BuiltBudget`.

``aiscale.operations`` checks its arguments and resolves them into one :class:`OperationsBuild`;
each cloud's builders read it: ``aiscale.<cloud>.budget`` (``notifications`` returns a subclass
of :class:`NotificationTarget` holding what that cloud's budget and alerts address, ``budget``
returns a :class:`BuiltBudget`), the cloud's alerts module and
``aiscale.kubernetes.observability``. Both sides import this module, so no builder imports the
component.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Optional, Sequence, TypedDict

import pulumi

from aiscale.scope import CloudScope

LATENCY_SECONDS = 10.0
"""Default p95 request latency (seconds) above which a serving alert fires. LLM responses are
generated token by token, so whole-request latencies of a few seconds are normal; 10 s at p95
means users wait far longer than usual."""
ERROR_PERCENT = 5.0
"""Default share of 5xx responses (percent of requests) above which a serving alert fires."""
AzureBudgetScope = Literal["resource-group", "subscription"]
"""Where an Azure budget is declared: the platform's resource group, or the subscription
filtered on the platform's tags (which also counts the AKS node resource group)."""


class ServedEndpoint(TypedDict):
    """One endpoint to alert on: its model entry and its component."""

    endpoint: Any
    """The model's endpoint (``aiscale.model.Endpoint``): its name and runtime."""
    component: Any
    """The ``ModelEndpoint`` declared for it on this cloud (its ``built`` names the
    underlying SageMaker endpoint, Azure ML endpoint, Cloud Run service or namespace)."""


class GpuPool(TypedDict):
    """One GPU node pool of the cluster, for the idle-GPU alert."""

    pool: Any
    """The model's node pool (``aiscale.model.NodePool``): its name and ``min_nodes``."""
    component: Any
    """The ``GpuNodePool`` declared for it (its ``pool_name`` is the cloud's pool name)."""


@dataclass(frozen=True, kw_only=True)
class OperationsBuild:
    """What the budget, alert and observability builders read: checked arguments, defaults filled."""

    name: str
    """The component's logical name: the prefix of its children's names."""
    scope: CloudScope
    """The cloud, region, provider, parent and tags to declare on."""
    emails: tuple[str, ...] = ()
    """Addresses that receive budget and alert notifications."""
    webhook_url: Optional[str] = None
    """An https:// URL that receives alerts as JSON, or None."""
    amount_usd: Optional[float] = None
    """The monthly budget in USD, or None for no budget."""
    actual_thresholds: tuple[int, ...] = (50, 80, 100)
    """Percentages of the budget at which actual spend alerts."""
    forecast_thresholds: tuple[int, ...] = (100,)
    """Percentages of the budget at which forecast spend alerts."""
    gcp_billing_account: Optional[str] = None
    """The GCP billing account a GCP budget is declared on."""
    azure_budget_scope: AzureBudgetScope = "resource-group"
    """Where an Azure budget is declared."""
    endpoints: tuple[ServedEndpoint, ...] = ()
    """Endpoints on this cloud to alert on."""
    cluster: Any = None
    """The cloud's ``KubernetesCluster`` for observability, or None."""
    node_pools: tuple[GpuPool, ...] = ()
    """The cluster's GPU node pools (the idle-GPU alert per pool)."""
    kubernetes_version: str = "1.31"
    """The cluster's Kubernetes minor version."""
    latency_threshold_seconds: float = LATENCY_SECONDS
    """p95 request latency, seconds, above which a serving alert fires."""
    error_threshold_percent: float = ERROR_PERCENT
    """Share of 5xx responses, percent, above which a serving alert fires."""

    @property
    def cloud(self) -> str:
        """The scope's cloud."""
        return self.scope.cloud


@dataclass(frozen=True, kw_only=True)
class NotificationTarget:
    """What every ``notifications`` builder returns; each cloud's subclass adds what its budget
    and alerts address (a topic, an action group, channels)."""

    targets: Sequence[pulumi.Input[str]]
    """Where notifications go (``Operations.notification_targets``): empty when nothing receives."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role (``topic``, ``action_group``, ``channel:<email>``...)."""


@dataclass(frozen=True, kw_only=True)
class BuiltBudget:
    """What every ``budget`` builder returns."""

    name: pulumi.Input[str]
    """The budget's name in the cloud."""
    budget: pulumi.Resource
    """The budget resource."""


@dataclass(frozen=True, kw_only=True)
class BuiltObservability:
    """What ``aiscale.kubernetes.observability.build`` returns."""

    resources: Mapping[str, Any]
    """The declared resources by role, including one ``alert:<key>`` entry per alert rule."""
    metrics_stack: str
    """What collects the cluster's metrics (for ``Operations.details``)."""
    metrics_namespace: str
    """The namespace whose Prometheus scrapes serving pods."""


@dataclass(frozen=True, kw_only=True)
class WorkloadIdentity:
    """A cloud identity for one of the cluster's observability workloads (Alertmanager, the
    Managed Prometheus query frontend)."""

    service_account_annotations: Mapping[str, pulumi.Input[str]]
    """Annotations of the workload's Kubernetes ServiceAccount that bind it to the identity."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role (role and policy, service account and grants)."""


@dataclass(frozen=True, kw_only=True)
class AlertmanagerIdentity(WorkloadIdentity):
    """What a cloud's ``alertmanager_identity`` (its alerts module, where the cloud has one)
    returns: the identity, and the receiver settings that publish with it."""

    receiver: Mapping[str, Any]
    """Alertmanager receiver settings (e.g. ``sns_configs``) merged into the cluster's receiver."""


@dataclass(frozen=True, kw_only=True)
class MetricsReader(WorkloadIdentity):
    """What a cloud's ``metrics_reader`` builder returns: the identity of the query frontend
    that reads the cloud's managed Prometheus."""

    args: tuple[str, ...] = ()
    """Extra command-line arguments of the query frontend (e.g. its project)."""
