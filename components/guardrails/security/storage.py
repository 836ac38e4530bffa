"""Security checks for object storage: S3, Azure Storage, Google Cloud Storage."""

from __future__ import annotations

import json

from aiscale.facts import reader, tokens

from .. import schema
from ..props import UnknownValue, as_bool, get, get_bool, is_set, items, lower
from ..registry import NOT_APPLICABLE, Check, NotApplicable, Violation
from .access_logs import covers, gcs_log_targets, s3_log_targets  # noqa: F401 - gcs_log_targets re-exported


PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GRANTEE_URIS = ("acs.amazonaws.com/groups/global/AllUsers",
                       "acs.amazonaws.com/groups/global/AuthenticatedUsers")
PUBLIC_GCP_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
PUBLIC_GCS_PREDEFINED = frozenset({"publicread", "publicreadwrite", "authenticatedread"})
KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})
SSE_S3 = "AES256"
"""S3-managed keys: the only default encryption S3 server access log delivery supports on its target."""
ENCRYPTED_TYPES = (tokens.AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION, tokens.AWS_S3_BUCKET, tokens.AZURE_STORAGE_STORAGE_ACCOUNT, tokens.GCP_STORAGE_BUCKET)
"""The resources SEC-STORAGE-009 judges."""
STRONG_TLS = frozenset({"TLS1_2", "TLS1_3"})

_AWS_S3_DOCS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
_GCS_DOCS = "https://cloud.google.com/storage/docs/public-access-prevention"


def pab_all_flags(resource_type, props, ctx):
    """All four S3 Block Public Access flags must be true."""
    off = [flag for flag in PAB_FLAGS if get_bool(props, flag) is not True]
    return [f"public access block leaves {', '.join(off)} off; set all four flags to true"] if off else []


_pab_covers = covers
"""A bucket sub-resource belongs to a bucket (see access_logs.covers)."""


def every_bucket_has_pab(resources, ctx):
    """Every S3 bucket states its public access block explicitly (advisory: new buckets block
    public access by default; an ACL, a policy or a block that opens a bucket is mandatory
    elsewhere: SEC-STORAGE-001, SEC-STORAGE-003, SEC-IAM-001)."""
    buckets = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET]
    if not buckets:
        return NotApplicable("no S3 buckets")
    blocks = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_PUBLIC_ACCESS_BLOCK]
    return [Violation(b.urn, f"S3 bucket '{b.name}' has no BucketPublicAccessBlock; add one with all four flags true")
            for b in buckets if not any(_pab_covers(pab, b) for pab in blocks)]


def no_public_s3_acl(resource_type, props, ctx):
    """No public canned ACL and no grant to AllUsers/AuthenticatedUsers."""
    out = []
    acl = get(props, "acl")
    if lower(acl) in PUBLIC_CANNED_ACLS:
        out.append(f"acl is '{acl}'; use 'private' (or no ACL with bucket-owner-enforced ownership)")
    grants = items(props, "grants") if resource_type == tokens.AWS_S3_BUCKET else items(props, "accessControlPolicy.grants")
    for grant in grants:
        uri = get(grant, "uri") or get(grant, "grantee.uri") or ""
        if any(uri.endswith(public) for public in PUBLIC_GRANTEE_URIS):
            out.append(f"a grant gives access to the public group {uri}; remove it")
    return out


def azure_no_blob_public_access(resource_type, props, ctx):
    """allowBlobPublicAccess must not be true (omitted reads as false: the API's default)."""
    if reader.bucket(resource_type, props).public_access.flag() is True:
        return ["allowBlobPublicAccess is true; set it to false (or leave it out)"]
    return []


def azure_container_private(resource_type, props, ctx):
    """Blob containers must not allow anonymous access."""
    access = get(props, "publicAccess")
    if access not in (None, "None"):
        return [f"publicAccess is '{access}'; set it to 'None'"]
    return []


def gcs_public_access_prevention(resource_type, props, ctx):
    """publicAccessPrevention must be "enforced" (missing means "inherited")."""
    value = reader.bucket(resource_type, props).public_access.known()
    if value != "enforced":
        return [f"publicAccessPrevention is '{value or 'inherited'}'; set it to 'enforced'"]
    return []


def _public_members(members) -> list[str]:
    return [m for m in members if isinstance(m, str) and lower(m) in PUBLIC_GCP_MEMBERS]


def gcs_no_public_members(resource_type, props, ctx):
    """No allUsers/allAuthenticatedUsers in bucket IAM or ACLs."""
    if resource_type == tokens.GCP_STORAGE_BUCKET_IAM_MEMBER:
        found = _public_members([get(props, "member")])
    elif resource_type == tokens.GCP_STORAGE_BUCKET_IAM_BINDING:
        found = _public_members(items(props, "members"))
    elif resource_type == tokens.GCP_STORAGE_BUCKET_IAM_POLICY:
        data = get(props, "policyData")
        try:
            bindings = json.loads(data).get("bindings", []) if isinstance(data, str) else []
        except (ValueError, AttributeError):
            return NotApplicable("policyData is not JSON")
        found = _public_members([m for b in bindings for m in b.get("members", [])])
    elif resource_type == tokens.GCP_STORAGE_BUCKET_ACCESS_CONTROL:
        found = _public_members([get(props, "entity")])
    else:
        entities = [str(e).split(":", 1)[-1] for e in items(props, "roleEntities")]
        found = _public_members(entities)
        if lower(get(props, "predefinedAcl")) in PUBLIC_GCS_PREDEFINED:
            found.append(str(get(props, "predefinedAcl")))
    return [f"grants bucket access to '{m}'; grant named principals instead" for m in found]


def gcs_uniform_access(resource_type, props, ctx):
    """uniformBucketLevelAccess must be true (IAM only, no per-object ACLs)."""
    if reader.bucket(resource_type, props).uniform_access.flag() is not True:
        return ["uniformBucketLevelAccess is not true; set it to true"]
    return []


def _s3_sse_rules(resource_type, props):
    if resource_type == tokens.AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION:
        return [get(rule, "applyServerSideEncryptionByDefault") or {} for rule in items(props, "rules")]
    inline = get(props, "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault")
    if inline is not None:
        return [inline]
    legacy = items(props, "serverSideEncryptionConfigurations")  # pulumi-aws v6 BucketV2
    return [d for c in legacy for r in items(c, "rules") for d in items(r, "applyServerSideEncryptionByDefaults")]


def encryption_with_cmk(resource_type, props, ctx):
    """Encryption at rest with a customer-managed key (config require_cmk)."""
    require = as_bool(ctx.config.get("require_cmk"), True)
    if resource_type in (tokens.AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION, tokens.AWS_S3_BUCKET):
        rules = _s3_sse_rules(resource_type, props)
        if not rules:
            return ["no default encryption rule; add one"] if resource_type == tokens.AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION else NOT_APPLICABLE
        out = []
        for rule in rules:
            algorithm = get(rule, "sseAlgorithm")
            if require and algorithm not in KMS_ALGORITHMS:
                out.append(f"sseAlgorithm is '{algorithm}' (S3-managed keys); use 'aws:kms' with a kmsMasterKeyId")
            elif require and not is_set(rule, "kmsMasterKeyId"):
                out.append(f"sseAlgorithm '{algorithm}' with the AWS-managed key (no kmsMasterKeyId); set a customer-managed key")
        return out
    if not require:
        return []
    if resource_type == tokens.AZURE_STORAGE_STORAGE_ACCOUNT:
        source = get(props, "encryption.keySource")
        if lower(source) != "microsoft.keyvault":
            return [f"encryption.keySource is '{source or 'Microsoft.Storage'}'; use 'Microsoft.Keyvault' with a key"]
        return []
    if not is_set(props, "encryption.defaultKmsKeyName"):
        return ["no encryption.defaultKmsKeyName; set a Cloud KMS key"]
    return []


def _only_sse_s3(resource_type, props) -> bool:
    rules = _s3_sse_rules(resource_type, props)
    return bool(rules) and all(get(rule, "sseAlgorithm") == SSE_S3 for rule in rules)


def _receives_s3_logs(view, targets: set, buckets) -> bool:
    """True when an S3 bucket, or the bucket an SSE configuration belongs to, is a log target."""
    if view.canonical == tokens.AWS_S3_BUCKET:
        return view.urn in targets
    return any(b.urn in targets and _pab_covers(view, b) for b in buckets)


def _default_sse_only(bucket, resources, targets, ctx) -> list:
    """A bucket with no default-encryption rule anywhere (inline or a separate configuration)
    gets S3's own default, SSE-S3 (since January 2023): a violation when a customer-managed key
    is required, unless the bucket receives server access logs (which need SSE-S3)."""
    configs = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION]
    try:
        inline = _s3_sse_rules(tokens.AWS_S3_BUCKET, bucket.props)
    except UnknownValue:
        return []
    if inline or any(_pab_covers(c, bucket) for c in configs):
        return []  # judged on its own rules
    if not as_bool(ctx.config.get("require_cmk"), True) or bucket.urn in targets:
        return []
    return [f"S3 bucket '{bucket.name}' has no default-encryption configuration, so S3 applies SSE-S3 "
            "(S3-managed keys); add a BucketServerSideEncryptionConfiguration with 'aws:kms' and a kmsMasterKeyId"]


def encryption_at_rest(resources, ctx):
    """Customer-managed keys at rest (per resource, as :func:`encryption_with_cmk`), except
    SSE-S3 on an S3 bucket that receives server access logs: S3 delivers those logs only to
    buckets whose default encryption is SSE-S3 (AES256)."""
    covered = [r for r in resources if r.canonical in ENCRYPTED_TYPES]
    if not covered:
        return NotApplicable("no buckets or storage accounts")
    targets = s3_log_targets(resources)
    buckets = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET]
    out = [Violation(b.urn, message) for b in buckets for message in _default_sse_only(b, resources, targets, ctx)]
    for view in covered:
        try:
            outcome = encryption_with_cmk(view.canonical, view.props, ctx)
            if (outcome and not isinstance(outcome, NotApplicable) and view.canonical in (tokens.AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION, tokens.AWS_S3_BUCKET)
                    and _only_sse_s3(view.canonical, view.props) and _receives_s3_logs(view, targets, buckets)):
                outcome = []
        except UnknownValue:
            continue  # this resource's encryption is not known yet; the others are still judged
        if not isinstance(outcome, NotApplicable):
            out.extend(Violation(view.urn, message) for message in outcome)
    return out


def azure_https_only(resource_type, props, ctx):
    """enableHttpsTrafficOnly must not be false."""
    return ["enableHttpsTrafficOnly is false; set it to true"] if get_bool(props, "enableHttpsTrafficOnly") is False else []


def azure_min_tls(resource_type, props, ctx):
    """minimumTlsVersion must be TLS1_2 or newer."""
    version = get(props, "minimumTlsVersion")
    return [] if version in STRONG_TLS else [f"minimumTlsVersion is '{version or 'unset'}'; set 'TLS1_2'"]


def azure_network_deny(resource_type, props, ctx):
    """Network access denied by default, or public network access disabled."""
    if get(props, "publicNetworkAccess") == "Disabled" or get(props, "networkRuleSet.defaultAction") == "Deny":
        return []
    return ["the account accepts traffic from any network; set networkRuleSet.defaultAction 'Deny' "
            "or publicNetworkAccess 'Disabled'"]


CHECKS = (
    Check("SEC-STORAGE-001", "security", "S3 Block Public Access: all four flags on",
          "An S3 public access block must set blockPublicAcls, blockPublicPolicy, ignorePublicAcls "
          "and restrictPublicBuckets to true.", "high", "mandatory",
          "Set all four flags of the BucketPublicAccessBlock to true.", pab_all_flags, (tokens.AWS_S3_BUCKET_PUBLIC_ACCESS_BLOCK,),
          anchors=("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AVD-AWS-0086",
                   "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093"), url=_AWS_S3_DOCS,
          when_omitted=("Each flag of a BucketPublicAccessBlock that is left out is false (the S3 API's default "
                        "for PutPublicAccessBlock: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-"
                        "control-block-public-access.html)."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-002", "security", "Every S3 bucket has an explicit public access block",
          "Each S3 bucket in the stack has a BucketPublicAccessBlock whose bucket input refers to it. "
          "Advisory, for explicitness: since April 2023 new buckets block public access by default. "
          "What actually opens a bucket is mandatory in other checks: a block with a flag off "
          "(SEC-STORAGE-001), a public ACL (SEC-STORAGE-003), a policy for any principal (SEC-IAM-001).",
          "medium", "advisory", "Add a BucketPublicAccessBlock for the bucket.", every_bucket_has_pab,
          scope="stack", anchors=("CKV2_AWS_6", "AVD-AWS-0094"), url=_AWS_S3_DOCS,
          when_omitted=("Without a BucketPublicAccessBlock, buckets created since April 2023 block public access "
                        "by default (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-"
                        "public-access.html); the advisory finding asks for the block to be stated."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-003", "security", "No public S3 ACLs",
          "S3 buckets and bucket ACLs must not use public canned ACLs or grant the AllUsers or "
          "AuthenticatedUsers groups.", "critical", "mandatory",
          "Use a private ACL, or none with BucketOwnerEnforced ownership.", no_public_s3_acl,
          (tokens.AWS_S3_BUCKET, tokens.AWS_S3_BUCKET_ACL), anchors=("CKV_AWS_20", "CKV_AWS_57", "AVD-AWS-0092"), url=_AWS_S3_DOCS,
          when_omitted=("No acl: the bucket is private and, since April 2023, ACLs are disabled "
                        "(BucketOwnerEnforced) (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-"
                        "object-ownership.html)."),
          omitted_verdict="pass"),
    Check("SEC-STORAGE-004", "security", "Azure blob anonymous access disabled",
          "Storage accounts must set allowBlobPublicAccess to false.", "critical", "mandatory",
          "Set allowBlobPublicAccess to false on the storage account.", azure_no_blob_public_access,
          (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,), anchors=("CKV_AZURE_190", "AVD-AZU-0007"),
          when_omitted=("allowBlobPublicAccess: 'The default interpretation is false for this property' (azure-"
                        "native StorageAccount, API 2024-01-01; https://learn.microsoft.com/en-"
                        "us/azure/storage/common/storage-account-create)."),
          omitted_verdict="pass"),
    Check("SEC-STORAGE-005", "security", "Azure blob containers private",
          "Blob containers must have publicAccess 'None'.", "high", "mandatory",
          "Set publicAccess to 'None' on the container.", azure_container_private, (tokens.AZURE_STORAGE_BLOB_CONTAINER,),
          anchors=("CKV_AZURE_34",),
          when_omitted=("publicAccess left out is 'None': no anonymous access (https://learn.microsoft.com/en-"
                        "us/azure/storage/blobs/anonymous-read-access-configure)."),
          omitted_verdict="pass"),
    Check("SEC-STORAGE-006", "security", "GCS public access prevention enforced",
          "GCS buckets must set publicAccessPrevention to 'enforced'.", "critical", "mandatory",
          "Set publicAccessPrevention to 'enforced'.", gcs_public_access_prevention, (tokens.GCP_STORAGE_BUCKET,),
          anchors=("CKV_GCP_114",), url=_GCS_DOCS,
          when_omitted=("publicAccessPrevention left out is 'inherited': public access is possible unless an "
                        "organization policy enforces prevention (https://cloud.google.com/storage/docs/public-"
                        "access-prevention)."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-007", "security", "No allUsers or allAuthenticatedUsers on GCS buckets",
          "Bucket IAM members, bindings, policies and ACLs must not grant allUsers or "
          "allAuthenticatedUsers.", "critical", "mandatory",
          "Grant access to named principals only.", gcs_no_public_members,
          (tokens.GCP_STORAGE_BUCKET_IAM_MEMBER, tokens.GCP_STORAGE_BUCKET_IAM_BINDING, tokens.GCP_STORAGE_BUCKET_IAM_POLICY, tokens.GCP_STORAGE_BUCKET_ACCESS_CONTROL, tokens.GCP_STORAGE_BUCKET_ACL),
          anchors=("CKV_GCP_28", "AVD-GCP-0001"), url=_GCS_DOCS,
          when_omitted=("No IAM member, binding, policy or ACL entry: nothing is granted to allUsers "
                        "(https://cloud.google.com/storage/docs/access-control/iam)."),
          omitted_verdict="pass"),
    Check("SEC-STORAGE-008", "security", "GCS uniform bucket-level access",
          "GCS buckets must set uniformBucketLevelAccess to true.", "medium", "advisory",
          "Set uniformBucketLevelAccess to true.", gcs_uniform_access, (tokens.GCP_STORAGE_BUCKET,),
          anchors=("CKV_GCP_29", "AVD-GCP-0002"),
          when_omitted=("uniformBucketLevelAccess left out is false: fine-grained ACLs stay on unless an "
                        "organization policy requires uniform access "
                        "(https://cloud.google.com/storage/docs/uniform-bucket-level-access)."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-009", "security", "Encryption at rest with a customer-managed key",
          "S3 encryption configurations and buckets, Azure storage accounts and GCS buckets encrypt "
          "with a KMS / Key Vault key the platform controls (config require_cmk; when false, S3 only "
          "needs a default encryption rule). S3 has encrypted every new object with SSE-S3 since January "
          "2023, so this check is about who controls the key: an S3 bucket with no encryption "
          "configuration at all gets SSE-S3 and fails while require_cmk is on. Exempt: SSE-S3 (AES256) on an S3 bucket that receives "
          "server access logs in the stack, because S3 delivers server access logs only to buckets "
          "whose default encryption is SSE-S3.", "medium", "advisory",
          "Configure a KMS key (aws:kms + kmsMasterKeyId, Microsoft.Keyvault, defaultKmsKeyName).",
          encryption_at_rest, scope="stack",
          anchors=("CKV_AWS_145", "AVD-AWS-0132", "CKV2_AZURE_1", "AVD-GCP-0066"),
          config_schema={"require_cmk": schema.boolean(True, "Require a customer-managed key.")},
          when_omitted=("S3: no encryption configuration means SSE-S3, S3-managed keys, since January 2023 "
                        "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html); "
                        "Azure: Microsoft-managed keys; GCS: Google-managed keys. None is a key the platform "
                        "controls."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-010", "security", "Azure storage HTTPS only",
          "Storage accounts must not set enableHttpsTrafficOnly to false.", "high", "mandatory",
          "Set enableHttpsTrafficOnly to true.", azure_https_only, (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,),
          anchors=("CKV_AZURE_3", "AVD-AZU-0008"),
          when_omitted=("enableHttpsTrafficOnly defaults to true for accounts created with API 2019-04-01 and "
                        "later (https://learn.microsoft.com/en-us/azure/storage/common/storage-account-create)."),
          omitted_verdict="pass"),
    Check("SEC-STORAGE-011", "security", "Azure storage minimum TLS 1.2",
          "Storage accounts must set minimumTlsVersion to TLS1_2 or newer.", "high", "mandatory",
          "Set minimumTlsVersion to 'TLS1_2'.", azure_min_tls, (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,),
          anchors=("CKV_AZURE_44", "AVD-AZU-0011"),
          when_omitted=("minimumTlsVersion: 'The default interpretation is TLS 1.0 for this property' (azure-"
                        "native StorageAccount)."),
          omitted_verdict="fail"),
    Check("SEC-STORAGE-012", "security", "Azure storage network access denied by default",
          "Storage accounts must deny network access by default or disable public network access.",
          "high", "mandatory", "Set networkRuleSet.defaultAction to 'Deny' and allow the subnets that need it.",
          azure_network_deny, (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,), anchors=("CKV_AZURE_35", "CKV_AZURE_59", "AVD-AZU-0012"),
          when_omitted=("Without networkRuleSet or publicNetworkAccess, the account accepts traffic from any "
                        "network (https://learn.microsoft.com/en-us/azure/storage/common/storage-network-"
                        "security)."),
          omitted_verdict="fail"),
)
"""The object-storage checks of the security pack."""
