"""Security checks for AWS networks and logs: open security groups, VPC flow logs, and
CloudWatch log groups."""

from __future__ import annotations

from aiscale.facts import tokens
from aiscale.facts.references import refers_to

from .. import schema
from ..props import UnknownValue, as_bool, as_number, get, get_number, is_set, items, lower
from ..registry import Check, NotApplicable, Violation

OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
ADMIN_PORTS = ("22", "3389")
"""Ports that must never be open to the internet by default: SSH and RDP."""
ALL_PROTOCOLS = frozenset({"-1", "all"})
_SG_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"
_FLOW_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"
_LOGS_DOCS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
_RETENTION_DOCS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html"


def _rules(resource_type, props) -> list:
    """(protocol, from, to, CIDRs) of each ingress rule the resource declares."""
    if resource_type == tokens.AWS_EC2_SECURITY_GROUP:
        return [(get(r, "protocol"), get_number(r, "fromPort"), get_number(r, "toPort"),
                 [str(c) for c in items(r, "cidrBlocks") + items(r, "ipv6CidrBlocks")]) for r in items(props, "ingress")]
    if resource_type == tokens.AWS_EC2_SECURITY_GROUP_RULE:
        if get(props, "type") != "ingress":
            return []
        return [(get(props, "protocol"), get_number(props, "fromPort"), get_number(props, "toPort"),
                 [str(c) for c in items(props, "cidrBlocks") + items(props, "ipv6CidrBlocks")])]
    cidrs = [str(c) for c in (get(props, "cidrIpv4"), get(props, "cidrIpv6")) if c]
    return [(get(props, "ipProtocol"), get_number(props, "fromPort"), get_number(props, "toPort"), cidrs)]


def _exposed(protocol, low, high, ports) -> list[str]:
    """What an internet-open rule exposes: every port, or the listed admin ports it covers."""
    if lower(protocol) in ALL_PROTOCOLS:
        return ["every port"]
    if lower(protocol) not in ("tcp", "6"):
        return []
    if low is None or high is None:
        return ["every port"]
    if low <= 0 and high >= 65535:
        return ["every port"]
    return [f"port {int(p)}" for p in ports if low <= p <= high]


def no_open_ingress(resource_type, props, ctx):
    """No ingress from 0.0.0.0/0 or ::/0 on every port or on the admin ports (config admin_ports)."""
    ports = [float(p) for p in ctx.config.get("admin_ports", ADMIN_PORTS)]
    out = []
    for protocol, low, high, cidrs in _rules(resource_type, props):
        wide = sorted(OPEN_CIDRS & set(cidrs))
        if wide:
            out += [f"ingress from {', '.join(wide)} to {what}; allow named CIDRs or security groups"
                    for what in _exposed(protocol, low, high, ports)]
    return out


def _flow_log_covers(flow, vpc) -> bool:
    return refers_to(flow, "vpcId", vpc)


def vpc_flow_logs(resources, ctx):
    """Every VPC has a flow log (the record of who talked to the GPU nodes and endpoints)."""
    vpcs = [r for r in resources if r.canonical == tokens.AWS_EC2_VPC]
    if not vpcs:
        return NotApplicable("no VPCs")
    flows = [r for r in resources if r.canonical == tokens.AWS_EC2_FLOW_LOG]
    return [Violation(v.urn, f"VPC '{v.name}' has no flow log; add an ec2.FlowLog with vpcId set to it")
            for v in vpcs if not any(_flow_log_covers(f, v) for f in flows)]


def log_group_protected(resource_type, props, ctx):
    """Log groups expire (retentionInDays) and, with config require_kms, use a KMS key."""
    out = []
    try:
        retention = as_number(get(props, "retentionInDays"))
    except UnknownValue:
        retention = 1.0  # a value is coming
    if not retention:
        out.append("retentionInDays is not set (CloudWatch default: keep forever); set a retention")
    if as_bool(ctx.config.get("require_kms"), True) and not is_set(props, "kmsKeyId"):
        out.append("kmsKeyId is not set (CloudWatch encrypts with its own key); set a KMS key")
    return out


CHECKS = (
    Check("SEC-NET-001", "security", "No security group open to the internet on every port or admin ports",
          "Security groups, security group rules and VPC ingress rules admit 0.0.0.0/0 or ::/0 neither on "
          "every port (protocol -1, or 0-65535) nor on config admin_ports (SSH 22, RDP 3389).",
          "high", "mandatory", "Allow named CIDRs or source security groups; reach nodes through SSM.",
          no_open_ingress, (tokens.AWS_EC2_SECURITY_GROUP, tokens.AWS_EC2_SECURITY_GROUP_RULE, tokens.AWS_VPC_SECURITY_GROUP_INGRESS_RULE),
          anchors=("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"), url=_SG_DOCS,
          config_schema={"admin_ports": schema.strings(ADMIN_PORTS, "TCP ports never open to the internet.")},
          when_omitted="A security group without ingress rules admits no inbound traffic (" + _SG_DOCS + ").",
          omitted_verdict="pass"),
    Check("SEC-NET-002", "security", "VPC flow logs on",
          "Every VPC in the stack has an ec2.FlowLog whose vpcId refers to it.", "medium", "advisory",
          "Add a FlowLog (traffic type ALL) to CloudWatch Logs or S3.", vpc_flow_logs, scope="stack",
          anchors=("CKV2_AWS_11", "KICS f83121ea-03da-434f-9277-9cd247ab3047"), url=_FLOW_DOCS,
          when_omitted="A VPC has no flow log unless one is created (" + _FLOW_DOCS + ").", omitted_verdict="fail"),
    Check("SEC-LOG-001", "security", "CloudWatch log groups retained and encrypted with KMS",
          "Log groups set retentionInDays and, with config require_kms, a kmsKeyId.", "medium", "advisory",
          "Set retentionInDays and kmsKeyId (a key whose policy lets logs.<region>.amazonaws.com use it).",
          log_group_protected, (tokens.AWS_CLOUDWATCH_LOG_GROUP,), anchors=("CKV_AWS_66", "CKV_AWS_158", "KICS ef0b316a-211e-42f1-888e-64efe172b755",
                   "KICS 0afbcfe9-d341-4b92-a64c-7e6de0543879"), url=_LOGS_DOCS,
          config_schema={"require_kms": schema.boolean(True, "Require a customer-managed KMS key.")},
          when_omitted="Without retentionInDays logs never expire (" + _RETENTION_DOCS + "); without kmsKeyId "
          "CloudWatch Logs encrypts with a service-owned key, not one the platform controls (" + _LOGS_DOCS + ").",
          omitted_verdict="fail"),
)
"""The network and log checks of the security pack."""
