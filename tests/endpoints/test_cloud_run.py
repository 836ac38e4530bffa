"""runtime managed on GCP: a Cloud Run service with one L4, scaled min..max, internal unless public."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.gcp.cloud_run import SERVICE_NAME_MAX, max_concurrency, service_name

SERVICE = "gcp:cloudrunv2/service:Service"
INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
MANAGED = {"runtime": "managed"}


def test_gpu_node_selector_limits_and_scaling(endpoint_preview):
    result = endpoint_preview("gcp", endpoint={**MANAGED, "min_replicas": 0, "max_replicas": 3})
    service = result.one(SERVICE).inputs
    template = service["template"]
    assert template["nodeSelector"] == {"accelerator": "nvidia-l4"}
    (container,) = template["containers"]
    assert container["resources"]["limits"] == {"cpu": "8", "memory": "32Gi", "nvidia.com/gpu": "1"}
    assert container["resources"]["cpuIdle"] is False, "GPU instances need CPU always allocated"
    assert template["scaling"] == {"minInstanceCount": 0, "maxInstanceCount": 3}
    assert container["startupProbe"]["httpGet"] == {"path": "/health", "port": 8000}
    assert container["image"] == "vllm/vllm-openai:v0.6.3"
    assert result.outputs["url"].startswith("https://")


@pytest.mark.parametrize("public,ingress,invokers,reason", [
    (False, "INGRESS_TRAFFIC_INTERNAL_ONLY", 0, "private by default, no allUsers"),
    (True, "INGRESS_TRAFFIC_ALL", 1, "public: reachable and invokable by anyone"),
])
def test_ingress_and_invoker(endpoint_preview, public, ingress, invokers, reason):
    result = endpoint_preview("gcp", endpoint={**MANAGED, "public": public})
    assert result.one(SERVICE).inputs["ingress"] == ingress, reason
    members = result.by_type(INVOKER)
    assert len(members) == invokers, reason
    if members:
        assert members[0].inputs["member"] == "allUsers"
        assert members[0].inputs["role"] == "roles/run.invoker"


def test_service_account_reads_only_the_model_bucket(endpoint_preview):
    result = endpoint_preview("gcp", endpoint=MANAGED)
    account = result.one("gcp:serviceaccount/account:Account", "chat").outputs["email"]
    template = result.one(SERVICE).inputs["template"]
    assert template["serviceAccount"] == account
    viewer = result.one("gcp:storage/bucketIAMMember:BucketIAMMember", "chat").inputs
    assert viewer == {"bucket": result.one("gcp:storage/bucket:Bucket").inputs["name"],
                      "role": "roles/storage.objectViewer", "member": f"serviceAccount:{account}"}
    env = {e["name"]: e["value"] for e in template["containers"][0]["envs"]}
    assert env["MODEL_URI"].startswith("gs://") and env["MODEL_URI"].endswith("/llama-3-8b/")


@pytest.mark.parametrize("environment,protect", [("dev", False), ("prod", True)])
def test_deletion_protection_and_zonal_redundancy(endpoint_preview, environment, protect):
    inputs = endpoint_preview("gcp", endpoint=MANAGED, environment=environment).one(SERVICE).inputs
    assert inputs["deletionProtection"] is protect
    assert inputs["template"]["gpuZonalRedundancyDisabled"] is (not protect)


@pytest.mark.parametrize("target,expected", [(1, 2), (4, 7), (6, 10)])
def test_concurrency_aims_at_the_target(target, expected):
    assert max_concurrency(SimpleNamespace(target_concurrency=target)) == expected
    assert round(expected * 0.6) >= target


def test_service_names_fit():
    scope = SimpleNamespace(platform="a-very-long-platform-x", environment="staging")
    name = service_name(scope, SimpleNamespace(name="a-long-endpoint-name"))
    assert len(name) <= SERVICE_NAME_MAX and name[0].isalpha() and not name.endswith("-")


def test_an_accelerator_cloud_run_cannot_serve_is_refused():
    from aiscale.gcp.cloud_run import _accelerator

    with pytest.raises(ValueError, match="endpoint.accelerator: got 'nvidia-a100-80gb'.*GKE"):
        _accelerator(SimpleNamespace(accelerator="nvidia-a100-80gb"))
