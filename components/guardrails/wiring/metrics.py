"""Is this metric served? HPAs on Pods, Object or External metrics need an adapter on their
cluster (prometheus-adapter, KEDA, custom-metrics-stackdriver-adapter...)."""

from __future__ import annotations

from aiscale.facts import cluster_wiring, tokens
from aiscale.facts.values import UnknownValue

from .. import schema
from ..registry import Check, NotApplicable, Violation
from .graph import StackGraph

CUSTOM_ADAPTERS = ("prometheus-adapter", "custom-metrics-stackdriver-adapter", "datadog", "k8s-prometheus-adapter")
"""Charts / images that serve the custom metrics API (Pods and Object metrics)."""
EXTERNAL_ADAPTERS = ("keda", "prometheus-adapter", "custom-metrics-stackdriver-adapter", "datadog")
"""Charts / images that serve the external metrics API (External metrics)."""
_API_GROUPS = {"custom": "custom.metrics.k8s.io", "external": "external.metrics.k8s.io"}


def _served(graph: StackGraph, key: str, names: list, api: str) -> bool:
    """True when the cluster `key` runs a chart or image named in `names`, or declares the
    APIService of `api`."""
    wanted = tuple(str(n).lower() for n in names)
    for view in graph.on_cluster((tokens.K8S_HELM_SH_RELEASE,), key):
        if cluster_wiring.chart_name(view.props) in wanted:
            return True
    for view in graph.on_cluster((tokens.K8S_APPS_DEPLOYMENT,), key):
        text = str(view.props.get("spec", "")).lower()
        if any(name in text for name in wanted):
            return True
    for view in graph.on_cluster((tokens.K8S_APIREGISTRATION_API_SERVICE,), key):
        if _API_GROUPS[api] in str(view.props.get("spec", "")):
            return True
    return False


def unserved_hpa_metrics(resources, ctx):
    """HPAs on Pods / Object metrics with no custom metrics adapter on their cluster, and on
    External metrics with no external metrics adapter."""
    custom = list(ctx.config.get("custom_metrics_adapters", list(CUSTOM_ADAPTERS)))
    external = list(ctx.config.get("external_metrics_adapters", list(EXTERNAL_ADAPTERS)))
    graph = StackGraph(resources)
    found, checked = [], 0
    for view in graph.of_type(tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER):
        try:
            metrics = cluster_wiring.hpa_metric_types(view.props)
        except UnknownValue:
            continue
        key = graph.cluster_key(view)
        for kind, name in metrics:
            if kind in cluster_wiring.CUSTOM_METRIC_TYPES:
                api, adapters = "custom", custom
            elif kind in cluster_wiring.EXTERNAL_METRIC_TYPES:
                api, adapters = "external", external
            else:
                continue
            checked += 1
            cluster = graph.cluster_urn(view)
            if api == "external" and cluster and graph.clusters[cluster][1].serves_external_metrics:
                continue
            if not _served(graph, key, adapters, api):
                where = f"cluster '{graph.get(cluster).name}'" if cluster else "its cluster"
                found.append(Violation(view.urn, (
                    f"HPA '{view.name}' scales on the {kind} metric '{name}', but {where} runs no "
                    f"{api} metrics adapter ({', '.join(adapters)}): the HPA never gets the metric and "
                    f"stays at minReplicas")))
    return found if checked else NotApplicable("no HPA on a Pods, Object or External metric")


CHECKS = (
    Check("WIRE-METRICS-001", "wiring", "HPA custom metrics are served on the cluster",
          "A HorizontalPodAutoscaler that scales on a Pods or Object metric needs a custom metrics "
          "adapter (custom.metrics.k8s.io) on its cluster, one on an External metric an external "
          "metrics adapter (external.metrics.k8s.io; the AKS KEDA add-on counts); without it the HPA "
          "never scales.",
          "high", "mandatory",
          "Install prometheus-adapter, KEDA or custom-metrics-stackdriver-adapter on the cluster (a "
          "Helm release with the same provider), or scale on a Resource metric.",
          unserved_hpa_metrics, scope="stack",
          url="https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-metrics-apis",
          config_schema={
              "custom_metrics_adapters": schema.strings(
                  CUSTOM_ADAPTERS, "Helm charts or images that serve the custom metrics API."),
              "external_metrics_adapters": schema.strings(
                  EXTERNAL_ADAPTERS, "Helm charts or images that serve the external metrics API."),
          }),
)
"""The metrics checks of the wiring pack."""
