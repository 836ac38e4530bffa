"""Will this server start with its model? Managed runtimes given an image from a registry they
cannot pull, and vLLM containers with no model argument."""

from __future__ import annotations

import re

from aiscale.facts import cloud_wiring, scheduling, tokens
from aiscale.facts.values import UnknownValue, known_str

from .. import schema
from ..registry import Check, NotApplicable, Violation
from .graph import K8S_WORKLOADS, StackGraph

ECR = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
"""An Amazon ECR registry host."""
ARTIFACT_REGISTRY = re.compile(r"^[a-z0-9-]+-docker\.pkg\.dev$")
"""A Google Artifact Registry host (``us-central1-docker.pkg.dev``)."""
GCR = re.compile(r"^([a-z]+\.)?gcr\.io$")
"""A Google Container Registry host (``gcr.io``, ``us.gcr.io``)."""
DOCKER_HUB_HOSTS = ("docker.io", "index.docker.io", "registry-1.docker.io")

FIX = {"sagemaker": "push or mirror it to Amazon ECR (an ECR pull-through cache rule works)",
       "cloud-run": "use an Artifact Registry remote repository (REGION-docker.pkg.dev) that mirrors it, "
                    "gcr.io or Docker Hub",
       "azure-ml": "import it into Azure Container Registry (az acr import) or use a public registry"}
"""Runtime -> what would work, for messages."""


def pullable(runtime: str, host: str) -> bool:
    """True when `runtime` can pull from registry `host` with its own credentials: SageMaker
    from ECR only; Cloud Run from Artifact Registry, gcr.io and Docker Hub; Azure ML from
    anything but another cloud's private registry (ECR, Artifact Registry, gcr.io)."""
    if runtime == "sagemaker":
        return bool(ECR.match(host))
    if runtime == "cloud-run":
        return bool(ARTIFACT_REGISTRY.match(host) or GCR.match(host)) or host in DOCKER_HUB_HOSTS
    return not (ECR.match(host) or ARTIFACT_REGISTRY.match(host) or GCR.match(host))


def unpullable_runtime_images(resources, ctx):
    """SageMaker models, Cloud Run services and Azure ML environments whose image comes from a
    registry the runtime cannot pull from."""
    allowed = {str(host).lower() for host in ctx.config.get("allowed_registries", [])}
    found, checked = [], 0
    for view in resources:
        try:
            images = cloud_wiring.runtime_images(view.type, view.props)
        except UnknownValue:
            continue
        for image in images:
            checked += 1
            host = cloud_wiring.registry_of(image.image)
            if image.private_registry_access or host in allowed or pullable(image.runtime, host):
                continue
            found.append(Violation(view.urn, f"{image.where} '{image.image}' is on {host}, which {image.runtime} "
                                             f"cannot pull from: {FIX[image.runtime]}"))
    return found if checked else NotApplicable("no managed runtime image")


def has_model_argument(container: dict) -> bool:
    """True when a container's command and arguments name a model: ``--model X``,
    ``--model=X`` or ``vllm serve X`` (also inside a shell command line)."""
    words: list[str] = []
    for key in ("command", "args", "commands"):
        for part in container.get(key) or []:
            words += str(part).split()
    for index, word in enumerate(words):
        if word == "--model" or word.startswith("--model="):
            return True
        if word == "serve" and index + 1 < len(words) and not words[index + 1].startswith("-"):
            return True
    return False


def _is_vllm(image, patterns) -> bool:
    text = known_str(image) or ""
    name = text.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0].lower()
    return any(pattern in name for pattern in patterns)


def vllm_without_model(resources, ctx):
    """vLLM containers (Kubernetes pods, Cloud Run services) whose command and arguments name
    no model: the server then loads its default model, not the one the platform stores."""
    patterns = [str(p).lower() for p in ctx.config.get("image_patterns", ["vllm"])]
    graph = StackGraph(resources)
    found, checked = [], 0
    for view in graph.views:
        try:
            if view.canonical in K8S_WORKLOADS:
                pod = scheduling.pod(view.canonical, view.props)
                containers = list(pod.containers) if pod else []
            elif view.canonical == tokens.GCP_CLOUDRUNV2_SERVICE:
                containers = cloud_wiring.cloud_run_containers(view.props)
            else:
                continue
        except UnknownValue:
            continue
        for container in containers:
            if not _is_vllm(container.get("image"), patterns):
                continue
            checked += 1
            if not has_model_argument(container):
                found.append(Violation(view.urn, (
                    f"container '{container.get('name', '')}' of '{view.name}' runs {container.get('image')} "
                    "with no --model argument: vLLM serves its default model, not the platform's")))
    return found if checked else NotApplicable("no vLLM container")


CHECKS = (
    Check("WIRE-IMAGE-001", "wiring", "Managed runtimes pull from a registry they can reach",
          "SageMaker pulls images from Amazon ECR only (unless the container's imageConfig names VPC "
          "access to a private registry); Cloud Run from Artifact Registry, gcr.io and Docker Hub; "
          "Azure ML cannot pull from another cloud's private registry (ECR, Artifact Registry).",
          "high", "mandatory",
          "Give each runtime an image in a registry it pulls from: ECR for SageMaker, an Artifact "
          "Registry remote repository for Cloud Run, ACR for Azure ML.",
          unpullable_runtime_images, scope="stack",
          url="https://cloud.google.com/run/docs/deploying#images",
          config_schema={"allowed_registries": schema.strings(
              (), "Registry hosts accepted for every runtime (e.g. a mirror the runtime can reach).")}),
    Check("WIRE-SERVE-001", "wiring", "vLLM containers name their model",
          "A container running a vLLM image passes the model to serve (--model, or vllm serve MODEL) "
          "in its command or arguments; without one, vLLM loads its built-in default model.",
          "high", "mandatory",
          "Pass --model with the local path or name of the model (and --served-model-name, --port, "
          "--tensor-parallel-size).",
          vllm_without_model, scope="stack",
          url="https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
          config_schema={"image_patterns": schema.strings(
              ("vllm",), "Substrings of an image name that mark a vLLM server.")}),
)
"""The runtime checks of the wiring pack."""
