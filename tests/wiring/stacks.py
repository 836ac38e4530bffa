"""Small stacks of ResourceViews for the wiring checks: a cluster per cloud with its Kubernetes
provider, node pools, workloads, add-ons and the Azure and VM-group pieces."""

from __future__ import annotations

import json
from typing import Optional

from tests.guardrails.helpers import urn, view

EKS, GKE, AKS = "aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster", "azure-native:containerservice:ManagedCluster"
PROVIDER = "pulumi:providers:kubernetes"
GPU_TAINT_EKS = [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
GPU_TOLERATION = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]


def cluster(kind=EKS, name="main", **props):
    """A cluster whose name input is `name`."""
    key = {EKS: "name", GKE: "name", AKS: "resourceName"}[kind]
    return view(kind, name, {key: name, **props})


def provider(of, name="k8s"):
    """A Kubernetes provider built from cluster `of` (its kubeconfig depends on it)."""
    return view(PROVIDER, name, {"kubeconfig": "..."}, dependencies=(of.urn,))


def on(prov):
    """ResourceView keyword arguments for an object on provider `prov`."""
    return {"provider_urn": prov.urn, "provider_type": PROVIDER}


def node_group(of, name="gpu", instance="g6.xlarge", labels=None, taints=GPU_TAINT_EKS):
    """An EKS node group of cluster `of`."""
    return view("aws:eks/nodeGroup:NodeGroup", name, {
        "clusterName": of.name, "nodeGroupName": name, "instanceTypes": [instance],
        "labels": labels if labels is not None else {"workload": "inference"}, "taints": taints},
        deps={"clusterName": [of.urn]})


def pod_spec(gpus="1", selector=None, tolerations=GPU_TOLERATION, image="vllm/vllm-openai:v0.6.3",
             args=("--model", "/models/llama")):
    """A pod spec with one container."""
    container = {"name": "server", "image": image, "args": list(args),
                 "resources": {"limits": {"nvidia.com/gpu": gpus}}}
    return {"containers": [container], "nodeSelector": selector if selector is not None else {"workload": "inference"},
            "tolerations": tolerations}


def deployment(prov, name="chat", **spec):
    """A Deployment on provider `prov`."""
    return view("kubernetes:apps/v1:Deployment", name, {
        "metadata": {"name": name}, "spec": {"replicas": 1, "template": {"spec": pod_spec(**spec)}}}, **on(prov))


def hpa(prov, kind="Pods", name="chat-hpa"):
    """An HPA on a metric of `kind`."""
    block = {"metric": {"name": "vllm_num_requests_running"}, "target": {"type": "AverageValue", "averageValue": "4"}}
    return view("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", name, {"spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": "chat"}, "minReplicas": 1, "maxReplicas": 4,
        "metrics": [{"type": kind, kind[0].lower() + kind[1:]: block}]}}, **on(prov))


def release(prov, chart, name=None, values=None):
    """A Helm release of `chart` on provider `prov`."""
    return view("kubernetes:helm.sh/v3:Release", name or chart, {"chart": chart, "values": values or {}}, **on(prov))


def addon(of, name, configuration: Optional[dict] = None):
    """An EKS add-on of cluster `of`."""
    props = {"addonName": name, "clusterName": of.name}
    if configuration is not None:
        props["configurationValues"] = json.dumps(configuration)
    return view("aws:eks/addon:Addon", name, props, deps={"clusterName": [of.urn]})


def network_policy(prov, name="chat-netpol"):
    """A NetworkPolicy on provider `prov`."""
    return view("kubernetes:networking.k8s.io/v1:NetworkPolicy", name,
                {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}, **on(prov))


def storage_class(prov, name="gp3", default=True):
    """A StorageClass on provider `prov`."""
    annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
    return view("kubernetes:storage.k8s.io/v1:StorageClass", name, {
        "metadata": {"name": name, "annotations": annotations}, "provisioner": "ebs.csi.aws.com"}, **on(prov))


def pvc(prov, name="data", storage_class_name=None):
    """A PersistentVolumeClaim on provider `prov`."""
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}
    if storage_class_name:
        spec["storageClassName"] = storage_class_name
    return view("kubernetes:core/v1:PersistentVolumeClaim", name, {"spec": spec}, **on(prov))


SUBNET = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes"


def subnet(name="nodes"):
    """An Azure subnet."""
    return view("azure-native:network:Subnet", name, {"subnetName": name})


def aks(name="aks", subnet_view=None, **props):
    """An AKS cluster whose only pool runs in the node subnet."""
    deps = {"agentPoolProfiles": [subnet_view.urn]} if subnet_view is not None else None
    return view(AKS, name, {"resourceName": name, "networkProfile": {"networkPolicy": "calico"},
                            "agentPoolProfiles": [{"name": "system", "vmSize": "Standard_D4ds_v5", "mode": "System",
                                                   "vnetSubnetID": SUBNET}], **props}, deps=deps)


def account(name="models", default="Deny", rules=(SUBNET,), deps=None, **props):
    """A storage account with a firewall."""
    return view("azure-native:storage:StorageAccount", name, {"accountName": name, "networkRuleSet": {
        "defaultAction": default, "virtualNetworkRules": [{"virtualNetworkResourceId": r} for r in rules]}, **props},
        deps=deps)


def workload_identity_read(of_cluster, of_account):
    """An identity federated with the cluster, reading the account."""
    identity = view("azure-native:managedidentity:UserAssignedIdentity", "reader", {"resourceName": "reader"})
    credential = view("azure-native:managedidentity:FederatedIdentityCredential", "reader-fic",
                      {"resourceName": "reader", "issuer": "https://oidc", "subject": "system:serviceaccount:a:b"},
                      deps={"resourceName": [identity.urn], "issuer": [of_cluster.urn]})
    assignment = view("azure-native:authorization:RoleAssignment", "read-models",
                      {"principalId": "0000", "scope": "/subscriptions/0/x"},
                      deps={"principalId": [identity.urn], "scope": [of_account.urn]})
    return [identity, credential, assignment]


__all__ = ["urn"]
