"""The facts reader on VM templates, single VMs and VM groups, per cloud, each case with a reason."""

from __future__ import annotations

import pytest

from aiscale.facts import reader, tokens
from aiscale.facts.values import UnknownValue
from aiscale.preview.records import UNKNOWN

# (token, inputs, machine, spot, reason)
VM_CASES = [
    (tokens.AWS_EC2_LAUNCH_TEMPLATE, {"instanceType": "g6.xlarge",
                                      "instanceMarketOptions": {"marketType": "spot"}},
     "g6.xlarge", True, "a launch template's market type asks for spot"),
    (tokens.AWS_EC2_INSTANCE, {"instanceType": "p5.48xlarge"}, "p5.48xlarge", False,
     "no market options is on-demand"),
    (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE, {"hardwareProfile": {"vmSize": "Standard_NC4as_T4_v3"},
                                            "priority": "Spot"},
     "Standard_NC4as_T4_v3", True, "an Azure VM is Spot by priority"),
    (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, {"machineType": "g2-standard-8",
                                            "scheduling": {"provisioningModel": "SPOT"}},
     "g2-standard-8", True, "a GCE template is spot by provisioning model"),
    (tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE, {"machineType": "a2-highgpu-1g",
                                                   "scheduling": {"preemptible": True}},
     "a2-highgpu-1g", True, "or by the preemptible flag"),
    (tokens.GCP_COMPUTE_INSTANCE, {"machineType": "a2-highgpu-1g"}, "a2-highgpu-1g", False,
     "no scheduling block is on-demand"),
]


@pytest.mark.parametrize("token, inputs, machine, spot, reason", VM_CASES,
                         ids=[case[-1] for case in VM_CASES])
def test_vm_facts(token, inputs, machine, spot, reason):
    vm = reader.vm(token, inputs)
    assert vm.machine.value == machine, reason
    assert vm.spot.get() is spot, reason
    assert vm.cloud == tokens.cloud_of(token), reason


# (token, inputs, machine, strict size, spot, reason)
GROUP_CASES = [
    (tokens.AWS_AUTOSCALING_GROUP,
     {"minSize": 0, "maxSize": 8.0, "mixedInstancesPolicy": {
         "launchTemplate": {"overrides": [{"instanceType": "g6.12xlarge"}]},
         "instancesDistribution": {"onDemandBaseCapacity": 0, "onDemandPercentageAboveBaseCapacity": 0}}},
     "g6.12xlarge", (0, 8), True, "a mixed policy with no on-demand at all is spot"),
    (tokens.AWS_AUTOSCALING_GROUP,
     {"minSize": 1, "maxSize": 2, "mixedInstancesPolicy": {
         "instancesDistribution": {"onDemandBaseCapacity": 1, "onDemandPercentageAboveBaseCapacity": 0}}},
     None, (1, 2), False, "an on-demand base is not all spot; the type comes from the template"),
    (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET,
     {"sku": {"name": "Standard_NC4as_T4_v3", "capacity": 2}, "virtualMachineProfile": {"priority": "Low"}},
     "Standard_NC4as_T4_v3", (2, 2), True, "a scale set's own size is its sku capacity; Low is spot"),
    (tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE,
     {"properties": {"computeType": "AmlCompute", "properties": {
         "vmSize": "Standard_NC6s_v3", "vmPriority": "LowPriority",
         "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4}}}},
     "Standard_NC6s_v3", (0, 4), True, "an AmlCompute cluster's scale settings"),
    (tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER, {"targetSize": 3}, None, (3, 3), None,
     "a managed instance group's machine and capacity come from its template"),
]


@pytest.mark.parametrize("token, inputs, machine, size, spot, reason", GROUP_CASES,
                         ids=[case[-1] for case in GROUP_CASES])
def test_vm_group_facts(token, inputs, machine, size, spot, reason):
    group = reader.vm_group(token, inputs)
    assert group.machine.value == machine, reason
    assert group.size.strict() == size, reason
    assert group.spot.get() is spot, reason


def test_an_ml_compute_that_is_not_a_cluster_does_not_apply():
    group = reader.vm_group(tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE,
                            {"properties": {"computeType": "ComputeInstance"}})
    assert group.applies.get() is False


@pytest.mark.parametrize("token, inputs, path", [
    (tokens.AWS_EC2_LAUNCH_TEMPLATE, {"instanceMarketOptions": UNKNOWN}, "instanceMarketOptions.marketType"),
    (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, {"scheduling": {"provisioningModel": UNKNOWN}},
     "scheduling.provisioningModel"),
])
def test_an_unknown_capacity_names_its_input(token, inputs, path):
    with pytest.raises(UnknownValue) as raised:
        reader.vm(token, inputs).spot.get()
    assert raised.value.path == path


def test_other_kinds_are_no_vms():
    assert reader.vm(tokens.AWS_EKS_NODE_GROUP, {}) is None
    assert reader.vm_group(tokens.GCP_CONTAINER_NODE_POOL, {}) is None


# (token, inputs, disk types, reason)
DISK_CASES = [
    (tokens.AWS_EC2_LAUNCH_TEMPLATE, {"blockDeviceMappings": [{"ebs": {"volumeType": "io2"}}, {"deviceName": "x"}]},
     ["io2"], "each block device's EBS volume type; unset ones are left out"),
    (tokens.AWS_EC2_INSTANCE, {"rootBlockDevice": {"volumeType": "gp3"}, "ebsBlockDevices": [{"volumeType": "gp2"}]},
     ["gp3", "gp2"], "the root volume, then the attached ones"),
    (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET, {"virtualMachineProfile": {"storageProfile": {
        "osDisk": {"managedDisk": {"storageAccountType": "Premium_LRS"}},
        "dataDisks": [{"managedDisk": {"storageAccountType": "UltraSSD_LRS"}}]}}},
     ["Premium_LRS", "UltraSSD_LRS"], "the OS disk, then the data disks"),
    (tokens.GCP_CONTAINER_NODE_POOL, {"nodeConfig": {"diskType": "pd-balanced"}}, ["pd-balanced"],
     "a GKE pool's node disk"),
    (tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE, {"disks": [{"diskType": "pd-extreme"}]}, ["pd-extreme"],
     "a GCE template's disks"),
    (tokens.AWS_S3_BUCKET, {"disks": [{"diskType": "pd-extreme"}]}, [], "a bucket has no disks"),
]


@pytest.mark.parametrize("token, inputs, disks, reason", DISK_CASES, ids=[case[-1] for case in DISK_CASES])
def test_disk_types(token, inputs, disks, reason):
    assert reader.disk_types(token, inputs) == disks, reason


def test_an_unknown_disk_type_is_reported():
    with pytest.raises(UnknownValue):
        reader.disk_types(tokens.GCP_CONTAINER_NODE_POOL, {"nodeConfig": {"diskType": UNKNOWN}})


@pytest.mark.parametrize("token, inputs, blobs, reason", [
    (tokens.AWS_EC2_INSTANCE, {"userData": "#!/bin/sh", "userDataBase64": "IyEvYmluL3No"},
     ["#!/bin/sh", "IyEvYmluL3No"], "an instance's plain and base64 user data"),
    (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET,
     {"virtualMachineProfile": {"osProfile": {"customData": "Y3VzdG9t"}}}, ["Y3VzdG9t"],
     "a scale set's custom data; unset user data is left out"),
    (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE,
     {"metadataStartupScript": "echo a", "metadata": {"user-data": "echo b", "other": "x"}},
     ["echo a", "echo b"], "a GCE template's startup script and user-data metadata, no other key"),
    (tokens.GCP_CONTAINER_NODE_POOL, {"metadataStartupScript": "echo a"}, [], "a node pool passes none"),
])
def test_user_data(token, inputs, blobs, reason):
    assert reader.user_data(token, inputs) == blobs, reason


def test_azure_autoscale_setting_profiles_and_switch():
    setting = reader.autoscaler(tokens.AZURE_MONITOR_AUTOSCALE_SETTING, {"enabled": "false", "profiles": [
        {"capacity": {"minimum": "0", "maximum": "4"}}, {"capacity": {"minimum": 1, "maximum": 2}}]})
    assert setting.enabled.get() is False, "a string false switches the setting off"
    assert [b.strict() for b in setting.profiles.get()] == [(0, 4), (1, 2)]
    assert setting.profiles.get()[0].low.where == "profiles[0].capacity.minimum"
    assert reader.autoscaler(tokens.AZURE_MONITOR_AUTOSCALE_SETTING, {}).enabled.get() is True
    assert reader.autoscaler(tokens.AZURE_MONITOR_AUTOSCALE_SETTING, {}).profiles.get() == ()
    unknown = reader.autoscaler(tokens.AZURE_MONITOR_AUTOSCALE_SETTING, {"profiles": UNKNOWN})
    assert unknown.profiles.unknown_at == "profiles"


def test_gce_autoscaler_min_defaults_to_zero():
    scaler = reader.autoscaler(tokens.GCP_COMPUTE_REGION_AUTOSCALER, {"autoscalingPolicy": {"maxReplicas": 3}})
    bounds, = scaler.profiles.get()
    assert bounds.low.missing and bounds.strict() == (0, 3)
    assert bounds.low.number() is None, "the packs see an unset minimum as unknown"
    assert scaler.target_key == "target"
