"""Every stack check: a compliant stack, and mutations that each produce a violation on the
right resource; plus the environment rules of the non-prod checks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.guardrails import all_checks, get_check, run_stack
from aiscale.preview.records import UNKNOWN
from tests.guardrails.cases_storage_logging import LOGGING_STACK_CASES
from tests.guardrails.helpers import context, is_na, no_estimator, urn, view

S3 = "aws:s3/bucket:Bucket"
NG = "aws:eks/nodeGroup:NodeGroup"
GPU_TAINT = [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]


def bucket(name="models", **props):
    return view(S3, name, {"bucket": f"acme-{name}", **props})


def on(target_type, target_name, key):
    """Property dependencies on another helper resource."""
    return {key: [urn(target_type, target_name)]}


def pab(name="models", linked=True, **props):
    return view("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-pab",
                {"bucket": UNKNOWN, **props}, deps=on(S3, name, "bucket") if linked else None)


VPC = "aws:ec2/vpc:Vpc"


def flow_log(linked=True, vpc_id=UNKNOWN):
    """A flow log of the VPC named ``vpc`` (by dependency), or of ``vpc_id`` by known id."""
    return view("aws:ec2/flowLog:FlowLog", "flow", {"vpcId": vpc_id, "trafficType": "ALL"},
                deps=on(VPC, "vpc", "vpcId") if linked else None)


def node_group(name="train", instance="p4d.24xlarge", low=0.0, high=4.0, capacity="SPOT", taints=GPU_TAINT):
    return view(NG, name, {"instanceTypes": [instance], "capacityType": capacity,
                           "scalingConfig": {"minSize": low, "maxSize": high}, "taints": taints})


def gpu_deployment(name="chat", namespace="serving", replicas=2.0, gpus="1"):
    pod = {"containers": [{"name": "s", "image": "i:1", "resources": {"limits": {"nvidia.com/gpu": gpus}}}]}
    return view("kubernetes:apps/v1:Deployment", name, {"metadata": {"name": name, "namespace": namespace},
                                                        "spec": {"replicas": replicas, "template": {"spec": pod}}})


def hpa(target="chat", low=1.0, high=8.0):
    return view("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", f"{target}-hpa", {"spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": target}, "minReplicas": low, "maxReplicas": high}})


def lifecycle(name="models", linked=True):
    return view("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", f"{name}-lc",
                {"bucket": UNKNOWN, "rules": [{"id": "expire", "status": "Enabled"}]},
                deps=on(S3, name, "bucket") if linked else None)


AZ = "azure-native:storage:StorageAccount"
AZ_STACK = [view(AZ, "acct", {"accountName": "acmemodels"}),
            view("azure-native:storage:ManagementPolicy", "policy", {"accountName": "acmemodels", "policy": {"rules": [{"name": "r"}]}})]

# (check, env, config, compliant stack, [(mutated stack, offending resource name or None, reason)])
STACK_CASES = [
    ("SEC-STORAGE-002", "prod", {}, [bucket(), pab()],
     [([bucket()], "models", "no PAB at all"), ([bucket(), pab(linked=False, bucket="other")], "models", "PAB for another bucket")]),
    ("SEC-STORAGE-014", "prod", {}, [bucket(), view("aws:s3/bucketLogging:BucketLogging", "log", {"bucket": UNKNOWN, "targetBucket": "logs"},
                                                   deps=on(S3, "models", "bucket"))],
     [([bucket()], "models", "no logging")]),
    ("COST-GPU-002", "prod", {}, [node_group(high=8.0)],
     [([node_group(high=9.0)], "train", "9 x 8 GPUs = 72 > 64")]),
    ("COST-GPU-003", "prod", {"max_gpus_per_stack": 64}, [node_group("a", high=4.0), node_group("b", high=4.0)],
     [([node_group("a", high=4.0), node_group("b", high=4.0), node_group("c", instance="g5.xlarge", high=1.0)], None, "65 GPUs")]),
    ("COST-GPU-004", "dev", {}, [node_group()],
     [([node_group(capacity="ON_DEMAND")], "train", "on-demand GPUs in dev")]),
    ("COST-SCALE-001", "dev", {}, [node_group(low=0.0)],
     [([node_group(low=1.0)], "train", "a warm GPU node in dev")]),
    ("COST-SCALE-002", "prod", {}, [node_group(low=0.0, high=4.0)],
     [([node_group(low=4.0, high=4.0)], "train", "fixed at 4 nodes")]),
    ("COST-ML-001", "prod", {}, [gpu_deployment(), hpa(high=8.0)],
     [([gpu_deployment(), hpa(high=50.0)], "chat-hpa", "HPA to 50 GPU replicas"),
      ([gpu_deployment(replicas=30.0)], "chat", "30 fixed GPU replicas"),
      ([view("gcp:cloudrunv2/service:Service", "run", {"template": {"nodeSelector": {"accelerator": "nvidia-l4"}}})], "run",
       "Cloud Run GPU service without a maximum (default 100)")]),
    ("COST-ML-002", "dev", {}, [gpu_deployment(), hpa(low=1.0)],
     [([gpu_deployment(), hpa(low=3.0)], "chat-hpa", "three warm GPU replicas in dev")]),
    ("COST-K8S-001", "prod", {"allowed_gpu_namespaces": ["serving"]}, [gpu_deployment(replicas=8.0, gpus="2")],
     [([gpu_deployment(replicas=20.0, gpus="2")], "chat", "40 GPUs in one namespace"),
      ([gpu_deployment(namespace="research")], "chat", "namespace not allowed")]),
    ("COST-K8S-002", "prod", {}, [node_group(), node_group("cpu", instance="m5.large", taints=[])],
     [([node_group(taints=[])], "train", "GPU nodes untainted")]),
    ("COST-STORAGE-001", "prod", {}, [bucket(), lifecycle(), view("gcp:storage/bucket:Bucket", "gcs", {"lifecycleRules": [{"action": {}}]})] + AZ_STACK,
     [([bucket(), lifecycle(linked=False)], "models", "lifecycle for another bucket"),
      ([view("gcp:storage/bucket:Bucket", "gcs", {})], "gcs", "no GCS rules"),
      ([AZ_STACK[0]], "acct", "no management policy")]),
    ("SEC-NET-002", "prod", {}, [view(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"}), flow_log()],
     [([view(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})], "vpc", "no flow log"),
      ([view(VPC, "vpc", {}), flow_log(linked=False, vpc_id="vpc-other")], "vpc", "a flow log of another VPC")]),
    ("SEC-NET-002", "prod", {}, [view(VPC, "vpc", {}), flow_log(linked=False, vpc_id="vpc")],
     [([view(VPC, "vpc", {}), view(VPC, "other", {}), flow_log(linked=False, vpc_id="vpc")], "other", "one of two VPCs")]),
] + LOGGING_STACK_CASES


@pytest.mark.parametrize("check_id,env,config,stack", [c[:4] for c in STACK_CASES], ids=[c[0] for c in STACK_CASES])
def test_compliant_stack(check_id, env, config, stack):
    assert run_stack(get_check(check_id), stack, context(check_id, config, env)) == []


MUTATED = [(c[0], c[1], c[2], m) for c in STACK_CASES for m in c[4]]


@pytest.mark.parametrize("check_id,env,config,mutation", MUTATED, ids=[f"{c}:{m[2]}" for c, _e, _c, m in MUTATED])
def test_mutated_stack_violates(check_id, env, config, mutation):
    stack, offender, _why = mutation
    outcome = run_stack(get_check(check_id), stack, context(check_id, config, env))
    assert not is_na(outcome) and outcome
    expected = None if offender is None else next(r.urn for r in stack if r.name == offender)
    assert expected in {v.urn for v in outcome}


def test_every_stack_check_has_a_case():
    from tests.wiring.test_wiring_checks import CASES as WIRING_CASES  # the wiring pack's own table

    covered = {c[0] for c in STACK_CASES} | {"COST-BUDGET-001", "COST-BUDGET-002"}  # budgets: test_guardrails_budget
    covered |= {c[0] for c in WIRING_CASES}
    assert {c.id for c in all_checks() if c.scope == "stack"} <= covered


@pytest.mark.parametrize("check_id", ["COST-GPU-004", "COST-SCALE-001", "COST-ML-002"])
def test_nonprod_checks_do_not_apply_in_prod(check_id):
    stack = [node_group(capacity="ON_DEMAND", low=2.0), gpu_deployment(), hpa(low=4.0)]
    assert is_na(run_stack(get_check(check_id), stack, context(check_id, {}, "prod")))
    assert run_stack(get_check(check_id), stack, context(check_id, {}, "dev"))


def test_environment_config_overrides_the_stack_and_nonprod_list_is_configurable():
    stack = [node_group(capacity="ON_DEMAND")]
    check = get_check("COST-GPU-004")
    assert run_stack(check, stack, context(check.id, {"environment": "dev"}, "prod"))
    assert is_na(run_stack(check, stack, context(check.id, {"nonprod_envs": ["sandbox"]}, "dev")))


def test_aks_system_pools_need_not_scale_to_zero():
    aks = view("azure-native:containerservice:ManagedCluster", "aks", {"agentPoolProfiles": [
        {"name": "sys", "vmSize": "Standard_NC4as_T4_v3", "count": 1.0, "mode": "System"}]})
    assert is_na(run_stack(get_check("COST-SCALE-001"), [aks], context("COST-SCALE-001", {}, "dev")))


def test_stack_checks_without_their_resources_are_not_applicable():
    for check in (c for c in all_checks() if c.scope == "stack"):
        ctx = context(check.id, {"monthly_budget_usd": None}, "prod", estimator=no_estimator)
        outcome = run_stack(check, [view("aws:kms/key:Key", "k", {})], ctx)
        assert is_na(outcome) or outcome == [], check.id


def test_gpu_totals_include_managed_endpoints():
    endpoint = view("gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool", "pool", {"dedicatedResources": {
        "machineSpec": {"machineType": "a2-highgpu-8g", "acceleratorType": "NVIDIA_TESLA_A100", "acceleratorCount": 8.0},
        "minReplicaCount": 1.0, "maxReplicaCount": 4.0}})
    outcome = run_stack(get_check("COST-GPU-003"), [endpoint], context("COST-GPU-003", {"max_gpus_per_stack": 31}))
    assert len(outcome) == 1 and "32 GPUs" in outcome[0].message


def test_lookup_can_be_injected():
    fake = SimpleNamespace(gpus=16, accelerator="nvidia-h100-80gb")
    ctx = context("COST-GPU-002", {}, lookup=lambda cloud, instance_type, region=None: fake)
    outcome = run_stack(get_check("COST-GPU-002"), [node_group(instance="future.48xlarge", high=5.0)], ctx)
    assert outcome and "80 GPUs" in outcome[0].message
