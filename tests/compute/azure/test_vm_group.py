"""The Azure GPU VM scale set and its CPU autoscale setting."""

from __future__ import annotations

import base64
import struct

import pulumi
import pytest

from aiscale.azure import _ssh
from aiscale.azure.vm_group import scale_in_threshold, vm_priority
from tests.compute.azure.helpers import depends_on, platform_model

VMSS = "azure-native:compute:VirtualMachineScaleSet"
AUTOSCALE = "azure-native:monitor:AutoscaleSetting"
GROUPS = [
    {"name": "batch", "accelerator": "nvidia-t4", "gpus_per_node": 1, "max_nodes": 20,
     "capacity": "spot", "target_cpu_utilization": 70, "disk_gb": 150},
    {"name": "render", "accelerator": "nvidia-a100-80gb", "gpus_per_node": 1, "min_nodes": 2,
     "max_nodes": 5},
]


@pytest.fixture(scope="module")
def result(preview):
    return preview(platform_model(autoscaling_groups=GROUPS), cluster=False)


def _vmss(result, name):
    return result.one(VMSS, f"p-azure-{name}-").inputs


def _autoscale(result, name):
    return result.one(AUTOSCALE, f"p-azure-{name}-").inputs


@pytest.mark.parametrize("name, size, capacity", [
    ("batch", "Standard_NC4as_T4_v3", 1),
    ("render", "Standard_NC24ads_A100_v4", 2),
])
def test_sku_from_the_offering_starting_at_the_minimum(result, name, size, capacity):
    assert _vmss(result, name)["sku"] == {"name": size, "tier": "Standard", "capacity": capacity}


@pytest.mark.parametrize("name, expected, reason", [
    ("batch", {"priority": "Spot", "evictionPolicy": "Delete", "billingProfile": {"maxPrice": -1}},
     "spot: deleted on eviction, never evicted for price"),
    ("render", {"priority": "Regular"}, "on-demand"),
])
def test_spot_and_on_demand(result, name, expected, reason):
    profile = _vmss(result, name)["virtualMachineProfile"]
    assert {key: profile[key] for key in ("priority", "evictionPolicy", "billingProfile") if key in profile} \
        == expected, reason


def test_nvidia_ready_image_and_encrypted_disk(result):
    profile = _vmss(result, "batch")["virtualMachineProfile"]
    image = profile["storageProfile"]["imageReference"]
    assert (image["publisher"], image["offer"], image["sku"]) == ("microsoft-dsvm", "ubuntu-hpc", "2204")
    assert profile["securityProfile"] == {"encryptionAtHost": True}
    assert profile["storageProfile"]["osDisk"]["diskSizeGB"] == 150


def test_no_public_ip_and_the_nodes_subnet(result):
    record = result.one(VMSS, "p-azure-batch-")
    (nic,) = record.inputs["virtualMachineProfile"]["networkProfile"]["networkInterfaceConfigurations"]
    (ip,) = nic["ipConfigurations"]
    assert "publicIPAddressConfiguration" not in ip
    assert depends_on(record, "virtualMachineProfile", "p-azure-network-nodes")


def test_managed_identity_key_only_login_and_entra_ssh(result):
    inputs = _vmss(result, "batch")
    assert inputs["identity"] == {"type": "SystemAssigned"}
    linux = inputs["virtualMachineProfile"]["osProfile"]["linuxConfiguration"]
    assert linux["disablePasswordAuthentication"] is True
    assert "adminPassword" not in inputs["virtualMachineProfile"]["osProfile"]
    assert linux["ssh"]["publicKeys"][0]["keyData"] == _ssh.unusable_public_key()
    extensions = inputs["virtualMachineProfile"]["extensionProfile"]["extensions"]
    assert [e["type"] for e in extensions] == ["AADSSHLoginForLinux"]


def test_no_overprovisioning_and_drain_notice(result):
    inputs = _vmss(result, "batch")
    assert inputs["overprovision"] is False
    notice = inputs["virtualMachineProfile"]["scheduledEventsProfile"]["terminateNotificationProfile"]
    assert notice == {"enable": True, "notBeforeTimeout": "PT5M"}


def test_cost_tags(result):
    assert _vmss(result, "batch")["tags"] == {"team": "ml-platform", "cost-center": "cc-1234"}


@pytest.mark.parametrize("name, minimum, maximum, scale_out, scale_in", [
    ("batch", "1", "20", 70.0, 50.0),
    ("render", "2", "5", 60.0, 40.0),
])
def test_autoscale_between_min_and_max_on_cpu(result, name, minimum, maximum, scale_out, scale_in):
    setting = _autoscale(result, name)
    assert setting["enabled"] is True
    (profile,) = setting["profiles"]
    assert profile["capacity"] == {"minimum": minimum, "maximum": maximum, "default": minimum}
    out, in_ = profile["rules"]
    assert out["metricTrigger"]["metricName"] == "Percentage CPU"
    assert (out["metricTrigger"]["operator"], out["metricTrigger"]["threshold"]) == ("GreaterThan", scale_out)
    assert (out["scaleAction"]["direction"], out["scaleAction"]["value"]) == ("Increase", "1")
    assert (in_["metricTrigger"]["operator"], in_["metricTrigger"]["threshold"]) == ("LessThan", scale_in)
    assert in_["scaleAction"]["direction"] == "Decrease"


def test_autoscale_targets_the_scale_set(result):
    record = result.one(AUTOSCALE, "p-azure-batch-")
    assert depends_on(record, "targetResourceUri", "p-azure-batch-vmss")
    assert result.outputs["group_batch"] == "acme-ml-dev-batch"


@pytest.mark.parametrize("target, expected, reason", [
    (60, 40, "twenty points below the target"),
    (100, 80, "the highest target"),
    (30, 15, "half the target once twenty points would leave too little"),
    (1, 0.5, "the lowest target still scales in"),
])
def test_scale_in_threshold(target, expected, reason):
    assert scale_in_threshold(target) == expected, reason


def test_vm_priority_rejects_unknown_capacity():
    with pytest.raises(ValueError, match=r"autoscaling_groups.capacity: got 'low'; valid: on-demand, spot"):
        vm_priority("low")


def _read_ssh_rsa(line: str) -> tuple[int, int]:
    blob = base64.b64decode(line.split()[1])
    fields = []
    while blob:
        (length,) = struct.unpack(">I", blob[:4])
        fields.append(blob[4:4 + length])
        blob = blob[4 + length:]
    kind, exponent, modulus = fields
    assert kind == b"ssh-rsa"
    return int.from_bytes(exponent, "big"), int.from_bytes(modulus, "big")


def test_unusable_key_is_a_2048_bit_ssh_rsa_key_over_rsa_2048():
    exponent, modulus = _read_ssh_rsa(_ssh.unusable_public_key())
    assert (exponent, modulus) == (65537, _ssh.RSA_2048_CHALLENGE)
    assert modulus.bit_length() == 2048
    digits = str(_ssh.RSA_2048_CHALLENGE)
    assert len(digits) == 617 and sum(map(int, digits)) == 2738, "the published RSA-2048 number"


def test_given_ssh_key_replaces_the_unusable_key(preview):
    from aiscale import catalog
    from aiscale.autoscaling_group import AutoscalingGroup
    from aiscale.azure.provider import open_scope
    from aiscale.network import Network

    key = _ssh.ssh_rsa_public_key((1 << 2047) + 1, comment="team")
    platform = platform_model(autoscaling_groups=GROUPS[:1])

    def program() -> None:
        root = pulumi.ComponentResource("aiscale:index:AiPlatform", "p")
        scope = open_scope("p", platform, {}, "aiscale:index:CloudDeployment", root)
        network = Network("p-azure-network", {"scope": scope, "cidr": "10.40.0.0/16"}, scope.options())
        group = platform.autoscaling_groups[0]
        AutoscalingGroup("p-azure-batch", {
            "scope": scope, "network": network, "group": group, "ssh_public_key": key,
            "offering": catalog.resolve("azure", group.accelerator, group.gpus_per_node, scope.region)},
            scope.options())

    inputs = preview(platform, program=program).one(VMSS).inputs
    keys = inputs["virtualMachineProfile"]["osProfile"]["linuxConfiguration"]["ssh"]["publicKeys"]
    assert [k["keyData"] for k in keys] == [key]
