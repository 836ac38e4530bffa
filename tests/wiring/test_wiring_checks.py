"""Every wiring check on its own: a compliant small stack, and mutations that each produce a
violation on the right resource (table-driven, a reason per case)."""

from __future__ import annotations

import pytest

from aiscale.guardrails import checks_for_pack, get_check, run_stack
from tests.guardrails.helpers import context, is_na, view
from tests.wiring.stacks import (AKS, GKE, account, addon, aks, cluster, deployment, hpa, network_policy, node_group, on,
                                 provider, pvc, release, storage_class, subnet, workload_identity_read)

EKS_ = cluster()
K8S = provider(EKS_)
GKE_ = cluster(GKE, "gke", datapathProvider="LEGACY_DATAPATH")
GKE_K8S = provider(GKE_, "gke-k8s")
SUBNET_ = subnet()
AKS_ = aks(subnet_view=SUBNET_)
ACCOUNT = account()


def sched(**pod):
    return [EKS_, K8S, node_group(EKS_), deployment(K8S, **pod)]


def eks_storage(*extra, version="1.31"):
    base = cluster(version=version)
    return [base, K8S, *extra]


def vllm(**pod):
    return [EKS_, K8S, deployment(K8S, **pod)]


def asg(min_size=1.0, metric="ASGAverageCPUUtilization"):
    group = view("aws:autoscaling/group:Group", "batch", {"name": "batch", "minSize": min_size, "maxSize": 4.0})
    policy = view("aws:autoscaling/policy:Policy", "batch-cpu", {
        "autoscalingGroupName": "batch", "policyType": "TargetTrackingScaling",
        "targetTrackingConfiguration": {"targetValue": 60, "predefinedMetricSpecification": {"predefinedMetricType": metric}}},
        deps={"autoscalingGroupName": [group.urn]})
    return [group, policy]


def gce(minimum=1.0, **policy):
    return [view("gcp:compute/regionAutoscaler:RegionAutoscaler", "batch-as", {
        "target": "projects/p/regions/r/instanceGroupManagers/batch",
        "autoscalingPolicy": {"minReplicas": minimum, "maxReplicas": 4, "cpuUtilization": {"target": 0.6}, **policy}})]


def vmss_autoscale(minimum="1", metric="Percentage CPU"):
    rule = {"metricTrigger": {"metricName": metric}, "scaleAction": {"direction": "Increase"}}
    return [view("azure-native:monitor:AutoscaleSetting", "batch-autoscale", {
        "targetResourceUri": "/subscriptions/0/x/virtualMachineScaleSets/batch",
        "profiles": [{"capacity": {"minimum": minimum, "maximum": "4", "default": minimum}, "rules": [rule]}]})]


PROMETHEUS_VALUES = {"prometheus": {"prometheusSpec": {"storageSpec": {"volumeClaimTemplate": {
    "spec": {"resources": {"requests": {"storage": "50Gi"}}}}}}}}

# (check, compliant stack, [(mutated stack, offending resource name, reason)])
CASES = [
    ("WIRE-SCHED-001", sched(), [
        (sched(gpus="8"), "chat", "8 GPUs per pod on a 1-GPU g6.xlarge pool"),
        (sched(tolerations=[]), "chat", "the pool's nvidia.com/gpu taint is not tolerated"),
        (sched(selector={"workload": "training"}), "chat", "the node selector matches no pool's labels"),
    ]),
    ("WIRE-METRICS-001", [EKS_, K8S, hpa(K8S), release(K8S, "prometheus-community/prometheus-adapter")], [
        ([EKS_, K8S, hpa(K8S)], "chat-hpa", "a Pods metric and no adapter at all"),
        ([EKS_, K8S, GKE_, GKE_K8S, hpa(GKE_K8S), release(K8S, "prometheus-adapter")], "chat-hpa",
         "the adapter runs on another cluster"),
        ([EKS_, K8S, hpa(K8S, "External"), release(K8S, "custom-thing")], "chat-hpa", "an External metric, no KEDA"),
    ]),
    ("WIRE-NET-001", [EKS_, K8S, network_policy(K8S), addon(EKS_, "vpc-cni", {"enableNetworkPolicy": "true"})], [
        ([EKS_, K8S, network_policy(K8S), addon(EKS_, "vpc-cni")], "main", "vpc-cni without configurationValues"),
        ([GKE_, GKE_K8S, network_policy(GKE_K8S)], "gke", "GKE without Dataplane V2 or networkPolicy"),
        ([aks(networkProfile={"networkPlugin": "azure"}), provider(aks(networkProfile={}), "aks-k8s"),
          network_policy(provider(aks(), "aks-k8s"))], "aks", "AKS without a network policy engine"),
    ]),
    ("WIRE-NET-002", [cluster(GKE, "gke", privateClusterConfig={"enablePrivateEndpoint": True},
                              masterAuthorizedNetworksConfig={"cidrBlocks": []})], [
        ([cluster(GKE, "gke", privateClusterConfig={"enablePrivateEndpoint": True})], "gke",
         "private endpoint without authorized networks"),
    ]),
    ("WIRE-NET-003", [SUBNET_, AKS_, ACCOUNT, *workload_identity_read(AKS_, ACCOUNT)], [
        ([SUBNET_, AKS_, account(rules=()), *workload_identity_read(AKS_, account(rules=()))], "models",
         "no virtual network rule for the node subnet"),
        ([SUBNET_, AKS_, account(rules=(), publicNetworkAccess="Disabled"),
          *workload_identity_read(AKS_, account(rules=()))], "models", "public access off and no private endpoint"),
    ]),
    ("WIRE-STORAGE-001", eks_storage(addon(EKS_, "aws-ebs-csi-driver"), storage_class(K8S), pvc(K8S),
                                     release(K8S, "kube-prometheus-stack", values=PROMETHEUS_VALUES)), [
        (eks_storage(pvc(K8S)), "data", "a PVC and no EBS CSI driver"),
        (eks_storage(addon(EKS_, "aws-ebs-csi-driver"), pvc(K8S)), "data", "a PVC and no default StorageClass"),
        (eks_storage(release(K8S, "kube-prometheus-stack", values=PROMETHEUS_VALUES)), "kube-prometheus-stack",
         "Helm values asking for a volume, no driver"),
        (eks_storage(addon(EKS_, "aws-ebs-csi-driver"), storage_class(K8S), pvc(K8S, storage_class_name="fast")),
         "data", "a StorageClass that is not declared"),
    ]),
    ("WIRE-IMAGE-001", [
        view("aws:sagemaker/model:Model", "sm", {"primaryContainer": {"image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/llm:1"}}),
        view("gcp:cloudrunv2/service:Service", "run", {"template": {"containers": [{"image": "us-docker.pkg.dev/p/r/llm:1"}]}}),
        view("azure-native:machinelearningservices:EnvironmentVersion", "env", {"properties": {"image": "acme.azurecr.io/llm:1"}})], [
        ([view("aws:sagemaker/model:Model", "sm", {"primaryContainer": {"image": "vllm/vllm-openai:v0.6.3"}})], "sm",
         "SageMaker and a Docker Hub image"),
        ([view("gcp:cloudrunv2/service:Service", "run", {"template": {"containers": [
            {"image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/llm:1"}]}})], "run", "Cloud Run and an ECR image"),
        ([view("azure-native:machinelearningservices:EnvironmentVersion", "env", {"properties": {
            "image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/llm:1"}})], "env", "Azure ML and an ECR image"),
    ]),
    ("WIRE-SERVE-001", vllm(), [
        (vllm(args=()), "chat", "no command and no args"),
        (vllm(args=("--port", "8000")), "chat", "arguments without --model"),
    ]),
    ("WIRE-SCALE-001", [*asg(), *gce(), *vmss_autoscale()], [
        (asg(min_size=0.0), "batch", "ASG minSize 0 with CPU target tracking"),
        (gce(minimum=0.0), "batch-as", "GCE autoscaler minReplicas 0 on CPU"),
        (vmss_autoscale(minimum="0"), "batch-autoscale", "Azure autoscale minimum 0 on Percentage CPU"),
    ]),
]


def _run(check_id, stack):
    return run_stack(get_check(check_id), stack, context(check_id))


def test_every_wiring_check_has_cases():
    assert {case[0] for case in CASES} == {check.id for check in checks_for_pack("wiring")}


@pytest.mark.parametrize("check_id, compliant", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_the_compliant_stack_passes(check_id, compliant):
    outcome = _run(check_id, compliant)
    assert not is_na(outcome), "the compliant stack must exercise the check"
    assert outcome == []


@pytest.mark.parametrize("check_id, stack, offender, reason",
                         [(c[0], *m) for c in CASES for m in c[2]], ids=[f"{c[0]}:{m[2]}" for c in CASES for m in c[2]])
def test_each_mutation_is_reported_on_the_offending_resource(check_id, stack, offender, reason):
    outcome = _run(check_id, stack)
    assert not is_na(outcome), reason
    assert [v.urn.rsplit("::", 1)[-1] for v in outcome] == [offender], reason


def test_a_pool_whose_inputs_are_unknown_might_fit_so_its_pods_are_not_judged():
    from aiscale.preview.records import UNKNOWN

    known = _run("WIRE-SCHED-001", [EKS_, K8S, node_group(EKS_), deployment(K8S, gpus="8")])
    assert len(known) == 1, "the baseline of this test: a known 1-GPU pool cannot take 8 GPUs"
    unknown = _run("WIRE-SCHED-001", [EKS_, K8S, node_group(EKS_, labels=UNKNOWN), deployment(K8S, gpus="8")])
    assert is_na(unknown) or unknown == []


def test_a_pod_on_another_cluster_is_judged_against_that_clusters_pools_only():
    other = cluster(name="other")
    other_k8s = provider(other, "other-k8s")
    stack = [EKS_, K8S, other, other_k8s, node_group(EKS_), deployment(other_k8s)]
    (violation,) = _run("WIRE-SCHED-001", stack + [node_group(other, name="cpu", instance="m6i.large")])
    assert "'cpu'" in violation.message and "'gpu'" not in violation.message


@pytest.mark.parametrize("provisioning, reason", [
    ({"computeConfig": {"enabled": True}}, "EKS Auto Mode"),
    ({"karpenter": True}, "a Karpenter chart on the cluster"),
])
def test_clusters_that_create_nodes_themselves_are_not_judged(provisioning, reason):
    eks = cluster(**{k: v for k, v in provisioning.items() if k != "karpenter"})
    extra = [release(K8S, "karpenter")] if "karpenter" in provisioning else []
    outcome = _run("WIRE-SCHED-001", [eks, K8S, node_group(eks), deployment(K8S, gpus="8"), *extra])
    assert is_na(outcome) or outcome == [], reason


def test_the_aks_keda_add_on_serves_external_metrics():
    keda = aks(workloadAutoScalerProfile={"keda": {"enabled": True}})
    k8s = provider(keda, "aks-k8s")
    assert _run("WIRE-METRICS-001", [keda, k8s, hpa(k8s, "External")]) == []
    assert len(_run("WIRE-METRICS-001", [aks(), k8s, hpa(k8s, "External")])) == 1


def _denying():
    return account(rules=())


def test_storage_firewall_readers_by_kubelet_identity_and_by_pods_naming_the_account():
    kubelet = view("azure-native:authorization:RoleAssignment", "kubelet-read",
                   {"principalId": "0000", "scope": "/subscriptions/0/resourceGroups/rg/providers/"
                                                     "Microsoft.Storage/storageAccounts/models"},
                   deps={"principalId": [AKS_.urn]})
    assert len(_run("WIRE-NET-003", [SUBNET_, AKS_, _denying(), kubelet])) == 1, "scope by text, kubelet principal"
    k8s = provider(AKS_, "aks-k8s")
    reader = deployment(k8s, args=("--model", "https://models.blob.core.windows.net/llama/"))
    assert len(_run("WIRE-NET-003", [SUBNET_, AKS_, _denying(), k8s, reader])) == 1, "a pod names the account"
    assert is_na(_run("WIRE-NET-003", [SUBNET_, AKS_, _denying()])), "nobody reads it: not judged"


def test_a_private_endpoint_to_the_account_lets_the_pods_in():
    denying = account(rules=(), publicNetworkAccess="Disabled")
    endpoint = view("azure-native:network:PrivateEndpoint", "models-pe", {"privateLinkServiceConnections": [
        {"name": "blob", "privateLinkServiceId": "/subscriptions/0/providers/Microsoft.Storage/storageAccounts/models",
         "groupIds": ["blob"]}]})
    stack = [SUBNET_, AKS_, denying, *workload_identity_read(AKS_, denying)]
    assert len(_run("WIRE-NET-003", stack)) == 1
    assert _run("WIRE-NET-003", stack + [endpoint]) == []
