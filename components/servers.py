"""What each model server needs: the arguments aiscale sets, its health routes and its load metric.

An endpoint's ``server`` (``vllm``, ``tgi``, ``triton`` or ``custom``) decides how the serving
container is started on Kubernetes: which flags point it at the model loaded from the bucket, its
port and its GPU count (:meth:`Server.arguments`); which routes the probes call; and which
Prometheus gauge of in-flight requests the autoscaler keeps at ``target_concurrency``. The model
refuses user ``args`` that set a flag aiscale owns (:func:`conflicting_flags`).

Facts from each project's documentation:

- vLLM's OpenAI server (``vllm/vllm-openai``, entrypoint ``vllm.entrypoints.openai.api_server``):
  ``--model``, ``--served-model-name``, ``--port``, ``--tensor-parallel-size`` (``-tp``);
  ``GET /health``; gauge ``vllm:num_requests_running`` on ``/metrics`` of the serving port.
- Text Generation Inference (entrypoint ``text-generation-launcher``): ``--model-id``,
  ``--port`` (``-p``), ``--num-shard``; ``GET /health``; gauge ``tgi_batch_current_size``
  (requests in the running batch) on ``/metrics`` of the serving port.
- Triton Inference Server (``tritonserver``; the NGC image's entrypoint runs the command given):
  ``--model-repository`` (alias ``--model-store``), ``--http-port``, ``--metrics-port``;
  ``GET /v2/health/ready`` and ``/v2/health/live``; gauge ``nv_inference_pending_request_count``
  on ``/metrics`` of the metrics port (8002).
- ``custom``: aiscale passes only the user's ``args``; probes call ``/health``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

MODELS_PATH = "/models"
"""Where the loader init container puts the model's files, read-only to the server."""
TRITON_METRICS_PORT = 8002
"""The port Triton serves ``/metrics`` on (its default), named ``metrics`` on the container."""
TRITON_RESERVED_PORTS = (8001, TRITON_METRICS_PORT)
"""Triton's gRPC and metrics ports: the HTTP ``port`` may not take them."""


def served_metric_name(source: str) -> str:
    """The name the custom metrics API serves a Prometheus gauge under (``:`` is not allowed
    in a Kubernetes metric name): ``vllm:num_requests_running`` -> ``vllm_num_requests_running``."""
    return source.replace(":", "_")


@dataclass(frozen=True)
class Server:
    """One model server: how aiscale starts it, probes it and scales it."""

    name: str
    """The ``server`` value in the model."""
    title: str
    """How messages and docs name it."""
    command: Optional[tuple[str, ...]]
    """The container command, or None to keep the image's entrypoint."""
    flags: Callable[[Any, Optional[str]], dict[str, str]]
    """``flags(endpoint, model_dir)``: flag -> value aiscale sets (model_dir None: no bucket)."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Other spellings of the flags aiscale sets (short forms), alias -> flag."""
    model_flag: Optional[str] = None
    """The flag that names the model (required in ``args`` when the endpoint has no ``model``)."""
    readiness_path: str = "/health"
    """The route readiness (and startup) probes call."""
    liveness_path: str = "/health"
    """The route the liveness probe calls."""
    metric: Optional[str] = None
    """The Prometheus gauge of in-flight requests per pod, or None (``custom``: the model's
    ``autoscaling_metric``)."""
    metrics_port: Optional[int] = None
    """The port ``/metrics`` is served on when it is not the serving port."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment variables aiscale sets for this server besides the common ones."""

    def names_no_model(self, endpoint: Any, model_dir: Optional[str]) -> bool:
        """True when neither the bucket nor the user's ``args`` name the model: the image's own
        command must (aiscale then keeps it, setting no arguments of its own)."""
        return (model_dir is None and self.model_flag is not None
                and not any(flag_of(argument) == self.model_flag for argument in endpoint.args))

    def arguments(self, endpoint: Any, model_dir: Optional[str]) -> list[str]:
        """The flags aiscale sets, as ``--flag=value`` arguments, then the user's ``args``; only
        the user's when nothing names the model (:meth:`names_no_model`), so that an image
        whose own command names its model keeps it when ``args`` is empty."""
        if self.names_no_model(endpoint, model_dir):
            return list(endpoint.args)
        owned = [f"{flag}={value}" for flag, value in self.flags(endpoint, model_dir).items()]
        return owned + list(endpoint.args)

    def owned_flags(self, endpoint: Any, model_dir: Optional[str]) -> set[str]:
        """Every spelling of the flags aiscale sets for ``endpoint``."""
        owned = set(self.flags(endpoint, model_dir))
        return owned | {alias for alias, flag in self.aliases.items() if flag in owned}


def _vllm(endpoint: Any, model_dir: Optional[str]) -> dict[str, str]:
    found = {"--model": model_dir} if model_dir is not None else {}
    return {**found, "--served-model-name": endpoint.name, "--port": str(endpoint.port),
            "--tensor-parallel-size": str(endpoint.gpus_per_replica)}


def _tgi(endpoint: Any, model_dir: Optional[str]) -> dict[str, str]:
    found = {"--model-id": model_dir} if model_dir is not None else {}
    return {**found, "--port": str(endpoint.port), "--num-shard": str(endpoint.gpus_per_replica)}


def _triton(endpoint: Any, model_dir: Optional[str]) -> dict[str, str]:
    found = {"--model-repository": model_dir} if model_dir is not None else {}
    return {**found, "--http-port": str(endpoint.port), "--metrics-port": str(TRITON_METRICS_PORT)}


SERVERS = {
    "vllm": Server("vllm", "vLLM", None, _vllm, aliases={"-tp": "--tensor-parallel-size"},
                   model_flag="--model", metric="vllm:num_requests_running"),
    "tgi": Server("tgi", "Text Generation Inference", None, _tgi, aliases={"-p": "--port"},
                  model_flag="--model-id", metric="tgi_batch_current_size",
                  # TGI's image points the Hub cache at /data, read-only in the pod.
                  env={"HUGGINGFACE_HUB_CACHE": "/cache/huggingface/hub"}),
    "triton": Server("triton", "Triton Inference Server", ("tritonserver",), _triton,
                     aliases={"--model-store": "--model-repository"}, model_flag="--model-repository",
                     readiness_path="/v2/health/ready", liveness_path="/v2/health/live",
                     metric="nv_inference_pending_request_count", metrics_port=TRITON_METRICS_PORT),
    "custom": Server("custom", "a custom server", None, lambda endpoint, model_dir: {}),
}
"""Every server an endpoint may name, by its ``server`` value."""

FLAG_SOURCES = {
    "--model": "model (the loader's directory)", "--model-id": "model (the loader's directory)",
    "--model-repository": "model (the loader's directory)", "--served-model-name": "name",
    "--port": "port", "--http-port": "port", "--tensor-parallel-size": "gpus_per_replica",
    "--num-shard": "gpus_per_replica", "--metrics-port": f"Prometheus' scrape port ({TRITON_METRICS_PORT})",
}
"""The endpoint field each flag aiscale sets comes from."""

COMMON_ENV = ("MODEL_URI", "MODEL_DIR", "MODEL_PATH", "PORT", "HOME", "XDG_CACHE_HOME", "HF_HOME")
"""Environment variables aiscale sets on every serving container."""


def model_dir(path: str) -> str:
    """The local directory of the model: ``/models/<path>`` (the loader keeps the bucket path)."""
    path = path.strip("/")
    return f"{MODELS_PATH}/{path}" if path else MODELS_PATH


def flag_of(argument: str) -> Optional[str]:
    """The flag an argument sets (``--port=80`` and ``--port`` -> ``--port``), or None."""
    if not argument.startswith("-") or argument == "-":
        return None
    return argument.split("=", 1)[0]


def flag_source(server: Server, flag: str) -> str:
    """The endpoint field a flag aiscale sets comes from (aliases resolved)."""
    return FLAG_SOURCES.get(server.aliases.get(flag, flag), "the endpoint")


def conflicting_flags(server: Server, endpoint: Any, model_dir_or_none: Optional[str],
                      args: Sequence[str]) -> list[str]:
    """The user ``args`` that set a flag aiscale sets for ``endpoint``."""
    owned = server.owned_flags(endpoint, model_dir_or_none)
    return [argument for argument in args if flag_of(argument) in owned]


def autoscaling_metric(endpoint: Any) -> Optional[str]:
    """The Prometheus gauge the endpoint scales on: the model's ``autoscaling_metric``, else
    the server's own."""
    return endpoint.autoscaling_metric or SERVERS[endpoint.server].metric


__all__ = ["SERVERS", "Server", "MODELS_PATH", "COMMON_ENV", "TRITON_METRICS_PORT",
           "TRITON_RESERVED_PORTS", "model_dir", "flag_of", "flag_source", "conflicting_flags",
           "autoscaling_metric", "served_metric_name"]
