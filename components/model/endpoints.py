"""Model serving: autoscaled HTTP endpoints on Kubernetes or on each cloud's managed service."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional, Union

from pydantic import AfterValidator, Field, field_validator, model_validator

from aiscale import servers

from ._base import CLOUD_ORDER, CloudName, FieldProblems, ProblemCollector, SpecModel, choices
from .compute import PoolName, TargetClouds

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_REPOSITORY = re.compile(r"[A-Za-z0-9._:/-]+")
_PIN_HINT = "e.g. vllm/vllm-openai:v0.6.3 or <image>@sha256:<digest>"


def _check_image(reference: str) -> str:
    """A container image reference pinned by a tag (not latest) or a sha256 digest."""
    name, at, digest = reference.partition("@")
    if at:
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"has a malformed digest: use sha256: and 64 lowercase hex digits "
                             f"({_PIN_HINT})")
    last = name.rsplit("/", 1)[-1]
    repository, colon, tag = last.partition(":")
    if not name or not _REPOSITORY.fullmatch(name) or not repository:
        raise ValueError(f"must be a container image reference, {_PIN_HINT}")
    if not colon and not at:
        raise ValueError(f"has no tag or digest: pin the version, {_PIN_HINT}")
    if colon and not _TAG.fullmatch(tag):
        raise ValueError(f"has an invalid tag {tag!r}: 1-128 letters, digits, '_', '.' or '-'")
    if tag == "latest" and not at:
        raise ValueError(f"uses the moving tag latest: pin a version, {_PIN_HINT}")
    return reference


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_METRIC_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")

ImageRef = Annotated[str, AfterValidator(_check_image)]
"""A container image reference pinned by a tag other than latest or by a sha256 digest."""
ServerName = Literal["vllm", "tgi", "triton", "custom"]
"""A model server aiscale knows how to start (``aiscale.servers``)."""


def _check_env_name(name: str) -> str:
    if not _ENV_NAME.fullmatch(name):
        raise ValueError("must be an environment variable name: letters, digits and '_', not "
                         "starting with a digit")
    return name


def _check_metric(name: str) -> str:
    if not _METRIC_NAME.fullmatch(name):
        raise ValueError("must be a Prometheus metric name, e.g. vllm:num_requests_running")
    return name


def _check_model_path(path: str) -> str:
    """A path inside the bucket: relative, without '..' segments or a URL scheme."""
    if path.startswith("/") or "://" in path or ".." in path.split("/"):
        raise ValueError('must be a path inside the bucket, relative and without "..", '
                         'e.g. llama-3-8b/')
    return path


class ModelLocation(SpecModel):
    """Where an endpoint's model weights are stored: a bucket of this platform and a path."""

    bucket: str
    """Name of a bucket in `buckets`, present on each of the endpoint's clouds. Required."""
    path: Annotated[str, AfterValidator(_check_model_path)] = ""
    """Object prefix of the model inside the bucket, e.g. "llama-3-8b/". Omitted: the bucket
    root."""


class Endpoint(SpecModel):
    """A model-serving endpoint with request-based autoscaling on each target cloud.

    runtime kubernetes: a Deployment, Service and autoscaler on the cloud's cluster, on a node
    pool with the same accelerator. runtime managed: SageMaker on AWS, Azure Machine Learning on
    Azure, Cloud Run with a GPU on GCP.
    """

    name: PoolName
    """Unique among endpoints; part of resource names. Required."""
    runtime: Literal["kubernetes", "managed"] = "kubernetes"
    """kubernetes (any cloud, on a node pool) or managed (the cloud's serving service).
    Omitted: kubernetes."""
    image: Union[ImageRef, dict[CloudName, ImageRef]]
    """Serving container image, pinned by a tag other than latest or by a sha256 digest: one
    image for every cloud, or a map by cloud (``{aws: ..., gcp: ...}``) with an image for each
    cloud the endpoint serves on (a managed runtime pulls only from some registries: SageMaker
    from ECR, Cloud Run from Artifact Registry, gcr.io or Docker Hub). Required."""
    server: ServerName = "vllm"
    """The model server the image runs: vllm, tgi, triton or custom. On Kubernetes it decides
    the arguments aiscale sets (model directory, served name, port, GPUs), the health routes
    and the autoscaling metric; custom gets only ``args``. Omitted: vllm."""
    args: tuple[str, ...] = ()
    """Extra arguments for the server, passed through after the ones aiscale sets; a flag
    aiscale sets (e.g. ``--port`` for vllm) is refused. Runtime kubernetes only (a managed
    runtime starts the image's own command). Omitted: none."""
    env: dict[Annotated[str, AfterValidator(_check_env_name)], str] = {}
    """Extra environment variables of the serving container, passed through; names aiscale sets
    (``MODEL_URI``, ``PORT``, ...) are refused. Omitted: none."""
    autoscaling_metric: Optional[Annotated[str, AfterValidator(_check_metric)]] = None
    """runtime kubernetes: the Prometheus gauge of in-flight requests per pod that the server
    exposes on ``/metrics`` and the autoscaler keeps at ``target_concurrency``. Omitted: the
    server's own (vllm ``vllm:num_requests_running``, tgi ``tgi_batch_current_size``, triton
    ``nv_inference_pending_request_count``); required for server custom."""
    model: Optional[ModelLocation] = None
    """Where the model weights are, made readable to the endpoint. Omitted: the image carries
    its model."""
    accelerator: str
    """Canonical accelerator name from the catalog, e.g. "nvidia-l4". Required."""
    gpus_per_replica: int = Field(1, ge=1)
    """GPUs each replica uses. Omitted: 1."""
    min_replicas: int = Field(1, ge=0)
    """Fewest replicas kept running (0 allows scaling to zero where the runtime supports it).
    Omitted: 1."""
    max_replicas: int = Field(ge=1)
    """Most replicas autoscaling may run; at least `min_replicas`. Required."""
    target_concurrency: int = Field(4, ge=1)
    """In-flight requests per replica that autoscaling aims for. Omitted: 4."""
    port: int = Field(8000, ge=1, le=65535)
    """Port the container serves HTTP on (1-65535). Omitted: 8000."""
    public: bool = False
    """Reachable from the internet (true) or only from inside the network. Omitted: false."""
    clouds: TargetClouds = ()
    """Clouds to serve on, each a configured cloud. Omitted: every configured cloud. After
    validation: the resolved clouds, in the order aws, azure, gcp."""

    @field_validator("image", mode="before")
    @classmethod
    def _one_image_or_one_per_cloud(cls, value: object) -> object:
        """One problem per bad image, at ``image`` or ``image.<cloud>`` (not one per union arm)."""
        if isinstance(value, str):
            return _check_image(value)
        if not isinstance(value, dict) or not value:
            raise ValueError("must be an image reference, or a map by cloud with one image per "
                             f"cloud ({choices(CLOUD_ORDER)}), {_PIN_HINT}")
        problems = ProblemCollector()
        for cloud, image in value.items():
            if cloud not in CLOUD_ORDER:
                problems.add((str(cloud),), cloud, f"is not a cloud; valid: {choices(CLOUD_ORDER)}")
            elif not isinstance(image, str):
                problems.add((cloud,), image, f"must be an image reference, {_PIN_HINT}")
            else:
                try:
                    _check_image(image)
                except ValueError as error:
                    problems.add((cloud,), image, str(error))
        problems.raise_if_any()
        return value

    def image_for(self, cloud: str) -> str:
        """The image the endpoint runs on ``cloud`` (validation made sure there is one)."""
        return self.image if isinstance(self.image, str) else self.image[cloud]

    def model_dir(self) -> Optional[str]:
        """The local directory the server reads the model from, or None without ``model``."""
        return servers.model_dir(self.model.path) if self.model is not None else None

    @model_validator(mode="after")
    def _replicas_in_order(self) -> "Endpoint":
        problems = ProblemCollector()
        if self.max_replicas < self.min_replicas:
            problems.add(("max_replicas",), self.max_replicas,
                         f"must be >= min_replicas ({self.min_replicas})")
        if self.runtime == "kubernetes":
            self._check_server(problems)
        elif self.args:
            problems.add(("args",), list(self.args),
                         "runtime managed starts the image's own command (SageMaker, Azure ML and "
                         "Cloud Run have no argument list here): put the arguments in the image's "
                         "CMD, or use runtime: kubernetes")
        self._check_env(problems)
        problems.raise_if_any()
        return self

    def _check_env(self, problems: ProblemCollector) -> None:
        """The user's env leaves the variables aiscale sets alone."""
        reserved = set(servers.COMMON_ENV)
        if self.runtime == "kubernetes":
            reserved |= set(servers.SERVERS[self.server].env)
        for name in self.env:
            if name in reserved:
                problems.add(("env", name), self.env[name],
                             f"{name} is set by aiscale ({', '.join(sorted(reserved))}); use "
                             "another name")

    def _check_server(self, problems: ProblemCollector) -> None:
        """The user's args and env leave aiscale's own alone; the server can start and scale."""
        server = servers.SERVERS[self.server]
        model_dir = self.model_dir()
        owned = sorted(server.owned_flags(self, model_dir))
        for index, argument in enumerate(self.args):
            if argument in servers.conflicting_flags(server, self, model_dir, [argument]):
                flag = servers.flag_of(argument)
                problems.add(("args", index), argument,
                             f"sets {flag}, which aiscale sets for server {self.server} from "
                             f"{servers.flag_source(server, flag)}: remove it (aiscale sets "
                             f"{', '.join(owned)})")
        if servers.autoscaling_metric(self) is None:
            problems.add(("autoscaling_metric",), None,
                         "is required for server custom: the Prometheus gauge of in-flight "
                         "requests per pod your server exposes on /metrics, e.g. "
                         "http_requests_in_flight")
        if self.server == "triton" and self.port in servers.TRITON_RESERVED_PORTS:
            problems.add(("port",), self.port,
                         f"is Triton's gRPC or metrics port ({', '.join(map(str, servers.TRITON_RESERVED_PORTS))}); "
                         "use another port, e.g. 8000")
