"""The AWS builder of ``Network``: a VPC with private subnets across zones and NAT egress.

A new network declares: the VPC (DNS support and hostnames on), one private subnet per zone
(tagged for internal load balancers), an internet gateway and public subnets that hold only the
NAT gateways (one NAT gateway in dev/staging to save cost, one per zone in prod for
availability), a route table per private subnet sending 0.0.0.0/0 to its NAT gateway, an S3
gateway endpoint (model weights and checkpoints do not pay NAT data charges), VPC flow logs to
CloudWatch Logs, and the VPC's default security group stripped of every rule. No subnet maps
public IPs on launch.

An existing network (``{vpc_id, subnet_ids}``) declares nothing and returns those ids.

Reads a ``NetworkBuild``; returns an :class:`AwsNetwork`.
"""

from __future__ import annotations

import ipaddress
import json
import math
from dataclasses import dataclass
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws

from aiscale.aws import naming
from aiscale.aws._iam import service_trust_policy
from aiscale.aws._log_key import log_key
from aiscale.network_spec import BuiltNetwork, NetworkBuild
from aiscale.scope import CloudScope

DEFAULT_ZONE_COUNT = 3
"""Zones used when the model names none: the first three available zones of the region (in a
region with fewer, zones repeat: subnets then share a zone but every subnet still exists)."""
NAT_PER_ZONE_ENVIRONMENTS = ("prod",)
"""Environments that get a NAT gateway in every zone; the others share one NAT gateway."""
FLOW_LOG_RETENTION_DAYS = {"prod": 365}
"""Days VPC flow logs are kept, by environment."""
DEFAULT_FLOW_LOG_RETENTION_DAYS = 30
"""Days VPC flow logs are kept in every other environment."""
INTERNAL_ELB_TAG = ("kubernetes.io/role/internal-elb", "1")
"""Subnet tag that lets the AWS load balancer controller place internal load balancers."""
PUBLIC_ELB_TAG = ("kubernetes.io/role/elb", "1")
"""Subnet tag that marks the subnets for internet-facing load balancers (a public endpoint's
Service), as EKS asks of public subnets ("Amazon EKS VPC and subnet requirements" in the EKS
user guide)."""


@dataclass(frozen=True, kw_only=True)
class AwsNetwork(BuiltNetwork):
    """What the AWS network builder returns: ``network_id`` is the VPC id, ``subnet_ids`` the
    private subnets (one per zone)."""

    vpc_id: pulumi.Input[str]
    """The VPC id (the same as ``network_id``)."""
    zones: Optional[pulumi.Output[list[str]]] = None
    """The zone of each private subnet, in order; None for an existing network."""
    public_subnet_ids: Optional[pulumi.Output[list[str]]] = None
    """The public subnets holding only the NAT gateways; None for an existing network."""
    nat_gateway_ids: Optional[pulumi.Output[list[str]]] = None
    """The NAT gateways (one, or one per zone in prod); None for an existing network."""
    private_route_table_ids: Optional[pulumi.Output[list[str]]] = None
    """The route table of each private subnet; None for an existing network."""


def subnet_layout(cidr: str, zone_count: int) -> tuple[list[str], list[str]]:
    """Split ``cidr`` into ``zone_count`` equal private subnets and, from the block left over,
    ``zone_count`` smaller public subnets (for NAT gateways only).

    The private subnets take all but one of the 2^k equal blocks (k the smallest with
    2^k > zone_count); the last block is split again for the public subnets.
    """
    if zone_count < 1:
        raise ValueError(f"zone_count: got {zone_count}; valid: at least 1")
    network = ipaddress.ip_network(cidr)
    bits = math.ceil(math.log2(zone_count + 1))
    blocks = list(network.subnets(prefixlen_diff=bits))
    public_bits = max(math.ceil(math.log2(zone_count)), 1)
    if blocks[-1].prefixlen + public_bits > 28:
        raise ValueError(f"cidr: got {cidr}; too small for {zone_count} zones (valid: /16 to /20)")
    public = list(blocks[-1].subnets(prefixlen_diff=public_bits))[:zone_count]
    return [str(b) for b in blocks[:zone_count]], [str(b) for b in public]


def _existing_ids(existing: Any) -> tuple[str, list[str]]:
    """``(vpc_id, subnet_ids)`` from the model's existing network (object or mapping)."""
    get = existing.get if isinstance(existing, Mapping) else lambda key: getattr(existing, key, None)
    vpc_id, subnet_ids = get("vpc_id"), get("subnet_ids")
    if not vpc_id or not subnet_ids:
        raise ValueError(
            f"network.existing.aws: got {existing!r}; valid: {{vpc_id: vpc-..., subnet_ids: "
            "[subnet-..., ...]}} with private subnets in at least two zones")
    return vpc_id, list(subnet_ids)


def _zones(component: pulumi.Resource, scope: CloudScope) -> tuple[int, pulumi.Output]:
    """The zone count and an Output list of ``DEFAULT_ZONE_COUNT`` (or the model's) zone names."""
    if scope.zones:
        return len(scope.zones), pulumi.Output.from_input(list(scope.zones))
    found = pulumi_aws.get_availability_zones_output(
        state="available",
        filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
        opts=pulumi.InvokeOutputOptions(parent=component, provider=scope.provider),
    )
    names = found.names.apply(
        lambda zones: [zones[i % len(zones)] for i in range(DEFAULT_ZONE_COUNT)])
    return DEFAULT_ZONE_COUNT, names


def _flow_logs(name: str, scope: CloudScope, vpc: pulumi.Resource, tags: dict[str, str],
               child: pulumi.ResourceOptions) -> dict[str, pulumi.Resource]:
    """Flow logs of every VPC flow to a CloudWatch log group, through a role that can only
    write there."""
    import pulumi_aws.cloudwatch as cloudwatch
    import pulumi_aws.ec2 as ec2
    import pulumi_aws.iam as iam

    key = log_key(f"{name}-flow-logs", scope, "", tags, child.parent)  # the group is auto-named
    group = cloudwatch.LogGroup(
        f"{name}-flow-logs",
        retention_in_days=FLOW_LOG_RETENTION_DAYS.get(scope.environment, DEFAULT_FLOW_LOG_RETENTION_DAYS),
        kms_key_id=key.arn, tags=tags, opts=child)
    role = iam.Role(f"{name}-flow-logs", assume_role_policy=json.dumps(
        service_trust_policy("vpc-flow-logs.amazonaws.com")), tags=tags, opts=child)
    policy = iam.RolePolicy(
        f"{name}-flow-logs", role=role.id,
        policy=group.arn.apply(lambda arn: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow",
                           "Action": ["logs:CreateLogStream", "logs:PutLogEvents",
                                      "logs:DescribeLogStreams"],
                           "Resource": [arn, f"{arn}:*"]}]})),
        opts=child)
    flow_log = ec2.FlowLog(
        f"{name}-flow-log", vpc_id=vpc.id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
        log_destination=group.arn, iam_role_arn=role.arn, tags=tags,
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[policy])))
    return {"flow_log_key": key, "flow_log_group": group, "flow_log_role": role, "flow_log_policy": policy,
            "flow_log": flow_log}


def build(component: pulumi.ComponentResource, args: NetworkBuild) -> AwsNetwork:
    """Declare the network under ``component`` (or pass an existing one through)."""
    scope = args.scope
    if args.existing:
        vpc_id, subnet_ids = _existing_ids(args.existing)
        return AwsNetwork(network_id=pulumi.Output.from_input(vpc_id),
                          subnet_ids=pulumi.Output.from_input(subnet_ids),
                          vpc_id=pulumi.Output.from_input(vpc_id))

    import pulumi_aws.ec2 as ec2

    name = args.name
    tags = naming.aws_tags(scope.tags)
    child = pulumi.ResourceOptions(parent=component)
    zone_count, zones = _zones(component, scope)
    private_cidrs, public_cidrs = subnet_layout(args.cidr, zone_count)
    nat_count = zone_count if scope.environment in NAT_PER_ZONE_ENVIRONMENTS else 1

    def named(label: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**tags, "Name": f"{name}-{label}", **(extra or {})}

    resources: dict[str, pulumi.Resource] = {}
    vpc = ec2.Vpc(f"{name}-vpc", cidr_block=args.cidr,
                  enable_dns_support=True, enable_dns_hostnames=True, tags=named("vpc"), opts=child)
    resources["vpc"] = vpc
    resources["default_security_group"] = ec2.DefaultSecurityGroup(
        f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[], tags=named("default-deny"),
        opts=child)
    igw = ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=named("igw"), opts=child)
    resources["internet_gateway"] = igw
    public_table = ec2.RouteTable(f"{name}-public", vpc_id=vpc.id, tags=named("public"), opts=child)
    resources["public_route_table"] = public_table
    ec2.Route(f"{name}-public-default", route_table_id=public_table.id,
              destination_cidr_block="0.0.0.0/0", gateway_id=igw.id, opts=child)

    public_subnets, nats = [], []
    for index in range(nat_count):
        zone = zones[index]
        subnet = ec2.Subnet(f"{name}-public-{index}", vpc_id=vpc.id, cidr_block=public_cidrs[index],
                            availability_zone=zone, map_public_ip_on_launch=False,
                            tags=named(f"public-{index}", dict([PUBLIC_ELB_TAG])), opts=child)
        ec2.RouteTableAssociation(f"{name}-public-{index}", subnet_id=subnet.id,
                                  route_table_id=public_table.id, opts=child)
        eip = ec2.Eip(f"{name}-nat-{index}", domain="vpc", tags=named(f"nat-{index}"), opts=child)
        nat = ec2.NatGateway(f"{name}-nat-{index}", subnet_id=subnet.id, allocation_id=eip.id,
                             connectivity_type="public", tags=named(f"nat-{index}"),
                             opts=pulumi.ResourceOptions(parent=component, depends_on=[igw]))
        public_subnets.append(subnet)
        nats.append(nat)

    private_subnets, private_tables = [], []
    for index in range(zone_count):
        subnet = ec2.Subnet(f"{name}-private-{index}", vpc_id=vpc.id, cidr_block=private_cidrs[index],
                            availability_zone=zones[index], map_public_ip_on_launch=False,
                            tags=named(f"private-{index}", dict([INTERNAL_ELB_TAG])), opts=child)
        table = ec2.RouteTable(f"{name}-private-{index}", vpc_id=vpc.id,
                               tags=named(f"private-{index}"), opts=child)
        ec2.Route(f"{name}-private-{index}-egress", route_table_id=table.id,
                  destination_cidr_block="0.0.0.0/0", nat_gateway_id=nats[index % nat_count].id,
                  opts=child)
        ec2.RouteTableAssociation(f"{name}-private-{index}", subnet_id=subnet.id,
                                  route_table_id=table.id, opts=child)
        private_subnets.append(subnet)
        private_tables.append(table)

    resources["s3_endpoint"] = ec2.VpcEndpoint(
        f"{name}-s3", vpc_id=vpc.id, service_name=f"com.amazonaws.{scope.region}.s3",
        vpc_endpoint_type="Gateway", route_table_ids=[t.id for t in private_tables],
        tags=named("s3"), opts=child)
    resources.update(_flow_logs(name, scope, vpc, tags, child))

    subnet_ids = pulumi.Output.all(*[s.id for s in private_subnets])
    return AwsNetwork(
        network_id=vpc.id,
        subnet_ids=subnet_ids,
        vpc_id=vpc.id,
        zones=pulumi.Output.all(*[s.availability_zone for s in private_subnets]),
        public_subnet_ids=pulumi.Output.all(*[s.id for s in public_subnets]),
        nat_gateway_ids=pulumi.Output.all(*[n.id for n in nats]),
        private_route_table_ids=pulumi.Output.all(*[t.id for t in private_tables]),
        resources={**resources, "private_subnets": private_subnets,
                   "public_subnets": public_subnets, "nat_gateways": nats},
    )
