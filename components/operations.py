"""``Operations``: budgets, notifications, serving alerts and GPU observability on one cloud.

One component per cloud the platform targets. It declares, under itself:

- **notification targets**: an SNS topic with email (and https webhook) subscriptions on AWS,
  an Azure Monitor action group on Azure, Cloud Monitoring notification channels on GCP
  (``aiscale.<cloud>.budget``);
- **a monthly budget** when ``amount_usd`` is given, alerting at percentages of actual and
  forecast spend, scoped to the platform's own resources (``aiscale.<cloud>.budget``);
- **serving alerts** for every endpoint: native alarms on managed endpoints (CloudWatch on
  SageMaker, Azure Monitor metric alerts on Azure ML, Cloud Monitoring on Cloud Run:
  ``aiscale.aws.alarms``, ``aiscale.azure.alerts``, ``aiscale.gcp.alerts``), Prometheus alert
  rules on Kubernetes endpoints;
- **GPU observability** on the cloud's cluster: the NVIDIA DCGM exporter, a metrics stack where
  the cloud has none, and alert rules for idle GPUs, GPU memory near full and pods pending for
  GPUs (``aiscale.kubernetes.observability``).

The arguments are checked here before anything is registered. The budget figure is the
caller's: ``AiPlatform`` passes the model's ``operations.budget.monthly_usd``, else the upper
bound of the cost estimate.

No ``from __future__ import annotations``: the annotations stay real types, as in the other
faces.
"""

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale._docs import documented
from aiscale import clouds
from aiscale.model.errors import render_value
from aiscale.operations_spec import (ERROR_PERCENT, LATENCY_SECONDS, AzureBudgetScope, GpuPool,
                                     OperationsBuild, ServedEndpoint)
from aiscale.scope import CloudScope

__all__ = ["Operations", "OperationsArgs", "ServedEndpoint", "GpuPool", "TYPE_TOKEN", "args_from_model",
           "LATENCY_SECONDS", "ERROR_PERCENT", "MAX_BUDGET_NOTIFICATIONS", "MAX_BUDGET_CHANNELS"]

TYPE_TOKEN = "aiscale:index:Operations"
CLOUDS = clouds.names()
"""The clouds an ``Operations`` component can be declared on."""
MAX_BUDGET_NOTIFICATIONS = MappingProxyType({a.name: a.max_budget_notifications for a in clouds.adapters()
                                            if a.max_budget_notifications is not None})
"""Notifications (actual + forecast thresholds) one budget accepts, per cloud (GCP: no limit
that a model reaches)."""
MAX_BUDGET_CHANNELS = 5
"""Notification channels a GCP budget accepts (emails + webhook)."""
AZURE_BUDGET_SCOPES: tuple[AzureBudgetScope, ...] = AzureBudgetScope.__args__
"""Where an Azure budget is declared: the platform's resource group, or the subscription
filtered on the platform's tags (which also counts the AKS node resource group)."""


class OperationsArgs(TypedDict, total=False):
    """Arguments of :class:`Operations`."""

    scope: Required[CloudScope]
    """Required. The cloud, region, provider, parent and tags to declare on."""
    emails: Sequence[str]
    """Email addresses that receive budget and alert notifications (each must confirm its
    subscription on AWS). A budget needs at least one. Omitted: none."""
    webhook_url: Optional[str]
    """An https:// URL that receives alert notifications as JSON (kept secret in the state).
    Omitted or None: none."""
    amount_usd: Optional[float]
    """The monthly budget in USD. ``AiPlatform`` passes the model's ``monthly_usd``, else the
    upper bound of the cost estimate. Omitted or None: no budget."""
    actual_thresholds: Sequence[int]
    """Percentages of the budget (1-1000) at which actual spend alerts. Omitted: 50, 80, 100."""
    forecast_thresholds: Sequence[int]
    """Percentages of the budget (1-1000) at which forecast spend alerts. Omitted: 100."""
    gcp_billing_account: Optional[str]
    """GCP only, and required there for a budget: the billing account id
    (``012345-6789AB-CDEF01``). Ignored elsewhere."""
    azure_budget_scope: str
    """Azure only: ``resource-group`` (the budget covers the platform's resource group) or
    ``subscription`` (the subscription, filtered on the platform and environment tags, which
    also counts the GPU nodes in the AKS node resource group). Omitted: ``resource-group``."""
    endpoints: Sequence[ServedEndpoint]
    """Endpoints on this cloud to alert on (managed: native alarms; kubernetes: Prometheus
    rules on ``cluster``). Omitted: none."""
    cluster: Any
    """The cloud's ``KubernetesCluster``: gets the DCGM exporter, the metrics stack and the GPU
    and serving alert rules. Required when an endpoint runs on Kubernetes or ``node_pools`` is
    not empty. Omitted or None: no cluster observability."""
    node_pools: Sequence[GpuPool]
    """The cluster's GPU node pools (for the idle-GPU alert per pool). Omitted: none."""
    kubernetes_version: str
    """The cluster's Kubernetes minor version (GKE provides the DCGM exporter itself from
    1.31). Omitted: ``"1.31"``."""
    latency_threshold_seconds: float
    """p95 request latency, seconds, above which a serving alert fires. Omitted: 10."""
    error_threshold_percent: float
    """Share of 5xx responses, percent, above which a serving alert fires (AWS, GCP,
    Kubernetes; Azure ML alerts on the 5xx rate per minute instead). Omitted: 5."""


DEFAULTS: Mapping[str, Any] = MappingProxyType({
    "emails": (), "webhook_url": None, "amount_usd": None, "actual_thresholds": (50, 80, 100),
    "forecast_thresholds": (100,), "gcp_billing_account": None,
    "azure_budget_scope": "resource-group", "endpoints": (), "cluster": None, "node_pools": (),
    "kubernetes_version": "1.31", "latency_threshold_seconds": LATENCY_SECONDS,
    "error_threshold_percent": ERROR_PERCENT,
})
"""What each omitted argument means (documented on :class:`OperationsArgs`)."""
_MODEL_PATHS = MappingProxyType({
    "notifications.emails": "emails", "notifications.webhook_url": "webhook_url",
    "budget.monthly_usd": "amount_usd", "budget.actual_thresholds": "actual_thresholds",
    "budget.forecast_thresholds": "forecast_thresholds", "gcp_billing_account": "gcp_billing_account"})
"""Where a field of ``aiscale.model.Operations`` lives in these arguments."""


def _listed(args: Mapping[str, Any], key: str) -> Any:
    """A sequence argument as a list (a lone string stays a string, for the model to reject)."""
    value = args.get(key, DEFAULTS[key])
    return value if isinstance(value, str) or value is None else list(value)


def _model_problems(args: Mapping[str, Any]) -> list[str]:
    """The notification and budget fields, checked by the platform model's own rules (so a
    direct caller gets exactly the messages a stack file gets)."""
    from pydantic import ValidationError

    from aiscale.model import Operations as OperationsModel
    from aiscale.model._translate import problems_from_error

    raw: dict[str, Any] = {"notifications": {"emails": _listed(args, "emails"),
                                             "webhook_url": args.get("webhook_url")},
                           "gcp_billing_account": args.get("gcp_billing_account")}
    if args.get("amount_usd") is not None:
        raw["budget"] = {"monthly_usd": args["amount_usd"],
                         "actual_thresholds": _listed(args, "actual_thresholds"),
                         "forecast_thresholds": _listed(args, "forecast_thresholds")}
    try:
        OperationsModel.model_validate(raw)
    except ValidationError as error:
        return [_describe(problem) for problem in problems_from_error(error, OperationsModel)]
    return []


def _describe(problem: Any) -> str:
    """A model problem (``notifications.emails[0]: ...``) named by its argument (``emails[0]``)."""
    path = problem.path
    for model_path, argument in _MODEL_PATHS.items():
        if path == model_path or path.startswith((model_path + "[", model_path + ".")):
            path = argument + path[len(model_path):]
            break
    return str(problem._replace(path=path))


def _cloud_problems(args: Mapping[str, Any], cloud: str) -> list[str]:
    """Limits of each cloud's budget and the arguments only one cloud reads."""
    problems = []
    budget = args.get("amount_usd") is not None
    count = (len(args.get("actual_thresholds", DEFAULTS["actual_thresholds"]))
             + len(args.get("forecast_thresholds", DEFAULTS["forecast_thresholds"])))
    limit = MAX_BUDGET_NOTIFICATIONS.get(cloud)
    if budget and limit is not None and count > limit:
        problems.append(f"actual_thresholds + forecast_thresholds: got {count} thresholds; a "
                        f"{cloud} budget accepts at most {limit} notifications")
    if budget:
        problems.extend(clouds.adapter(cloud).budget_problems(args))
    scope_choice = args.get("azure_budget_scope", DEFAULTS["azure_budget_scope"])
    if scope_choice not in AZURE_BUDGET_SCOPES:
        problems.append(f"azure_budget_scope: got {render_value(scope_choice)}; valid: {', '.join(AZURE_BUDGET_SCOPES)}")
    return problems


def _workload_problems(args: Mapping[str, Any], cloud: str) -> list[str]:
    """Endpoints, node pools and cluster fit together; thresholds are positive."""
    problems = []
    cluster = args.get("cluster")
    for index, served in enumerate(args.get("endpoints") or ()):
        endpoint = served.get("endpoint") if isinstance(served, Mapping) else None
        component = served.get("component") if isinstance(served, Mapping) else None
        if endpoint is None or component is None:
            problems.append(f"endpoints[{index}]: got {served!r}; valid: a mapping with "
                            "'endpoint' (aiscale.model.Endpoint) and 'component' (ModelEndpoint)")
        elif cloud not in endpoint.clouds:
            problems.append(f"endpoints[{index}]: endpoint {endpoint.name!r} is not declared on "
                            f"{cloud} (its clouds: {', '.join(endpoint.clouds)})")
        elif endpoint.runtime == "kubernetes" and cluster is None:
            problems.append(f"cluster: got None; endpoint {endpoint.name!r} runs on Kubernetes: "
                            f"give the {cloud} KubernetesCluster")
    for index, gpu_pool in enumerate(args.get("node_pools") or ()):
        if not isinstance(gpu_pool, Mapping) or gpu_pool.get("pool") is None or gpu_pool.get("component") is None:
            problems.append(f"node_pools[{index}]: got {gpu_pool!r}; valid: a mapping with 'pool' "
                            "(aiscale.model.NodePool) and 'component' (GpuNodePool)")
    if args.get("node_pools") and cluster is None:
        problems.append(f"cluster: got None; node_pools are given: give the {cloud} KubernetesCluster")
    if cluster is not None and getattr(cluster, "kubernetes_provider", None) is None:
        problems.append(f"cluster: got {cluster!r}; valid: a KubernetesCluster (with a kubernetes_provider)")
    latency = args.get("latency_threshold_seconds", LATENCY_SECONDS)
    if not isinstance(latency, (int, float)) or isinstance(latency, bool) or latency <= 0:
        problems.append(f"latency_threshold_seconds: got {render_value(latency)}; valid: a number of seconds > 0")
    errors = args.get("error_threshold_percent", ERROR_PERCENT)
    if not isinstance(errors, (int, float)) or isinstance(errors, bool) or not 0 < errors <= 100:
        problems.append(f"error_threshold_percent: got {render_value(errors)}; valid: a percentage in (0, 100]")
    return problems


def args_from_model(platform: Any, scope: CloudScope, *, estimate_usd: Optional[float] = None,
                    endpoints: Sequence[ServedEndpoint] = (), cluster: Any = None,
                    node_pools: Sequence[GpuPool] = ()) -> OperationsArgs:
    """``OperationsArgs`` for ``scope``'s cloud from the model's ``operations`` section.

    The budget is the model's ``operations.budget.monthly_usd``, else ``estimate_usd`` (the
    upper bound of the platform's monthly cost estimate, which the caller computes); no budget
    when the model has none.
    """
    operations = platform.operations
    args: OperationsArgs = {"scope": scope, "endpoints": list(endpoints), "cluster": cluster,
                            "node_pools": list(node_pools), "kubernetes_version": platform.kubernetes.version}
    if operations is None:
        return args
    args.update(emails=list(operations.notifications.emails), webhook_url=operations.notifications.webhook_url,
                gcp_billing_account=operations.gcp_billing_account)
    if operations.budget is not None:
        amount = operations.budget.monthly_usd if operations.budget.monthly_usd is not None else estimate_usd
        if amount is None:
            raise ValueError("operations.budget.monthly_usd: omitted, and no cost estimate was given "
                             "(estimate_usd) to default it to; give monthly_usd")
        args.update(amount_usd=amount,
                    actual_thresholds=list(operations.budget.actual_thresholds),
                    forecast_thresholds=list(operations.budget.forecast_thresholds))
    return args


def problems_of(args: Any) -> list[str]:
    """Every problem with ``args``, each naming the argument, the value and what is valid."""
    if not isinstance(args, Mapping):
        return [f"args: got {args!r}; valid: an OperationsArgs mapping"]
    known = set(OperationsArgs.__required_keys__) | set(OperationsArgs.__optional_keys__)
    problems = [f"{key}: unknown argument; valid: {', '.join(sorted(known))}"
                for key in sorted(set(args) - known)]
    scope = args.get("scope")
    cloud = getattr(scope, "cloud", None)
    if cloud not in CLOUDS:
        problems.append(f"scope: got {scope!r}; valid: a CloudScope whose cloud is one of {', '.join(CLOUDS)}")
        return problems
    for field, meaning in clouds.adapter(cloud).scope_fields.items():
        if getattr(scope, field, None) is None:
            problems.append(f"scope.{field}: got None; valid: {meaning} (required on {cloud})")
    return problems + _model_problems(args) + _cloud_problems(args, cloud) + _workload_problems(args, cloud)


def resolve(name: str, args: Mapping[str, Any]) -> OperationsBuild:
    """The builders' view of checked ``args``: every omitted argument filled from :data:`DEFAULTS`."""
    given = {**DEFAULTS, **{key: value for key, value in args.items() if value is not None}}
    return OperationsBuild(
        name=name, scope=given["scope"], emails=tuple(given["emails"]), webhook_url=given["webhook_url"],
        amount_usd=given["amount_usd"],
        actual_thresholds=tuple(given["actual_thresholds"]),
        forecast_thresholds=tuple(given["forecast_thresholds"]),
        gcp_billing_account=given["gcp_billing_account"], azure_budget_scope=given["azure_budget_scope"],
        endpoints=tuple(given["endpoints"]), cluster=given["cluster"], node_pools=tuple(given["node_pools"]),
        kubernetes_version=given["kubernetes_version"],
        latency_threshold_seconds=given["latency_threshold_seconds"],
        error_threshold_percent=given["error_threshold_percent"])


def check_args(name: str, args: Any) -> None:
    """Raise one ValueError listing every problem with ``args``; nothing is registered."""
    problems = problems_of(args)
    if problems:
        listing = "\n".join(f"  - OperationsArgs.{problem}" for problem in problems)
        raise ValueError(f"invalid arguments for Operations {name!r}:\n{listing}")


@documented("Declare a cloud's budget, notifications, alerts and GPU observability.", OperationsArgs)
class Operations(pulumi.ComponentResource):
    """Budget, notification targets, serving alerts and GPU observability on one cloud."""

    notification_targets: pulumi.Output[list]
    """Where notifications go: the SNS topic ARN (AWS), the action group id (Azure, when it has
    receivers) or the notification channel names (GCP)."""
    budget_name: pulumi.Output[Optional[str]]
    """The budget's name in the cloud, or None without a budget."""
    alert_names: list
    """Keys of the alerts declared, sorted: ``alert:<endpoint>:latency`` and ``:errors`` for
    managed endpoints, ``alert:gpu-idle:<pool>``, ``alert:gpu-memory``, ``alert:gpu-pending``,
    ``alert:serving-latency:<endpoint>`` and ``alert:serving-errors:<endpoint>`` for the
    cluster (``details["resources"]`` maps each to its alarm, policy or PrometheusRule)."""
    details: dict
    """``resources``: every underlying resource by role (the escape hatch), plus cloud extras."""

    def __init__(self, name: str, args: OperationsArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        check_args(name, args)  # before super().__init__: bad args register nothing
        super().__init__(TYPE_TOKEN, name, None, opts)
        build = resolve(name, args)
        budgets = clouds.adapter(build.cloud).builder("budget")
        target = budgets.notifications(self, build)
        resources: dict[str, Any] = dict(target.resources)
        budget_name = None
        if build.amount_usd is not None:
            built = budgets.budget(self, build, target)
            budget_name, resources["budget"] = built.name, built.budget
        alerts = clouds.adapter(build.cloud).builder("alerts")
        managed = [e for e in build.endpoints if e["endpoint"].runtime == "managed"]
        resources.update(alerts.endpoint_alerts(self, build, target, managed))
        extras: dict[str, Any] = {}
        if build.cluster is not None:
            from aiscale.kubernetes import observability

            observed = observability.build(self, build, target)
            resources.update(observed.resources)
            extras = {"metrics_stack": observed.metrics_stack, "metrics_namespace": observed.metrics_namespace}
        self.notification_targets = pulumi.Output.from_input(list(target.targets))
        self.budget_name = pulumi.Output.from_input(budget_name)
        self.alert_names = sorted(key for key in resources if key.startswith("alert:"))
        self.details = {"resources": resources, **extras}
        self.register_outputs({"notification_targets": self.notification_targets,
                               "budget_name": self.budget_name})
