"""Pulumi programs (real provider SDK classes) whose registrations the cost tests price.

Running the SDK classes on the offline engine is what checks the estimator's type tokens and
camelCase input paths against the installed SDKs: a renamed input would not be priced.
"""

from __future__ import annotations

import pulumi

AWS_CONFIG = {"aws:region": "us-east-1"}
AZURE_CONFIG = {"azure-native:location": "eastus"}
GCP_CONFIG = {"gcp:region": "us-central1", "gcp:project": "cost-test"}
SIZE = "aiscale-expected-size-gb"


def aws_program() -> None:
    """EKS node groups, Auto Scaling groups, instances, buckets and SageMaker."""
    import pulumi_aws.autoscaling as autoscaling
    import pulumi_aws.ec2 as ec2
    import pulumi_aws.eks as eks
    import pulumi_aws.s3 as s3
    import pulumi_aws.sagemaker as sagemaker
    from pulumi_aws import Provider

    west = Provider("west", region="us-west-2")
    in_west = pulumi.ResourceOptions(provider=west)
    spot_template = ec2.LaunchTemplate("spot-lt", instance_type="g6.xlarge",
                                       instance_market_options={"market_type": "spot"})
    od_template = ec2.LaunchTemplate("od-lt", instance_type="g5.xlarge")
    node_group = dict(cluster_name="c", node_role_arn="arn:aws:iam::1:role/n", subnet_ids=["s"])
    eks.NodeGroup("ng-spot", instance_types=["g6.xlarge"], capacity_type="SPOT",
                  scaling_config={"min_size": 0, "max_size": 4, "desired_size": 0},
                  opts=in_west, **node_group)
    eks.NodeGroup("ng-template", launch_template={"id": od_template.id, "version": "1"},
                  scaling_config={"min_size": 1, "max_size": 2, "desired_size": 1}, **node_group)
    eks.NodeGroup("ng-own-region", region="us-west-2", instance_types=["g4dn.xlarge"],
                  scaling_config={"min_size": 2, "max_size": 2, "desired_size": 2}, **node_group)
    eks.NodeGroup("ng-no-spot-price", instance_types=["g6e.2xlarge"], capacity_type="SPOT",
                  scaling_config={"min_size": 0, "max_size": 1, "desired_size": 0}, **node_group)
    mixed = {"launch_template": {"launch_template_specification": {
        "launch_template_id": od_template.id}, "overrides": [{"instance_type": "g6.xlarge"}]}}
    autoscaling.Group("asg-spot", min_size=0, max_size=3, mixed_instances_policy={
        **mixed, "instances_distribution": {"on_demand_percentage_above_base_capacity": 0}})
    autoscaling.Group("asg-template-spot", min_size=1, max_size=2,
                      launch_template={"id": spot_template.id, "version": "$Latest"})
    autoscaling.Group("asg-partly-spot", min_size=1, max_size=5, mixed_instances_policy={
        **mixed, "instances_distribution": {"on_demand_base_capacity": 1,
                                            "on_demand_percentage_above_base_capacity": 50}})
    ec2.Instance("box", instance_type="g6.xlarge", ami="ami-1")
    ec2.Instance("box-unknown-type", instance_type="x9.superlarge", ami="ami-1")
    ec2.Instance("box-cpu", instance_type="t3.medium", ami="ami-1")
    s3.Bucket("sized", tags={SIZE: "100"})
    s3.Bucket("unsized", tags={"team": "ml"})
    s3.Bucket("sized-west", tags={SIZE: "10"}, opts=in_west)
    config = sagemaker.EndpointConfiguration("serving-config", production_variants=[{
        "model_name": "m", "instance_type": "ml.g5.xlarge", "initial_instance_count": 1}])
    sagemaker.Endpoint("serving", endpoint_config_name=config.name)


def azure_program() -> None:
    """AKS clusters and pools, scale sets with autoscale settings, a VM, storage, Azure ML."""
    import pulumi_azure_native.compute as compute
    import pulumi_azure_native.containerservice as containerservice
    import pulumi_azure_native.machinelearningservices as ml
    import pulumi_azure_native.monitor as monitor
    import pulumi_azure_native.resources as resources
    import pulumi_azure_native.storage as storage

    group = resources.ResourceGroup("rg", location="westus2")
    cluster = containerservice.ManagedCluster("aks", resource_group_name="cluster-rg",
                                              location="eastus", dns_prefix="aks",
                                              agent_pool_profiles=[
        {"name": "system", "mode": "System", "vm_size": "Standard_D4s_v5", "count": 1},
        {"name": "gpu", "mode": "User", "vm_size": "Standard_NC4as_T4_v3",
         "enable_auto_scaling": True, "min_count": 0, "max_count": 3,
         "scale_set_priority": "Spot"}])
    containerservice.AgentPool("a100", resource_group_name="cluster-rg",
                               resource_name_=cluster.name, vm_size="Standard_NC24ads_A100_v4",
                               enable_auto_scaling=True, min_count=1, max_count=2, count=1)
    containerservice.AgentPool("fixed", resource_group_name=group.name,
                               resource_name_="other-cluster", vm_size="Standard_NC4as_T4_v3",
                               count=2)
    containerservice.AgentPool("default-count", resource_group_name="plain-rg",
                               resource_name_="other-cluster", vm_size="Standard_NC4as_T4_v3")
    sku = {"name": "Standard_NV36ads_A10_v5", "tier": "Standard"}
    scaled = compute.VirtualMachineScaleSet("vmss", resource_group_name="rg1", location="eastus",
                                            sku={**sku, "capacity": 2},
                                            virtual_machine_profile={"priority": "Spot"})
    monitor.AutoscaleSetting("vmss-autoscale", resource_group_name="rg1", enabled=True,
                             target_resource_uri=scaled.id, profiles=[{
                                 "name": "default", "rules": [],
                                 "capacity": {"minimum": "1", "maximum": "6", "default": "2"}}])
    compute.VirtualMachineScaleSet("vmss-fixed", resource_group_name="rg1", location="westus2",
                                   sku={**sku, "capacity": 3})
    idle = compute.VirtualMachineScaleSet("vmss-disabled-autoscale", resource_group_name="rg1",
                                          location="eastus", sku={**sku, "capacity": 1})
    monitor.AutoscaleSetting("idle-autoscale", resource_group_name="rg1",
                             target_resource_uri=idle.id, profiles=[{
                                 "name": "default", "rules": [],
                                 "capacity": {"minimum": "0", "maximum": "9", "default": "1"}}])
    compute.VirtualMachine("vm", resource_group_name="rg1", location="eastus", priority="Spot",
                           hardware_profile={"vm_size": "Standard_NC4as_T4_v3"})
    storage.StorageAccount("sized", resource_group_name="rg1", kind="StorageV2",
                           sku={"name": "Standard_LRS"}, tags={SIZE: "10"})
    storage.StorageAccount("unsized", resource_group_name="rg1", kind="StorageV2",
                           sku={"name": "Standard_LRS"})
    ml.OnlineDeployment("chat", resource_group_name="rg1", workspace_name="w", endpoint_name="e",
                        properties=ml.ManagedOnlineDeploymentArgs(
                            endpoint_compute_type="Managed", instance_type="Standard_NC4as_T4_v3"))


def gcp_program() -> None:
    """GKE node pools, regional instance groups with autoscalers, buckets and Cloud Run."""
    import pulumi_gcp.cloudrunv2 as cloudrunv2
    import pulumi_gcp.compute as compute
    import pulumi_gcp.container as container
    import pulumi_gcp.storage as gcs

    cluster = container.Cluster("gke", location="us-central1", initial_node_count=1)
    container.NodePool("l4-regional", cluster=cluster.name, location="us-central1",
                       autoscaling={"min_node_count": 0, "max_node_count": 2},
                       node_config={"machine_type": "g2-standard-4", "spot": True})
    container.NodePool("t4-two-zones", cluster=cluster.name, location="us-central1",
                       node_locations=["us-central1-a", "us-central1-b"],
                       autoscaling={"min_node_count": 1, "max_node_count": 2},
                       node_config={"machine_type": "n1-standard-8", "guest_accelerators": [
                           {"type": "nvidia-tesla-t4", "count": 1}]})
    container.NodePool("l4-total", cluster=cluster.name, location="us-central1",
                       autoscaling={"total_min_node_count": 1, "total_max_node_count": 5},
                       node_config={"machine_type": "g2-standard-8", "preemptible": True})
    container.NodePool("a100-zonal", cluster="zonal-cluster", location="us-central1-a",
                       node_count=2, node_config={"machine_type": "a2-highgpu-1g"})
    container.NodePool("from-cluster", cluster=cluster.name, node_count=1,
                       node_config={"machine_type": "g2-standard-4"})
    container.NodePool("v100-not-in-region", cluster="east", location="us-east4", node_count=1,
                       node_config={"machine_type": "n1-standard-8", "guest_accelerators": [
                           {"type": "nvidia-tesla-v100", "count": 1}]})
    container.NodePool("n1-without-gpu", cluster=cluster.name, location="us-central1",
                       node_count=1, node_config={"machine_type": "n1-standard-8"})
    disks = [{"source_image": "debian-cloud/debian-12", "boot": True}]
    spot = compute.RegionInstanceTemplate("tpl-spot", region="us-central1", disks=disks,
                                          machine_type="g2-standard-4", scheduling={
                                              "provisioning_model": "SPOT", "preemptible": True,
                                              "automatic_restart": False})
    group = compute.RegionInstanceGroupManager("mig", region="us-central1", base_instance_name="b",
                                               versions=[{"instance_template": spot.self_link}])
    compute.RegionAutoscaler("mig-autoscaler", region="us-central1", target=group.id,
                             autoscaling_policy={"min_replicas": 1, "max_replicas": 4})
    t4 = compute.RegionInstanceTemplate("tpl-t4", region="us-central1", disks=disks,
                                        machine_type="n1-standard-8", guest_accelerators=[
                                            {"type": "nvidia-tesla-t4", "count": 1}])
    compute.RegionInstanceGroupManager("mig-fixed", region="us-central1", base_instance_name="f",
                                       target_size=2,
                                       versions=[{"instance_template": t4.self_link}])
    gcs.Bucket("models", location="US-CENTRAL1", storage_class="NEARLINE", labels={SIZE: "50"})
    gcs.Bucket("multi-region", location="US", labels={SIZE: "50"})
    gcs.Bucket("unsized", location="US-CENTRAL1")
    cloudrunv2.Service("chat", location="us-central1", template={
        "containers": [{"image": "vllm", "resources": {"limits": {"nvidia.com/gpu": "1"}}}],
        "node_selector": {"accelerator": "nvidia-l4"}})
    cloudrunv2.Service("web", location="us-central1", template={"containers": [{"image": "web"}]})
