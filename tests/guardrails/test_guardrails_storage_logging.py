"""SEC-STORAGE-009/014/015 as stack checks: unknown inputs, and which buckets count as log targets."""

from __future__ import annotations

import pytest

from aiscale.guardrails import get_check, run_stack
from aiscale.guardrails.security.storage import gcs_log_targets, s3_log_targets
from aiscale.preview.records import UNKNOWN
from tests.guardrails.cases_storage_logging import GCS, LOGGED_PAIR, S3, S3_SSE, gcs, s3, s3_logging, sse
from tests.guardrails.helpers import context, is_na, urn, view


def names(outcome) -> list[str]:
    return sorted(v.urn.rsplit("::", 1)[-1] for v in outcome)


@pytest.mark.parametrize("stack,expected,reason", [
    ([sse("models", key=UNKNOWN)], [], "the KMS key is created in the same stack: counts as set"),
    ([view(S3_SSE, "unknown-sse", {"rules": UNKNOWN}), gcs("plain")], ["plain"],
     "rules unknown: that resource is skipped, the others are still judged"),
    ([s3("logs"), sse("logs", "AES256", key=None),
      view("aws:s3/bucketLogging:BucketLogging", "lg", {"bucket": "acme-models", "targetBucket": UNKNOWN})], ["logs-sse"],
     "an unknown target without dependencies names no bucket: no exemption"),
])
def test_encryption_with_unknown_inputs(stack, expected, reason):
    outcome = run_stack(get_check("SEC-STORAGE-009"), stack, context("SEC-STORAGE-009"))
    assert not is_na(outcome) and names(outcome) == expected, reason


def test_encryption_config_require_cmk_false_accepts_sse_s3_anywhere():
    stack = [s3("models"), sse("models", "AES256", key=None)]
    check = get_check("SEC-STORAGE-009")
    assert names(run_stack(check, stack, context(check.id))) == ["models-sse"]
    assert run_stack(check, stack, context(check.id, {"require_cmk": False})) == []


@pytest.mark.parametrize("check_id", ["SEC-STORAGE-009", "SEC-STORAGE-014", "SEC-STORAGE-015"])
def test_not_applicable_without_buckets(check_id):
    assert is_na(run_stack(get_check(check_id), [view("aws:kms/key:Key", "k", {})], context(check_id)))


@pytest.mark.parametrize("stack,expected,reason", [
    (LOGGED_PAIR, {"logs"}, "BucketLogging target by dependency"),
    ([s3("models"), s3("logs"), s3_logging("models", "logs", linked=False)], {"logs"}, "target by known name"),
    ([s3("models", logging={"targetBucket": "acme-logs"}), s3("logs")], {"logs"}, "legacy inline logging"),
    ([s3("models", loggings=[{"targetBucket": "acme-logs"}]), s3("logs")], {"logs"}, "pulumi-aws v6 loggings list"),
    ([s3("models"), s3("logs")], set(), "no logging at all"),
    ([s3("self"), s3_logging("self", "self")], {"self"}, "a bucket logging into itself is its own target"),
])
def test_s3_log_targets(stack, expected, reason):
    assert s3_log_targets(stack) == {urn(S3, n) for n in expected}, reason


@pytest.mark.parametrize("stack,expected,reason", [
    ([gcs("models", log_to="logs"), gcs("logs")], {"logs"}, "logBucket by known name"),
    ([gcs("models", log_to="logs", linked=True), gcs("logs")], {"logs"}, "logBucket by dependency"),
    ([gcs("models", logging=UNKNOWN), gcs("logs")], set(), "logging unknown, no dependency"),
    ([gcs("logs", log_to="logs")], set(), "logging into itself is not an exemption: it is logging"),
])
def test_gcs_log_targets(stack, expected, reason):
    assert gcs_log_targets(stack) == {urn(GCS, n) for n in expected}, reason
