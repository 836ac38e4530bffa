"""Stack cases for the storage checks that see the whole stack: encryption at rest
(SEC-STORAGE-009) and access logging (SEC-STORAGE-014, -015), with the log-bucket exemptions.

Same shape as ``STACK_CASES``: (check, env, config, compliant stack, [(mutated stack, offending
resource name, reason)]). Each exemption has a baseline that relies on it and a mutation that
removes what grants it (the bucket no longer receives logs), which must then be flagged.
"""

from __future__ import annotations

from aiscale.preview.records import UNKNOWN
from tests.guardrails.helpers import DELETE, patch, urn, view

S3 = "aws:s3/bucket:Bucket"
S3_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
S3_LOGGING = "aws:s3/bucketLogging:BucketLogging"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
VERSIONING_V2 = "aws:s3/bucketVersioningV2:BucketVersioningV2"
AZ_ACCOUNT = "azure-native:storage:StorageAccount"
GCS = "gcp:storage/bucket:Bucket"
KMS = "arn:aws:kms:us-west-2:111122223333:key/1234"
CLOUD_KMS = "projects/p/locations/l/keyRings/r/cryptoKeys/k"


def s3(name: str, **props):
    """An S3 bucket whose physical name is ``acme-<name>``."""
    return view(S3, name, {"bucket": f"acme-{name}", **props})


def sse(bucket: str, algorithm: str = "aws:kms", key=KMS, linked: bool = True):
    """The default encryption of ``bucket`` (linked by dependency, else by its known name)."""
    default = {"sseAlgorithm": algorithm, **({"kmsMasterKeyId": key} if key else {})}
    return view(S3_SSE, f"{bucket}-sse", {"bucket": UNKNOWN if linked else f"acme-{bucket}",
                                          "rules": [{"applyServerSideEncryptionByDefault": default}]},
                deps={"bucket": [urn(S3, bucket)]} if linked else None)


def s3_logging(source: str, target: str, linked: bool = True):
    """A BucketLogging of ``source`` into ``target`` (by dependency, else by known name)."""
    props = {"bucket": UNKNOWN, "targetBucket": UNKNOWN if linked else f"acme-{target}", "targetPrefix": "p/"}
    deps = {"bucket": [urn(S3, source)], **({"targetBucket": [urn(S3, target)]} if linked else {})}
    return view(S3_LOGGING, f"{source}-logging", props, deps=deps)


def gcs(name: str, log_to: str | None = None, linked: bool = False, **props):
    """A GCS bucket named ``acme-<name>``, logging to ``log_to`` (by dependency or by name)."""
    if log_to:
        props["logging"] = {"logBucket": UNKNOWN if linked else f"acme-{log_to}"}
    return view(GCS, name, {"name": f"acme-{name}", **props},
                deps={"logging": [urn(GCS, log_to)]} if log_to and linked else None)


def versioning(bucket: str, status: str = "Enabled", token: str = VERSIONING, linked: bool = True):
    """The BucketVersioning of ``bucket`` (by dependency, else by its known name)."""
    return view(token, f"{bucket}-versioning", {"bucket": UNKNOWN if linked else f"acme-{bucket}",
                                                  "versioningConfiguration": {"status": status}},
                deps={"bucket": [urn(S3, bucket)]} if linked else None)


def blob_service(versioning: bool = False, soft_delete: bool = False):
    """The BlobServiceProperties of the storage account ``acmemodels``."""
    return view("azure-native:storage:BlobServiceProperties", "blob", {
        "accountName": "acmemodels", "isVersioningEnabled": versioning,
        "deleteRetentionPolicy": {"enabled": soft_delete, "days": 7.0}})


def one(token: str, name: str, props: dict):
    return [view(token, name, props)]


SSE_KMS = {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KMS}}]}
INLINE = {"serverSideEncryptionConfiguration": {"rule": {"applyServerSideEncryptionByDefault": {
    "sseAlgorithm": "aws:kms", "kmsMasterKeyId": KMS}}}}
KEY_VAULT = {"encryption": {"keySource": "Microsoft.Keyvault", "keyVaultProperties": {"keyName": "k"}}}
ALGORITHM = "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"
INLINE_ALGORITHM = "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm"

# A store logging into a log bucket whose default encryption is SSE-S3, as AWS requires.
LOGGED_PAIR = [s3("models"), sse("models"), s3("logs"), sse("logs", "AES256", key=None), s3_logging("models", "logs")]
LOGS_ELSEWHERE = LOGGED_PAIR[:4] + [view(S3_LOGGING, "models-logging", {"bucket": "acme-models", "targetBucket": "acme-other"})]

LOGGING_STACK_CASES = [
    # SEC-STORAGE-009: the per-resource baselines and mutations, one resource per stack.
    ("SEC-STORAGE-009", "prod", {}, one(S3_SSE, "sse", SSE_KMS),
     [(one(S3_SSE, "sse", patch(SSE_KMS, {ALGORITHM: "AES256"})), "sse", "S3-managed key"),
      (one(S3_SSE, "sse", patch(SSE_KMS, {"rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId": DELETE})), "sse",
       "AWS-managed KMS key"),
      (one(S3_SSE, "sse", {"rules": []}), "sse", "no rule")]),
    ("SEC-STORAGE-009", "prod", {}, one(S3, "b", INLINE),
     [(one(S3, "b", patch(INLINE, {INLINE_ALGORITHM: "AES256"})), "b", "legacy inline SSE-S3")]),
    ("SEC-STORAGE-009", "prod", {}, one(AZ_ACCOUNT, "acct", KEY_VAULT),
     [(one(AZ_ACCOUNT, "acct", patch(KEY_VAULT, {"encryption.keySource": "Microsoft.Storage"})), "acct", "Microsoft-managed key"),
      (one(AZ_ACCOUNT, "acct", {}), "acct", "no encryption block")]),
    ("SEC-STORAGE-009", "prod", {}, one(GCS, "g", {"encryption": {"defaultKmsKeyName": CLOUD_KMS}}),
     [(one(GCS, "g", {}), "g", "Google-managed key")]),
    # A bucket with no encryption configuration at all gets S3's default, SSE-S3 (January 2023).
    ("SEC-STORAGE-009", "prod", {}, [s3("models"), sse("models")],
     [([s3("models")], "models", "no encryption configuration: S3's default SSE-S3, no customer key"),
      ([s3("models"), sse("other")], "models", "the only configuration is another bucket's")]),
    ("SEC-STORAGE-009", "prod", {}, [s3("logs"), s3_logging("models", "logs"), s3("models"), sse("models")],
     [([s3("logs"), s3("models"), sse("models")], "logs", "default SSE-S3 is exempt only on a log target")]),
    # Exemption: SSE-S3 on a bucket that receives server access logs.
    ("SEC-STORAGE-009", "prod", {}, LOGGED_PAIR,
     [(LOGS_ELSEWHERE, "logs-sse", "the bucket no longer receives logs: SSE-S3 is flagged again"),
      (LOGGED_PAIR[:3] + [sse("logs", "aws:kms", key=None), LOGGED_PAIR[4]], "logs-sse",
       "the exemption is for SSE-S3 only, not the AWS-managed KMS key")]),
    ("SEC-STORAGE-009", "prod", {}, [s3("logs"), sse("logs", "AES256", key=None, linked=False), s3_logging("models", "logs", linked=False)],
     [([s3("logs"), sse("logs", "AES256", key=None, linked=False)], "logs-sse", "matched by known names; no logging at all")]),
    ("SEC-STORAGE-009", "prod", {}, [s3("logs", serverSideEncryptionConfiguration={"rule": {
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}), s3("models", logging={"targetBucket": "acme-logs"}),
        sse("models")],
     [([s3("logs", serverSideEncryptionConfiguration={"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}),
        s3("models")], "logs", "legacy inline: nobody logs into it")]),
    # SEC-STORAGE-013: S3 and Azure versioning live in separate resources; a bucket without one is unversioned.
    ("SEC-STORAGE-013", "prod", {}, [s3("models"), versioning("models")],
     [([s3("models")], "models", "no BucketVersioning: S3's default is unversioned"),
      ([s3("models"), versioning("models", "Suspended")], "models-versioning", "suspended"),
      ([s3("models"), versioning("other")], "models", "the only versioning is another bucket's")]),
    ("SEC-STORAGE-013", "prod", {}, [s3("models", versioning={"enabled": True})],
     [([s3("models", versioning={"enabled": False})], "models", "legacy inline versioning disabled")]),
    ("SEC-STORAGE-013", "prod", {}, [s3("models"), versioning("models", token=VERSIONING_V2, linked=False)],
     [([s3("models"), versioning("models", "Disabled", token=VERSIONING_V2, linked=False)], "models-versioning",
       "v6 token, matched by known name")]),
    ("SEC-STORAGE-013", "prod", {}, [gcs("g", versioning={"enabled": True})],
     [([gcs("g")], "g", "GCS versioning unset: off"), ([gcs("g", versioning={"enabled": False})], "g", "off")]),
    ("SEC-STORAGE-013", "prod", {}, [view(AZ_ACCOUNT, "acct", {"accountName": "acmemodels"}), blob_service(versioning=True)],
     [([view(AZ_ACCOUNT, "acct", {"accountName": "acmemodels"})], "acct", "no BlobServiceProperties: API default off"),
      ([view(AZ_ACCOUNT, "acct", {"accountName": "acmemodels"}), blob_service()], "blob", "neither versioning nor soft delete")]),
    ("SEC-STORAGE-013", "prod", {}, [view(AZ_ACCOUNT, "acct", {"accountName": "acmemodels"}), blob_service(soft_delete=True)],
     [([view(AZ_ACCOUNT, "acct", {"accountName": "acmemodels"}), blob_service(soft_delete=False)], "blob", "soft delete off")]),
    # SEC-STORAGE-014 exemption: a bucket that receives server access logs need not log itself.
    ("SEC-STORAGE-014", "prod", {}, [s3("models"), s3("logs"), s3_logging("models", "logs")],
     [([s3("models"), s3("logs"), view(S3_LOGGING, "models-logging", {"bucket": UNKNOWN, "targetBucket": "acme-other"},
                                      deps={"bucket": [urn(S3, "models")]})], "logs", "it no longer receives logs"),
      ([s3("models"), s3("logs")], "models", "no BucketLogging at all")]),
    ("SEC-STORAGE-014", "prod", {}, [s3("models"), s3("logs"), s3_logging("models", "logs", linked=False)],
     [([s3("models"), s3("logs"), s3_logging("models", "other", linked=False)], "logs", "target matched by known name")]),
    ("SEC-STORAGE-014", "prod", {}, [s3("models", logging={"targetBucket": "acme-logs"}), s3("logs")],
     [([s3("models", logging={"targetBucket": "acme-other"}), s3("logs")], "logs", "legacy inline logging elsewhere")]),
    # SEC-STORAGE-015, and its exemption: another bucket's logging.logBucket need not log itself.
    ("SEC-STORAGE-015", "prod", {}, [gcs("models", log_to="logs"), gcs("logs")],
     [([gcs("models"), gcs("logs")], "models", "no usage logs"),
      ([gcs("models", log_to="other"), gcs("logs")], "logs", "the log bucket receives nothing, so it must log")]),
    ("SEC-STORAGE-015", "prod", {}, [gcs("models", log_to="logs", linked=True), gcs("logs")],
     [([gcs("models", log_to="logs", linked=True), gcs("logs"), gcs("lonely")], "lonely", "log bucket by dependency; another bucket has no logs")]),
]
