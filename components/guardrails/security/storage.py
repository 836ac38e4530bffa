"""Security checks for object storage: S3, Azure Storage, Google Cloud Storage."""

from __future__ import annotations

import json

from aiscale.facts import reader, tokens

from .. import schema
from ..props import UnknownValue, as_bool, get, get_bool, is_set, is_unknown, items, lower
from ..registry import NOT_APPLICABLE, Check, NotApplicable, Violation


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
_S3_LOG_DOCS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
_GCS_LOG_DOCS = "https://cloud.google.com/storage/docs/access-logs"


def pab_all_flags(resource_type, props, ctx):
    """All four S3 Block Public Access flags must be true."""
    off = [flag for flag in PAB_FLAGS if get_bool(props, flag) is not True]
    return [f"public access block leaves {', '.join(off)} off; set all four flags to true"] if off else []


def _pab_covers(pab, bucket) -> bool:
    """True when a bucket sub-resource (public access block, SSE, logging) belongs to `bucket`."""
    if pab.depends_on(bucket.urn, "bucket") or pab.parent == bucket.urn:
        return True
    target = pab.props.get("bucket")
    return isinstance(target, str) and not is_unknown(target) and target in (
        bucket.props.get("bucket"), bucket.name)


def _same_name(value, name) -> bool:
    """True when both are the same known, non-empty name."""
    return isinstance(value, str) and bool(value) and not is_unknown(value) and value == name


def _gcs_log_bucket(view):
    """A GCS bucket's ``logging.logBucket`` as sent (possibly unknown), or None."""
    logging = view.props.get("logging")
    return logging.get("logBucket") if isinstance(logging, dict) else None


def _inline_s3_targets(bucket) -> list:
    """The target bucket names of a bucket's legacy inline logging blocks."""
    loggings = bucket.props.get("loggings")
    blocks = [bucket.props.get("logging")] + (loggings if isinstance(loggings, list) else [])
    return [block.get("targetBucket") for block in blocks if isinstance(block, dict)]


def s3_log_targets(resources) -> set:
    """URNs of the S3 buckets in the stack that receive server access logs (the target of a
    BucketLogging or of another bucket's inline logging), by dependency or by known name."""
    buckets = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET]
    loggings = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_LOGGING]

    def receives(bucket) -> bool:
        name = bucket.props.get("bucket")
        if any(lg.depends_on(bucket.urn, "targetBucket") or _same_name(lg.props.get("targetBucket"), name)
               for lg in loggings):
            return True
        return any(other.urn != bucket.urn and (
            other.depends_on(bucket.urn, "logging") or other.depends_on(bucket.urn, "loggings")
            or any(_same_name(target, name) for target in _inline_s3_targets(other))) for other in buckets)

    return {b.urn for b in buckets if receives(b)}


def gcs_log_targets(resources) -> set:
    """URNs of the GCS buckets in the stack that are another bucket's ``logging.logBucket``."""
    buckets = [r for r in resources if r.canonical == tokens.GCP_STORAGE_BUCKET]

    def receives(bucket) -> bool:
        name = bucket.props.get("name")
        return any(other.urn != bucket.urn and (
            other.depends_on(bucket.urn, "logging") or _same_name(_gcs_log_bucket(other), name))
            for other in buckets)

    return {b.urn for b in buckets if receives(b)}


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


def _logging_target(logging) -> bool:
    return isinstance(logging, dict) and is_set(logging, "targetBucket")


def s3_access_logging(resources, ctx):
    """Every S3 bucket logs access, inline (legacy) or through a BucketLogging resource, except
    a bucket that receives server access logs in the stack (a log bucket does not log itself)."""
    buckets = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET]
    if not buckets:
        return NotApplicable("no S3 buckets")
    loggings = [r for r in resources if r.canonical == tokens.AWS_S3_BUCKET_LOGGING]
    targets = s3_log_targets(resources)
    out = []
    for b in buckets:
        inline = _logging_target(b.props.get("logging")) or any(
            _logging_target(x) for x in b.props.get("loggings") or [] if not is_unknown(x))
        if not inline and b.urn not in targets and not any(_pab_covers(lg, b) for lg in loggings):
            out.append(Violation(b.urn, f"S3 bucket '{b.name}' has no access logging; add a BucketLogging"))
    return out


def gcs_access_logging(resources, ctx):
    """GCS buckets write usage logs to a log bucket, except a bucket that is another bucket's
    log bucket in the stack (a log bucket does not log itself)."""
    buckets = [r for r in resources if r.canonical == tokens.GCP_STORAGE_BUCKET]
    if not buckets:
        return NotApplicable("no GCS buckets")
    targets = gcs_log_targets(resources)
    return [Violation(b.urn, f"GCS bucket '{b.name}' has no logging.logBucket; set a log bucket")
            for b in buckets if b.urn not in targets and not is_set(b.props, "logging.logBucket")]


CHECKS = (
    Check("SEC-STORAGE-001", "security", "S3 Block Public Access: all four flags on",
          "An S3 public access block must set blockPublicAcls, blockPublicPolicy, ignorePublicAcls "
          "and restrictPublicBuckets to true.", "high", "mandatory",
          "Set all four flags of the BucketPublicAccessBlock to true.", pab_all_flags, (tokens.AWS_S3_BUCKET_PUBLIC_ACCESS_BLOCK,),
          anchors=("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AVD-AWS-0086",
                   "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093"), url=_AWS_S3_DOCS),
    Check("SEC-STORAGE-002", "security", "Every S3 bucket has an explicit public access block",
          "Each S3 bucket in the stack has a BucketPublicAccessBlock whose bucket input refers to it. "
          "Advisory, for explicitness: since April 2023 new buckets block public access by default. "
          "What actually opens a bucket is mandatory in other checks: a block with a flag off "
          "(SEC-STORAGE-001), a public ACL (SEC-STORAGE-003), a policy for any principal (SEC-IAM-001).",
          "medium", "advisory", "Add a BucketPublicAccessBlock for the bucket.", every_bucket_has_pab,
          scope="stack", anchors=("CKV2_AWS_6", "AVD-AWS-0094"), url=_AWS_S3_DOCS),
    Check("SEC-STORAGE-003", "security", "No public S3 ACLs",
          "S3 buckets and bucket ACLs must not use public canned ACLs or grant the AllUsers or "
          "AuthenticatedUsers groups.", "critical", "mandatory",
          "Use a private ACL, or none with BucketOwnerEnforced ownership.", no_public_s3_acl,
          (tokens.AWS_S3_BUCKET, tokens.AWS_S3_BUCKET_ACL), anchors=("CKV_AWS_20", "CKV_AWS_57", "AVD-AWS-0092"), url=_AWS_S3_DOCS),
    Check("SEC-STORAGE-004", "security", "Azure blob anonymous access disabled",
          "Storage accounts must set allowBlobPublicAccess to false.", "critical", "mandatory",
          "Set allowBlobPublicAccess to false on the storage account.", azure_no_blob_public_access,
          (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,), anchors=("CKV_AZURE_190", "AVD-AZU-0007")),
    Check("SEC-STORAGE-005", "security", "Azure blob containers private",
          "Blob containers must have publicAccess 'None'.", "high", "mandatory",
          "Set publicAccess to 'None' on the container.", azure_container_private, (tokens.AZURE_STORAGE_BLOB_CONTAINER,),
          anchors=("CKV_AZURE_34",)),
    Check("SEC-STORAGE-006", "security", "GCS public access prevention enforced",
          "GCS buckets must set publicAccessPrevention to 'enforced'.", "critical", "mandatory",
          "Set publicAccessPrevention to 'enforced'.", gcs_public_access_prevention, (tokens.GCP_STORAGE_BUCKET,),
          anchors=("CKV_GCP_114",), url=_GCS_DOCS),
    Check("SEC-STORAGE-007", "security", "No allUsers or allAuthenticatedUsers on GCS buckets",
          "Bucket IAM members, bindings, policies and ACLs must not grant allUsers or "
          "allAuthenticatedUsers.", "critical", "mandatory",
          "Grant access to named principals only.", gcs_no_public_members,
          (tokens.GCP_STORAGE_BUCKET_IAM_MEMBER, tokens.GCP_STORAGE_BUCKET_IAM_BINDING, tokens.GCP_STORAGE_BUCKET_IAM_POLICY, tokens.GCP_STORAGE_BUCKET_ACCESS_CONTROL, tokens.GCP_STORAGE_BUCKET_ACL),
          anchors=("CKV_GCP_28", "AVD-GCP-0001"), url=_GCS_DOCS),
    Check("SEC-STORAGE-008", "security", "GCS uniform bucket-level access",
          "GCS buckets must set uniformBucketLevelAccess to true.", "medium", "advisory",
          "Set uniformBucketLevelAccess to true.", gcs_uniform_access, (tokens.GCP_STORAGE_BUCKET,),
          anchors=("CKV_GCP_29", "AVD-GCP-0002")),
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
          config_schema={"require_cmk": schema.boolean(True, "Require a customer-managed key.")}),
    Check("SEC-STORAGE-010", "security", "Azure storage HTTPS only",
          "Storage accounts must not set enableHttpsTrafficOnly to false.", "high", "mandatory",
          "Set enableHttpsTrafficOnly to true.", azure_https_only, (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,),
          anchors=("CKV_AZURE_3", "AVD-AZU-0008")),
    Check("SEC-STORAGE-011", "security", "Azure storage minimum TLS 1.2",
          "Storage accounts must set minimumTlsVersion to TLS1_2 or newer.", "high", "mandatory",
          "Set minimumTlsVersion to 'TLS1_2'.", azure_min_tls, (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,),
          anchors=("CKV_AZURE_44", "AVD-AZU-0011")),
    Check("SEC-STORAGE-012", "security", "Azure storage network access denied by default",
          "Storage accounts must deny network access by default or disable public network access.",
          "high", "mandatory", "Set networkRuleSet.defaultAction to 'Deny' and allow the subnets that need it.",
          azure_network_deny, (tokens.AZURE_STORAGE_STORAGE_ACCOUNT,), anchors=("CKV_AZURE_35", "CKV_AZURE_59", "AVD-AZU-0012")),
    Check("SEC-STORAGE-014", "security", "S3 access logging",
          "Every S3 bucket logs access (BucketLogging, or the legacy inline logging). Exempt: a bucket "
          "that receives server access logs in the stack (a BucketLogging targets it): logging a log "
          "bucket into itself would log its own log deliveries.", "low", "advisory",
          "Add a BucketLogging that writes to a log bucket.", s3_access_logging, scope="stack",
          anchors=("CKV_AWS_18", "AVD-AWS-0089"), url=_S3_LOG_DOCS),
    Check("SEC-STORAGE-015", "security", "GCS access logging",
          "GCS buckets set logging.logBucket. Exempt: a bucket that is another bucket's "
          "logging.logBucket in the stack: a log bucket logging into itself would log its own log "
          "deliveries.", "low", "advisory", "Set logging.logBucket.",
          gcs_access_logging, scope="stack", anchors=("CKV_GCP_62", "AVD-GCP-0077"), url=_GCS_LOG_DOCS),
)
"""The object-storage checks of the security pack."""
