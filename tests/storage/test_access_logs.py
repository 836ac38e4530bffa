"""Access logging across clouds: argument validation, names, and the security pack's verdict on
a store + log bucket pair (no SEC finding on AWS or GCP)."""

from __future__ import annotations

import pulumi
import pytest

from aiscale import naming
from aiscale.aws import naming as aws_naming
from aiscale.gcp import naming as gcp_naming
from aiscale.guardrails import evaluate
from aiscale.access_log_bucket import AccessLogBucket, resolve_log_bucket_args
from aiscale.object_store import ObjectStore, resolve_args
from aiscale.preview.engine import PreviewError

from .helpers import log_bucket_args, logged_store_program, store_args

CONFIGS = {"aws": {"aws:region": "us-west-2"}, "gcp": {"gcp:project": "acme-ml-dev", "gcp:region": "us-central1"}}


@pytest.mark.parametrize("args,fragment,reason", [
    (store_args("azure", access_log_bucket="logs"), "access_log_bucket: not valid on azure", "Azure logs elsewhere"),
    (store_args("aws", access_log_bucket=""), "access_log_bucket: got ''", "empty name"),
    (store_args("gcp", access_log_bucket=7), "access_log_bucket: got 7", "not a name"),
])
def test_store_rejects_bad_log_bucket(args, fragment, reason):
    with pytest.raises(ValueError) as error:
        resolve_args("models", args)
    assert "ObjectStoreArgs." + fragment in str(error.value), reason


@pytest.mark.parametrize("value", [None, "corp-logs", pulumi.Output.from_input("corp-logs")])
def test_store_accepts_a_name_an_output_or_none(value):
    assert resolve_args("models", store_args("aws", access_log_bucket=value)).access_log_bucket is value


@pytest.mark.parametrize("args,fragment,reason", [
    (log_bucket_args("azure", resource_group_name="rg"), "AccessLogBucketArgs.cloud: got 'azure'", "aws or gcp only"),
    (log_bucket_args("aws", bucket="models"), "AccessLogBucketArgs.bucket: unknown field", "the name is fixed"),
    (log_bucket_args("aws", region=""), "AccessLogBucketArgs.region: got ''", "region required"),
    (log_bucket_args("gcp", tags={"a": 1}), "AccessLogBucketArgs.tags", "tags validated like a store's"),
])
def test_log_bucket_rejects_bad_args(args, fragment, reason):
    with pytest.raises(ValueError) as error:
        resolve_log_bucket_args("logs", args)
    assert fragment in str(error.value) and "invalid arguments for AccessLogBucket 'logs'" in str(error.value), reason


@pytest.mark.parametrize("cloud,environment,customer_managed,days", [
    ("aws", "dev", False, 90), ("aws", "prod", False, 365), ("gcp", "staging", True, 90), ("gcp", "prod", True, 365)])
def test_log_bucket_spec(cloud, environment, customer_managed, days):
    spec = resolve_log_bucket_args("logs", log_bucket_args(cloud, environment=environment))
    assert (spec.bucket, spec.versioning, spec.customer_managed) == (naming.ACCESS_LOG_BUCKET, True, customer_managed)
    assert (spec.expire_after_days, spec.cool_after_days, spec.access_log_bucket) == (days, None, None)


def test_bad_log_bucket_args_register_nothing(preview):
    with pytest.raises(PreviewError) as error:
        preview(lambda: AccessLogBucket("logs", log_bucket_args("azure")), config=CONFIGS["aws"])
    assert "AccessLogBucketArgs.cloud: got 'azure'" in str(error.value)
    assert not [r for r in error.value.resources if r.type.startswith(("aws:", "aiscale:"))]


@pytest.mark.parametrize("namer,store_namer", [
    (aws_naming.s3_access_log_bucket_name, aws_naming.s3_bucket_name),
    (gcp_naming.gcs_access_log_bucket_name, gcp_naming.gcs_bucket_name)])
def test_log_bucket_name_never_meets_a_model_bucket_named_access_logs(namer, store_namer):
    log_name, model_name = namer("acme-ml", "dev"), store_namer("acme-ml", "dev", "access-logs")
    assert log_name.startswith("acme-ml-dev-access-logs-") and log_name != model_name
    assert namer("acme-ml", "dev", "example.com") != log_name, "the seed changes the name"


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_store_and_log_bucket_pass_the_security_pack(preview, cloud, environment):
    result = preview(logged_store_program(cloud, environment=environment, protect=environment == "prod"),
                     config=CONFIGS[cloud])
    findings = evaluate(result.resources, ["security"], environment=environment)
    assert [(f.policy, f.urn, f.message) for f in findings] == []


@pytest.mark.parametrize("cloud,policy", [("aws", "SEC-STORAGE-014"), ("gcp", "SEC-STORAGE-015")])
def test_a_store_without_a_log_bucket_is_still_flagged(preview, cloud, policy):
    result = preview(lambda: ObjectStore("models", store_args(cloud)), config=CONFIGS[cloud])
    assert policy in {f.policy for f in evaluate(result.resources, ["security"], environment="dev")}
