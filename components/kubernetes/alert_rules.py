"""The cluster's alert rules as data: PromQL over DCGM, kube-state-metrics and vLLM metrics.

Pure functions, no provider SDK imports: ``aiscale.kubernetes.observability`` turns the rules into a
``PrometheusRule`` (EKS, AKS) or Cloud Monitoring PromQL alert policies (GKE).

Metrics read:

- NVIDIA DCGM exporter: ``DCGM_FI_DEV_GPU_UTIL`` (percent busy), ``DCGM_FI_DEV_FB_USED`` and
  ``DCGM_FI_DEV_FB_FREE`` (frame-buffer MiB). Each series names its node: the ``node`` label
  the scrape adds on EKS and AKS, the exporter's ``Hostname`` label (the node name) on GKE.
- kube-state-metrics: ``kube_node_labels`` (with the cloud's node-pool label allowed),
  ``kube_pod_container_resource_requests{resource="nvidia_com_gpu"}``,
  ``kube_pod_status_unschedulable``.
- vLLM's OpenAI server: ``vllm:e2e_request_latency_seconds`` (histogram of whole-request
  latency) and ``http_requests_total{status}`` (HTTP responses by status class, vLLM 0.7 and
  later). vLLM metric names contain ':', so they are selected as ``{__name__="vllm:..."}``,
  which every PromQL engine (Prometheus, Cloud Monitoring) reads the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Optional

import pulumi

from aiscale import clouds

GPU_UTIL, FB_USED, FB_FREE = "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE"
"""The DCGM exporter metrics the GPU rules read."""
VLLM_LATENCY = "vllm:e2e_request_latency_seconds_bucket"
"""vLLM's whole-request latency histogram buckets."""
HTTP_REQUESTS = "http_requests_total"
"""HTTP responses of the vLLM server, labelled ``status`` ("2xx", "5xx", ...)."""
POOL_LABELS = MappingProxyType({a.name: a.node_pool_label for a in clouds.adapters()})
"""The node label that names a node's pool, per cloud (allowed into ``kube_node_labels``)."""

IDLE_GPU_PERCENT = 5
"""A pool whose GPUs average less than this utilisation (percent) is idle."""
IDLE_WINDOW, IDLE_FOR_SECONDS = "10m", 3600
"""Utilisation is smoothed over 10 minutes; the pool must stay idle for an hour."""
MEMORY_FULL_RATIO, MEMORY_FOR_SECONDS = 0.95, 900
"""A GPU whose frame buffer is more than 95 % used for 15 minutes is near full."""
PENDING_FOR_SECONDS = 900
"""GPU pods unschedulable for 15 minutes (longer than a GPU node takes to join) lack capacity."""
SERVING_WINDOW, SERVING_FOR_SECONDS = "5m", 300
"""Serving latency and errors are computed over 5 minutes and must persist for 5 minutes."""
LATENCY_QUANTILE = 0.95
"""Serving latency is judged at the 95th percentile."""
GPU_GROUP, SERVING_GROUP = "aiscale-gpu", "aiscale-serving"
"""Rule group names."""


@dataclass(frozen=True)
class AlertRule:
    """One alert: what to evaluate, for how long, and what to tell people."""

    key: str
    """Unique within a cluster, stable (``gpu-idle:serve``); names the resources built from it."""
    alert: str
    """The alert name (``GpuPoolIdle``)."""
    group: str
    """The rule group (``aiscale-gpu`` or ``aiscale-serving``)."""
    expr: Any
    """The PromQL expression (a string, or a ``pulumi.Output`` of one)."""
    for_seconds: int
    """How long the expression must hold before the alert fires."""
    severity: str
    """``warning`` or ``critical``."""
    title: str
    """A short name without templates (``GPU pool serve idle``), for consoles."""
    summary: str
    """One line for the notification (may use ``{{ $labels.x }}`` and ``{{ $value }}``)."""
    description: str
    """What it means and what to do."""
    labels: dict[str, str] = field(default_factory=dict)
    """Extra labels (pool, endpoint) for routing and grouping."""

    @property
    def duration(self) -> str:
        """``for_seconds`` as a Prometheus duration (``1h``, ``15m``, ``90s``)."""
        return prometheus_duration(self.for_seconds)


def prometheus_duration(seconds: int) -> str:
    """``3600`` -> ``1h``, ``900`` -> ``15m``, ``90`` -> ``90s``."""
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def ksm_label(node_label: str) -> str:
    """The ``kube_node_labels`` label of a node label: ``label_`` + non-alphanumerics as ``_``."""
    return "label_" + re.sub(r"[^A-Za-z0-9_]", "_", node_label)


def selector(*matchers: str) -> str:
    """``{a="b",c="d"}`` from the non-empty matchers, or ``""``."""
    present = [m for m in matchers if m]
    return "{" + ",".join(present) + "}" if present else ""


def cluster_matcher(cluster_name: Optional[str]) -> str:
    """``cluster="<name>"`` where one metrics store holds many clusters (GKE), else ``""``."""
    return f'cluster="{cluster_name}"' if cluster_name else ""


def dcgm(metric: str, cloud: str, cluster: str = "", window: Optional[str] = None) -> str:
    """A DCGM series with its node in the ``node`` label (copied from the cloud adapter's
    ``dcgm_hostname_label`` where the node is named elsewhere, ``Hostname`` on GKE)."""
    series = f"{metric}{selector(cluster)}"
    if window:
        series = f"avg_over_time({series}[{window}])"
    hostname = clouds.adapter(cloud).dcgm_hostname_label
    if hostname:
        series = f'label_replace({series}, "node", "$1", "{hostname}", "(.+)")'
    return series


def idle_gpu_expr(cloud: str, pool_name: str, min_nodes: int, cluster: str = "") -> str:
    """The pool's GPUs average under 5 % busy while it runs more nodes than its minimum."""
    pool = f'{ksm_label(POOL_LABELS[cloud])}="{pool_name}"'
    nodes = f"kube_node_labels{selector(pool, cluster)}"
    return (f"(avg({dcgm(GPU_UTIL, cloud, cluster, IDLE_WINDOW)}"
            f" * on(node) group_left() max by (node) ({nodes})) < {IDLE_GPU_PERCENT})"
            f" and on() (count({nodes}) > {min_nodes})")


def gpu_memory_expr(cloud: str, cluster: str = "") -> str:
    """A GPU's frame buffer is more than 95 % used."""
    used, free = dcgm(FB_USED, cloud, cluster), dcgm(FB_FREE, cloud, cluster)
    return f"max by (node, gpu) ({used} / ({used} + {free})) > {MEMORY_FULL_RATIO}"


def pending_gpu_pods_expr(cluster: str = "") -> str:
    """GPUs requested by pods the scheduler cannot place (joined on the pod's uid)."""
    requests = "kube_pod_container_resource_requests" + selector('resource="nvidia_com_gpu"', cluster)
    unschedulable = f"kube_pod_status_unschedulable{selector(cluster)}"
    return f"sum({requests} and on(uid) ({unschedulable} == 1)) > 0"


def latency_expr(namespace: str, seconds: float, cluster: str = "") -> str:
    """p95 whole-request latency of the vLLM pods in ``namespace`` above ``seconds``."""
    buckets = selector(f'__name__="{VLLM_LATENCY}"', f'namespace="{namespace}"', cluster)
    return (f"histogram_quantile({LATENCY_QUANTILE}, sum by (le) (rate({buckets}[{SERVING_WINDOW}])))"
            f" > {seconds:g}")


def error_ratio_expr(namespace: str, percent: float, cluster: str = "") -> str:
    """5xx responses of the vLLM pods in ``namespace``, percent of all, above ``percent``."""
    in_namespace = f'namespace="{namespace}"'
    errors = HTTP_REQUESTS + selector(in_namespace, 'status=~"5.."', cluster)
    total = HTTP_REQUESTS + selector(in_namespace, cluster)
    return (f"100 * sum(rate({errors}[{SERVING_WINDOW}])) / sum(rate({total}[{SERVING_WINDOW}]))"
            f" > {percent:g}")


def gpu_rules(cloud: str, pools: list[tuple[str, Any, int]], cluster: Any = "") -> list[AlertRule]:
    """The cluster's GPU rules: one idle rule per pool ``(name, cloud pool name, min_nodes)``,
    plus memory near full and pods pending for GPUs. ``cluster`` and the pool names may be
    ``pulumi.Output``s; the expressions then are too."""
    rules = [AlertRule(
        key=f"gpu-idle:{name}", alert="GpuPoolIdle", group=GPU_GROUP, severity="warning",
        expr=_render(lambda c, p, n=minimum: idle_gpu_expr(cloud, p, n, cluster_matcher(c)), cluster, pool_name),
        for_seconds=IDLE_FOR_SECONDS, labels={"pool": name}, title=f"GPU pool {name} idle",
        summary=f"GPUs of pool {name} idle for an hour above its minimum of {minimum} nodes",
        description=(f"The GPUs of node pool {name} averaged under {IDLE_GPU_PERCENT}% utilisation for an "
                     f"hour while the pool runs more than min_nodes ({minimum}) nodes: you pay for "
                     "idle GPUs. Check what holds the nodes (pods without work, a stuck scale-down).")
    ) for name, pool_name, minimum in pools]
    rules.append(AlertRule(
        key="gpu-memory", alert="GpuMemoryNearFull", group=GPU_GROUP, severity="warning",
        expr=_render(lambda c: gpu_memory_expr(cloud, cluster_matcher(c)), cluster),
        for_seconds=MEMORY_FOR_SECONDS, title="GPU memory near full",
        summary="GPU memory above 95% on {{ $labels.node }} (GPU {{ $labels.gpu }})",
        description=("A GPU's frame buffer has been more than 95% used for 15 minutes: the next "
                     "allocation may fail with out-of-memory. Lower batch size or KV-cache share, "
                     "or move the workload to a larger GPU.")))
    rules.append(AlertRule(
        key="gpu-pending", alert="GpuPodsPending", group=GPU_GROUP, severity="critical",
        expr=_render(lambda c: pending_gpu_pods_expr(cluster_matcher(c)), cluster),
        for_seconds=PENDING_FOR_SECONDS, title="Pods pending for GPUs",
        summary="{{ $value }} GPUs requested by pods that cannot be scheduled",
        description=("Pods requesting nvidia.com/gpu have been unschedulable for 15 minutes: the "
                     "pools are at max_nodes or the cloud has no capacity. Raise max_nodes, add a "
                     "pool or another zone, or check GPU quota.")))
    return rules


def serving_rules(endpoints: list[tuple[str, str]], seconds: float, percent: float,
                  cluster: Any = "") -> list[AlertRule]:
    """Latency and error rules for each Kubernetes endpoint ``(name, namespace)``."""
    rules = []
    for name, namespace in endpoints:
        rules.append(AlertRule(
            key=f"serving-latency:{name}", alert="ModelEndpointLatencyHigh", group=SERVING_GROUP,
            severity="warning", labels={"endpoint": name}, for_seconds=SERVING_FOR_SECONDS,
            expr=_render(lambda c, ns=namespace: latency_expr(ns, seconds, cluster_matcher(c)), cluster),
            title=f"Endpoint {name} latency",
            summary=f"Endpoint {name}: p95 latency above {seconds:g} s",
            description=(f"The p95 whole-request latency of endpoint {name} stayed above {seconds:g} s "
                         "for 5 minutes: replicas are saturated (check the autoscaler and "
                         "max_replicas) or requests got longer.")))
        rules.append(AlertRule(
            key=f"serving-errors:{name}", alert="ModelEndpointErrors", group=SERVING_GROUP,
            severity="critical", labels={"endpoint": name}, for_seconds=SERVING_FOR_SECONDS,
            expr=_render(lambda c, ns=namespace: error_ratio_expr(ns, percent, cluster_matcher(c)), cluster),
            title=f"Endpoint {name} 5xx responses",
            summary=f"Endpoint {name}: more than {percent:g}% 5xx responses",
            description=(f"More than {percent:g}% of the requests to endpoint {name} failed with a "
                         "5xx status for 5 minutes. Check the model server's logs and GPU memory.")))
    return rules


def _render(build: Any, *parts: Any) -> Any:
    """``build(*parts)`` now when every part is plain, else as an Output."""
    if any(isinstance(part, pulumi.Output) for part in parts):
        return pulumi.Output.all(*parts).apply(lambda values: build(*values))
    return build(*parts)


def prometheus_rule_groups(rules: list[AlertRule]) -> list[dict[str, Any]]:
    """``spec.groups`` of a PrometheusRule (monitoring.coreos.com/v1) holding ``rules``."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        groups.setdefault(rule.group, []).append({
            "alert": rule.alert, "expr": rule.expr, "for": rule.duration,
            "labels": {"severity": rule.severity, **rule.labels},
            "annotations": {"summary": rule.summary, "description": rule.description}})
    return [{"name": name, "rules": entries} for name, entries in groups.items()]
