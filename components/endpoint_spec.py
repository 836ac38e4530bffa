"""What a ``ModelEndpoint`` builder reads and returns: :class:`EndpointBuild`, :class:`PodIdentity`
and :class:`BuiltEndpoint`.

``aiscale.model_endpoint`` checks its arguments and resolves them into an :class:`EndpointBuild`
(defaults filled). The builder of its runtime reads it: ``aiscale.kubernetes.serving`` on every
cloud (which asks the cloud's ``endpoint_identity`` builder for a :class:`PodIdentity`
subclass), or the cloud's managed builder (SageMaker, Azure Machine Learning, Cloud Run). Each
returns a subclass of :class:`BuiltEndpoint` holding its underlying names. Both sides import this
module, so no builder imports the component.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional

import pulumi

from aiscale import servers
from aiscale.scope import CloudScope

if TYPE_CHECKING:
    from aiscale.catalog import Offering
    from aiscale.kubernetes_cluster import KubernetesCluster
    from aiscale.model import Endpoint, NodePool
    from aiscale.network import Network
    from aiscale.object_store import ObjectStore

Runtime = Literal["kubernetes", "managed"]
"""Where an endpoint runs: on the cloud's Kubernetes cluster, or on its managed service."""
RUNTIMES: tuple[Runtime, ...] = ("kubernetes", "managed")
"""The valid values of :data:`Runtime`."""
DEFAULT_METRIC = servers.served_metric_name(servers.SERVERS["vllm"].metric)
"""The per-pod custom metric the HorizontalPodAutoscaler reads for the default server: vLLM's
in-flight request gauge ``vllm:num_requests_running``, served by prometheus-adapter as
``vllm_num_requests_running`` (other servers: ``aiscale.servers``)."""
DEFAULT_METRICS_NAMESPACE = "monitoring"
"""The namespace whose pods (Prometheus) may scrape the endpoint through its NetworkPolicy."""


@dataclass(frozen=True, kw_only=True)
class EndpointBuild:
    """What an endpoint builder (``aiscale.kubernetes.serving.build`` or a cloud's managed
    builder) reads: the face's checked arguments, defaults filled."""

    name: str
    """The component's logical name: the prefix of its children's names."""
    scope: CloudScope
    """The cloud, region, provider, tags and parent to declare on."""
    endpoint: "Endpoint"
    """The model's endpoint: name, runtime, image, model, accelerator, replicas, port, public."""
    store: Optional["ObjectStore"] = None
    """The ``ObjectStore`` of ``endpoint.model.bucket`` on this cloud; None when the image
    carries its model (no storage access is granted then)."""
    cluster: Optional["KubernetesCluster"] = None
    """The cluster to run on (runtime ``kubernetes``); its ``built`` holds the cloud's pod
    identity values (OIDC provider, issuer, workload pool). None for ``managed``."""
    pool: Optional["NodePool"] = None
    """The model's node pool the replicas run on (runtime ``kubernetes``); None for ``managed``."""
    offering: Optional["Offering"] = None
    """The catalog offering: the managed instance type (SageMaker, Azure ML), or the pool's
    machine sizing a Kubernetes replica's CPU and memory. None: not given."""
    network: Optional["Network"] = None
    """The cloud's network (SageMaker runs in its private subnets); None elsewhere."""
    autoscaling_metric: str = DEFAULT_METRIC
    """runtime ``kubernetes``: the per-pod custom metric the autoscaler keeps at
    ``target_concurrency``."""
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    """runtime ``kubernetes``: the namespace allowed through the NetworkPolicy to scrape."""

    @property
    def has_model(self) -> bool:
        """True when the model is read from the platform's bucket (``endpoint.model`` is set)."""
        return self.endpoint.model is not None


@dataclass(frozen=True, kw_only=True)
class PodIdentity:
    """What a cloud's ``endpoint_identity`` builder returns: how the serving pods get a cloud
    identity that reads the model. Each cloud's subclass adds the identity's own name or id."""

    service_account_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Annotations of the endpoint's Kubernetes ServiceAccount that bind it to the identity."""
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels the pods need for the cloud's identity webhook."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role (role, policy, identity, bindings)."""

    def extras(self) -> dict[str, Any]:
        """The cloud's own fields (``role_arn``, ``client_id``, ``google_service_account``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("service_account_annotations", "pod_labels", "resources")}


NO_POD_IDENTITY = PodIdentity()
"""The pods of an endpoint whose image carries its model: no cloud identity at all."""


@dataclass(frozen=True, kw_only=True)
class BuiltEndpoint:
    """What every endpoint builder returns; each runtime's subclass adds its underlying names."""

    url: pulumi.Input[str]
    """Where to call the endpoint."""
    resources: Mapping[str, Any] = field(default_factory=dict)
    """The declared resources by role."""

    def as_details(self) -> dict[str, Any]:
        """The escape-hatch mapping of ``ModelEndpoint.details``: every field but ``url`` and
        ``resources``, then ``resources`` itself."""
        extras = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("url", "resources")}
        return {**extras, "resources": dict(self.resources)}
