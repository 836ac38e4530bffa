"""Every invoke of one whole SDK module per cloud gets an answer that goes over the wire and
decodes into the SDK's own result class, with every top-level field set (issue 18, "Invokes")."""

from __future__ import annotations

import importlib

import pytest
from pulumi import _types
from pulumi.runtime import MockCallArgs, rpc
from pulumi.runtime.sync_await import _sync_await

from aiscale.preview import sdk_index
from aiscale.preview.fake_cloud import FakeCloud

#: One whole module per cloud, with the SDK it lives in and a floor on how many invokes it has.
MODULES = [("pulumi_aws", "aws:ec2", 60), ("pulumi_azure_native", "azure-native:storage", 20),
           ("pulumi_gcp", "gcp:compute", 80)]


def _over_the_wire(answer: dict) -> dict:
    """What the program's SDK receives: the answer serialized as the mock monitor does, then
    deserialized as the runtime does (numbers become floats on the way)."""
    return rpc.deserialize_properties(_sync_await(rpc.serialize_properties(answer, {})))


@pytest.mark.parametrize(("package", "module", "at_least"), MODULES, ids=[m[1] for m in MODULES])
def test_every_invoke_of_a_module_decodes_into_its_result_class(package, module, at_least):
    importlib.import_module(package)
    warnings: list[str] = []
    cloud = FakeCloud({}, warnings.append)
    signatures = [s for s in sdk_index.module_invokes(module) if s.result_class is not None]
    assert len(signatures) >= at_least, f"the sweep covers the whole {module} module"
    problems = []
    for signature in signatures:
        result_type = signature.result_type()
        answer = cloud.call(MockCallArgs(signature.token, {}, ""))
        try:
            decoded = rpc.translate_output_properties(_over_the_wire(answer), lambda name: name, result_type)
        except Exception as error:  # noqa: BLE001 - collected, so one run names every failure
            problems.append(f"{signature.token}: {type(error).__name__}: {error}")
            continue
        unset = [python_name for python_name, _, prop in _types._py_properties(result_type)
                 if prop.fget(decoded) is None]
        if unset:
            problems.append(f"{signature.token}: no value for {unset}")
    assert not problems, "\n".join(problems)
    assert not warnings, "every invoke of an installed SDK is known"
    synthesized = set(cloud.synthesized_invokes)
    assert synthesized and synthesized <= {s.token for s in signatures}


def test_the_same_invoke_gets_the_same_answer_and_arguments_are_echoed():
    importlib.import_module("pulumi_aws")
    token = "aws:ec2/getSecurityGroup:getSecurityGroup"
    first = FakeCloud({"aws:region": "ap-south-1"}, print).call(MockCallArgs(token, {"name": "web"}, ""))
    again = FakeCloud({"aws:region": "ap-south-1"}, print).call(MockCallArgs(token, {"name": "web"}, ""))
    other = FakeCloud({"aws:region": "ap-south-1"}, print).call(MockCallArgs(token, {"name": "db"}, ""))
    assert first == again and first["id"] != other["id"]
    assert first["name"] == "web"
    assert first["id"].startswith("sg-") and first["vpcId"].startswith("vpc-")
    assert first["arn"].startswith("arn:aws:ec2:ap-south-1:123456789012:")


def test_an_sdk_the_program_did_not_import_is_never_imported():
    import subprocess
    import sys

    script = ("import sys\nfrom aiscale.preview.fake_cloud import FakeCloud\n"
              "from pulumi.runtime import MockCallArgs\n"
              "warned = []\n"
              "answer = FakeCloud({}, warned.append).call(MockCallArgs('gcp:compute/getImage:getImage', {}, ''))\n"
              "print(sorted(m for m in sys.modules if m.startswith('pulumi_')), answer.get('selfLink', '')[:30])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ})
    assert done.returncode == 0, done.stderr
    loaded, _ = done.stdout.strip().rsplit("]", 1)
    assert loaded + "]" == "[]", "answering gcp's invoke did not import pulumi_gcp"


def test_synthesized_values_are_shaped_per_cloud_and_secrets_are_obviously_fake():
    for package in ("pulumi_azure_native", "pulumi_gcp"):
        importlib.import_module(package)
    config = {"azure-native:location": "northeurope", "gcp:project": "acme-dev", "gcp:region": "europe-west4"}
    cloud = FakeCloud(config, print)
    network = cloud.call(MockCallArgs("azure-native:network:getVirtualNetwork",
                                      {"resourceGroupName": "rg", "virtualNetworkName": "vnet"}, ""))
    assert network["id"].startswith("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/")
    assert "/providers/Microsoft.Network/" in network["id"] and network["location"] == "northeurope"
    assert network["addressSpace"]["addressPrefixes"] == ["10.0.0.0/16"]
    credentials = cloud.call(MockCallArgs("azure-native:web:listWebAppPublishingCredentials",
                                          {"resourceGroupName": "rg", "name": "app"}, ""))
    assert credentials["publishingPassword"].startswith("preview-fake-")
    gcp_network = cloud.call(MockCallArgs("gcp:compute/getNetwork:getNetwork", {"name": "vpc"}, ""))
    assert gcp_network["name"] == "vpc" and gcp_network["project"] == "acme-dev"
    assert gcp_network["selfLink"].startswith("https://www.googleapis.com/compute/v1/projects/acme-dev/global/networks/")
    subnetwork = cloud.call(MockCallArgs("gcp:compute/getSubnetwork:getSubnetwork", {"name": "subnet"}, ""))
    assert subnetwork["region"] == "europe-west4" and subnetwork["ipCidrRange"] == "10.0.0.0/16"
