"""The misses and false alarms found against scanner fixtures (issue 16): for each, the insecure
shape fails and the secure one passes, both written as the provider's own defaults would have
them (a property left out is left out), not as aiscale's builders emit them."""

from __future__ import annotations

import pytest

from aiscale.guardrails import get_check, run_stack
from tests.guardrails.cases_storage_logging import S3_SSE, s3, sse
from tests.guardrails.helpers import context, is_na, run, view

GKE = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
ASG = "aws:autoscaling/group:Group"
EC2 = "aws:ec2/instance:Instance"
DEFAULT_SA = "123456789012-compute@developer.gserviceaccount.com"


def pod(container_context=None, pod_context=None):
    """A Deployment with one container (in namespace serving), securityContexts as given."""
    container = {"name": "server", "image": "vllm/vllm-openai:v0.6.3", "securityContext": container_context or {}}
    return {"metadata": {"name": "chat", "namespace": "serving"},
            "spec": {"template": {"spec": {"securityContext": pod_context or {}, "containers": [container]}}}}


def _with_env(*env):
    """The hardened Deployment with these environment variables on its container."""
    body = pod(HARDENED)
    body["spec"]["template"]["spec"]["containers"][0]["env"] = list(env)
    return body


HARDENED = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}

# (check, type token, insecure inputs, secure inputs, config, what it shows)
PAIRS = [
    ("SEC-K8S-012", GKE, {"nodeConfig": {"machineType": "e2-standard-4"}},
     {"nodeConfig": {"machineType": "e2-standard-4", "serviceAccount": "nodes@acme.iam.gserviceaccount.com"}}, {},
     "a cluster's own nodeConfig without a service account runs the default pool as the compute SA"),
    ("SEC-K8S-012", GKE, {"nodeConfig": {"serviceAccount": DEFAULT_SA}}, {"removeDefaultNodePool": True}, {},
     "a removed default pool with nothing set runs no node"),
    *[("SEC-WL-002", DEPLOYMENT, pod({**HARDENED, "capabilities": {"drop": ["ALL"], "add": [cap]}}),
       pod({**HARDENED, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}), {},
       f"{cap} added back after dropping ALL (NET_BIND_SERVICE is what the restricted profile allows)")
      for cap in ("SYS_ADMIN", "NET_RAW", "IPC_LOCK")],
    ("SEC-WL-003", DEPLOYMENT, pod({**HARDENED, "runAsUser": 0.0}), pod({**HARDENED, "runAsUser": 1000.0}), {},
     "UID 1000 is not root"),
    ("SEC-WL-003", DEPLOYMENT, pod(HARDENED, {"runAsUser": 0.0}), pod(HARDENED, {"runAsUser": 1000.0}), {},
     "the pod's runAsUser applies to its containers"),
    ("SEC-WL-003", DEPLOYMENT, pod({**HARDENED, "runAsUser": 0.0}, {"runAsNonRoot": True}),
     pod({**HARDENED, "runAsUser": 1000.0}, {"runAsNonRoot": True}), {}, "the container's UID overrides the pod"),
    ("SEC-COMPUTE-001", EC2, {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2.0}},
     {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1.0}}, {"max_hop_limit": 1},
     "max_hop_limit 1 is CKV_AWS_341's rule"),
    ("SEC-COMPUTE-001", EC2, {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 3.0}},
     {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2.0}}, {},
     "the default allows the second hop EKS pods need"),
    ("SEC-STORAGE-004", "azure-native:storage:StorageAccount", {"allowBlobPublicAccess": True}, {}, {},
     "omitted: the API's default interpretation is false"),
    ("SEC-COMPUTE-004", EC2, {"userData": "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"},
     {"userData": "export AWS_SECRET_ACCESS_KEY=$(aws secretsmanager get-secret-value --secret-id ml)\n"}, {},
     "a secret variable named, its value read at boot"),
    ("SEC-COMPUTE-004", "gcp:compute/instanceTemplate:InstanceTemplate",
     {"metadata": {"startup-script": '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE"}'}},
     {"metadata": {"startup-script": 'jq -r .private_key "$KEY_FILE" > /run/key'}}, {},
     "the field name of a service-account key, without the key"),
    ("COST-TAG-002", ASG, {"tags": [{"key": "team", "value": "ml", "propagateAtLaunch": False}]},
     {"tags": [{"key": "team", "value": "ml", "propagateAtLaunch": True},
               {"key": "Name", "value": "batch", "propagateAtLaunch": False}]}, {},
     "one propagated tag is the usual shape"),
    ("SEC-WL-011", DEPLOYMENT, _with_env({"name": "DB_PASSWORD", "value": "hunter2"}),
     _with_env({"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db/password"}), {},
     "a variable that points at the mounted secret holds no secret"),
    ("SEC-WL-011", DEPLOYMENT, _with_env({"name": "HF_TOKEN", "value": "hf_abcdefghijklmnop"}),
     _with_env({"name": "HF_TOKEN", "value": "$(HF_TOKEN_FROM_SECRET)"}), {},
     "a $(VAR) expansion is not a literal"),
    ("SEC-K8S-007", GKE_POOL, {"nodeConfig": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}},
     {"nodeConfig": {"machineType": "g2-standard-8"}}, {},
     "omitted: inherits GKE_METADATA from a cluster with a workload pool (the cluster is checked)"),
]


@pytest.mark.parametrize("check_id,token,insecure,secure,config,why", PAIRS, ids=[f"{p[0]}:{p[5]}" for p in PAIRS])
def test_insecure_fails_and_secure_passes(check_id, token, insecure, secure, config, why):
    bad = run(check_id, token, insecure, config)
    assert not is_na(bad) and bad, f"{why}: the insecure shape passed"
    assert run(check_id, token, secure, config) == [], f"{why}: the secure shape failed"


# (check, insecure stack, secure stack, config, what it shows)
STACK_PAIRS = [
    ("SEC-STORAGE-009", [s3("models")], [s3("models"), sse("models")], {},
     "no encryption configuration: S3 applies SSE-S3 (January 2023), not a customer key"),
    ("SEC-STORAGE-009", [s3("models"), view(S3_SSE, "models-sse", {"bucket": "acme-models", "rules": []})],
     [s3("models")], {"require_cmk": False},
     "without require_cmk, S3's default SSE-S3 is encryption at rest; an empty rule list is not"),
    ("SEC-STORAGE-013", [s3("models", versioning={"enabled": False})], [s3("models", versioning={"enabled": True})], {},
     "legacy inline versioning"),
]


@pytest.mark.parametrize("check_id,insecure,secure,config,why", STACK_PAIRS, ids=[f"{p[0]}:{p[4]}" for p in STACK_PAIRS])
def test_insecure_stack_fails_and_secure_stack_passes(check_id, insecure, secure, config, why):
    check = get_check(check_id)
    bad = run_stack(check, insecure, context(check_id, config))
    assert not is_na(bad) and bad, f"{why}: the insecure stack passed"
    assert run_stack(check, secure, context(check_id, config)) == [], f"{why}: the secure stack failed"


def test_public_access_block_is_advisory_and_what_opens_a_bucket_is_mandatory():
    assert get_check("SEC-STORAGE-002").enforcement == "advisory"
    assert {get_check(c).enforcement for c in ("SEC-STORAGE-001", "SEC-STORAGE-003")} == {"mandatory"}
    open_block = view("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {"blockPublicPolicy": False})
    assert run("SEC-STORAGE-001", open_block.type, dict(open_block.props))


@pytest.mark.parametrize("token,template", [
    ("kubernetes:apps/v1:Deployment", ("spec", "template")),
    ("kubernetes:batch/v1:CronJob", ("spec", "jobTemplate", "spec", "template")),
    ("kubernetes:core/v1:Pod", ()),
])
def test_apparmor_unconfined_by_annotation_on_the_pod_template(token, template):
    def shaped(annotation):
        pod = {"metadata": {"annotations": {
            "container.apparmor.security.beta.kubernetes.io/server": annotation}},
            "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                     "containers": [{"name": "server", "image": "i:1"}]}}
        for key in reversed(template):
            pod = {key: pod}
        return {**pod, "metadata": {**pod.get("metadata", {}), "namespace": "serving"}}

    assert run("SEC-WL-009", token, shaped("unconfined")), "Unconfined by annotation"
    assert run("SEC-WL-009", token, shaped("runtime/default")) == []
