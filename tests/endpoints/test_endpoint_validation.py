"""Bad endpoint input: one clear problem naming the field, the value and what would work; from the
CLI, exit 2 with no traceback and nothing registered.

Table-driven: each case mutates a valid two-cloud platform and names the one problem expected.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from typer.testing import CliRunner

from aiscale.cli import app
from aiscale.model import PlatformValidationError, load_platform
from tests.conftest import REPO

ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com/serving/vllm:v0.6.3"
ARTIFACT_REGISTRY = "us-central1-docker.pkg.dev/acme-ml-dev/serving/vllm:v0.6.3"
DOCKER_HUB = "vllm/vllm-openai:v0.6.3"


def model(clouds: tuple[str, ...] = ("aws", "gcp"), **endpoint: Any) -> dict:
    """A valid platform on ``clouds`` with one L4 endpoint (T4 on azure), updated by ``endpoint``."""
    settings = {"aws": {"region": "us-west-2"}, "azure": {"location": "eastus"},
                "gcp": {"project": "acme-ml-dev", "region": "us-central1"}}
    accelerator = "nvidia-t4" if "azure" in clouds else "nvidia-l4"
    return {
        "name": "acme-ml", "environment": "dev", "clouds": {c: settings[c] for c in clouds},
        "node_pools": [{"name": "serve", "accelerator": accelerator, "gpus_per_node": 4, "max_nodes": 2}],
        "buckets": [{"name": "models"}],
        "endpoints": [{"name": "chat", "image": DOCKER_HUB, "accelerator": accelerator,
                       "model": {"bucket": "models", "path": "llama/"}, "max_replicas": 2, **endpoint}],
    }


class Case(NamedTuple):
    reason: str
    model: dict
    path: str
    value: Any
    says: tuple[str, ...]
    """Words the message must hold: what is wrong and what would work."""


CASES = [
    Case("SageMaker pulls from ECR only", model(("aws",), runtime="managed", gpus_per_replica=1),
         "endpoints[0].image", DOCKER_HUB, ("SageMaker", "aws", "docker.io", "ECR")),
    Case("Cloud Run cannot pull from ECR: the prod fault",
         model(runtime="managed", gpus_per_replica=1, image={"aws": ECR, "gcp": ECR}),
         "endpoints[0].image.gcp", ECR, ("Cloud Run", "gcp", "Artifact Registry", "remote repository")),
    Case("one ECR image for SageMaker and Cloud Run",
         model(runtime="managed", gpus_per_replica=1, image=ECR),
         "endpoints[0].image", ECR, ("Cloud Run", "gcp", "one image per cloud")),
    Case("Azure ML cannot pull a private ECR image",
         model(("azure",), runtime="managed", gpus_per_replica=1, image=ECR),
         "endpoints[0].image", ECR, ("Azure Machine Learning", "azure", "Azure Container Registry")),
    Case("Cloud Run cannot pull from nvcr.io", model(("gcp",), runtime="managed", gpus_per_replica=1,
                                                     image="nvcr.io/nvidia/tritonserver:24.10-py3"),
         "endpoints[0].image", "nvcr.io/nvidia/tritonserver:24.10-py3", ("nvcr.io", "Artifact Registry")),
    Case("an image map misses a cloud the endpoint serves on", model(image={"aws": ECR}),
         "endpoints[0].image", {"aws": ECR}, ("no image for gcp", "gcp: <image>")),
    Case("an image map names no cloud", model(image={"amazon": ECR}),
         "endpoints[0].image.amazon", "amazon", ("not a cloud", "aws, azure, gcp")),
    Case("an image in a map on latest", model(image={"aws": "vllm/vllm-openai:latest", "gcp": DOCKER_HUB}),
         "endpoints[0].image.aws", "vllm/vllm-openai:latest", ("latest", "pin")),
    Case("vLLM --port conflicts with port", model(args=["--port", "9000"]),
         "endpoints[0].args[0]", "--port", ("--port", "vllm", "from port")),
    Case("vLLM -tp conflicts with gpus_per_replica", model(args=["--dtype=bfloat16", "-tp=4"]),
         "endpoints[0].args[1]", "-tp=4", ("-tp", "gpus_per_replica")),
    Case("vLLM --model conflicts with the model in a bucket", model(args=["--model=/elsewhere"]),
         "endpoints[0].args[0]", "--model=/elsewhere", ("--model", "model")),
    Case("TGI --num-shard conflicts with gpus_per_replica",
         model(server="tgi", args=["--num-shard", "2"]),
         "endpoints[0].args[0]", "--num-shard", ("--num-shard", "tgi", "gpus_per_replica")),
    Case("Triton --http-port conflicts with port", model(server="triton", args=["--http-port=9000"]),
         "endpoints[0].args[0]", "--http-port=9000", ("--http-port", "triton", "port")),
    Case("Triton on its own metrics port", model(server="triton", port=8002),
         "endpoints[0].port", 8002, ("Triton", "8000")),
    Case("a custom server needs its metric", model(server="custom"),
         "endpoints[0].autoscaling_metric", None, ("required", "custom", "/metrics")),
    Case("env may not override what aiscale sets", model(env={"MODEL_URI": "s3://other/"}),
         'endpoints[0].env.MODEL_URI', "s3://other/", ("MODEL_URI", "set by aiscale")),
    Case("a managed runtime has no argument list", model(("gcp",), runtime="managed", gpus_per_replica=1,
                                                         args=["--max-model-len=4096"]),
         "endpoints[0].args", ["--max-model-len=4096"], ("runtime managed", "CMD", "runtime: kubernetes")),
    Case("an unknown server", model(server="sglang"),
         "endpoints[0].server", "sglang", ("vllm", "tgi", "triton", "custom")),
]


@pytest.mark.parametrize("case", CASES, ids=[case.reason for case in CASES])
def test_bad_endpoint_names_field_value_and_fix(case):
    with pytest.raises(PlatformValidationError) as caught:
        load_platform(case.model)
    problems = caught.value.problems
    assert [p.path for p in problems] == [case.path], str(caught.value)
    (problem,) = problems
    assert problem.value == case.value
    for word in case.says:
        assert word in problem.message, f"{case.reason}: {word!r} not in {problem.message!r}"


@pytest.mark.parametrize("endpoint,reason", [
    ({"runtime": "managed", "gpus_per_replica": 1, "image": {"aws": ECR, "gcp": ARTIFACT_REGISTRY}},
     "each managed runtime gets an image from its own registry"),
    ({"runtime": "managed", "gpus_per_replica": 1, "image": {"aws": ECR, "gcp": DOCKER_HUB}},
     "Cloud Run pulls public Docker Hub images"),
    ({"args": ["--max-model-len=8192", "--enable-prefix-caching"], "env": {"VLLM_USE_V1": "1"}},
     "arguments aiscale does not set pass through"),
    ({"server": "custom", "autoscaling_metric": "http_requests_in_flight", "args": ["--port", "1"]},
     "custom: aiscale sets no flag, so none conflicts"),
    ({"model": None, "args": ["--model=meta-llama/Llama-3.1-8B-Instruct"]},
     "without a bucket the user names the model"),
])
def test_good_endpoints_validate(endpoint, reason):
    assert load_platform(model(**endpoint)).endpoints[0].name == "chat", reason


def test_image_for_each_cloud():
    endpoint = load_platform(model(image={"aws": ECR, "gcp": ARTIFACT_REGISTRY})).endpoints[0]
    assert (endpoint.image_for("aws"), endpoint.image_for("gcp")) == (ECR, ARTIFACT_REGISTRY)
    single = load_platform(model()).endpoints[0]
    assert single.image_for("aws") == single.image_for("gcp") == DOCKER_HUB


def project_with(folder: Path, platform: dict) -> Path:
    shutil.copy(REPO / "Pulumi.yaml", folder / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", folder / "__main__.py")
    (folder / "stacks").mkdir(exist_ok=True)
    (folder / "stacks" / "Pulumi.test.yaml").write_text(
        yaml.safe_dump({"config": {"aiscale:platform": platform}}))
    return folder


@pytest.mark.parametrize("case", [CASES[1], CASES[8]], ids=["registry", "conflicting arg"])
def test_cli_exits_2_naming_the_field(tmp_path, case):
    folder = project_with(tmp_path, case.model)
    json_report = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["preview", "--cwd", str(folder), "--stack", "test",
                                      "--json", str(json_report)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    output = result.output.replace("\n", " ")
    assert case.path in output and "Traceback" not in output
    assert not json_report.exists() or '"type": "aws:' not in json_report.read_text(), \
        "nothing registered"
