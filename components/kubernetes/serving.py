"""The ``kubernetes`` runtime of ``ModelEndpoint``, the same on EKS, AKS and GKE.

Declares, with the cluster's ``kubernetes_provider``: a Namespace (Pod Security ``restricted``),
a ServiceAccount bound to a cloud identity that can read only the model's bucket
(``aiscale.<cloud>.endpoint_identity``), a Deployment (``_serving_pod``), a Service (ClusterIP;
LoadBalancer when public), a HorizontalPodAutoscaler (autoscaling/v2) on a per-pod custom
metric, a PodDisruptionBudget (``maxUnavailable: 1``) and a NetworkPolicy that admits traffic on
the serving port only.

The autoscaler's metric (the server's in-flight request gauge, ``aiscale.servers``) is served by
the custom metrics API (``custom.metrics.k8s.io``): ``aiscale.kubernetes.observability``
declares prometheus-adapter on every cluster aiscale builds; see docs/endpoints.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

import pulumi
import pulumi_kubernetes.apps.v1 as apps
import pulumi_kubernetes.autoscaling.v2 as autoscaling
import pulumi_kubernetes.core.v1 as core
import pulumi_kubernetes.meta.v1 as meta
import pulumi_kubernetes.networking.v1 as networking
import pulumi_kubernetes.policy.v1 as policy

from aiscale import clouds, servers
from aiscale import naming
from aiscale.endpoint_spec import NO_POD_IDENTITY, BuiltEndpoint, EndpointBuild, PodIdentity
from aiscale.kubernetes import _serving_pod as pod

NAMESPACE_PREFIX = "aiscale-"
"""Each endpoint gets its own namespace, ``aiscale-<endpoint>``."""
CLIENT_LABEL_PREFIX = "client.aiscale.io/"
"""A namespace labelled ``client.aiscale.io/<endpoint>: "true"`` may call that endpoint."""
PUBLIC_SERVICE_ANNOTATIONS = {a.name: dict(a.public_service_annotations) for a in clouds.adapters()}
"""Annotations of a public (LoadBalancer) Service, per cloud (a Network Load Balancer on EKS)."""
SCALE_DOWN_WINDOW_SECONDS = 300
"""The autoscaler scales down only after the metric stayed low this long."""
DEPLOY_TIMEOUT = "45m"
"""How long Pulumi waits for replicas: a GPU node may have to start and a model to download."""


@dataclass(frozen=True, kw_only=True)
class KubernetesEndpoint(BuiltEndpoint):
    """What the ``kubernetes`` runtime returns, on every cloud (resources by role: ``namespace``,
    ``service_account``, ``deployment``, ``service``, ``autoscaler``, ``disruption_budget``,
    ``network_policy`` and the pod identity's)."""

    namespace: pulumi.Output[str]
    """The endpoint's namespace, ``aiscale-<endpoint>``."""
    service_name: pulumi.Output[str]
    """The Service in front of the replicas."""
    service_account: pulumi.Output[str]
    """The pods' Kubernetes ServiceAccount."""
    autoscaling_metric: str
    """The per-pod custom metric the HorizontalPodAutoscaler reads."""
    identity: PodIdentity = NO_POD_IDENTITY
    """The pods' cloud identity (a cloud's subclass), or none when the image carries its model."""

    def as_details(self) -> dict[str, Any]:
        """The escape hatch: the names above with the identity's own fields in place of
        ``identity`` (``role_arn``, ``client_id`` or ``google_service_account``), then
        ``resources``."""
        names = {f.name: getattr(self, f.name) for f in fields(self)
                 if f.name not in ("url", "resources", "identity")}
        return {**names, **self.identity.extras(), "resources": dict(self.resources)}


def namespace_name(endpoint: Any) -> str:
    """The endpoint's namespace: ``aiscale-<endpoint name>``."""
    return f"{NAMESPACE_PREFIX}{endpoint.name}"


def kube_labels(tags: dict[str, str]) -> dict[str, str]:
    """Cost tags as Kubernetes labels: lowercase label rules (GCP's, ``naming.lowercase_labels``),
    then trimmed to start and end with an alphanumeric character as Kubernetes requires (empty
    values stay empty)."""
    labels = {}
    for key, value in naming.lowercase_labels(tags, "kubernetes").items():
        key, value = re.sub(r"[-_]+$", "", key), re.sub(r"^[-_]+|[-_]+$", "", value)
        if key:
            labels[key] = value
    return labels


def selector_labels(endpoint: Any) -> dict[str, str]:
    """The labels that select the endpoint's pods (stable: the Deployment selector is immutable)."""
    return {"app.kubernetes.io/name": endpoint.name, "app.kubernetes.io/component": "model-server"}


def _metadata(name: Any, namespace: Any, labels: dict[str, str], **extra: Any) -> meta.ObjectMetaArgs:
    return meta.ObjectMetaArgs(name=name, namespace=namespace, labels=labels, **extra)


def _identity(component: Any, args: EndpointBuild, namespace: str, service_account: str) -> PodIdentity:
    """The cloud identity of the pods, or none when the image carries its model."""
    if not args.has_model:
        return NO_POD_IDENTITY
    module = clouds.adapter(args.scope.cloud).builder("endpoint_identity")
    return module.build(component, args, namespace, service_account)


def autoscaler_spec(endpoint: Any, deployment: Any, metric: str) -> autoscaling.HorizontalPodAutoscalerSpecArgs:
    """min..max replicas, keeping the per-pod average of ``metric`` at ``target_concurrency``.

    A HorizontalPodAutoscaler cannot go below one replica: ``min_replicas: 0`` keeps one (scale
    to zero needs KEDA). Scale-up may double the replicas every minute; scale-down removes one
    pod per two minutes after five quiet minutes.
    """
    return autoscaling.HorizontalPodAutoscalerSpecArgs(
        scale_target_ref=autoscaling.CrossVersionObjectReferenceArgs(
            api_version="apps/v1", kind="Deployment", name=deployment),
        min_replicas=max(1, endpoint.min_replicas),
        max_replicas=endpoint.max_replicas,
        metrics=[autoscaling.MetricSpecArgs(type="Pods", pods=autoscaling.PodsMetricSourceArgs(
            metric=autoscaling.MetricIdentifierArgs(name=metric),
            target=autoscaling.MetricTargetArgs(type="AverageValue",
                                                average_value=str(endpoint.target_concurrency))))],
        behavior=autoscaling.HorizontalPodAutoscalerBehaviorArgs(
            scale_up=autoscaling.HPAScalingRulesArgs(stabilization_window_seconds=0, policies=[
                autoscaling.HPAScalingPolicyArgs(type="Percent", value=100, period_seconds=60)]),
            scale_down=autoscaling.HPAScalingRulesArgs(
                stabilization_window_seconds=SCALE_DOWN_WINDOW_SECONDS, policies=[
                    autoscaling.HPAScalingPolicyArgs(type="Pods", value=1, period_seconds=120)])),
    )


def ingress_rules(endpoint: Any, metrics_namespace: str) -> list[networking.NetworkPolicyIngressRuleArgs]:
    """The serving port only: from anywhere when public, else from the endpoint's namespace,
    namespaces labelled ``client.aiscale.io/<endpoint>: "true"`` and the metrics namespace; and
    the server's metrics port (Triton's) from the metrics namespace."""
    ports = [networking.NetworkPolicyPortArgs(port=endpoint.port, protocol="TCP")]
    metrics_port = servers.SERVERS[endpoint.server].metrics_port
    scrapers = networking.NetworkPolicyPeerArgs(namespace_selector=meta.LabelSelectorArgs(
        match_labels={"kubernetes.io/metadata.name": metrics_namespace}))
    metrics = ([networking.NetworkPolicyIngressRuleArgs(from_=[scrapers], ports=[
        networking.NetworkPolicyPortArgs(port=metrics_port, protocol="TCP")])]
        if metrics_port is not None else [])
    if endpoint.public:
        return [networking.NetworkPolicyIngressRuleArgs(ports=ports)] + metrics
    peers = [
        networking.NetworkPolicyPeerArgs(pod_selector=meta.LabelSelectorArgs()),
        networking.NetworkPolicyPeerArgs(namespace_selector=meta.LabelSelectorArgs(
            match_labels={f"{CLIENT_LABEL_PREFIX}{endpoint.name}": "true"})),
        scrapers,
    ]
    return [networking.NetworkPolicyIngressRuleArgs(from_=peers, ports=ports)] + metrics


def build(component: pulumi.ComponentResource, args: EndpointBuild) -> KubernetesEndpoint:
    """Declare the endpoint's Kubernetes resources under ``component``; return its outputs."""
    from aiscale.store_spec import model_uri

    scope, endpoint, pool, store = args.scope, args.endpoint, args.pool, args.store
    name = args.name
    k8s = pulumi.ResourceOptions(parent=component, provider=args.cluster.kubernetes_provider)
    labels = {**kube_labels(scope.tags), **selector_labels(endpoint),
              "app.kubernetes.io/managed-by": "aiscale"}
    resources: dict[str, Any] = {}

    resources["namespace"] = namespace = core.Namespace(f"{name}-namespace", metadata=_metadata(
        namespace_name(endpoint), None, {**labels, "pod-security.kubernetes.io/enforce": "restricted"}),
        opts=k8s)
    ns = namespace.metadata.apply(lambda m: m.name)
    identity = _identity(component, args, namespace_name(endpoint), endpoint.name)
    resources.update(identity.resources)
    resources["service_account"] = account = core.ServiceAccount(
        f"{name}-sa", metadata=_metadata(endpoint.name, ns, labels,
                                         annotations=dict(identity.service_account_annotations)),
        automount_service_account_token=False, opts=k8s)

    uri = model_uri(store, endpoint) if args.has_model else None
    selector = selector_labels(endpoint)
    resources["deployment"] = deployment = apps.Deployment(
        f"{name}-deployment",
        metadata=_metadata(endpoint.name, ns, labels),
        spec=apps.DeploymentSpecArgs(
            # No replicas: the autoscaler owns the count (a fixed value would fight it).
            selector=meta.LabelSelectorArgs(match_labels=selector),
            strategy=apps.DeploymentStrategyArgs(type="RollingUpdate", rolling_update=apps.RollingUpdateDeploymentArgs(
                max_surge=1, max_unavailable=0)),
            revision_history_limit=5,
            progress_deadline_seconds=3600,
            template=core.PodTemplateSpecArgs(
                metadata=meta.ObjectMetaArgs(labels={**labels, **identity.pod_labels}),
                spec=pod.pod_spec(scope.cloud, endpoint, pool, args.offering, uri,
                                  account.metadata.apply(lambda m: m.name),
                                  store.bucket_url if args.has_model else None))),
        opts=pulumi.ResourceOptions.merge(k8s, pulumi.ResourceOptions(
            custom_timeouts=pulumi.CustomTimeouts(create=DEPLOY_TIMEOUT, update=DEPLOY_TIMEOUT))))

    public = endpoint.public
    resources["service"] = service = core.Service(
        f"{name}-service",
        metadata=_metadata(endpoint.name, ns, labels,
                           annotations=PUBLIC_SERVICE_ANNOTATIONS[scope.cloud] if public else {}),
        spec=core.ServiceSpecArgs(
            type="LoadBalancer" if public else "ClusterIP", selector=selector,
            ports=[core.ServicePortArgs(name="http", port=endpoint.port, target_port="http",
                                        protocol="TCP")]),
        opts=k8s)
    resources["autoscaler"] = autoscaling.HorizontalPodAutoscaler(
        f"{name}-hpa", metadata=_metadata(endpoint.name, ns, labels),
        spec=autoscaler_spec(endpoint, deployment.metadata.apply(lambda m: m.name),
                             args.autoscaling_metric),
        opts=k8s)
    resources["disruption_budget"] = policy.PodDisruptionBudget(
        f"{name}-pdb", metadata=_metadata(endpoint.name, ns, labels),
        spec=policy.PodDisruptionBudgetSpecArgs(
            max_unavailable=1, selector=meta.LabelSelectorArgs(match_labels=selector),
            unhealthy_pod_eviction_policy="AlwaysAllow"),
        opts=k8s)
    resources["network_policy"] = networking.NetworkPolicy(
        f"{name}-netpol", metadata=_metadata(endpoint.name, ns, labels),
        spec=networking.NetworkPolicySpecArgs(
            pod_selector=meta.LabelSelectorArgs(match_labels=selector), policy_types=["Ingress"],
            ingress=ingress_rules(endpoint, args.metrics_namespace)),
        opts=k8s)

    url = pulumi.Output.all(service.metadata.apply(lambda m: m.name), ns).apply(
        lambda parts: f"http://{parts[0]}.{parts[1]}.svc.cluster.local:{endpoint.port}")
    server = servers.SERVERS[endpoint.server]
    if server.names_no_model(endpoint, endpoint.model_dir()):
        pulumi.log.warn(f"{name}: server {endpoint.server} gets no {server.model_flag}: the endpoint "
                        f"has no model and args do not name one, so the image's own command must "
                        f"(aiscale sets none of its arguments: port, served name, GPUs); set model: "
                        f"{{bucket, path}} or add {server.model_flag}=<model> to args",
                        resource=component)
    if endpoint.min_replicas == 0:
        pulumi.log.warn(f"{name}: min_replicas 0 on runtime kubernetes keeps 1 replica (a "
                        "HorizontalPodAutoscaler cannot scale to zero; use KEDA for that)",
                        resource=component)
    return KubernetesEndpoint(url=url, namespace=ns, service_name=service.metadata.apply(lambda m: m.name),
                              service_account=account.metadata.apply(lambda m: m.name),
                              autoscaling_metric=args.autoscaling_metric, identity=identity,
                              resources=resources)
