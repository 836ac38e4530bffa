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

**One autoscaling signal path on every cloud**: prometheus-adapter (the same pinned chart and
rules everywhere, :func:`adapter_values`) serves each model server's in-flight request gauge
(``aiscale.servers``: vLLM ``vllm:num_requests_running``, TGI ``tgi_batch_current_size``, Triton
``nv_inference_pending_request_count``, and each custom endpoint's ``autoscaling_metric``) on the
custom metrics API, where the endpoints' HorizontalPodAutoscalers read it as a Pods metric. It
queries the in-cluster Prometheus on EKS and AKS, and on GKE Google's Managed Prometheus query
frontend (:data:`GMP_FRONTEND_IMAGE`, a Deployment in ``monitoring`` whose ServiceAccount reads
Cloud Monitoring through workload identity, ``aiscale.gcp.metrics_reader``).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_kubernetes.apiextensions as apiextensions
import pulumi_kubernetes.core.v1 as core
import pulumi_kubernetes.helm.v3 as helm
import pulumi_kubernetes.meta.v1 as meta

import pulumi_kubernetes.apps.v1 as apps

from aiscale import clouds, servers
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
MANAGED_STACK = ("Google Cloud Managed Service for Prometheus + GKE's DCGM metrics; kube-state-metrics, "
                 "the Managed Prometheus query frontend and prometheus-adapter added")
"""The metrics stack of a cluster on the cloud with a managed Prometheus (GKE)."""
STACKS = MappingProxyType({a.name: MANAGED_STACK if a.managed_prometheus else SELF_MANAGED_STACK
                           for a in clouds.adapters()})
"""What each cloud's cluster runs for metrics and alerting."""
METRICS_NAMESPACES = MappingProxyType({a.name: a.metrics_namespace for a in clouds.adapters()})
"""The namespace whose pods scrape the model servers (a ModelEndpoint's ``metrics_namespace``)."""
MODEL_SERVER_LABELS = MappingProxyType({"app.kubernetes.io/component": "model-server"})
"""The label every model-server pod carries (``aiscale.kubernetes.serving``)."""
MODEL_SERVER_PORTS = ("http", "metrics")
"""The container ports scraped for ``/metrics``: the serving port, and ``metrics`` where the
server serves metrics elsewhere (Triton)."""
SCRAPE_INTERVAL = "30s"
PROMETHEUS_RETENTION, PROMETHEUS_VOLUME = "15d", "50Gi"
HPA_METRIC = ("vllm:num_requests_running", "vllm_num_requests_running")
"""vLLM's in-flight request gauge, and the name prometheus-adapter serves it under."""
GMP_FRONTEND_IMAGE = "gke.gcr.io/prometheus-engine/frontend:v0.15.3-gke.0"
"""Google's query frontend for Managed Service for Prometheus (a Prometheus-compatible HTTP API
that authenticates to Cloud Monitoring as its workload identity), pinned."""
GMP_FRONTEND = "gmp-frontend"
"""Name of the frontend's Deployment, Service and ServiceAccount in :data:`NAMESPACE`."""
PROMETHEUS_PORT = 9090
"""The port of the Prometheus HTTP API prometheus-adapter queries (in-cluster or frontend)."""
IN_CLUSTER_PROMETHEUS = f"http://{STACK_RELEASE}-prometheus.{NAMESPACE}.svc"
"""kube-prometheus-stack's Prometheus (EKS, AKS)."""
GMP_FRONTEND_URL = f"http://{GMP_FRONTEND}.{NAMESPACE}.svc"
"""The Managed Prometheus query frontend (GKE)."""


def serving_metrics(endpoints: Any = ()) -> list[str]:
    """The gauges prometheus-adapter serves: every known server's, plus the
    ``autoscaling_metric`` of each of the cluster's Kubernetes endpoints."""
    found = {server.metric for server in servers.SERVERS.values() if server.metric}
    found |= {servers.autoscaling_metric(e["endpoint"]) for e in endpoints
              if e["endpoint"].runtime == "kubernetes" and servers.autoscaling_metric(e["endpoint"])}
    return sorted(found)


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


def adapter_values(metrics: Any = (HPA_METRIC[0],), prometheus_url: str = IN_CLUSTER_PROMETHEUS) -> dict[str, Any]:
    """prometheus-adapter serving each gauge in ``metrics`` per pod as a custom metric, named
    as ``aiscale.servers.served_metric_name`` says (``:`` becomes ``_``), summed over the
    pod's series (Triton reports one per model)."""
    return {
        "prometheus": {"url": prometheus_url, "port": PROMETHEUS_PORT},
        "rules": {"default": False, "custom": [{
            "seriesQuery": f'{{__name__="{source}",namespace!="",pod!=""}}',
            "resources": {"overrides": {"namespace": {"resource": "namespace"}, "pod": {"resource": "pod"}}},
            "name": {"matches": f"^{re.escape(source)}$", "as": servers.served_metric_name(source)},
            "metricsQuery": "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"} for source in metrics]},
    }


def _receiver(component: Any, args: OperationsBuild, target: NotificationTarget) -> tuple[dict, dict, dict]:
    """Alertmanager's receiver settings, its service-account annotations and extra resources."""
    receiver: dict[str, Any] = {}
    annotations: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    built = getattr(args.cluster, "built", None)
    adapter = clouds.adapter(args.scope.cloud)
    alertmanager_identity = getattr(adapter.builder("alerts"), "alertmanager_identity", None)
    identity_fields = adapter.cluster_identity_details
    if alertmanager_identity is not None and identity_fields and getattr(built, identity_fields[0], None) is not None:
        identity = alertmanager_identity(component, args, target, NAMESPACE, ALERTMANAGER_ACCOUNT)
        receiver.update(identity.receiver)
        annotations, resources = dict(identity.service_account_annotations), dict(identity.resources)
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
    volumes_ready = getattr(getattr(args.cluster, "built", None), "storage_dependencies", ())
    stack = _release(f"{name}-kube-prometheus-stack", KUBE_PROMETHEUS_STACK,
                     stack_values(cloud, receiver, annotations),
                     _opts(component, provider, [namespace, *volumes_ready]),  # its PVC needs a provisioner
                     release_name=STACK_RELEASE)
    after = _opts(component, provider, [stack])
    resources.update({
        "kube_prometheus_stack": stack,
        "prometheus_adapter": _release(f"{name}-prometheus-adapter", PROMETHEUS_ADAPTER,
                                       adapter_values(serving_metrics(args.endpoints)), after),
        "dcgm_exporter": _release(f"{name}-dcgm-exporter", DCGM_EXPORTER, dcgm_values(True), after),
        "model_server_monitor": _custom(f"{name}-model-servers", "PodMonitor", "aiscale-model-servers", {
            "namespaceSelector": {"any": True}, "selector": {"matchLabels": dict(MODEL_SERVER_LABELS)},
            "podMetricsEndpoints": [{"port": port, "path": "/metrics", "interval": SCRAPE_INTERVAL}
                                    for port in MODEL_SERVER_PORTS]}, after),
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
    monitors = {"kube-state-metrics": ({"app.kubernetes.io/name": "kube-state-metrics"}, ("http",)),
                "model-servers": (dict(MODEL_SERVER_LABELS), MODEL_SERVER_PORTS)}
    if "DCGM" not in monitoring(args.kubernetes_version)["enable_components"]:
        resources["dcgm_exporter"] = _release(f"{name}-dcgm-exporter", DCGM_EXPORTER, dcgm_values(False), first)
        monitors["dcgm-exporter"] = ({"app.kubernetes.io/name": "dcgm-exporter"}, ("metrics",))
    for key, (labels, ports) in monitors.items():
        resources[f"monitor:{key}"] = _custom(
            f"{name}-{key}", "ClusterPodMonitoring", f"aiscale-{key}",
            {"selector": {"matchLabels": labels},
             "endpoints": [{"port": port, "path": "/metrics", "interval": SCRAPE_INTERVAL} for port in ports]},
            _opts(component, provider, [ksm]), api_version="monitoring.googleapis.com/v1", namespace=None)
    resources.update(_gmp_frontend(component, args, provider, namespace))
    resources["prometheus_adapter"] = _release(
        f"{name}-prometheus-adapter", PROMETHEUS_ADAPTER,
        adapter_values(serving_metrics(args.endpoints), GMP_FRONTEND_URL),
        _opts(component, provider, [resources["gmp_frontend"]]))
    cluster_name = pulumi.Output.from_input(args.cluster.cluster_name)
    resources.update(prometheus_policies(component, args, target, rules_for(args, cluster_name)))
    return resources


def _gmp_frontend(component: Any, args: OperationsBuild, provider: Any,
                  namespace: core.Namespace) -> dict[str, Any]:
    """GKE: Google's query frontend for Managed Prometheus, as a workload identity that may
    read metrics only: the Prometheus API prometheus-adapter queries."""
    name = args.name
    reader = clouds.adapter(args.scope.cloud).builder("metrics_reader").build(
        component, args, NAMESPACE, GMP_FRONTEND)
    opts = _opts(component, provider, [namespace])
    labels = {"app.kubernetes.io/name": GMP_FRONTEND, "app.kubernetes.io/managed-by": "aiscale"}
    metadata = meta.ObjectMetaArgs(name=GMP_FRONTEND, namespace=NAMESPACE, labels=labels)
    account = core.ServiceAccount(f"{name}-gmp-frontend-sa", opts=opts, metadata=meta.ObjectMetaArgs(
        name=GMP_FRONTEND, namespace=NAMESPACE, labels=labels,
        annotations=dict(reader.service_account_annotations)), automount_service_account_token=False)
    probe = lambda path: core.ProbeArgs(http_get=core.HTTPGetActionArgs(path=path, port="web"))  # noqa: E731
    deployment = apps.Deployment(f"{name}-gmp-frontend", metadata=metadata, opts=opts, spec=apps.DeploymentSpecArgs(
        replicas=2, selector=meta.LabelSelectorArgs(match_labels={"app.kubernetes.io/name": GMP_FRONTEND}),
        template=core.PodTemplateSpecArgs(metadata=meta.ObjectMetaArgs(labels=labels), spec=core.PodSpecArgs(
            service_account_name=GMP_FRONTEND,
            automount_service_account_token=False,  # GKE's metadata server answers for the identity
            node_selector={"kubernetes.io/os": "linux"},
            security_context=core.PodSecurityContextArgs(
                run_as_non_root=True, run_as_user=1000, run_as_group=1000,
                seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault")),
            containers=[core.ContainerArgs(
                name="frontend", image=GMP_FRONTEND_IMAGE,
                args=[f"--web.listen-address=:{PROMETHEUS_PORT}", *reader.args],
                ports=[core.ContainerPortArgs(name="web", container_port=PROMETHEUS_PORT)],
                resources=core.ResourceRequirementsArgs(requests={"cpu": "50m", "memory": "64Mi"},
                                                        limits={"memory": "256Mi"}),
                liveness_probe=probe("/-/healthy"), readiness_probe=probe("/-/ready"),
                security_context=core.SecurityContextArgs(
                    allow_privilege_escalation=False, privileged=False, read_only_root_filesystem=True,
                    capabilities=core.CapabilitiesArgs(drop=["ALL"])))]))))
    service = core.Service(f"{name}-gmp-frontend-service", metadata=metadata, opts=opts, spec=core.ServiceSpecArgs(
        selector={"app.kubernetes.io/name": GMP_FRONTEND},
        ports=[core.ServicePortArgs(name="web", port=PROMETHEUS_PORT, target_port="web")]))
    return {**reader.resources, "gmp_frontend_account": account, "gmp_frontend": deployment,
            "gmp_frontend_service": service}


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


__all__ = ["build", "rules_for", "stack_values", "adapter_values", "serving_metrics", "dcgm_values", "alertmanager_config",
           "STACKS", "METRICS_NAMESPACES", "NAMESPACE", "KUBE_PROMETHEUS_STACK", "PROMETHEUS_ADAPTER",
           "KUBE_STATE_METRICS", "DCGM_EXPORTER"]
