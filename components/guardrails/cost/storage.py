"""Cost checks on storage: lifecycle rules on buckets, cheaper disk classes in non-prod."""

from __future__ import annotations

from aiscale.facts import reader, tokens
from aiscale.facts.references import refers_to

from .. import schema
from ..props import UnknownValue, items
from ..registry import Check, NotApplicable, Violation

GCE_TEMPLATES = (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE,
                 tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE)
EXPENSIVE_DISKS = ("io1", "io2", "gp2", "pd-extreme", "hyperdisk-extreme", "UltraSSD_LRS", "PremiumV2_LRS")
"""Disk classes refused in non-prod by default: provisioned-IOPS and extreme tiers, and gp2 (gp3 is
cheaper for the same baseline)."""


def _has_rules(view, path: str) -> bool:
    try:
        return bool(items(view.props, path))
    except UnknownValue:
        return True  # rules exist, their content is not known yet


def _has_own_rules(bucket) -> bool:
    """True when a bucket declares lifecycle rules inline (or rules not known yet)."""
    try:
        return bool(reader.bucket(bucket.canonical, bucket.props).lifecycle_rules.items())
    except UnknownValue:
        return True  # rules exist, their content is not known yet


def lifecycle_rules(resources, ctx):
    """Every bucket expires, tiers or cleans up objects through lifecycle rules."""
    out = []
    buckets = [r for r in resources if r.canonical in (tokens.AWS_S3_BUCKET, tokens.GCP_STORAGE_BUCKET, tokens.AZURE_STORAGE_STORAGE_ACCOUNT)]
    if not buckets:
        return NotApplicable("no buckets")
    s3_rules = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_LIFECYCLE_CONFIGURATION and _has_rules(r, "rules")]
    az_rules = [r for r in resources if r.canonical == tokens.AZURE_STORAGE_MANAGEMENT_POLICY and _has_rules(r, "policy.rules")]
    for b in buckets:
        if b.canonical == tokens.AWS_S3_BUCKET:
            ok = _has_own_rules(b) or any(refers_to(r, "bucket", b) for r in s3_rules)
            fix = "add a BucketLifecycleConfiguration"
        elif b.canonical == tokens.GCP_STORAGE_BUCKET:
            ok, fix = _has_own_rules(b), "add lifecycleRules"
        else:
            ok = any(refers_to(r, "accountName", b) for r in az_rules)
            fix = "add a ManagementPolicy with rules"
        if not ok:
            out.append(Violation(b.urn, f"bucket '{b.name}' has no lifecycle rules; {fix} (expire, tier, abort uploads)"))
    return out


def cheap_disks_in_nonprod(resource_type, props, ctx):
    """In non-production, disks avoid the provisioned-IOPS and extreme classes."""
    if not ctx.is_nonprod():
        return NotApplicable(f"environment '{ctx.env}' is not non-production")
    refused = {str(t).lower() for t in ctx.config.get("disallowed_disk_types", EXPENSIVE_DISKS)}
    bad = sorted({t for t in reader.disk_types(resource_type, props) if t.lower() in refused})
    return [f"disk type {t} in '{ctx.env}'; use gp3 / pd-balanced / StandardSSD_LRS" for t in bad]


CHECKS = (
    Check("COST-STORAGE-001", "cost", "Lifecycle rules on buckets",
          "Every S3 bucket has a BucketLifecycleConfiguration (or legacy inline rules), every GCS "
          "bucket has lifecycleRules, every storage account has a ManagementPolicy with rules.",
          "low", "advisory", "Add lifecycle rules: tier cold checkpoints, expire scratch data, abort "
          "incomplete uploads.", lifecycle_rules, scope="stack",
          anchors=("CKV2_AWS_61", "pulumi/examples requireBucketLifecycleRules")),
    Check("COST-STORAGE-002", "cost", "Cheaper disk classes in non-production",
          "In environments listed in nonprod_envs, node and VM disks avoid config disallowed_disk_types.",
          "low", "advisory", "Use gp3 (AWS), pd-balanced (GCP) or StandardSSD_LRS / Premium_LRS (Azure).",
          cheap_disks_in_nonprod, (tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE, tokens.GCP_CONTAINER_NODE_POOL, tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET) + GCE_TEMPLATES,
          anchors=("pulumi/examples requireEbsVolumeTypeGP3",),
          config_schema={**schema.env_config(),
                         "disallowed_disk_types": schema.strings(EXPENSIVE_DISKS, "Disk classes refused in non-prod.")}),
)
"""The storage checks of the cost pack."""
