"""The facts reader on model endpoints: managed services per cloud and Kubernetes workloads."""

from __future__ import annotations

import pytest

from aiscale.facts import reader, tokens
from aiscale.facts.values import UnknownValue
from aiscale.preview.records import UNKNOWN

GPU = "nvidia.com/gpu"

# (token, inputs, instance type, replicas, GPUs per replica stated, reason)
CASES = [
    (tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION,
     {"productionVariants": [{"variantName": "a", "instanceType": "ml.g5.xlarge", "initialInstanceCount": 2,
                              "managedInstanceScaling": {"maxInstanceCount": 4}}]},
     "ml.g5.xlarge", (2.0, 4.0), None, "managed scaling max, the initial count as min"),
    (tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT,
     {"sku": {"name": "Standard_NC6s_v3", "capacity": 1},
      "properties": {"scaleSettings": {"scaleType": "TargetUtilization", "minInstances": 1, "maxInstances": 3}}},
     "Standard_NC6s_v3", (1.0, 3.0), None, "the sku names the type when properties do not"),
    (tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT, {"sku": {"capacity": 2}},
     None, (2.0, 2.0), None, "a default scale setting is the sku capacity"),
    (tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL,
     {"dedicatedResources": {"minReplicaCount": 1, "machineSpec": {"machineType": "g2-standard-12"}}},
     "g2-standard-12", (1.0, 1.0), None, "a missing max replica count is the min"),
    (tokens.GCP_CLOUDRUNV2_SERVICE, {"template": {"nodeSelector": {"accelerator": "nvidia-l4"},
                                                  "scaling": {"maxInstanceCount": 3}}},
     None, (0.0, 3.0), 1.0, "Cloud Run: one GPU per instance with an accelerator, min 0"),
    (tokens.GCP_CLOUDRUNV2_SERVICE, {"scaling": {"manualInstanceCount": 2}},
     None, (2.0, 2.0), 0.0, "a manual count fixes both bounds; no accelerator is no GPU"),
    (tokens.GCP_CLOUDRUNV2_SERVICE, {}, None, (0.0, 100.0), 0.0, "Cloud Run's default max is 100"),
    (tokens.K8S_APPS_DEPLOYMENT,
     {"spec": {"replicas": 2, "template": {"spec": {"containers": [
         {"resources": {"limits": {GPU: "1"}}}, {"resources": {"requests": {GPU: 1}}}]}}}},
     None, (2.0, 2.0), 2.0, "container GPU limits (or requests) add up per pod"),
    ("kubernetes:apps/v1:StatefulSet", {"spec": {"template": {"spec": {"containers": [{}]}}}},
     None, (1.0, 1.0), 0.0, "a versioned token; replicas default to 1"),
    (tokens.K8S_SERVING_INFERENCE_SERVICE,
     {"spec": {"predictor": {"maxReplicas": 4, "model": {"resources": {"limits": {GPU: 2}}}}}},
     None, (1.0, 4.0), 2.0, "KServe: the model container's GPUs, min replicas default 1"),
]


@pytest.mark.parametrize("token, inputs, instance_type, replicas, gpus, reason", CASES,
                         ids=[case[-1] for case in CASES])
def test_endpoint_facts(token, inputs, instance_type, replicas, gpus, reason):
    endpoint, = reader.endpoints(token, inputs)
    assert endpoint.instance_type.text() == instance_type, reason
    assert endpoint.replicas.get() == replicas, reason
    assert endpoint.gpus_per_replica.get() == gpus, reason
    assert endpoint.managed is (endpoint.cloud != "kubernetes"), reason


def test_one_endpoint_per_sagemaker_variant():
    found = reader.endpoints(tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION, {"productionVariants": [
        {"variantName": "a", "instanceType": "ml.g5.xlarge"}, {"variantName": "b"}]})
    assert [e.name.value for e in found] == ["a", "b"]
    with pytest.raises(UnknownValue):
        reader.endpoints(tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION, {"productionVariants": UNKNOWN})


def test_an_unknown_gpu_limit_is_reported():
    endpoint, = reader.endpoints(tokens.K8S_APPS_DEPLOYMENT, {"spec": {"template": {"spec": {
        "containers": [{"resources": {"limits": {GPU: UNKNOWN}}}]}}}})
    with pytest.raises(UnknownValue):
        endpoint.gpus_per_replica.get()


def test_other_kinds_are_no_endpoints():
    assert reader.endpoints(tokens.K8S_APPS_DAEMON_SET, {}) == []
    assert reader.endpoints(tokens.AWS_SAGEMAKER_ENDPOINT, {}) == []
