"""``ModelEndpoint``: one model-serving endpoint with autoscaling, on one cloud.

runtime ``kubernetes`` (any cloud): a hardened Deployment, Service, HorizontalPodAutoscaler,
PodDisruptionBudget and NetworkPolicy on the cloud's cluster, with a pod identity that can read
only the model's bucket (``aiscale.kubernetes.serving`` + ``aiscale.<cloud>.endpoint_identity``).
runtime ``managed``: SageMaker (``aiscale.aws.sagemaker``), Azure Machine Learning
(``aiscale.azure.ml_endpoint``) or Cloud Run with a GPU (``aiscale.gcp.cloud_run``).

Builders are imported only when an endpoint is built with them, so a GCP stack never imports
``pulumi_aws``. The arguments are checked here, before anything is registered; the endpoint
itself (replicas, accelerator, pools, buckets) was validated by ``aiscale.model``.

No ``from __future__ import annotations``: the annotations stay real types, as in the other
faces.
"""

import dataclasses
import importlib
from collections.abc import Mapping
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale._docs import documented
from aiscale import clouds, servers
from aiscale.catalog import Offering
from aiscale.endpoint_spec import DEFAULT_METRIC, RUNTIMES, BuiltEndpoint, EndpointBuild
from aiscale.kubernetes_cluster import KubernetesCluster
from aiscale.model import Endpoint, NodePool
from aiscale.network import Network
from aiscale.object_store import ObjectStore
from aiscale.store_spec import model_uri
from aiscale.scope import CloudScope

__all__ = ["ModelEndpoint", "ModelEndpointArgs", "RUNTIMES", "DEFAULT_METRIC", "model_uri"]

TYPE_TOKEN = "aiscale:index:ModelEndpoint"
CLOUDS = clouds.names()
"""The clouds an endpoint can be declared on."""
MANAGED_BUILDERS = {a.name: f"aiscale.{a.name}.{a.builders['managed_endpoint']}" for a in clouds.adapters()}
"""The module that builds a ``managed`` endpoint, per cloud."""
KUBERNETES_BUILDER = "aiscale.kubernetes.serving"
"""The module that builds a ``kubernetes`` endpoint on every cloud."""
OIDC_FIELDS = {a.name: a.cluster_identity_details for a in clouds.adapters()}
"""Fields of ``KubernetesCluster.built`` the pod identity needs, per cloud (GKE falls back to
``<project>.svc.id.goog`` when ``workload_pool`` is None)."""


class ModelEndpointArgs(TypedDict, total=False):
    """Arguments of :class:`ModelEndpoint`."""

    scope: Required[CloudScope]
    """Required. The cloud, region, provider, parent and tags to declare on."""
    endpoint: Required[Endpoint]
    """Required. The model's endpoint (``aiscale.model.Endpoint``): name, runtime, image, model,
    accelerator, gpus_per_replica, min/max_replicas, target_concurrency, port, public."""
    store: ObjectStore
    """The ``ObjectStore`` of ``endpoint.model.bucket`` on this cloud; the endpoint gets read
    access to that bucket only. Required when ``endpoint.model`` is set; omitted otherwise (the
    image carries its model and no storage access is granted)."""
    cluster: KubernetesCluster
    """The cluster to run on. Required for runtime ``kubernetes``; ignored for ``managed``."""
    pool: NodePool
    """The model's node pool the replicas run on (same accelerator, enough GPUs per node): its
    capacity decides the spot toleration, its labels and taints the node selector and
    tolerations, its disk the model cache size. Required for runtime ``kubernetes``; ignored
    for ``managed``."""
    offering: Offering
    """The catalog offering for the accelerator and ``gpus_per_replica`` on this cloud
    (``aiscale.catalog.resolve``). Required for runtime ``managed`` on aws (SageMaker type
    ``ml.<instance_type>``) and azure (the Azure ML instance type); ignored by Cloud Run. For
    ``kubernetes``: the pool's offering, used to size CPU and memory per replica; omitted: 3 vCPU
    and 12 GiB per GPU (what fits the smallest GPU nodes)."""
    network: Network
    """The cloud's network. Required for runtime ``managed`` on aws (the SageMaker model runs in
    its private subnets); ignored elsewhere."""
    autoscaling_metric: str
    """runtime ``kubernetes``: the per-pod custom metric the autoscaler averages across pods and
    keeps at ``target_concurrency``. Omitted: the endpoint's gauge as the custom metrics API
    serves it (``:`` becomes ``_``): ``vllm_num_requests_running`` for vllm,
    ``tgi_batch_current_size`` for tgi, ``nv_inference_pending_request_count`` for triton, the
    endpoint's ``autoscaling_metric`` for custom."""
    metrics_namespace: str
    """runtime ``kubernetes``: the namespace (Prometheus) allowed through the NetworkPolicy to
    scrape the endpoint. Omitted: ``monitoring``."""


def _problems(args: EndpointBuild) -> list[str]:
    """Every problem with ``args`` (not with the endpoint: the model validated that)."""
    problems = []
    scope, endpoint = args.scope, args.endpoint
    cloud = getattr(scope, "cloud", None)
    if scope is None or cloud not in CLOUDS:
        problems.append(f"scope: got {scope!r}; valid: a CloudScope whose cloud is one of "
                        f"{', '.join(CLOUDS)}")
    if endpoint is None:
        problems.append("endpoint: got None; valid: an aiscale.model.Endpoint")
        return problems
    runtime = getattr(endpoint, "runtime", None)
    if runtime not in RUNTIMES:
        problems.append(f"endpoint.runtime: got {runtime!r}; valid: {', '.join(RUNTIMES)}")
        return problems
    if getattr(endpoint, "model", None) is not None and args.store is None:
        problems.append(f"store: got None; valid: the ObjectStore of bucket "
                        f"{endpoint.model.bucket!r} on {cloud} (endpoint.model is set)")
    if runtime == "kubernetes":
        problems.extend(_kubernetes_problems(args, cloud))
    elif cloud in CLOUDS and clouds.adapter(cloud).managed_needs_offering and args.offering is None:
        problems.append(f"offering: got None; valid: the catalog offering for "
                        f"{endpoint.accelerator} x{endpoint.gpus_per_replica} on {cloud} "
                        "(runtime managed)")
    managed = clouds.adapter(cloud) if cloud in CLOUDS else None
    if runtime == "managed" and managed is not None and managed.managed_needs_network and args.network is None:
        problems.append(f"network: got None; valid: the {cloud} Network ({managed.managed_service} runs "
                        "in its private subnets)")
    for field, meaning in (managed.scope_fields.items() if managed is not None and scope is not None else ()):
        if getattr(scope, field, None) is None:
            problems.append(f"scope.{field}: got None; valid: {meaning} (required on {cloud})")
    return problems


def _kubernetes_problems(args: EndpointBuild, cloud: Any) -> list[str]:
    problems = []
    cluster, pool, endpoint = args.cluster, args.pool, args.endpoint
    if cluster is None or getattr(cluster, "kubernetes_provider", None) is None:
        problems.append(f"cluster: got {cluster!r}; valid: the KubernetesCluster on {cloud} "
                        "(runtime kubernetes)")
    elif endpoint.model is not None:
        built = getattr(cluster, "built", None)
        for field in OIDC_FIELDS.get(cloud, ()):
            if getattr(built, field, None) is None:
                problems.append(f"cluster.built.{field}: got None; valid: the cluster's "
                                f"{field} (pod identity on {cloud} needs it)")
    if pool is None:
        problems.append(f"pool: got None; valid: a node pool with accelerator "
                        f"{endpoint.accelerator} on {cloud} (runtime kubernetes)")
    elif pool.accelerator != endpoint.accelerator:
        problems.append(f"pool: got {pool.name!r} with accelerator {pool.accelerator!r}; valid: "
                        f"a pool with accelerator {endpoint.accelerator!r}")
    return problems


def resolve(name: str, args: Any) -> EndpointBuild:
    """``args`` checked and resolved into the builders' :class:`EndpointBuild` (omitted fields
    get their defaults). Raise one ValueError listing every problem; nothing is registered."""
    if not isinstance(args, Mapping):
        raise ValueError(f"ModelEndpoint {name!r}: args: got {args!r}; valid: a "
                         "ModelEndpointArgs mapping")
    known = set(ModelEndpointArgs.__required_keys__) | set(ModelEndpointArgs.__optional_keys__)
    problems = [f"{key}: unknown field; valid: {', '.join(sorted(known))}"
                for key in sorted(set(args) - known)]
    given = {key: value for key, value in args.items() if key in known and value is not None}
    build = EndpointBuild(name=name, **{"scope": None, "endpoint": None, **given})
    problems.extend(_problems(build))
    if problems:
        listing = "\n".join(f"  - ModelEndpointArgs.{problem}" for problem in problems)
        raise ValueError(f"invalid arguments for ModelEndpoint {name!r}:\n{listing}")
    if "autoscaling_metric" not in given:
        build = dataclasses.replace(build, autoscaling_metric=default_metric(build.endpoint))
    return build


def check_args(name: str, args: Any) -> None:
    """Raise one ValueError listing every problem with ``args``; nothing is registered."""
    resolve(name, args)


def default_metric(endpoint: Any) -> str:
    """The custom metric an endpoint's autoscaler reads unless ``autoscaling_metric`` is given."""
    source = servers.autoscaling_metric(endpoint) if endpoint.runtime == "kubernetes" else None
    return servers.served_metric_name(source) if source else DEFAULT_METRIC


def builder_module(runtime: str, cloud: str) -> str:
    """The module that builds an endpoint of ``runtime`` on ``cloud``."""
    return KUBERNETES_BUILDER if runtime == "kubernetes" else MANAGED_BUILDERS[cloud]


@documented('Declare one autoscaled model-serving endpoint on one cloud.', ModelEndpointArgs)
class ModelEndpoint(pulumi.ComponentResource):
    """An autoscaled model-serving endpoint: GPU replicas between ``min_replicas`` and
    ``max_replicas`` that read the model from the platform's bucket, private unless ``public``.
    """

    url: pulumi.Output[str]
    """Where to call it: ``http://<service>.<namespace>.svc.cluster.local:<port>`` (kubernetes),
    the SageMaker invocation URL, the Azure ML scoring URI or the Cloud Run URL."""

    def __init__(self, name: str, args: ModelEndpointArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        build = resolve(name, args)  # before super().__init__: bad args register nothing
        super().__init__(TYPE_TOKEN, name, None, opts)
        builder = importlib.import_module(builder_module(build.endpoint.runtime, build.scope.cloud))
        self._built: BuiltEndpoint = builder.build(self, build)
        self.url = pulumi.Output.from_input(self._built.url)
        self.register_outputs({"url": self.url})

    @property
    def built(self) -> BuiltEndpoint:
        """What the runtime's builder declared: the URL, the underlying names (a subclass of
        :class:`~aiscale.endpoint_spec.BuiltEndpoint` per runtime: ``KubernetesEndpoint``,
        ``SageMakerEndpoint``, ``AzureMlEndpoint``, ``CloudRunEndpoint``) and the resources by role."""
        return self._built

    @property
    def details(self) -> dict[str, Any]:
        """Runtime-specific outputs (namespace, service account, identity, endpoint names) and
        ``resources``: the underlying resources by role (the escape hatch)."""
        return self._built.as_details()
