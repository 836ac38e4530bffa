"""Model serving: autoscaled HTTP endpoints on Kubernetes or on each cloud's managed service."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, Field, model_validator

from ._base import ProblemCollector, SpecModel
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
    image: Annotated[str, AfterValidator(_check_image)]
    """Serving container image, pinned by a tag other than latest or by a sha256 digest.
    Required."""
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

    @model_validator(mode="after")
    def _replicas_in_order(self) -> "Endpoint":
        problems = ProblemCollector()
        if self.max_replicas < self.min_replicas:
            problems.add(("max_replicas",), self.max_replicas,
                         f"must be >= min_replicas ({self.min_replicas})")
        problems.raise_if_any()
        return self
