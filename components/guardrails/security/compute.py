"""Security checks for GPU virtual machines: EC2 launch templates and instances, Azure VM scale
sets, GCE instance templates."""

from __future__ import annotations

import base64
import binascii
import re

from aiscale.facts import reader, tokens

from .. import schema
from ..props import as_bool, get, get_bool, get_number, items, lower
from ..registry import NOT_APPLICABLE, Check

GCE_TEMPLATES = (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE)
DEFAULT_COMPUTE_SA_SUFFIX = "-compute@developer.gserviceaccount.com"
_VMSS_NICS = "virtualMachineProfile.networkProfile.networkInterfaceConfigurations"
_IMDS_DOCS = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html"

SECRET_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("an AWS secret access key", re.compile(
        r"aws_secret_access_key[\"']?\s*[=:]\s*[\"']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])", re.IGNORECASE)),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a GCP service-account key", re.compile(r'"private_key"\s*:\s*"-----BEGIN')),
    ("an Azure storage account key", re.compile(r"AccountKey=[A-Za-z0-9+/=]{20,}")),
)
"""(what it is, pattern) for credentials that must never sit in user data. Each pattern needs the
credential's value (an AWS secret key is 40 base64 characters), not only its name: a script that
names a variable and reads its value from a secret store is fine."""


def imdsv2_required(resource_type, props, ctx):
    """Instance metadata requires session tokens (IMDSv2), with a small hop limit."""
    if lower(get(props, "metadataOptions.httpEndpoint")) == "disabled":
        return []
    out = []
    http_tokens = get(props, "metadataOptions.httpTokens")
    if http_tokens != "required":
        out.append(f"metadataOptions.httpTokens is '{http_tokens or 'optional'}'; set 'required' (IMDSv2)")
    hops = get_number(props, "metadataOptions.httpPutResponseHopLimit")
    limit = float(ctx.config.get("max_hop_limit", 2))
    if hops is not None and hops > limit:
        out.append(f"httpPutResponseHopLimit is {hops:g}; use at most {limit:g}")
    return out


def no_public_ip(resource_type, props, ctx):
    """VMs get no public IP address."""
    if resource_type == tokens.AWS_EC2_LAUNCH_TEMPLATE:
        flags = [as_bool(get(n, "associatePublicIpAddress")) for n in items(props, "networkInterfaces")]
        return ["a network interface sets associatePublicIpAddress; set it false"] if True in flags else []
    if resource_type == tokens.AWS_EC2_INSTANCE:
        return ["associatePublicIpAddress is true; set it false"] if get_bool(props, "associatePublicIpAddress") else []
    if resource_type == tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET:
        configs = [ip for nic in items(props, _VMSS_NICS) for ip in items(nic, "ipConfigurations")]
        bad = [ip for ip in configs if get(ip, "publicIPAddressConfiguration") is not None]
        return ["an IP configuration has publicIPAddressConfiguration; remove it"] if bad else []
    bad = [n for n in items(props, "networkInterfaces") if items(n, "accessConfigs")]
    return ["a network interface has accessConfigs (an external IP); remove them and use Cloud NAT"] if bad else []


def encrypted_volumes(resource_type, props, ctx):
    """EBS volumes are encrypted."""
    if resource_type == tokens.AWS_EBS_VOLUME:
        return [] if get_bool(props, "encrypted") is True else [
            "encrypted is not true (EBS default: unencrypted unless the account's default encryption is on); "
            "set encrypted true with a kmsKeyId"]
    if resource_type == tokens.AWS_EC2_LAUNCH_TEMPLATE:
        volumes = [get(m, "ebs") for m in items(props, "blockDeviceMappings") if get(m, "ebs") is not None]
    else:
        volumes = [get(props, "rootBlockDevice") or {}] + items(props, "ebsBlockDevices")
    bad = [v for v in volumes if as_bool(get(v, "encrypted")) is not True]
    return [f"{len(bad)} EBS volume(s) not encrypted; set encrypted true (and a kmsKeyId)"] if bad else []


def _decode(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return text


def _user_data(resource_type, props) -> list[str]:
    return [_decode(blob) for blob in reader.user_data(resource_type, props)]


def no_secrets_in_user_data(resource_type, props, ctx):
    """User data / startup scripts carry no credentials (anyone on the VM can read them)."""
    found = {what for text in _user_data(resource_type, props) for what, pattern in SECRET_PATTERNS if pattern.search(text)}
    return [f"user data contains {what}; fetch secrets at boot from a secret store instead" for what in sorted(found)]


def gce_dedicated_identity(resource_type, props, ctx):
    """GCE templates run as a dedicated service account, not the default compute one."""
    email = get(props, "serviceAccount.email")
    if get(props, "serviceAccount") is None:
        return []  # no service account attached: no credentials on the VM
    if not email or email == "default" or str(email).endswith(DEFAULT_COMPUTE_SA_SUFFIX):
        return [f"serviceAccount.email is '{email or 'default'}'; use a dedicated least-privilege account"]
    return []


def gce_block_project_ssh_keys(resource_type, props, ctx):
    """GCE templates block project-wide SSH keys (or use OS Login)."""
    metadata = get(props, "metadata") or {}
    if as_bool(metadata.get("block-project-ssh-keys")) is True or as_bool(metadata.get("enable-oslogin")) is True:
        return []
    return ["metadata sets neither block-project-ssh-keys nor enable-oslogin to true; set one"]


def vmss_no_password_auth(resource_type, props, ctx):
    """Linux scale sets authenticate with SSH keys only."""
    linux = get(props, "virtualMachineProfile.osProfile.linuxConfiguration")
    if linux is None:
        return NOT_APPLICABLE
    if get_bool(linux, "disablePasswordAuthentication") is not True:
        return ["linuxConfiguration.disablePasswordAuthentication is not true; use SSH keys only"]
    return []


def vmss_encryption_at_host(resource_type, props, ctx):
    """Scale-set disks are encrypted at the host."""
    if get_bool(props, "virtualMachineProfile.securityProfile.encryptionAtHost") is not True:
        return ["virtualMachineProfile.securityProfile.encryptionAtHost is not true; enable it"]
    return []


def gce_shielded_vm(resource_type, props, ctx):
    """GCE templates keep Shielded VM's vTPM and integrity monitoring on (both default on)."""
    off = [flag for flag in ("enableVtpm", "enableIntegrityMonitoring")
           if get_bool(props, f"shieldedInstanceConfig.{flag}") is False]
    return [f"shieldedInstanceConfig.{flag} is false; remove it or set true" for flag in off]


def gce_no_ip_forwarding(resource_type, props, ctx):
    """GCE templates do not forward packets for other addresses."""
    return ["canIpForward is true; set it false (GPU VMs are not routers)"] if get_bool(props, "canIpForward") is True else []


def gce_no_serial_port(resource_type, props, ctx):
    """GCE templates keep the interactive serial console off."""
    metadata = get(props, "metadata") or {}
    return ["metadata serial-port-enable is true; remove it"] if as_bool(metadata.get("serial-port-enable")) is True else []


_GCE_SHIELDED_DOCS = "https://cloud.google.com/compute/shielded-vm/docs/shielded-vm"

CHECKS = (
    Check("SEC-COMPUTE-001", "security", "IMDSv2 required",
          "EC2 launch templates and instances require IMDSv2 tokens and keep the PUT hop limit at or "
          "below config max_hop_limit. The default is 2, not the 1 of CKV_AWS_341: on EKS nodes, pods "
          "that still read the node's metadata (the VPC CNI, the EBS CSI driver and other agents without "
          "IRSA or Pod Identity) need a second hop, and AWS's own EKS node launch templates set 2. Set "
          "max_hop_limit 1 to match CKV_AWS_341 where no container needs the metadata service.",
          "high", "mandatory", "Set metadataOptions.httpTokens 'required' and a hop limit of 1-2.",
          imdsv2_required, (tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE),
          anchors=("CKV_AWS_79", "CKV_AWS_341 (with max_hop_limit 1)", "AVD-AWS-0028", "AVD-AWS-0130"), url=_IMDS_DOCS,
          config_schema={"max_hop_limit": schema.number(2, "Largest allowed httpPutResponseHopLimit.", 1)},
          when_omitted=("No metadataOptions: httpTokens is 'optional' (IMDSv1 allowed) unless the AMI or the "
                        "account default requires v2; the hop limit is 1 "
                        "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-"
                        "instances.html)."),
          omitted_verdict="fail"),
    Check("SEC-COMPUTE-002", "security", "No public IP on GPU VMs",
          "Launch templates, instances, VM scale sets and GCE templates attach no public address.",
          "high", "mandatory", "Drop public IPs; reach the VMs through private networking and NAT.",
          no_public_ip, (tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE, tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET) + GCE_TEMPLATES,
          anchors=("CKV_AWS_88", "AVD-AWS-0009", "compliance aws-ec2-launchtemplate-disallow-public-ip"),
          when_omitted=("AWS: no associatePublicIpAddress leaves it to the subnet (aiscale's node subnets are "
                        "private); Azure scale sets and GCE templates get no public address without "
                        "publicIPAddressConfiguration / accessConfigs (https://cloud.google.com/compute/docs/ip-"
                        "addresses)."),
          omitted_verdict="pass"),
    Check("SEC-COMPUTE-003", "security", "Encrypted EBS volumes",
          "Block devices of launch templates and instances, and standalone EBS volumes, are encrypted.",
          "high", "mandatory", "Set ebs.encrypted true with a kmsKeyId.", encrypted_volumes,
          (tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE, tokens.AWS_EBS_VOLUME),
          anchors=("CKV_AWS_8", "CKV_AWS_3", "AVD-AWS-0008", "awsguard encrypted-volumes",
                   "KICS cc997676-481b-4e93-aa81-d19f8c5e9b12"),
          when_omitted=("encrypted left out is false unless the account turned on EBS encryption by default "
                        "(https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html)."),
          omitted_verdict="fail"),
    Check("SEC-COMPUTE-004", "security", "No credentials in user data",
          "User data, custom data and startup scripts carry no access keys, private keys or account keys.",
          "critical", "mandatory", "Give the VM an identity and read secrets from a secret store.",
          no_secrets_in_user_data, (tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE, tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET) + GCE_TEMPLATES,
          anchors=("CKV_AWS_46", "AVD-AWS-0029", "AVD-AWS-0129"),
          when_omitted="No user data: nothing to leak.",
          omitted_verdict="pass"),
    Check("SEC-COMPUTE-005", "security", "GCE templates use a dedicated service account",
          "GPU instance templates do not run as the default compute service account.", "medium", "advisory",
          "Create a least-privilege service account and set serviceAccount.email.",
          gce_dedicated_identity, GCE_TEMPLATES, anchors=("CKV_GCP_30",),
          when_omitted=("No serviceAccount block: the template's VMs run without a service account, so without "
                        "credentials (https://www.pulumi.com/registry/packages/gcp/api-"
                        "docs/compute/instancetemplate/)."),
          omitted_verdict="pass"),
    Check("SEC-COMPUTE-006", "security", "GCE templates block project-wide SSH keys",
          "Instance templates set metadata block-project-ssh-keys or enable-oslogin.", "medium", "advisory",
          "Add metadata block-project-ssh-keys = 'true' (or enable-oslogin = 'TRUE').",
          gce_block_project_ssh_keys, GCE_TEMPLATES, anchors=("CKV_GCP_32",),
          when_omitted=("No block-project-ssh-keys or enable-oslogin metadata: project-wide SSH keys reach the "
                        "VMs (https://cloud.google.com/compute/docs/connect/restrict-ssh-keys)."),
          omitted_verdict="fail"),
    Check("SEC-COMPUTE-007", "security", "VM scale sets: no password login",
          "Linux scale sets disable password authentication.", "high", "mandatory",
          "Set linuxConfiguration.disablePasswordAuthentication true and use SSH keys.",
          vmss_no_password_auth, (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET,), anchors=("CKV_AZURE_49",),
          when_omitted=("Without disablePasswordAuthentication false is assumed and a password login is allowed "
                        "when an adminPassword is set (https://learn.microsoft.com/en-"
                        "us/rest/api/compute/virtual-machine-scale-sets/create-or-update)."),
          omitted_verdict="fail"),
    Check("SEC-COMPUTE-008", "security", "VM scale sets: encryption at host",
          "Scale sets encrypt OS, data and temp disks at the host.", "medium", "advisory",
          "Set virtualMachineProfile.securityProfile.encryptionAtHost true.",
          vmss_encryption_at_host, (tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET,), anchors=("CKV_AZURE_97",),
          when_omitted=("encryptionAtHost defaults to false (https://learn.microsoft.com/en-us/azure/virtual-"
                        "machines/disk-encryption#encryption-at-host---end-to-end-encryption-for-your-vm-data)."),
          omitted_verdict="fail"),
    Check("SEC-COMPUTE-009", "security", "GCE templates keep Shielded VM integrity monitoring",
          "Instance templates do not turn off shieldedInstanceConfig.enableVtpm or "
          "enableIntegrityMonitoring (both on by default on Shielded VM images). Secure boot is not "
          "required: GPU drivers built on the VM are unsigned.", "medium", "advisory",
          "Remove enableVtpm / enableIntegrityMonitoring false.", gce_shielded_vm, GCE_TEMPLATES,
          anchors=("CKV_GCP_39",), url=_GCE_SHIELDED_DOCS,
          when_omitted="vTPM and integrity monitoring are on by default for Shielded VM images, secure boot "
          "off (" + _GCE_SHIELDED_DOCS + "). CKV_GCP_39 fails a template without the block; this check "
          "follows the platform default.", omitted_verdict="pass"),
    Check("SEC-COMPUTE-010", "security", "GCE templates without IP forwarding",
          "Instance templates do not set canIpForward.", "medium", "advisory", "Remove canIpForward.",
          gce_no_ip_forwarding, GCE_TEMPLATES, anchors=("CKV_GCP_36", "KICS f34c0c25-47b4-41eb-9c79-249b4dd47b89"),
          url="https://cloud.google.com/vpc/docs/using-routes#canipforward",
          when_omitted=("canIpForward defaults to false (https://cloud.google.com/vpc/docs/using-"
                        "routes#canipforward)."),
          omitted_verdict="pass"),
    Check("SEC-COMPUTE-011", "security", "GCE templates without serial port access",
          "Instance templates do not set metadata serial-port-enable.", "medium", "advisory",
          "Remove metadata serial-port-enable.", gce_no_serial_port, GCE_TEMPLATES, anchors=("CKV_GCP_35",),
          url="https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-using-serial-console",
          when_omitted="The interactive serial console is off unless serial-port-enable is set "
          "(https://cloud.google.com/compute/docs/troubleshooting/troubleshooting-using-serial-console).",
          omitted_verdict="pass"),
)
"""The GPU-VM checks of the security pack."""
