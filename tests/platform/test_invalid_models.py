"""Invalid platform models: exit 2, one message naming the field path, no traceback, nothing registered."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from aiscale.preview.engine import PreviewError, run_directory
from tests.conftest import run_cli
from tests.platform.conftest import invoke

BASE: dict[str, Any] = {
    "name": "acme-ml",
    "environment": "dev",
    "tags": {"team": "ml"},
    "clouds": {"aws": {"region": "us-west-2"}, "azure": {"location": "eastus"},
               "gcp": {"project": "acme-ml-dev", "region": "us-central1"}},
    "node_pools": [{"name": "serve", "accelerator": "nvidia-l4", "gpus_per_node": 1,
                    "min_nodes": 0, "max_nodes": 2, "capacity": "spot", "clouds": ["aws", "gcp"]}],
    "autoscaling_groups": [{"name": "batch", "accelerator": "nvidia-t4", "gpus_per_node": 1, "capacity": "spot",
                            "max_nodes": 3, "clouds": ["gcp"]}],
    "buckets": [{"name": "models"}],
    "endpoints": [{"name": "chat", "image": "vllm/vllm-openai:v0.6.3",
                   "model": {"bucket": "models", "path": "llama/"}, "accelerator": "nvidia-l4",
                   "max_replicas": 2, "clouds": ["aws"]}],
}


def pool(**changes) -> Callable[[dict], None]:
    return lambda m: m["node_pools"][0].update(changes)


def endpoint(**changes) -> Callable[[dict], None]:
    return lambda m: m["endpoints"][0].update(changes)


def top(**changes) -> Callable[[dict], None]:
    return lambda m: m.update(changes)


CASES = [
    # (mutation, the path the message must name, why it is invalid)
    (pool(accelerator="nvidia-x999"), "node_pools[0].accelerator", "unknown accelerator"),
    (pool(accelerator="nvidia-a10g"), "node_pools[0].accelerator", "a10g is sold on AWS only, the pool targets GCP too"),
    (lambda m: (m["clouds"]["azure"].update(location="westus2"),
                m["node_pools"].append({"name": "big", "accelerator": "nvidia-h100-80gb", "gpus_per_node": 8,
                                        "max_nodes": 1, "clouds": ["azure"]})),
     "node_pools[1].accelerator", "H100 is offered in eastus only on Azure"),
    (pool(gpus_per_node=3), "node_pools[0].gpus_per_node", "no machine has 3 L4 GPUs"),
    (pool(min_nodes=3, max_nodes=2), "node_pools[0]", "min above max"),
    (pool(min_nodes=-1), "node_pools[0].min_nodes", "negative count"),
    (pool(max_nodes=0), "node_pools[0].max_nodes", "a pool must be able to hold a node"),
    (pool(gpus_per_node=0), "node_pools[0].gpus_per_node", "zero GPUs"),
    (pool(capacity="cheap"), "node_pools[0].capacity", "unknown capacity"),
    (pool(placement="cheapest"), "node_pools[0]", "placement and clouds are exclusive"),
    (pool(clouds=["oracle"]), "node_pools[0].clouds", "unknown cloud in a section"),
    (lambda m: m["node_pools"].append(dict(m["node_pools"][0])), "node_pools[1].name", "duplicate pool name"),
    (pool(name="Train_Pool"), "node_pools[0].name", "bad pool name"),
    (top(name="Acme_ML"), "name", "bad platform name"),
    (top(environment="qa"), "environment", "unknown environment"),
    (lambda m: m.pop("name"), "name", "name is required"),
    (top(clouds={}), "clouds", "at least one cloud"),
    (lambda m: m["clouds"].update(oracle={"region": "x"}), "clouds.oracle", "unknown cloud"),
    (lambda m: m["clouds"]["aws"].update(region="uswest2"), "clouds.aws.region", "malformed region"),
    (lambda m: m["buckets"][0].update(clouds=["azure"], name="models") or m["clouds"].pop("azure"),
     "buckets[0].clouds", "a section targeting a cloud that is not configured"),
    (lambda m: m["buckets"][0].update(name="-models"), "buckets[0].name", "bad bucket name"),
    (lambda m: m["buckets"][0].update(lifecycle={"cool_after_days": 90, "archive_after_days": 30}),
     "buckets[0].lifecycle", "archive before cool"),
    (endpoint(model={"bucket": "weights", "path": "x/"}), "endpoints[0].model.bucket", "missing bucket"),
    (endpoint(min_replicas=5, max_replicas=2), "endpoints[0]", "replicas out of order"),
    (endpoint(accelerator="nvidia-t4"), "endpoints[0]", "no T4 pool on AWS to serve on"),
    (endpoint(gpus_per_replica=4), "endpoints[0].gpus_per_replica", "more GPUs than the pool's nodes have"),
    (endpoint(runtime="managed", clouds=["gcp"], accelerator="nvidia-t4"), "endpoints[0].accelerator",
     "Cloud Run serves L4 only"),
    (endpoint(image="vllm/vllm-openai:latest"), "endpoints[0].image", "image not pinned"),
    (lambda m: m["autoscaling_groups"][0].update(target_cpu_utilization=150),
     "autoscaling_groups[0].target_cpu_utilization", "percent above 100"),
    (lambda m: m["autoscaling_groups"][0].update(min_nodes=0),
     "autoscaling_groups[0].min_nodes", "CPU scaling from zero machines never starts"),
    (top(kubernetes={"api_access": "restricted"}), "kubernetes.authorized_networks", "restricted API without networks"),
    (top(kubernetes={"api_access": "restricted", "authorized_networks": ["0.0.0.0/0"]}),
     "kubernetes.authorized_networks[0]", "the whole internet is not a restriction"),
    (top(network={"existing": {"aws": {"vpc_id": "vpc_123", "subnet_ids": ["subnet-0abc"]}}}),
     "network.existing.aws.vpc_id", "existing network id of the wrong shape"),
    (top(operations={"notifications": {"emails": ["not-an-email"]}}), "operations.notifications.emails[0]", "bad email"),
    (top(operations={"notifications": {"emails": ["ops@example.com"]}, "budget": {"monthly_usd": -5},
                     "gcp_billing_account": "012345-6789AB-CDEF01"}),
     "operations.budget.monthly_usd", "negative budget"),
    (top(operations={"notifications": {"emails": ["ops@example.com"]},
                     "budget": {"monthly_usd": 100, "actual_thresholds": [0]},
                     "gcp_billing_account": "012345-6789AB-CDEF01"}),
     "operations.budget.actual_thresholds", "threshold below 1"),
    (top(operations={"notifications": {"emails": ["ops@example.com"]}, "budget": {"monthly_usd": 100}}),
     "operations.gcp_billing_account", "a GCP budget needs a billing account"),
    (top(node_pool=[]), "node_pool", "a typo in a section name is an unknown field"),
]


@pytest.mark.parametrize("mutate, path, reason", CASES, ids=[case[2] for case in CASES])
def test_invalid_model_exits_2_naming_the_field(project_with, mutate, path, reason):
    model = copy.deepcopy(BASE)
    mutate(model)
    folder = project_with(model)
    result = invoke("preview", "--cwd", str(folder), "--stack", "test")
    assert result.exit_code == 2, f"{reason}: {result.output}"
    assert "invalid platform model" in result.stderr, reason
    assert f"  {path}" in result.stderr, f"{reason}: expected {path} in:\n{result.stderr}"
    assert "Traceback" not in result.output
    with pytest.raises(PreviewError) as caught:
        run_directory(folder, "test")
    assert [r.type for r in caught.value.resources] == ["pulumi:pulumi:Stack"], "nothing registered"


def test_the_base_model_is_valid(project_with):
    folder = project_with(copy.deepcopy(BASE))
    result = invoke("preview", "--cwd", str(folder), "--stack", "test", "--no-tree")
    assert result.exit_code == 0, result.output


def test_all_problems_are_reported_together(project_with):
    model = copy.deepcopy(BASE)
    pool(min_nodes=-1)(model)
    model["autoscaling_groups"][0]["accelerator"] = "nvidia-x999"
    top(environment="qa")(model)
    result = invoke("preview", "--cwd", str(project_with(model)), "--stack", "test")
    assert result.exit_code == 2
    for path in ("environment", "node_pools[0].min_nodes", "autoscaling_groups[0].accelerator"):
        assert path in result.stderr


def test_a_real_process_prints_no_traceback(project_with):
    model = copy.deepcopy(BASE)
    pool(accelerator="nvidia-x999")(model)
    done = run_cli("preview", "--cwd", str(project_with(model)), "--stack", "test")
    assert done.returncode == 2
    assert "node_pools[0].accelerator" in done.stderr and "nvidia-l4" in done.stderr, "lists valid choices"
    assert "Traceback" not in done.stderr + done.stdout


def test_aws_archive_too_soon_after_cool_is_a_model_error_not_a_preview_failure(project_with):
    """Found by the property tests: S3 needs 30 days in Standard-IA before Glacier."""
    model = copy.deepcopy(BASE)
    model["buckets"][0]["lifecycle"] = {"cool_after_days": 131, "archive_after_days": 154}
    result = invoke("preview", "--cwd", str(project_with(model)), "--stack", "test")
    assert result.exit_code == 2
    assert "buckets[0].lifecycle.archive_after_days: got 154; must be >= cool_after_days + 30 (161)" in result.stderr
