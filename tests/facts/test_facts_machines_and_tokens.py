"""Machine requests per cloud, the canonical token form, and one home for every type token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aiscale.facts import reader, tokens
from aiscale.facts.model import MachineRequest as M
from aiscale.facts.values import UnknownValue
from aiscale.preview.records import UNKNOWN

COMPONENTS = Path(__file__).resolve().parents[2] / "components"

# (token, inputs, expected requests, reason)
MACHINE_CASES = [
    (tokens.AWS_EC2_LAUNCH_TEMPLATE, {"instanceType": "g6.xlarge"}, (M("aws", "g6.xlarge", None),),
     "a launch template names one instance type"),
    (tokens.AWS_AUTOSCALING_GROUP,
     {"mixedInstancesPolicy": {"launchTemplate": {"overrides": [{"instanceType": "g6.xlarge"},
                                                                {"instanceType": "g5.xlarge"}]}}},
     (M("aws", "g6.xlarge", None), M("aws", "g5.xlarge", None)), "every mixed-policy override"),
    (tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION,
     {"productionVariants": [{"instanceType": "ml.g5.xlarge"}, {"variantName": "cpu"}]},
     (M("aws", "ml.g5.xlarge", None),), "variants without an instance type ask for none"),
    (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET, {"sku": {"name": "Standard_NC4as_T4_v3"}},
     (M("azure", "Standard_NC4as_T4_v3", None),), "a scale set's sku name"),
    (tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE,
     {"properties": {"properties": {"vmSize": "Standard_NC6s_v3"}}},
     (M("azure", "Standard_NC6s_v3", None),), "Azure ML compute nests its size twice"),
    ("azure-native:machinelearningservices/v20220501:Compute",
     {"properties": {"properties": {"vmSize": "Standard_NC6s_v3"}}},
     (M("azure", "Standard_NC6s_v3", None),), "an API-version token reads like the plain one"),
    (tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE,
     {"machineType": "n1-standard-8", "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 1}]},
     (M("gcp", "n1-standard-8", "nvidia-tesla-t4", 1.0),), "an N1 host with an attached GPU"),
    (tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT,
     {"deployConfig": {"dedicatedResources": {"machineSpec": {
         "machineType": "g2-standard-12", "acceleratorType": "NVIDIA_L4", "acceleratorCount": 1}}}},
     (M("gcp", "g2-standard-12", "NVIDIA_L4", 1.0),), "Model Garden nests the spec in deployConfig"),
    (tokens.GCP_CLOUDRUNV2_SERVICE, {"template": {"nodeSelector": {"accelerator": "nvidia-l4"}}},
     (M("gcp", None, "nvidia-l4", 1.0),), "Cloud Run asks for one GPU by accelerator"),
    (tokens.GCP_CONTAINER_CLUSTER,
     {"clusterAutoscaling": {"resourceLimits": [{"resourceType": "cpu", "maximum": 64},
                                                {"resourceType": "nvidia-l4", "maximum": 8}]}},
     (M("gcp", None, "nvidia-l4", 8.0),), "node auto-provisioning GPU limits, CPU limits ignored"),
    (tokens.AWS_S3_BUCKET, {"instanceType": "g6.xlarge"}, (), "a bucket asks for no machine"),
]


@pytest.mark.parametrize("token, inputs, expected, reason", MACHINE_CASES,
                         ids=[case[-1] for case in MACHINE_CASES])
def test_machine_requests(token, inputs, expected, reason):
    assert reader.machine_requests(token, inputs) == expected, reason


def test_an_unknown_machine_type_list_is_reported():
    with pytest.raises(UnknownValue) as raised:
        reader.machine_requests(tokens.AWS_EKS_NODE_GROUP, {"instanceTypes": UNKNOWN})
    assert raised.value.path == "instanceTypes"


@pytest.mark.parametrize("token, canonical", [
    ("aws:s3/bucketV2:BucketV2", tokens.AWS_S3_BUCKET),
    ("azure-native:storage/v20230101:StorageAccount", tokens.AZURE_STORAGE_STORAGE_ACCOUNT),
    ("kubernetes:apps/v1:Deployment", tokens.K8S_APPS_DEPLOYMENT),
    (tokens.GCP_CONTAINER_NODE_POOL, tokens.GCP_CONTAINER_NODE_POOL),
])
def test_canonical_type_folds_versions(token, canonical):
    assert tokens.canonical_type(token) == canonical


def test_cloud_of_a_token():
    assert [tokens.cloud_of(t) for t in (tokens.AWS_EKS_NODE_GROUP, tokens.AZURE_KEYVAULT_KEY,
                                         tokens.GCP_KMS_KEY_RING, tokens.K8S_CORE_POD, "random:index/x:X")
            ] == ["aws", "azure", "gcp", "kubernetes", "random"]


def test_every_constant_is_named_after_its_token():
    constants = {name: value for name, value in vars(tokens).items()
                 if name.isupper() and isinstance(value, str)}
    assert len(constants) > 60
    assert len(set(constants.values())) == len(constants), "each token is defined once"
    for name, token in constants.items():
        package = {"aws": "AWS", "azure-native": "AZURE", "gcp": "GCP", "kubernetes": "K8S"}[token.split(":")[0]]
        assert name.startswith(package + "_"), name


TOKEN_LITERAL = re.compile(r"""["'](?:aws|azure-native|gcp|kubernetes):[A-Za-z0-9/._-]+:[A-Z][A-Za-z0-9]*["']""")
READERS = ["cost", "guardrails/security", "guardrails/cost", "guardrails/props.py",
           "guardrails/context.py"]


@pytest.mark.parametrize("where", READERS)
def test_cost_and_the_packs_name_type_tokens_only_through_the_tokens_module(where):
    path = COMPONENTS / where
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    found = [f"{f.relative_to(COMPONENTS)}: {m.group(0)}" for f in files
             for m in TOKEN_LITERAL.finditer(f.read_text())]
    assert found == [], "use aiscale.facts.tokens constants instead of literals"


def test_the_gpu_taint_key_is_defined_once():
    definitions = [f.relative_to(COMPONENTS) for f in COMPONENTS.rglob("*.py")
                   if re.search(r"""^\s*GPU_TAINT_KEY\s*=""", f.read_text(), re.M)
                   or re.search(r"""["']key["']:\s*["']nvidia\.com/gpu["']""", f.read_text())]
    assert [str(p) for p in definitions] == ["facts/gpu.py"]


@pytest.mark.parametrize("cloud, name, listed", [
    ("aws", "ml.g5.xlarge", "g5.xlarge"),
    ("aws", "g5.xlarge", "g5.xlarge"),
    ("azure", "ml.Standard_NC6", "ml.Standard_NC6"),
    ("nowhere", "ml.x", "ml.x"),
])
def test_the_catalog_name_of_a_machine_type(cloud, name, listed):
    assert reader.catalog_instance_type(cloud, name) == listed
