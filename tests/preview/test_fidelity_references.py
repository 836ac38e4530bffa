"""Resources passed as inputs (``role=role``, ``bucket=<Bucket>``) preview as in the engine, and
a program that stops making progress ends with a clear error instead of hanging (issue 18)."""

from __future__ import annotations

import asyncio

import pulumi
import pytest

from aiscale.preview.engine import PreviewError, run_inline
from aiscale.preview.watchdog import DEFAULT_STALL_SECONDS, STALL_ENV, stall_seconds

#: Generous for a run of a few resources, short enough that a regression fails instead of hanging.
STALL_LIMIT = 20.0


def _references_program() -> None:
    import pulumi_aws as aws

    bucket = aws.s3.Bucket("site")
    aws.s3.BucketObject("index", bucket=bucket, content="<h1>hi</h1>")
    role = aws.iam.Role("fn-role", assume_role_policy="{}")
    aws.iam.RolePolicyAttachment("fn-logs", role=role,
                                 policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    group = pulumi.ComponentResource("test:index:Group", "group")
    aws.s3.Bucket("tagged", tags={"group": group})  # a component passed as a value


@pytest.mark.parametrize("attempt", range(4))
def test_resource_references_as_inputs_complete_and_record_the_id_a_provider_gets(attempt):
    """The hang was a race (about one run in two before the fix): several runs, each bounded."""
    result = run_inline(_references_program, stall_limit=STALL_LIMIT)
    bucket = result.one("aws:s3/bucket:Bucket", "site")
    role = result.one("aws:iam/role:Role")
    obj = result.one("aws:s3/bucketObject:BucketObject")
    assert obj.inputs["bucket"] == bucket.id and bucket.id, "a custom resource reference is its id"
    assert obj.property_dependencies["bucket"] == [bucket.urn]
    attachment = result.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["role"] == role.id
    group = result.one("test:index:Group")
    assert result.one("aws:s3/bucket:Bucket", "tagged").inputs["tags"] == {"group": group.urn}


def _never_resolves() -> None:
    import pulumi_aws as aws

    aws.s3.Bucket("last-one")
    never: asyncio.Future = asyncio.get_event_loop().create_future()
    pulumi.export("never", pulumi.Output.from_input(never))


def test_a_program_awaiting_a_future_that_never_resolves_is_stopped_naming_the_last_resource():
    with pytest.raises(PreviewError) as caught:
        run_inline(_never_resolves, stall_limit=1.0)
    message = str(caught.value)
    assert "no progress for 1 s" in message
    assert "urn:pulumi:dev::test::aws:s3/bucket:Bucket::last-one" in message
    assert [r.name for r in caught.value.resources if r.custom] == ["last-one"]


def test_the_stall_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(STALL_ENV, "1.5")
    assert stall_seconds() == 1.5
    with pytest.raises(PreviewError, match="no progress for 1.5 s"):
        run_inline(_never_resolves)
    monkeypatch.delenv(STALL_ENV)
    assert stall_seconds() == DEFAULT_STALL_SECONDS


@pytest.mark.parametrize("value", ["soon", "0", "-3", "inf"])
def test_an_invalid_stall_limit_is_invalid_input_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(STALL_ENV, value)
    with pytest.raises(PreviewError) as caught:
        run_inline(lambda: None)
    assert STALL_ENV in str(caught.value) and repr(value) in str(caught.value)
    assert "positive number of seconds" in str(caught.value)
