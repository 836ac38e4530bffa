"""Azure Monitor metric alerts on Azure Machine Learning online endpoints.

Per managed endpoint, two alerts scoped to the online endpoint, on its ``primary`` deployment,
evaluated every minute over 5 minutes, that trigger the platform's action group:

- **latency**: ``RequestLatency_P95`` (milliseconds) averaged above the threshold;
- **errors**: ``RequestsPerMinute`` with ``statusCodeClass = 5xx`` averaging more than one a
  minute. Azure metric alerts cannot divide one metric by another, so the error alert counts
  5xx responses instead of the share that the other clouds use.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_azure_native.monitor as monitor

from aiscale.azure import naming
from aiscale.azure.budget import ActionGroupTarget, resource_prefix
from aiscale.azure.ml_endpoint import DEPLOYMENT, ENDPOINT_METRICS, AzureMlEndpoint
from aiscale.operations_spec import OperationsBuild, ServedEndpoint

LATENCY_METRIC, REQUESTS_METRIC = "RequestLatency_P95", "RequestsPerMinute"
"""The online-endpoint metrics the alerts read (latency in milliseconds)."""
ERRORS_PER_MINUTE = 1.0
"""5xx responses per minute (5-minute average) above which the error alert fires."""
WINDOW, FREQUENCY = "PT5M", "PT1M"
"""Each alert looks at the last 5 minutes, every minute."""
SEVERITY = MappingProxyType({"latency": 2, "errors": 1})
"""Azure severities (0 critical .. 4 verbose)."""
CRITERIA_TYPE = "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"


def _criteria(name: str, metric: str, threshold: float, dimensions: dict[str, list[str]]) -> Any:
    return monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
        odata_type=CRITERIA_TYPE, all_of=[monitor.MetricCriteriaArgs(
            criterion_type="StaticThresholdCriterion", name=name, metric_name=metric,
            metric_namespace=ENDPOINT_METRICS, operator="GreaterThan", threshold=threshold,
            time_aggregation="Average",
            dimensions=[monitor.MetricDimensionArgs(name=key, operator="Include", values=values)
                        for key, values in dimensions.items()])])


def _alert(component: Any, key: str, rule_name: str, description: str, criteria: Any, endpoint_id: Any,
           args: OperationsBuild, target: ActionGroupTarget) -> monitor.MetricAlert:
    scope = args.scope
    group = target.action_group_id
    return monitor.MetricAlert(
        f"{args.name}-{key}", rule_name=rule_name, resource_group_name=scope.resource_group_name,
        location="global", description=description, severity=SEVERITY[key.rsplit("-", 1)[-1]],
        enabled=True, scopes=[endpoint_id], evaluation_frequency=FREQUENCY, window_size=WINDOW,
        criteria=criteria, auto_mitigate=True,
        actions=[monitor.MetricAlertActionArgs(action_group_id=group)] if group is not None else [],
        tags=naming.azure_tags(scope.tags), opts=pulumi.ResourceOptions(parent=component))


def endpoint_alerts(component: pulumi.ComponentResource, args: OperationsBuild, target: ActionGroupTarget,
                    endpoints: list[ServedEndpoint]) -> dict[str, Any]:
    """Declare the latency and error alerts of every managed (Azure ML) endpoint."""
    scope = args.scope
    seconds = args.latency_threshold_seconds
    alerts: dict[str, Any] = {}
    for served in endpoints:
        endpoint = served["endpoint"]
        live: AzureMlEndpoint = served["component"].built
        endpoint_id = live.endpoint_id
        base = f"{resource_prefix(scope)}-{endpoint.name}"
        deployment = {"deployment": [DEPLOYMENT]}
        alerts[f"alert:{endpoint.name}:latency"] = _alert(
            component, f"{endpoint.name}-latency", f"{base}-latency",
            f"p95 request latency of endpoint {endpoint.name} above {seconds:g} s over 5 minutes",
            _criteria("p95-latency", LATENCY_METRIC, seconds * 1000, deployment), endpoint_id, args, target)
        alerts[f"alert:{endpoint.name}:errors"] = _alert(
            component, f"{endpoint.name}-errors", f"{base}-5xx",
            f"endpoint {endpoint.name} answered more than {ERRORS_PER_MINUTE:g} 5xx a minute over 5 minutes",
            _criteria("5xx-per-minute", REQUESTS_METRIC, ERRORS_PER_MINUTE,
                      {**deployment, "statusCodeClass": ["5xx"]}), endpoint_id, args, target)
    return alerts
