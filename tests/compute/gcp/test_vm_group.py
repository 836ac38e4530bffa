"""GCP AutoscalingGroup builder: GPU instance template, regional MIG and CPU autoscaler."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.gcp import vm_group
from aiscale.gcp._node_defaults import NODE_OAUTH_SCOPES, VM_ROLES

TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
AUTOSCALER = "gcp:compute/regionAutoscaler:RegionAutoscaler"


def _one(result, token, group):
    return result.one(token, f"-{group}-")


@pytest.mark.parametrize("group, accelerator, gpus, reason", [
    ("batch", "nvidia-l4", 1, "L4 comes with a G2 machine"),
    ("render", "nvidia-t4", 2, "T4 x2 is attached to an N1 host"),
])
def test_template_uses_the_catalog_machine_type(base_stack, group, accelerator, gpus, reason):
    from aiscale.catalog import resolve

    expected = resolve("gcp", accelerator, gpus, "us-central1").instance_type
    assert _one(base_stack, TEMPLATE, group).inputs["machineType"] == expected, reason


def test_gpus_are_attached_only_to_hosts_without_their_own(base_stack):
    assert "guestAccelerators" not in _one(base_stack, TEMPLATE, "batch").inputs
    assert _one(base_stack, TEMPLATE, "render").inputs["guestAccelerators"] == [
        {"type": "nvidia-tesla-t4", "count": 2}]


@pytest.mark.parametrize("group, expected, reason", [
    ("batch", {"onHostMaintenance": "TERMINATE", "automaticRestart": False, "preemptible": True,
               "provisioningModel": "SPOT", "instanceTerminationAction": "DELETE"}, "spot"),
    ("render", {"onHostMaintenance": "TERMINATE", "automaticRestart": True, "preemptible": False,
                "provisioningModel": "STANDARD"}, "on-demand"),
])
def test_scheduling_per_capacity(base_stack, group, expected, reason):
    assert _one(base_stack, TEMPLATE, group).inputs["scheduling"] == expected, reason


def test_vms_have_no_public_ip_and_sit_in_the_private_subnetwork(base_stack):
    subnet = base_stack.one("gcp:compute/subnetwork:Subnetwork")
    for group in ("batch", "render"):
        interfaces = _one(base_stack, TEMPLATE, group).inputs["networkInterfaces"]
        assert interfaces == [{"subnetwork": subnet.id}], group


def test_template_is_hardened(base_stack):
    template = _one(base_stack, TEMPLATE, "batch").inputs
    assert template["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableVtpm": True,
                                                  "enableIntegrityMonitoring": True}
    assert template["metadata"]["enable-oslogin"] == "TRUE"
    assert template["metadata"]["block-project-ssh-keys"] == "TRUE"
    assert template["serviceAccount"]["scopes"] == list(NODE_OAUTH_SCOPES)
    account = base_stack.one("gcp:serviceaccount/account:Account", "batch-vm")
    assert template["serviceAccount"]["email"] == account.outputs["email"]
    assert "-compute@developer" not in account.outputs["email"]


def test_boot_disk_is_a_gpu_image_of_the_model_size(base_stack):
    disk = _one(base_stack, TEMPLATE, "batch").inputs["disks"][0]
    assert disk["sourceImage"] == vm_group.DLVM_IMAGE
    assert (disk["boot"], disk["autoDelete"], disk["diskSizeGb"], disk["diskType"]) == (True, True, 100, "pd-balanced")


def test_template_is_auto_named_and_labelled(base_stack):
    template = _one(base_stack, TEMPLATE, "batch").inputs
    assert "name" not in template and template["namePrefix"] == "acme-ml-batch-"
    assert template["labels"] == {"team": "ml-platform", "cost-center": "cc-1234", "aiscale-group": "batch"}


def test_vm_account_has_only_the_vm_roles(base_stack):
    members = [m for m in base_stack.by_type("gcp:projects/iAMMember:IAMMember") if "-batch-vm-" in m.name]
    assert sorted(m.inputs["role"] for m in members) == sorted(VM_ROLES)


@pytest.mark.parametrize("group, shape, reason", [
    ("batch", "ANY", "spot: any zone with capacity"),
    ("render", "BALANCED", "on-demand: spread, but take capacity where it is"),
])
def test_instance_group_uses_the_template_and_a_gpu_friendly_shape(base_stack, group, shape, reason):
    manager = _one(base_stack, MIG, group).inputs
    template = _one(base_stack, TEMPLATE, group)
    assert manager["versions"][0]["instanceTemplate"] == template.outputs["selfLink"], reason
    assert manager["distributionPolicyTargetShape"] == shape, reason
    assert manager["updatePolicy"]["instanceRedistributionType"] == "NONE", reason
    assert manager["region"] == "us-central1"
    assert "targetSize" not in manager, "the autoscaler owns the size"


@pytest.mark.parametrize("group, minimum, maximum, reason", [
    ("batch", 1, 20, "the default minimum: one machine gives the CPU signal"),
    ("render", 1, 3, "a warm minimum"),
])
def test_autoscaler_targets_cpu_between_min_and_max(base_stack, group, minimum, maximum, reason):
    autoscaler = _one(base_stack, AUTOSCALER, group).inputs
    manager = _one(base_stack, MIG, group)
    assert autoscaler["target"] == manager.id, reason
    policy = autoscaler["autoscalingPolicy"]
    assert (policy["minReplicas"], policy["maxReplicas"]) == (minimum, maximum), reason
    assert policy["cpuUtilization"]["target"] == pytest.approx(0.6), reason


def test_group_name_is_returned(gcp_stack, declare):
    seen = {}

    def body(scope, platform):
        groups = declare.groups(scope, platform)
        groups[0].group_name.apply(lambda name: seen.setdefault("name", name))

    gcp_stack(body)
    assert seen["name"] == "acme-ml-dev-batch"


def test_existing_network_groups_use_the_given_subnetwork(gcp_stack, declare):
    result = gcp_stack(lambda scope, platform: declare.groups(scope, platform),
                       network={"existing": {"gcp": declare.existing_network}})
    interfaces = result.one(TEMPLATE, "-batch-").inputs["networkInterfaces"]
    assert interfaces == [{"subnetwork": declare.existing_network["subnetwork"]}]


GROUP = SimpleNamespace(name="batch", accelerator="nvidia-t4", gpus_per_node=2)


@pytest.mark.parametrize("offering, message, reason", [
    (SimpleNamespace(instance_type="n1-standard-4", gpus=1, gpu_attached=True, accelerator_type="nvidia-tesla-t4"),
     r"gpus_per_node: got 2; the offering 'n1-standard-4' has 1 GPUs", "GPU count mismatch"),
    (SimpleNamespace(instance_type="n1-standard-4", gpus=2, gpu_attached=True, accelerator_type=None),
     "has no accelerator type to attach", "an N1 host without a GPU type"),
])
def test_offering_mismatch_is_an_error(offering, message, reason):
    with pytest.raises(ValueError, match=message):
        vm_group._check(GROUP, offering)
