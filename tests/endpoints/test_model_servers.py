"""runtime kubernetes: the server starts on the model the loader copied from the bucket.

Asserted on the Deployment the mock runtime received (by type token), on every cloud: the
server's own arguments (model directory, served name, port, GPUs), the loader init container
(the cloud's CLI, pinned, as the endpoint's ServiceAccount), probes on the server's health
routes, the startup budget and the user's args and env passed through.
"""

from __future__ import annotations

import math

import pytest

from aiscale.kubernetes import _serving_pod as pod

from .helpers import DEPLOYMENT, HPA, NETPOL

CLOUDS = ("aws", "azure", "gcp")
TRITON = "nvcr.io/nvidia/tritonserver:24.10-py3"
TGI = "ghcr.io/huggingface/text-generation-inference:2.4.0"


def pod_spec(result):
    return result.one(DEPLOYMENT).inputs["spec"]["template"]["spec"]


def server(result):
    (container,) = pod_spec(result)["containers"]
    return container


def loader(result):
    (container,) = pod_spec(result)["initContainers"]
    return container


@pytest.mark.parametrize("cloud", CLOUDS)
def test_vllm_gets_model_name_port_and_tensor_parallelism(endpoint_preview, cloud):
    result = endpoint_preview(cloud, endpoint={"gpus_per_replica": 4, "port": 8080},
                              pool={"gpus_per_node": 4})
    container = server(result)
    assert "command" not in container, "the vLLM image's entrypoint is the OpenAI server"
    assert container["args"] == ["--model=/models/llama-3-8b", "--served-model-name=chat",
                                 "--port=8080", "--tensor-parallel-size=4"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts["/models"]["readOnly"] is True, "the server only reads what the loader wrote"
    volumes = {v["name"]: v for v in pod_spec(result)["volumes"]}
    assert volumes["shm"]["emptyDir"]["medium"] == "Memory", "NCCL between 4 GPUs needs /dev/shm"
    assert volumes["shm"]["emptyDir"]["sizeLimit"] == "8Gi"
    assert volumes[mounts["/dev/shm"]["name"]] is volumes["shm"]


# (cloud, loader image prefix, a word of its command that proves the cloud's copy tool, scheme)
LOADERS = [
    ("aws", "public.ecr.aws/aws-cli/aws-cli:", "sync", "s3://"),
    ("azure", "mcr.microsoft.com/azure-cli:", "download-batch", "https://"),
    ("gcp", "gcr.io/google.com/cloudsdktool/google-cloud-cli:", "rsync", "gs://"),
]


@pytest.mark.parametrize("cloud,image,verb,scheme", LOADERS)
def test_loader_copies_the_model_with_the_clouds_cli_as_the_endpoint(endpoint_preview, cloud, image,
                                                                      verb, scheme):
    result = endpoint_preview(cloud)
    init = loader(result)
    assert init["image"].startswith(image) and not init["image"].endswith(":latest")
    words = " ".join(init["command"] + init.get("args", []) + [e["value"] for e in init["env"]])
    assert verb in words
    assert scheme in words and "llama-3-8b" in words, "the model's bucket and prefix"
    assert {"mountPath": "/models", "name": "models"} in init["volumeMounts"]
    assert init["securityContext"]["runAsNonRoot"] is True
    assert init["securityContext"]["readOnlyRootFilesystem"] is True
    # The init container runs in the same pod, so under the ServiceAccount bound to the cloud
    # identity that may read the model (its annotation is what the webhooks and GKE read).
    assert pod_spec(result)["serviceAccountName"] == "chat"
    volumes = {v["name"]: v for v in pod_spec(result)["volumes"]}
    assert "medium" not in volumes["models"]["emptyDir"], "weights go to disk, not memory"


def test_azure_loader_logs_in_with_the_federated_token(endpoint_preview):
    init = loader(endpoint_preview("azure"))
    script = init["command"][-1]
    assert "--federated-token" in script and "AZURE_FEDERATED_TOKEN_FILE" in script
    assert "--auth-mode login" in script, "no account key: the identity's data role"
    env = {e["name"]: e["value"] for e in init["env"]}
    assert env["MODEL_PREFIX"] == "llama-3-8b/" and env["DESTINATION"] == "/models"


def test_no_bucket_means_no_loader_and_the_images_own_command(endpoint_preview):
    result = endpoint_preview("aws", endpoint={"model": None})
    assert "initContainers" not in pod_spec(result)
    assert "args" not in server(result), "nothing names the model: keep the image's command"
    assert any("--model" in w for w in result.warnings)


def test_no_bucket_with_a_model_argument_gets_the_servers_flags(endpoint_preview):
    result = endpoint_preview("aws", endpoint={"model": None,
                                               "args": ["--model=meta-llama/Llama-3.1-8B-Instruct"]})
    assert server(result)["args"] == ["--served-model-name=chat", "--port=8000",
                                      "--tensor-parallel-size=1",
                                      "--model=meta-llama/Llama-3.1-8B-Instruct"]
    assert not any("--model" in w for w in result.warnings)


def test_user_args_and_env_are_passed_through(endpoint_preview):
    container = server(endpoint_preview("gcp", endpoint={
        "args": ["--max-model-len=8192", "--gpu-memory-utilization", "0.92"],
        "env": {"VLLM_LOGGING_LEVEL": "DEBUG"}}))
    assert container["args"][-3:] == ["--max-model-len=8192", "--gpu-memory-utilization", "0.92"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["VLLM_LOGGING_LEVEL"] == "DEBUG" and env["MODEL_DIR"] == "/models/llama-3-8b"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_tgi_gets_its_own_flags_and_metric(endpoint_preview, cloud):
    result = endpoint_preview(cloud, endpoint={"server": "tgi", "image": TGI, "gpus_per_replica": 4},
                              pool={"gpus_per_node": 4})
    container = server(result)
    assert container["image"] == TGI
    assert container["args"] == ["--model-id=/models/llama-3-8b", "--port=8000", "--num-shard=4"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["HUGGINGFACE_HUB_CACHE"].startswith("/cache/"), "TGI's /data is read-only here"
    (metric,) = result.one(HPA).inputs["spec"]["metrics"]
    assert metric["pods"]["metric"]["name"] == "tgi_batch_current_size"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_triton_gets_its_command_health_routes_and_metrics_port(endpoint_preview, cloud):
    result = endpoint_preview(cloud, endpoint={"server": "triton", "image": TRITON})
    container = server(result)
    assert container["command"] == ["tritonserver"]
    assert container["args"] == ["--model-repository=/models/llama-3-8b", "--http-port=8000",
                                 "--metrics-port=8002"]
    assert container["readinessProbe"]["httpGet"] == {"path": "/v2/health/ready", "port": "http"}
    assert container["startupProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert container["livenessProbe"]["httpGet"] == {"path": "/v2/health/live", "port": "http"}
    assert {"name": "metrics", "containerPort": 8002, "protocol": "TCP"} in container["ports"]
    rules = result.one(NETPOL).inputs["spec"]["ingress"]
    assert any(rule["ports"] == [{"port": 8002, "protocol": "TCP"}] for rule in rules), \
        "Prometheus may scrape Triton's metrics port"
    (metric,) = result.one(HPA).inputs["spec"]["metrics"]
    assert metric["pods"]["metric"]["name"] == "nv_inference_pending_request_count"


def test_custom_server_gets_only_the_users_args_and_its_metric(endpoint_preview):
    result = endpoint_preview("azure", endpoint={
        "server": "custom", "image": "acme.azurecr.io/serve:1.2.0", "args": ["serve", "--fast"],
        "autoscaling_metric": "app:inflight_requests"})
    container = server(result)
    assert container["args"] == ["serve", "--fast"] and "command" not in container
    (metric,) = result.one(HPA).inputs["spec"]["metrics"]
    assert metric["pods"]["metric"]["name"] == "app_inflight_requests"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_image_map_gives_each_cloud_its_own_image(endpoint_preview, cloud):
    images = {"aws": "123456789012.dkr.ecr.us-west-2.amazonaws.com/vllm:v0.6.3",
              "azure": "acme.azurecr.io/vllm:v0.6.3",
              "gcp": "us-central1-docker.pkg.dev/acme-ml-dev/serving/vllm:v0.6.3"}
    assert server(endpoint_preview(cloud, endpoint={"image": images}))["image"] == images[cloud]


@pytest.mark.parametrize("gpus_per_node,disk_gb,expected_volume", [
    (1, 100, 50, ),   # half of the node's 100 GB
    (4, 400, 50, ),   # a 1-GPU replica's quarter of 400 GB, halved
    (1, 30, 15, ),
])
def test_startup_probe_covers_reading_the_model_volume_and_starting_the_engine(
        endpoint_preview, gpus_per_node, disk_gb, expected_volume):
    result = endpoint_preview("gcp", pool={"gpus_per_node": gpus_per_node, "disk_gb": disk_gb})
    volumes = {v["name"]: v for v in pod_spec(result)["volumes"]}
    assert volumes["models"]["emptyDir"]["sizeLimit"] == f"{expected_volume}Gi"
    startup = server(result)["startupProbe"]
    budget = expected_volume * 1024 / pod.DISK_READ_MIB_PER_SECOND + pod.ENGINE_START_SECONDS
    assert startup["periodSeconds"] * startup["failureThreshold"] >= budget
    assert startup["failureThreshold"] == math.ceil(budget / startup["periodSeconds"])


def test_loader_asks_for_no_gpu(endpoint_preview):
    """Only the server holds the replica's GPUs (an init container's GPU would count too)."""
    init = loader(endpoint_preview("azure"))
    assert "nvidia.com/gpu" not in init["resources"]["limits"]
    assert server(endpoint_preview("azure"))["resources"]["limits"]["nvidia.com/gpu"] == "1"
