"""Resources that are each valid but do not work together: one fault per wiring check.

`aiscale preview --cwd examples/miswired --policy-pack wiring` reports every fault. The config
list `miswired:correct` names faults to correct (schedule, metrics, netpol, gke, firewall,
volumes, image, model, scale); with all of them corrected the wiring pack finds nothing.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

correct = set(pulumi.Config("miswired").get_object("correct") or [])
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]


def assume(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]})


# -- EKS: a 1-GPU node pool, a vLLM Deployment, its HPA, a NetworkPolicy and a volume ---------
cluster_role = aws.iam.Role("eks", assume_role_policy=assume("eks.amazonaws.com"))
node_role = aws.iam.Role("nodes", assume_role_policy=assume("ec2.amazonaws.com"))
eks = aws.eks.Cluster("eks", name="miswired", version="1.31", role_arn=cluster_role.arn,
                      vpc_config={"subnet_ids": SUBNETS, "endpoint_public_access": False,
                                  "endpoint_private_access": True})
# netpol: vpc-cni enforces NetworkPolicies only when configurationValues turn it on.
aws.eks.Addon("vpc-cni", cluster_name=eks.name, addon_name="vpc-cni",
              configuration_values=json.dumps({"enableNetworkPolicy": "true"}) if "netpol" in correct else None)
aws.eks.NodeGroup("gpu", cluster_name=eks.name, node_group_name="gpu", node_role_arn=node_role.arn,
                  subnet_ids=SUBNETS, instance_types=["g6.xlarge"], capacity_type="SPOT",
                  scaling_config={"min_size": 0, "max_size": 2, "desired_size": 0},
                  labels={"workload": "inference"},
                  taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}])
kubeconfig = pulumi.Output.all(eks.endpoint, eks.name).apply(
    lambda values: json.dumps({"apiVersion": "v1", "kind": "Config", "clusters": [
        {"name": values[1], "cluster": {"server": values[0]}}]}))
on_eks = pulumi.ResourceOptions(provider=k8s.Provider("eks-k8s", kubeconfig=kubeconfig))

# schedule: a g6.xlarge node has 1 GPU; model: vLLM needs --model.
gpus = "1" if "schedule" in correct else "4"
args = ["--model", "/models/llama-3-8b", "--port", "8000"] if "model" in correct else ["--port", "8000"]
labels = {"app": "chat"}
k8s.apps.v1.Deployment("chat", metadata={"name": "chat", "namespace": "serving"}, spec={
    "replicas": 1, "selector": {"match_labels": labels},
    "template": {"metadata": {"labels": labels}, "spec": {
        "node_selector": {"workload": "inference"},
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        "containers": [{"name": "server", "image": "vllm/vllm-openai:v0.6.3", "args": args,
                        "resources": {"limits": {"nvidia.com/gpu": gpus}}}]}}}, opts=on_eks)
# metrics: a Pods metric needs a custom metrics adapter on the cluster.
k8s.autoscaling.v2.HorizontalPodAutoscaler("chat", metadata={"name": "chat", "namespace": "serving"}, spec={
    "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "chat"},
    "min_replicas": 1, "max_replicas": 4,
    "metrics": [{"type": "Pods", "pods": {"metric": {"name": "vllm_num_requests_running"},
                                          "target": {"type": "AverageValue", "average_value": "4"}}}]}, opts=on_eks)
if "metrics" in correct:
    k8s.helm.v3.Release("adapter", chart="prometheus-adapter", version="4.11.0", namespace="monitoring",
                        repository_opts={"repo": "https://prometheus-community.github.io/helm-charts"}, opts=on_eks)
k8s.networking.v1.NetworkPolicy("chat", metadata={"name": "chat", "namespace": "serving"}, spec={
    "pod_selector": {"match_labels": labels}, "policy_types": ["Ingress"]}, opts=on_eks)
# volumes: EKS >= 1.30 has no default StorageClass and no EBS provisioner of its own.
k8s.core.v1.PersistentVolumeClaim("cache", metadata={"name": "cache", "namespace": "serving"}, spec={
    "access_modes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}}, opts=on_eks)
if "volumes" in correct:
    aws.eks.Addon("ebs-csi", cluster_name=eks.name, addon_name="aws-ebs-csi-driver")
    k8s.storage.v1.StorageClass("gp3", metadata={"name": "gp3", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}}, provisioner="ebs.csi.aws.com",
        parameters={"type": "gp3", "encrypted": "true"}, volume_binding_mode="WaitForFirstConsumer", opts=on_eks)

# scale: a CPU-tracked group that may shrink to zero never starts again.
template = aws.ec2.LaunchTemplate("batch", instance_type="g6.xlarge", image_id="ami-0123456789abcdef0",
                                  metadata_options={"http_tokens": "required"})
group = aws.autoscaling.Group("batch", name="miswired-batch", vpc_zone_identifiers=SUBNETS,
                              min_size=1 if "scale" in correct else 0, max_size=4,
                              launch_template={"id": template.id, "version": "$Latest"})
aws.autoscaling.Policy("batch-cpu", autoscaling_group_name=group.name, policy_type="TargetTrackingScaling",
                       target_tracking_configuration={"target_value": 60, "predefined_metric_specification": {
                           "predefined_metric_type": "ASGAverageCPUUtilization"}})

# -- GCP: a private GKE endpoint, a Cloud Run service ------------------------------------------
gcp.container.Cluster(
    "gke", name="miswired", location="us-central1", initial_node_count=1, deletion_protection=False,
    datapath_provider="ADVANCED_DATAPATH",
    private_cluster_config={"enable_private_endpoint": True, "enable_private_nodes": True,
                            "master_ipv4_cidr_block": "172.16.0.0/28"},
    # gke: a private endpoint needs master authorized networks.
    master_authorized_networks_config={"cidr_blocks": [{"cidr_block": "10.0.0.0/8"}]} if "gke" in correct else None)
# image: Cloud Run pulls from Artifact Registry, gcr.io and Docker Hub, not ECR.
image = ("us-central1-docker.pkg.dev/miswired-dev/serving/llm-server:1.0" if "image" in correct
         else "123456789012.dkr.ecr.us-west-2.amazonaws.com/llm-server:1.0")
gcp.cloudrunv2.Service("api", location="us-central1", ingress="INGRESS_TRAFFIC_INTERNAL_ONLY",
                       deletion_protection=False, template={"containers": [{"image": image}]})

# -- Azure: AKS pods read a storage account behind a firewall ---------------------------------
group_rg = azure.resources.ResourceGroup("rg")
vnet = azure.network.VirtualNetwork("vnet", resource_group_name=group_rg.name,
                                    address_space={"address_prefixes": ["10.50.0.0/16"]})
nodes = azure.network.Subnet("nodes", resource_group_name=group_rg.name, virtual_network_name=vnet.name,
                             address_prefix="10.50.0.0/20",
                             service_endpoints=[{"service": "Microsoft.Storage"}])
aks = azure.containerservice.ManagedCluster(
    "aks", resource_group_name=group_rg.name, dns_prefix="miswired", identity={"type": "SystemAssigned"},
    oidc_issuer_profile={"enabled": True}, security_profile={"workload_identity": {"enabled": True}},
    network_profile={"network_plugin": "azure", "network_policy": "calico"},
    agent_pool_profiles=[{"name": "system", "mode": "System", "count": 2, "vm_size": "Standard_D4ds_v5",
                          "vnet_subnet_id": nodes.id}])
# firewall: the account denies by default, so the node subnet must be let in.
account = azure.storage.StorageAccount(
    "models", resource_group_name=group_rg.name, kind="StorageV2", sku={"name": "Standard_LRS"},
    allow_blob_public_access=False, minimum_tls_version="TLS1_2",
    network_rule_set={"default_action": "Deny", "bypass": "AzureServices",
                      "virtual_network_rules": [{"virtual_network_resource_id": nodes.id}] if "firewall" in correct else []})
container = azure.storage.BlobContainer("models", resource_group_name=group_rg.name, account_name=account.name)
reader = azure.managedidentity.UserAssignedIdentity("reader", resource_group_name=group_rg.name)
azure.managedidentity.FederatedIdentityCredential(
    "reader", resource_group_name=group_rg.name, resource_name_=reader.name,
    issuer=aks.oidc_issuer_profile.apply(lambda profile: profile.issuer_url if profile else ""),
    subject="system:serviceaccount:serving:chat", audiences=["api://AzureADTokenExchange"])
azure.authorization.RoleAssignment(
    "read-models", principal_id=reader.principal_id, principal_type="ServicePrincipal", scope=container.id,
    role_definition_id="/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
