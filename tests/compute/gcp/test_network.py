"""GCP Network builder: address plan, private subnetwork with NAT egress, existing passthrough."""

from __future__ import annotations

import pytest

from aiscale.gcp.network import PODS_RANGE, SERVICES_RANGE, address_plan

SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
NAT = "gcp:compute/routerNat:RouterNat"


@pytest.mark.parametrize("cidr, nodes, services, pods, reason", [
    ("10.40.0.0/16", "10.40.0.0/20", "10.40.16.0/20", "10.40.128.0/17", "the model default"),
    ("172.20.0.0/18", "172.20.0.0/22", "172.20.4.0/22", "172.20.32.0/19", "a mid-size network"),
    ("192.168.16.0/20", "192.168.16.0/24", "192.168.17.0/24", "192.168.24.0/21",
     "the smallest network the model accepts"),
])
def test_address_plan_splits_the_cidr_without_overlap(cidr, nodes, services, pods, reason):
    plan = address_plan(cidr)
    assert (plan.nodes, plan.services, plan.pods) == (nodes, services, pods), reason
    import ipaddress
    ranges = [ipaddress.ip_network(r) for r in plan]
    assert not any(a.overlaps(b) for i, a in enumerate(ranges) for b in ranges[i + 1:]), reason


@pytest.mark.parametrize("cidr, reason", [
    ("10.40.0.1/16", "host bits set"),
    ("fd00::/48", "IPv6"),
    ("not-a-cidr", "not a network"),
])
def test_address_plan_rejects_invalid_cidrs_naming_the_field(cidr, reason):
    with pytest.raises(ValueError, match=r"network\.cidr: got"):
        address_plan(cidr)


def test_new_network_is_private_with_secondary_ranges_and_cloud_nat(gcp_stack, declare):
    result = gcp_stack(lambda scope, platform: declare.network(scope, platform))
    vpc = result.one("gcp:compute/network:Network")
    assert vpc.inputs["autoCreateSubnetworks"] is False
    assert vpc.inputs["name"] == "acme-ml-dev"
    subnet = result.one(SUBNETWORK)
    assert subnet.inputs["ipCidrRange"] == "10.40.0.0/20"
    assert subnet.inputs["region"] == "us-central1"
    assert subnet.inputs["privateIpGoogleAccess"] is True
    assert subnet.inputs["logConfig"]["metadata"] == "INCLUDE_ALL_METADATA"
    assert {r["rangeName"]: r["ipCidrRange"] for r in subnet.inputs["secondaryIpRanges"]} == {
        PODS_RANGE: "10.40.128.0/17", SERVICES_RANGE: "10.40.16.0/20"}
    nat = result.one(NAT)
    assert nat.inputs["natIpAllocateOption"] == "AUTO_ONLY"
    assert nat.inputs["sourceSubnetworkIpRangesToNat"] == "LIST_OF_SUBNETWORKS"
    assert nat.inputs["subnetworks"][0]["sourceIpRangesToNats"] == ["ALL_IP_RANGES"]
    assert nat.inputs["logConfig"] == {"enable": True, "filter": "ERRORS_ONLY"}
    assert result.one("gcp:compute/router:Router").inputs["network"] == vpc.id


def test_new_network_resources_are_children_of_the_network_component(gcp_stack, declare):
    result = gcp_stack(lambda scope, platform: declare.network(scope, platform))
    component = result.one("aiscale:index:Network")
    children = {r.type for r in result.children(component.urn)}
    assert children == {"gcp:compute/network:Network", SUBNETWORK,
                        "gcp:compute/router:Router", NAT}


def test_existing_network_declares_nothing_and_passes_the_ids_through(gcp_stack, declare):
    seen = {}

    def body(scope, platform):
        network = declare.network(scope, platform)
        seen["details"] = network.details
        network.network_id.apply(lambda v: seen.setdefault("network_id", v))
        network.subnet_ids.apply(lambda v: seen.setdefault("subnet_ids", v))
        network.details["subnetwork_id"].apply(lambda v: seen.setdefault("subnetwork_id", v))

    result = gcp_stack(body, network={"existing": {"gcp": declare.existing_network}})
    component = result.one("aiscale:index:Network")
    assert result.children(component.urn) == []
    assert not [r for r in result.resources if r.type.startswith("gcp:compute/")]
    assert seen["network_id"] == declare.existing_network["network"]
    assert seen["subnet_ids"] == [declare.existing_network["subnetwork"]]
    assert seen["subnetwork_id"] == declare.existing_network["subnetwork"]
    assert seen["details"]["pods_range_name"] is None


def test_existing_network_missing_a_field_is_an_error_naming_it():
    from aiscale.gcp.network import _existing

    with pytest.raises(ValueError, match="missing: subnetwork"):
        _existing({"network": "shared"})
