"""GPU observability on a cluster: DCGM exporter, a metrics stack, and the alert rules.

What is installed, per cloud, and why (:data:`STACKS`):

- **EKS and AKS** have no metrics stack of their own that the cluster builders turn on, so the
  cluster gets, in the ``monitoring`` namespace (the namespace the endpoints' NetworkPolicy
  admits for scraping): ``kube-prometheus-stack`` (Prometheus Operator, Prometheus with 15 days
  on a 50 GiB volume, Alertmanager, kube-state-metrics with the node-pool label, node-exporter;
  Grafana off: its default admin password is public), ``prometheus-adapter`` (serves
  ``vllm_num_requests_running`` to the endpoints' HorizontalPodAutoscalers) and NVIDIA's
  ``dcgm-exporter`` with a ServiceMonitor. A PodMonitor scrapes every model server; a
  PrometheusRule holds the GPU and serving rules; Alertmanager sends to the platform's SNS topic
  (EKS, through an IRSA role) and to the webhook. A self-managed stack (rather than Amazon or
  Azure Managed Prometheus) keeps the autoscaling metric in the cluster and needs no change to
  the cluster itself.
- **GKE** runs Google Cloud Managed Service for Prometheus and, from 1.31, its own DCGM exporter
  (the GKE builder turns both on), so only ``kube-state-metrics`` is added (with a
  ClusterPodMonitoring; GKE's own package has no node labels), plus a ClusterPodMonitoring for
  the model servers. The rules become Cloud Monitoring alert policies with PromQL conditions
  (``aiscale.gcp.alerts``), which notify the same channels as the budget: no Alertmanager to
  run. Older GKE versions also get the dcgm-exporter chart.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_kubernetes.apiextensions as apiextensions
import pulumi_kubernetes.core.v1 as core
import pulumi_kubernetes.helm.v3 as helm
import pulumi_kubernetes.meta.v1 as meta

from aiscale import clouds
from aiscale.kubernetes import alert_rules
from aiscale.kubernetes.addons import Chart
from aiscale.operations_spec import BuiltObservability, NotificationTarget, OperationsBuild

NAMESPACE = "monitoring"
"""Where the metrics stack, the exporters and the scrape configs live."""
STACK_RELEASE = "kps"
"""Release name and fullnameOverride of kube-prometheus-stack: services are ``kps-*``."""
ALERTMANAGER_ACCOUNT = "alertmanager"
"""The service account Alertmanager runs as (bound to an IAM role on EKS)."""
#: prometheus-community charts; kube-prometheus-stack 66.x ships Prometheus Operator 0.78.
KUBE_PROMETHEUS_STACK = Chart("kube-prometheus-stack", "66.3.1", "https://prometheus-community.github.io/helm-charts")
PROMETHEUS_ADAPTER = Chart("prometheus-adapter", "4.11.0", "https://prometheus-community.github.io/helm-charts")
KUBE_STATE_METRICS = Chart("kube-state-metrics", "5.27.0", "https://prometheus-community.github.io/helm-charts")
#: https://github.com/NVIDIA/dcgm-exporter charts: exporter 4.1.x on DCGM 4.2.
DCGM_EXPORTER = Chart("dcgm-exporter", "4.1.3", "https://nvidia.github.io/dcgm-exporter/helm-charts")
SELF_MANAGED_STACK = "kube-prometheus-stack + prometheus-adapter + dcgm-exporter (self-managed in the cluster)"
"""The metrics stack of a cluster whose cloud has no managed Prometheus."""
MANAGED_STACK = "Google Cloud Managed Service for Prometheus + GKE's DCGM metrics; kube-state-metrics added"
"""The metrics stack of a cluster on the cloud with a managed Prometheus (GKE)."""
STACKS = MappingProxyType({a.name: MANAGED_STACK if a.managed_prometheus else SELF_MANAGED_STACK
                           for a in clouds.adapters()})
"""What each cloud's cluster runs for metrics and alerting."""
METRICS_NAMESPACES = MappingProxyType({a.name: a.metrics_namespace for a in clouds.adapters()})
"""The namespace whose pods scrape the model servers (a ModelEndpoint's ``metrics_namespace``)."""
MODEL_SERVER_LABELS = MappingProxyType({"app.kubernetes.io/component": "model-server"})
"""The label every model-server pod carries (``aiscale.kubernetes.serving``)."""
SCRAPE_INTERVAL = "30s"
PROMETHEUS_RETENTION, PROMETHEUS_VOLUME = "15d", "50Gi"
HPA_METRIC = ("vllm:num_requests_running", "vllm_num_requests_running")
"""vLLM's in-flight request gauge, and the name prometheus-adapter serves it under."""


def _opts(component: Any, provider: Any, depends_on: Any = None) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=component, provider=provider, depends_on=depends_on or [])


def _release(name: str, chart: Chart, values: Any, opts: pulumi.ResourceOptions,
             release_name: str | None = None) -> helm.Release:
    return helm.Release(name, name=release_name or chart.name, chart=chart.name, version=chart.version,
                        repository_opts=helm.RepositoryOptsArgs(repo=chart.repository),
                        namespace=NAMESPACE, create_namespace=False, atomic=True, values=values, opts=opts)


def dcgm_values(service_monitor: bool) -> dict[str, Any]:
    """The exporter on GPU nodes only, tolerating every taint (the GPU taint, spot and the
    model's own), with a ServiceMonitor that labels each series with its ``node``."""
    return {
        "nodeSelector": {"nvidia.com/gpu.present": "true"},
        "tolerations": [{"operator": "Exists"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "serviceMonitor": {"enabled": service_monitor, "interval": SCRAPE_INTERVAL, "relabelings": [
            {"sourceLabels": ["__meta_kubernetes_pod_node_name"], "targetLabel": "node", "action": "replace"}]},
    }


def alertmanager_config(receiver: dict[str, Any]) -> dict[str, Any]:
    """Every alert to the ``platform`` receiver, except the stack's always-firing heartbeats."""
    return {
        "route": {"receiver": "platform", "group_by": ["alertname", "namespace", "pool", "endpoint"],
                  "group_wait": "30s", "group_interval": "5m", "repeat_interval": "4h",
                  "routes": [{"receiver": "null", "matchers": ['alertname =~ "Watchdog|InfoInhibitor"']}]},
        "receivers": [{"name": "null"}, {"name": "platform", **receiver}],
    }


def stack_values(cloud: str, receiver: dict[str, Any], account_annotations: dict[str, Any]) -> dict[str, Any]:
    """kube-prometheus-stack for a managed cluster: no control-plane scraping (the cloud runs
    it), every ServiceMonitor/PodMonitor/PrometheusRule selected, node-pool label kept."""
    pool_label = alert_rules.POOL_LABELS[cloud]
    return {
        "fullnameOverride": STACK_RELEASE,
        "grafana": {"enabled": False},
        **{part: {"enabled": False} for part in ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy")},
        "kube-state-metrics": {"metricLabelsAllowlist": [f"nodes=[{pool_label}]"]},
        "prometheus": {"prometheusSpec": {
            "retention": PROMETHEUS_RETENTION,
            "serviceMonitorSelectorNilUsesHelmValues": False,
            "podMonitorSelectorNilUsesHelmValues": False,
            "ruleSelectorNilUsesHelmValues": False,
            "storageSpec": {"volumeClaimTemplate": {"spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": PROMETHEUS_VOLUME}}}}}}},
        "alertmanager": {"serviceAccount": {"name": ALERTMANAGER_ACCOUNT, "annotations": account_annotations},
                         "config": alertmanager_config(receiver)},
    }


def adapter_values() -> dict[str, Any]:
    """prometheus-adapter serving vLLM's in-flight requests per pod as a custom metric."""
    source, served = HPA_METRIC
    return {
        "prometheus": {"url": f"http://{STACK_RELEASE}-prometheus.{NAMESPACE}.svc", "port": 9090},
        "rules": {"default": False, "custom": [{
            "seriesQuery": f'{{__name__="{source}",namespace!="",pod!=""}}',
            "resources": {"overrides": {"namespace": {"resource": "namespace"}, "pod": {"resource": "pod"}}},
            "name": {"matches": f"^{source}$", "as": served},
            "metricsQuery": "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"}]},
    }


def _receiver(component: Any, args: OperationsBuild, target: NotificationTarget) -> tuple[dict, dict, dict]:
    """Alertmanager's receiver settings, its service-account annotations and extra resources."""
    receiver: dict[str, Any] = {}
    annotations: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    details = getattr(args.cluster, "details", None) or {}
    adapter = clouds.adapter(args.scope.cloud)
    alertmanager_identity = getattr(adapter.builder("alerts"), "alertmanager_identity", None)
    identity_keys = adapter.cluster_identity_details
    if alertmanager_identity is not None and identity_keys and details.get(identity_keys[0]) is not None:
        identity = alertmanager_identity(component, args, target, NAMESPACE, ALERTMANAGER_ACCOUNT)
        receiver.update(identity["receiver"])
        annotations, resources = identity["service_account_annotations"], identity["resources"]
    if args.webhook_url:
        receiver["webhook_configs"] = [{"url": pulumi.Output.secret(args.webhook_url), "send_resolved": True}]
    if not receiver:
        pulumi.log.warn(f"{args.name}: cluster alerts have no receiver on {args.scope.cloud} "
                        "(give operations.notifications.webhook_url); they show in Alertmanager only",
                        resource=component)
    return receiver, annotations, resources


def _custom(name: str, kind: str, object_name: str, spec: Any, opts: pulumi.ResourceOptions,
            api_version: str = "monitoring.coreos.com/v1",
            namespace: str | None = NAMESPACE) -> apiextensions.CustomResource:
    """A custom resource named ``object_name`` (in ``namespace``, or cluster-scoped for None)."""
    return apiextensions.CustomResource(
        name, api_version=api_version, kind=kind, spec=spec, opts=opts,
        metadata=meta.ObjectMetaArgs(name=object_name, namespace=namespace,
                                     labels={"app.kubernetes.io/managed-by": "aiscale"}))


def rules_for(args: OperationsBuild, cluster_name: Any = "") -> list[alert_rules.AlertRule]:
    """The GPU rules of the cluster's pools and the serving rules of its Kubernetes endpoints."""
    from aiscale.kubernetes.serving import namespace_name

    cloud = args.scope.cloud
    pools = [(p["pool"].name, p["component"].pool_name, p["pool"].min_nodes) for p in args.node_pools]
    served = [(e["endpoint"].name, namespace_name(e["endpoint"])) for e in args.endpoints
              if e["endpoint"].runtime == "kubernetes"]
    return (alert_rules.gpu_rules(cloud, pools, cluster_name)
            + alert_rules.serving_rules(served, args.latency_threshold_seconds,
                                        args.error_threshold_percent, cluster_name))


def _self_managed(component: Any, args: OperationsBuild, target: NotificationTarget, provider: Any,
                  namespace: core.Namespace) -> dict[str, Any]:
    """EKS/AKS: the stack, the adapter, the exporter, the model-server PodMonitor and the rules."""
    name, cloud = args.name, args.scope.cloud
    receiver, annotations, resources = _receiver(component, args, target)
    stack = _release(f"{name}-kube-prometheus-stack", KUBE_PROMETHEUS_STACK,
                     stack_values(cloud, receiver, annotations), _opts(component, provider, [namespace]),
                     release_name=STACK_RELEASE)
    after = _opts(component, provider, [stack])
    resources.update({
        "kube_prometheus_stack": stack,
        "prometheus_adapter": _release(f"{name}-prometheus-adapter", PROMETHEUS_ADAPTER, adapter_values(), after),
        "dcgm_exporter": _release(f"{name}-dcgm-exporter", DCGM_EXPORTER, dcgm_values(True), after),
        "model_server_monitor": _custom(f"{name}-model-servers", "PodMonitor", "aiscale-model-servers", {
            "namespaceSelector": {"any": True}, "selector": {"matchLabels": dict(MODEL_SERVER_LABELS)},
            "podMetricsEndpoints": [{"port": "http", "path": "/metrics", "interval": SCRAPE_INTERVAL}]}, after),
    })
    rules = rules_for(args)
    resources["prometheus_rule"] = _custom(f"{name}-rules", "PrometheusRule", "aiscale-alerts",
                                           {"groups": alert_rules.prometheus_rule_groups(rules)}, after)
    resources.update({f"alert:{rule.key}": resources["prometheus_rule"] for rule in rules})
    return resources


def _google_managed(component: Any, args: OperationsBuild, target: NotificationTarget, provider: Any,
                    namespace: core.Namespace) -> dict[str, Any]:
    """GKE: kube-state-metrics, scrape configs for it and the model servers, PromQL policies."""
    from aiscale.gcp.alerts import prometheus_policies
    from aiscale.gcp.cluster import monitoring

    name = args.name
    first = _opts(component, provider, [namespace])
    ksm = _release(f"{name}-kube-state-metrics", KUBE_STATE_METRICS, {
        "metricLabelsAllowlist": [f"nodes=[{alert_rules.POOL_LABELS[args.scope.cloud]}]"]}, first)
    resources: dict[str, Any] = {"kube_state_metrics": ksm}
    monitors = {"kube-state-metrics": ({"app.kubernetes.io/name": "kube-state-metrics"}, "http"),
                "model-servers": (dict(MODEL_SERVER_LABELS), "http")}
    if "DCGM" not in monitoring(args.kubernetes_version)["enable_components"]:
        resources["dcgm_exporter"] = _release(f"{name}-dcgm-exporter", DCGM_EXPORTER, dcgm_values(False), first)
        monitors["dcgm-exporter"] = ({"app.kubernetes.io/name": "dcgm-exporter"}, "metrics")
    for key, (labels, port) in monitors.items():
        resources[f"monitor:{key}"] = _custom(
            f"{name}-{key}", "ClusterPodMonitoring", f"aiscale-{key}",
            {"selector": {"matchLabels": labels},
             "endpoints": [{"port": port, "path": "/metrics", "interval": SCRAPE_INTERVAL}]},
            _opts(component, provider, [ksm]), api_version="monitoring.googleapis.com/v1", namespace=None)
    cluster_name = pulumi.Output.from_input(args.cluster.cluster_name)
    resources.update(prometheus_policies(component, args, target, rules_for(args, cluster_name)))
    return resources


def build(component: pulumi.ComponentResource, args: OperationsBuild, target: NotificationTarget) -> BuiltObservability:
    """Declare the cluster's observability under ``component``; return its resources."""
    cloud = args.scope.cloud
    provider = args.cluster.kubernetes_provider
    namespace = core.Namespace(
        f"{args.name}-monitoring", metadata=meta.ObjectMetaArgs(name=NAMESPACE, labels={
            "app.kubernetes.io/managed-by": "aiscale",
            # node-exporter and the DCGM exporter read host devices and metrics.
            "pod-security.kubernetes.io/enforce": "privileged"}),
        opts=_opts(component, provider))
    install = _google_managed if clouds.adapter(cloud).managed_prometheus else _self_managed
    resources = {"monitoring_namespace": namespace, **install(component, args, target, provider, namespace)}
    return BuiltObservability(resources=resources, metrics_stack=STACKS[cloud],
                              metrics_namespace=METRICS_NAMESPACES[cloud])


__all__ = ["build", "rules_for", "stack_values", "adapter_values", "dcgm_values", "alertmanager_config",
           "STACKS", "METRICS_NAMESPACES", "NAMESPACE", "KUBE_PROMETHEUS_STACK", "PROMETHEUS_ADAPTER",
           "KUBE_STATE_METRICS", "DCGM_EXPORTER"]
