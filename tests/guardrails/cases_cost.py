"""Baselines and failing mutations for the resource-scoped cost checks."""

from __future__ import annotations

from aiscale.guardrails.cost.tags import ASG, TAG_PATHS
from aiscale.guardrails.security.workloads import POD_SPEC_PATHS
from tests.guardrails.cases_compute_ml import K8S_TOKENS, workload
from tests.guardrails.helpers import DELETE, Case, patch

GCE_TEMPLATES = ("gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate")
L4 = {"machineType": "g2-standard-8", "guestAccelerators": [{"type": "nvidia-l4", "count": 1.0}]}
AML = "azure-native:machinelearningservices:Compute"


def _allow(token: str, baseline: dict, mutation: dict, why: str) -> Case:
    return Case("COST-GPU-001", token, baseline, [(mutation, why)], env="dev")


ALLOWLIST = [
    _allow("aws:eks/nodeGroup:NodeGroup", {"instanceTypes": ["g6.xlarge"]}, {"instanceTypes": ["g6.xlarge", "p5.48xlarge"]}, "H100 in dev"),
    _allow("aws:ec2/launchTemplate:LaunchTemplate", {"instanceType": "g5.xlarge"}, {"instanceType": "p5.48xlarge"}, "H100 in dev"),
    _allow("aws:ec2/instance:Instance", {"instanceType": "g4dn.xlarge"}, {"instanceType": "p5e.48xlarge"}, "H200 in dev"),
    _allow("aws:autoscaling/group:Group", {"mixedInstancesPolicy": {"launchTemplate": {"overrides": [{"instanceType": "g6.xlarge"}]}}},
           {"mixedInstancesPolicy.launchTemplate.overrides.0.instanceType": "p6-b200.48xlarge"}, "B200 override"),
    _allow("aws:sagemaker/endpointConfiguration:EndpointConfiguration", {"productionVariants": [{"instanceType": "ml.g5.xlarge"}]},
           {"productionVariants.0.instanceType": "ml.p5.48xlarge"}, "SageMaker H100"),
    _allow("aws:sagemaker/notebookInstance:NotebookInstance", {"instanceType": "ml.g5.xlarge"}, {"instanceType": "ml.p5.48xlarge"}, "H100 notebook"),
    _allow("azure-native:containerservice:AgentPool", {"vmSize": "Standard_NC4as_T4_v3"}, {"vmSize": "Standard_ND96isr_H100_v5"}, "H100 pool"),
    _allow("azure-native:containerservice:ManagedCluster", {"agentPoolProfiles": [{"name": "gpu", "vmSize": "Standard_NC24ads_A100_v4"}]},
           {"agentPoolProfiles.0.vmSize": "Standard_NC40ads_H100_v5"}, "H100 NVL inline pool"),
    _allow("azure-native:compute:VirtualMachineScaleSet", {"sku": {"name": "Standard_NV36ads_A10_v5"}}, {"sku.name": "Standard_ND96isr_H100_v5"}, "H100 VMSS"),
    _allow(AML, {"properties": {"computeType": "AmlCompute", "properties": {"vmSize": "Standard_NC6s_v3"}}},
           {"properties.properties.vmSize": "Standard_ND96isr_H100_v5"}, "H100 cluster"),
    _allow("azure-native:machinelearningservices:OnlineDeployment", {"properties": {"instanceType": "Standard_NC4as_T4_v3"}},
           {"properties.instanceType": "Standard_ND96isr_H100_v5"}, "H100 deployment"),
    _allow("gcp:container/nodePool:NodePool", {"nodeConfig": dict(L4)},
           {"nodeConfig.machineType": "a3-highgpu-8g", "nodeConfig.guestAccelerators.0": {"type": "nvidia-h100-80gb", "count": 8.0}}, "H100 pool"),
    _allow("gcp:container/cluster:Cluster", {"clusterAutoscaling": {"enabled": True, "resourceLimits": [{"resourceType": "nvidia-l4", "maximum": 8.0}]}},
           {"clusterAutoscaling.resourceLimits.0.resourceType": "nvidia-h100-80gb"}, "auto-provisioned H100"),
    *[_allow(t, dict(L4), {"guestAccelerators.0.type": "nvidia-h200-141gb", "machineType": "a3-ultragpu-8g"}, "H200 template") for t in GCE_TEMPLATES],
    _allow("gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool",
           {"dedicatedResources": {"machineSpec": {"machineType": "g2-standard-8", "acceleratorType": "NVIDIA_L4", "acceleratorCount": 1.0}}},
           {"dedicatedResources.machineSpec.acceleratorType": "NVIDIA_H100_80GB", "dedicatedResources.machineSpec.machineType": "a3-highgpu-1g"},
           "Vertex H100"),
    _allow("gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment",
           {"deployConfig": {"dedicatedResources": {"machineSpec": {"acceleratorType": "NVIDIA_L4", "acceleratorCount": 1.0}}}},
           {"deployConfig.dedicatedResources.machineSpec.acceleratorType": "NVIDIA_B200"}, "Vertex B200"),
    _allow("gcp:cloudrunv2/service:Service", {"template": {"nodeSelector": {"accelerator": "nvidia-l4"}}},
           {"template.nodeSelector.accelerator": "nvidia-h100-80gb"}, "H100 on Cloud Run"),
]

IDLE = [
    Case("COST-SCALE-003", AML, {"properties": {"computeType": "ComputeInstance", "properties": {"idleTimeBeforeShutdown": "PT30M"}}},
         [({"properties.properties.idleTimeBeforeShutdown": "PT3H"}, "three idle hours"),
          ({"properties.properties.idleTimeBeforeShutdown": DELETE}, "never shuts down")]),
    Case("COST-SCALE-003", AML, {"properties": {"computeType": "AmlCompute", "properties": {"scaleSettings": {
        "minNodeCount": 0.0, "maxNodeCount": 4.0, "nodeIdleTimeBeforeScaleDown": "PT15M"}}}},
         [({"properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown": "P1D"}, "a day idle")]),
    Case("COST-SCALE-003", "aws:sagemaker/notebookInstance:NotebookInstance", {"lifecycleConfigName": "stop-when-idle"},
         [({"lifecycleConfigName": DELETE}, "runs until stopped by hand")]),
]

TAGS = {"team": "ml-platform", "cost-center": "cc-1234", "environment": "dev", "managed-by": "aiscale"}
_K8S_BY_CANONICAL = dict(K8S_TOKENS)


def _tag_case(canonical: str) -> Case:
    path = TAG_PATHS[canonical]
    if canonical == ASG:
        items = [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in TAGS.items()]
        return Case("COST-TAG-001", canonical, {"tags": items},
                    [({"tags": [i for i in items if i["key"] != "cost-center"]}, "no cost-center tag")])
    if canonical in POD_SPEC_PATHS:
        body = patch(workload(canonical), {"metadata.labels": dict(TAGS)})
        return Case("COST-TAG-001", _K8S_BY_CANONICAL[canonical], body,
                    [({"metadata.labels.team": DELETE}, "GPU workload without a team label")])
    base = patch({}, {path: dict(TAGS)})
    return Case("COST-TAG-001", canonical, base, [({f"{path}.cost-center": DELETE}, "no cost-center"),
                                                   ({path: DELETE}, "no tags at all")])


TAGGING = [_tag_case(t) for t in TAG_PATHS] + [
    Case("COST-TAG-002", ASG, {"tags": [{"key": "team", "value": "ml", "propagateAtLaunch": True}]},
         [({"tags.0.propagateAtLaunch": False}, "instances untagged"), ({"tags": []}, "nothing to propagate")]),
    Case("COST-TAG-002", "aws:ec2/launchTemplate:LaunchTemplate",
         {"tagSpecifications": [{"resourceType": "instance", "tags": {"team": "ml"}}, {"resourceType": "volume", "tags": {"team": "ml"}}]},
         [({"tagSpecifications": [{"resourceType": "instance", "tags": {"team": "ml"}}]}, "volumes untagged")]),
]

DISKS = [
    Case("COST-STORAGE-002", "aws:ec2/launchTemplate:LaunchTemplate", {"blockDeviceMappings": [{"ebs": {"volumeType": "gp3"}}]},
         [({"blockDeviceMappings.0.ebs.volumeType": "io2"}, "provisioned IOPS"), ({"blockDeviceMappings.0.ebs.volumeType": "gp2"}, "gp2")], env="dev"),
    Case("COST-STORAGE-002", "aws:ec2/instance:Instance", {"rootBlockDevice": {"volumeType": "gp3"}},
         [({"rootBlockDevice.volumeType": "io1"}, "io1 root")], env="dev"),
    Case("COST-STORAGE-002", "gcp:container/nodePool:NodePool", {"nodeConfig": {"diskType": "pd-balanced"}},
         [({"nodeConfig.diskType": "pd-extreme"}, "extreme PD")], env="dev"),
    Case("COST-STORAGE-002", "azure-native:compute:VirtualMachineScaleSet",
         {"virtualMachineProfile": {"storageProfile": {"osDisk": {"managedDisk": {"storageAccountType": "StandardSSD_LRS"}}}}},
         [({"virtualMachineProfile.storageProfile.osDisk.managedDisk.storageAccountType": "UltraSSD_LRS"}, "ultra disk")], env="dev"),
    *[Case("COST-STORAGE-002", t, {"disks": [{"diskType": "pd-balanced"}]},
           [({"disks.0.diskType": "hyperdisk-extreme"}, "extreme hyperdisk")], env="dev") for t in GCE_TEMPLATES],
]

COST = ALLOWLIST + IDLE + TAGGING + DISKS
