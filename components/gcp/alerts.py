"""Cloud Monitoring alert policies: Cloud Run endpoints, and the GKE cluster's PromQL rules.

Per managed (Cloud Run) endpoint, two policies on the service's built-in metrics:

- **latency**: ``run.googleapis.com/request_latencies`` (milliseconds) at p95 over 5 minutes
  above the threshold, held for 5 minutes;
- **errors**: ``run.googleapis.com/request_count`` with ``response_code_class = "5xx"`` as a
  ratio of all requests above the threshold percentage, held for 5 minutes.

On GKE the cluster's GPU and serving rules (``aiscale.kubernetes.alert_rules``) become one
policy each with a PromQL condition evaluated by Cloud Monitoring over Managed Service for
Prometheus data; metric validation is off so the policies can exist before the first sample.
Every policy notifies the platform's channels.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_gcp.monitoring as monitoring

from aiscale.gcp import naming
from aiscale.gcp.budget import ChannelTarget, display_prefix
from aiscale.operations_spec import OperationsBuild, ServedEndpoint

if TYPE_CHECKING:
    from aiscale.gcp.cloud_run import CloudRunEndpoint

RUN_RESOURCE = "cloud_run_revision"
"""The monitored resource of Cloud Run request metrics."""
LATENCY_METRIC = "run.googleapis.com/request_latencies"
REQUESTS_METRIC = "run.googleapis.com/request_count"
WINDOW = "300s"
"""Alignment period and how long a condition must hold."""
EVALUATION_INTERVAL = "60s"
"""How often the PromQL conditions are evaluated."""
SEVERITIES = MappingProxyType({"warning": "WARNING", "critical": "CRITICAL"})
"""Rule severity -> alert policy severity."""


def _service_filter(service: str, metric: str, extra: str = "") -> str:
    text = (f'resource.type = "{RUN_RESOURCE}" AND resource.labels.service_name = "{service}" '
            f'AND metric.type = "{metric}"')
    return f"{text} AND {extra}" if extra else text


def _aggregation(aligner: str, reducer: str) -> dict[str, Any]:
    return {"alignment_period": WINDOW, "per_series_aligner": aligner, "cross_series_reducer": reducer,
            "group_by_fields": ["resource.label.service_name"]}


def _policy(name: str, display: str, condition: dict[str, Any], args: OperationsBuild, target: ChannelTarget,
            severity: str, documentation: str, opts: pulumi.ResourceOptions) -> monitoring.AlertPolicy:
    scope = args.scope
    return monitoring.AlertPolicy(
        name, display_name=display, project=scope.gcp_project, combiner="OR", conditions=[condition],
        notification_channels=target.channels, severity=severity,
        documentation={"content": documentation, "mime_type": "text/markdown"},
        alert_strategy={"auto_close": "86400s"}, user_labels=naming.gcp_labels(scope.tags), opts=opts)


def endpoint_alerts(component: pulumi.ComponentResource, args: OperationsBuild, target: ChannelTarget,
                    endpoints: list[ServedEndpoint]) -> dict[str, Any]:
    """Declare the latency and error policies of every managed (Cloud Run) endpoint."""
    scope = args.scope
    opts = pulumi.ResourceOptions(parent=component)
    seconds, percent = args.latency_threshold_seconds, args.error_threshold_percent
    policies: dict[str, Any] = {}
    for served in endpoints:
        endpoint = served["endpoint"]
        run: CloudRunEndpoint = served["component"].built
        service = run.service_name
        base = f"{display_prefix(scope)} {endpoint.name}"
        latency = service.apply(lambda s: {"display_name": f"p95 latency above {seconds:g} s", "condition_threshold": {
            "filter": _service_filter(s, LATENCY_METRIC), "comparison": "COMPARISON_GT",
            "threshold_value": seconds * 1000, "duration": WINDOW,
            "aggregations": [_aggregation("ALIGN_PERCENTILE_95", "REDUCE_MAX")]}})
        errors = service.apply(lambda s: {"display_name": f"5xx above {percent:g}%", "condition_threshold": {
            "filter": _service_filter(s, REQUESTS_METRIC, 'metric.labels.response_code_class = "5xx"'),
            "denominator_filter": _service_filter(s, REQUESTS_METRIC), "comparison": "COMPARISON_GT",
            "threshold_value": percent / 100, "duration": WINDOW,
            "aggregations": [_aggregation("ALIGN_RATE", "REDUCE_SUM")],
            "denominator_aggregations": [_aggregation("ALIGN_RATE", "REDUCE_SUM")]}})
        policies[f"alert:{endpoint.name}:latency"] = _policy(
            f"{args.name}-{endpoint.name}-latency", f"{base}: latency", latency, args, target, "WARNING",
            f"The p95 request latency of Cloud Run endpoint {endpoint.name} stayed above {seconds:g} s for "
            "5 minutes: instances are saturated (check max_replicas) or requests got longer.", opts)
        policies[f"alert:{endpoint.name}:errors"] = _policy(
            f"{args.name}-{endpoint.name}-errors", f"{base}: 5xx responses", errors, args, target, "CRITICAL",
            f"More than {percent:g}% of the requests to Cloud Run endpoint {endpoint.name} failed with a 5xx "
            "status for 5 minutes. Check the service's logs.", opts)
    return policies


def prometheus_policies(component: pulumi.ComponentResource, args: OperationsBuild, target: ChannelTarget,
                        rules: list[Any]) -> dict[str, Any]:
    """One alert policy with a PromQL condition per cluster rule (``alert_rules.AlertRule``)."""
    scope = args.scope
    opts = pulumi.ResourceOptions(parent=component)
    policies: dict[str, Any] = {}
    for rule in rules:
        condition = {"display_name": rule.title, "condition_prometheus_query_language": {
                         "query": rule.expr, "duration": f"{rule.for_seconds}s",
                         "evaluation_interval": EVALUATION_INTERVAL, "alert_rule": rule.alert,
                         "rule_group": rule.group, "labels": {"severity": rule.severity, **rule.labels},
                         "disable_metric_validation": True}}
        policies[f"alert:{rule.key}"] = _policy(
            f"{args.name}-{rule.key.replace(':', '-')}", f"{display_prefix(scope)}: {rule.title}",
            condition, args, target, SEVERITIES[rule.severity], rule.description, opts)
    return policies
