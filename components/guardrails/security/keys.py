"""Security checks for keys and their stores: KMS rotation, Cloud KMS IAM, Azure Key Vault,
and SNS topics encrypted with a key."""

from __future__ import annotations

import json
import re

from aiscale.facts import tokens

from .. import schema
from ..props import get, get_bool, is_set, items, lower
from ..registry import Check, NotApplicable

PUBLIC_GCP_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
MAX_ROTATION_DAYS = 90
"""Longest Cloud KMS rotation period accepted by default (CKV_GCP_43 asks for 90 days)."""
SYMMETRIC = "SYMMETRIC_DEFAULT"
CLOUD_KMS_IAM = (tokens.GCP_KMS_CRYPTO_KEY_IAM_MEMBER, tokens.GCP_KMS_CRYPTO_KEY_IAM_BINDING,
                 tokens.GCP_KMS_CRYPTO_KEY_IAM_POLICY, tokens.GCP_KMS_KEY_RING_IAM_MEMBER,
                 tokens.GCP_KMS_KEY_RING_IAM_BINDING, tokens.GCP_KMS_KEY_RING_IAM_POLICY)
_DURATION = re.compile(r"^([0-9]+(?:\.[0-9]+)?)s$")
_AWS_ROTATION_DOCS = "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"
_GCP_ROTATION_DOCS = "https://cloud.google.com/kms/docs/key-rotation"
_VAULT_DOCS = "https://learn.microsoft.com/en-us/azure/key-vault/general/network-security"
_PURGE_DOCS = "https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview"


def _seconds(duration):
    """Seconds in a Cloud KMS duration ('7776000s'), or None."""
    match = _DURATION.match(str(duration or ""))
    return float(match.group(1)) if match else None


def key_rotation(resource_type, props, ctx):
    """Symmetric keys rotate automatically (AWS yearly or as configured; Cloud KMS within
    config max_rotation_days). Asymmetric and HMAC keys cannot rotate automatically."""
    if resource_type == tokens.AWS_KMS_KEY:
        spec = get(props, "customerMasterKeySpec") or SYMMETRIC
        if spec != SYMMETRIC or (get(props, "keyUsage") or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
            return NotApplicable("only symmetric encryption keys rotate automatically")
        return [] if get_bool(props, "enableKeyRotation") is True else [
            "enableKeyRotation is not true (KMS default: off); enable it"]
    if (get(props, "purpose") or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
        return NotApplicable("only symmetric Cloud KMS keys rotate automatically")
    limit = float(ctx.config.get("max_rotation_days", MAX_ROTATION_DAYS))
    seconds = _seconds(get(props, "rotationPeriod"))
    if seconds is None:
        return [f"rotationPeriod is not set (Cloud KMS default: never rotate); set at most {limit:g} days"]
    if seconds > limit * 86400:
        return [f"rotationPeriod is {seconds / 86400:g} days; set at most {limit:g} days"]
    return []


def _members(resource_type, props) -> list:
    if resource_type.endswith("IAMMember"):
        return [get(props, "member")]
    if resource_type.endswith("IAMBinding"):
        return items(props, "members")
    try:
        policy = json.loads(get(props, "policyData") or "{}")
    except (TypeError, ValueError):
        return []
    return [m for b in policy.get("bindings", []) if isinstance(b, dict) for m in b.get("members", [])]


def cloud_kms_not_public(resource_type, props, ctx):
    """No Cloud KMS key or key ring grants allUsers or allAuthenticatedUsers."""
    public = [m for m in _members(resource_type, props) if lower(m) in PUBLIC_GCP_MEMBERS]
    return [f"grants key access to '{m}'; grant named principals only" for m in public]


def vault_network_closed(resource_type, props, ctx):
    """A Key Vault refuses the public internet: public network access disabled, or the firewall
    denies by default."""
    if lower(get(props, "properties.publicNetworkAccess")) == "disabled":
        return []
    if lower(get(props, "properties.networkAcls.defaultAction")) == "deny":
        return []
    return ["the vault accepts traffic from any network (default); set properties.publicNetworkAccess "
            "'Disabled' or networkAcls.defaultAction 'Deny'"]


def vault_purge_protection(resource_type, props, ctx):
    """Purge protection keeps deleted keys recoverable for the retention period."""
    if get_bool(props, "properties.enablePurgeProtection") is True and get_bool(props, "properties.enableSoftDelete") is not False:
        return []
    return ["properties.enablePurgeProtection is not true (default: off); enable it (it needs soft delete)"]


def topic_encrypted(resource_type, props, ctx):
    """SNS topics encrypt messages at rest with a KMS key."""
    return [] if is_set(props, "kmsMasterKeyId") else [
        "kmsMasterKeyId is not set (SNS default: no encryption at rest); set a KMS key"]


CHECKS = (
    Check("SEC-KMS-002", "security", "Key rotation on",
          "AWS KMS symmetric keys set enableKeyRotation; Cloud KMS encryption keys set a rotationPeriod "
          "of at most config max_rotation_days. Asymmetric and HMAC keys are not applicable (neither "
          "cloud rotates them automatically).", "medium", "advisory",
          "Set enableKeyRotation true / rotationPeriod '7776000s'.", key_rotation,
          (tokens.AWS_KMS_KEY, tokens.GCP_KMS_CRYPTO_KEY), anchors=("CKV_AWS_7", "CKV_GCP_43"), url=_AWS_ROTATION_DOCS,
          config_schema={"max_rotation_days": schema.number(MAX_ROTATION_DAYS, "Longest Cloud KMS rotation period, in days.", 1)},
          when_omitted="AWS: automatic rotation is off unless enabled (" + _AWS_ROTATION_DOCS + "); GCP: a "
          "key without rotationPeriod is never rotated (" + _GCP_ROTATION_DOCS + ").", omitted_verdict="fail"),
    Check("SEC-KMS-003", "security", "Cloud KMS keys not public",
          "Cloud KMS key and key-ring IAM members, bindings and policies grant neither allUsers nor "
          "allAuthenticatedUsers.", "critical", "mandatory", "Grant the key roles to named principals.",
          cloud_kms_not_public, CLOUD_KMS_IAM, anchors=("CKV_GCP_112",),
          url="https://cloud.google.com/kms/docs/iam",
          when_omitted="A key with no IAM grant is usable only by project principals with KMS roles "
          "(https://cloud.google.com/kms/docs/iam).", omitted_verdict="pass"),
    Check("SEC-KV-001", "security", "Key Vault closed to the public internet",
          "Vaults set properties.publicNetworkAccess 'Disabled' or networkAcls.defaultAction 'Deny'.",
          "high", "mandatory", "Disable public network access (private endpoints) or deny by default.",
          vault_network_closed, (tokens.AZURE_KEYVAULT_VAULT,), anchors=("CKV_AZURE_189", "CKV_AZURE_109"), url=_VAULT_DOCS,
          when_omitted="publicNetworkAccess defaults to 'enabled' (the SDK fills it in) and the firewall's "
          "defaultAction to Allow (" + _VAULT_DOCS + ").", omitted_verdict="fail"),
    Check("SEC-KV-002", "security", "Key Vault purge protection",
          "Vaults enable purge protection (with soft delete), so a deleted key that encrypts model "
          "storage or cluster secrets can be recovered.", "medium", "advisory",
          "Set properties.enablePurgeProtection true.", vault_purge_protection, (tokens.AZURE_KEYVAULT_VAULT,),
          anchors=("CKV_AZURE_110", "CKV_AZURE_42"), url=_PURGE_DOCS,
          when_omitted="Purge protection is off unless enabled; soft delete is on by default ("
          + _PURGE_DOCS + ").", omitted_verdict="fail"),
    Check("SEC-MSG-001", "security", "SNS topics encrypted with KMS",
          "Topics set kmsMasterKeyId (alerts can carry resource names, costs and endpoints).",
          "high", "mandatory", "Set kmsMasterKeyId to a KMS key the publishers may use.", topic_encrypted,
          (tokens.AWS_SNS_TOPIC,), anchors=("CKV_AWS_26", "KICS 28545147-2fc6-42d5-a1f9-cf226658e591"),
          url="https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
          when_omitted="Server-side encryption is off unless a key is set "
          "(https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html).", omitted_verdict="fail"),
)
"""The key-management checks of the security pack."""
