"""The AWS network builder: private subnets across zones, NAT egress, or an existing VPC."""

from __future__ import annotations

import ipaddress

import pytest

from aiscale.aws.network import subnet_layout

SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"


@pytest.mark.parametrize("cidr, zones, private, public, reason", [
    ("10.40.0.0/16", 3, ["10.40.0.0/18", "10.40.64.0/18", "10.40.128.0/18"],
     ["10.40.192.0/20", "10.40.208.0/20", "10.40.224.0/20"], "three /18 private, /20 public"),
    ("10.40.0.0/16", 2, ["10.40.0.0/18", "10.40.64.0/18"],
     ["10.40.192.0/19", "10.40.224.0/19"], "two zones still leave the last quarter public"),
    ("10.0.0.0/20", 3, ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"],
     ["10.0.12.0/24", "10.0.13.0/24", "10.0.14.0/24"], "the smallest network the model allows"),
    ("10.0.0.0/16", 4, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
     ["10.0.224.0/21", "10.0.232.0/21", "10.0.240.0/21", "10.0.248.0/21"],
     "four zones: eighths, the last one split for public subnets"),
])
def test_subnet_layout(cidr, zones, private, public, reason):
    assert subnet_layout(cidr, zones) == (private, public), reason


def test_subnet_layout_blocks_never_overlap():
    private, public = subnet_layout("172.16.0.0/16", 3)
    networks = [ipaddress.ip_network(c) for c in private + public]
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1:])


def test_subnet_layout_rejects_zero_zones():
    with pytest.raises(ValueError, match="zone_count: got 0"):
        subnet_layout("10.0.0.0/16", 0)


def test_new_network_has_private_subnets_in_three_zones(aws_stack):
    result = aws_stack()
    private = [r for r in result.by_type(SUBNET) if "-private-" in r.name]
    assert [r.inputs["availabilityZone"] for r in private] == ["us-west-2a", "us-west-2b", "us-west-2c"]
    assert [r.inputs["cidrBlock"] for r in private] == subnet_layout("10.40.0.0/16", 3)[0]
    assert all(r.inputs["tags"]["kubernetes.io/role/internal-elb"] == "1" for r in private)


def test_public_subnets_are_marked_for_internet_facing_load_balancers_and_private_ones_are_not(aws_stack):
    """A public endpoint's Service gets an internet-facing load balancer in the subnets tagged
    kubernetes.io/role/elb; the private subnets (nodes) carry only the internal-elb tag."""
    subnets = aws_stack().by_type(SUBNET)
    public = [r for r in subnets if "-public-" in r.name]
    private = [r for r in subnets if "-private-" in r.name]
    assert public and all(r.inputs["tags"].get("kubernetes.io/role/elb") == "1" for r in public)
    assert all("kubernetes.io/role/elb" not in r.inputs["tags"] for r in private)
    assert all("kubernetes.io/role/internal-elb" not in r.inputs["tags"] for r in public)


def test_no_subnet_maps_public_ips(aws_stack):
    subnets = aws_stack().by_type(SUBNET)
    assert subnets and all(r.inputs["mapPublicIpOnLaunch"] is False for r in subnets)


@pytest.mark.parametrize("environment, nats, reason", [
    ("dev", 1, "one shared NAT gateway keeps non-prod cheap"),
    ("prod", 3, "a NAT gateway per zone keeps prod egress up through a zone loss"),
])
def test_nat_gateways_per_environment(aws_stack, environment, nats, reason):
    result = aws_stack(environment=environment)
    assert len(result.by_type(NAT)) == nats, reason
    public = [r for r in result.by_type(SUBNET) if "-public-" in r.name]
    assert len(public) == nats, "public subnets exist only to hold NAT gateways"
    egress = [r for r in result.by_type(ROUTE) if r.name.endswith("-egress")]
    assert len(egress) == 3 and all("natGatewayId" in r.inputs for r in egress)


def test_network_extras_are_declared(aws_stack):
    result = aws_stack()
    endpoint = result.one("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-west-2.s3"
    assert endpoint.inputs["vpcEndpointType"] == "Gateway"
    assert len(endpoint.inputs["routeTableIds"]) == 3
    assert result.one("aws:ec2/flowLog:FlowLog").inputs["trafficType"] == "ALL"
    default_sg = result.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default_sg.inputs.get("ingress", []) == [] and default_sg.inputs.get("egress", []) == []
    vpc = result.one("aws:ec2/vpc:Vpc")
    assert vpc.inputs["cidrBlock"] == "10.40.0.0/16"
    assert vpc.inputs["tags"]["team"] == "ml-platform", "cost tags reach the VPC"


def test_zones_from_the_model_are_used(aws_stack):
    result = aws_stack(clouds={"aws": {"region": "us-west-2", "zones": ["us-west-2b", "us-west-2d"]}})
    private = [r for r in result.by_type(SUBNET) if "-private-" in r.name]
    assert [r.inputs["availabilityZone"] for r in private] == ["us-west-2b", "us-west-2d"]


def test_existing_network_declares_nothing_and_passes_ids_through(aws_stack):
    existing = {"vpc_id": "vpc-0a1b2c3d4e5f67890",
                "subnet_ids": ["subnet-0a1b2c3d4e5f67890", "subnet-1a1b2c3d4e5f67890"]}
    result = aws_stack(network={"existing": {"aws": existing}})
    network = result.one("aiscale:index:Network")
    assert not [r for r in result.resources if r.type.startswith("aws:ec2/")
                and r.type != "aws:ec2/launchTemplate:LaunchTemplate"
                and r.type != "aws:ec2/securityGroup:SecurityGroup"], "no network resources"
    assert result.children(network.urn) == []
    cluster = result.one("aws:eks/cluster:Cluster")
    assert cluster.inputs["vpcConfig"]["subnetIds"] == existing["subnet_ids"]
    group = result.one("aws:autoscaling/group:Group", "batch")
    assert group.inputs["vpcZoneIdentifiers"] == existing["subnet_ids"]
    security_group = result.one("aws:ec2/securityGroup:SecurityGroup", "batch")
    assert security_group.inputs["vpcId"] == existing["vpc_id"]
