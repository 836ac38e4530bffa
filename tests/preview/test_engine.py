"""The offline engine: what the capture monitor records and what the fake cloud answers."""

from __future__ import annotations

import pulumi
import pytest

from aiscale.preview.engine import PreviewError, run_inline
from aiscale.preview.records import UNKNOWN


def _bucket_program() -> None:
    import pulumi_aws.s3 as s3

    parent = pulumi.ComponentResource("test:index:Group", "group")
    bucket = s3.Bucket("data", bucket="data-bucket", tags={"team": "ml"},
                       opts=pulumi.ResourceOptions(parent=parent, protect=True, retain_on_delete=True))
    s3.BucketVersioning("data", bucket=bucket.id,
                        versioning_configuration={"status": "Enabled"},
                        opts=pulumi.ResourceOptions(parent=parent))
    pulumi.export("bucket", bucket.bucket)
    pulumi.export("arn", bucket.arn)
    pulumi.export("token", pulumi.Output.secret("s3cr3t"))


def test_records_parent_options_and_property_dependencies():
    result = run_inline(_bucket_program, config={"aws:region": "eu-west-1"})
    group = result.one("test:index:Group")
    bucket = result.one("aws:s3/bucket:Bucket")
    versioning = result.one("aws:s3/bucketVersioning:BucketVersioning")
    assert bucket.parent == group.urn and versioning.parent == group.urn
    assert group.parent == result.resources[0].urn and result.resources[0].type == "pulumi:pulumi:Stack"
    assert (bucket.protect, bucket.retain_on_delete) == (True, True)
    assert (versioning.protect, versioning.retain_on_delete) == (False, False)
    assert versioning.property_dependencies["bucket"] == [bucket.urn]
    assert versioning.inputs == {"bucket": "data-bucket", "versioningConfiguration": {"status": "Enabled"}}
    assert bucket.custom and not group.custom


def test_fake_cloud_answers_with_realistic_outputs_and_the_configured_region():
    result = run_inline(_bucket_program, config={"aws:region": "eu-west-1"})
    assert result.outputs["arn"] == "arn:aws:s3:::data-bucket"
    assert result.outputs["token"] == "s3cr3t"
    assert result.one("aws:s3/bucket:Bucket").outputs["bucketRegionalDomainName"] == \
        "data-bucket.s3.eu-west-1.amazonaws.com"


def test_common_invokes_are_answered_and_unknown_invokes_warn():
    def program() -> None:
        import pulumi_aws
        import pulumi_azure_native.authorization as authorization
        import pulumi_gcp.organizations as organizations

        pulumi.export("account", pulumi_aws.get_caller_identity().account_id)
        pulumi.export("zones", pulumi_aws.get_availability_zones().names)
        pulumi.export("tenant", authorization.get_client_config().tenant_id)
        pulumi.export("project", organizations.get_project().project_id)
        pulumi.export("ami", pulumi_aws.ec2.get_ami_ids(owners=["amazon"]).ids)
        pulumi.export("nothing", pulumi.runtime.invoke("aws:ec2/getNoSuchThing:getNoSuchThing", {}).value)

    result = run_inline(program, config={"aws:region": "us-west-2", "gcp:project": "p-123456"})
    assert result.outputs["account"] == "123456789012"
    assert result.outputs["zones"] == ["us-west-2a", "us-west-2b", "us-west-2c"]
    assert len(result.outputs["tenant"]) == 36
    assert result.outputs["project"] == "p-123456"
    assert result.outputs["ami"][0].startswith("ami-"), "every invoke of an installed SDK is answered"
    assert any("aws:ec2/getNoSuchThing:getNoSuchThing" in warning for warning in result.warnings)
    assert not any("getAmiIds" in warning for warning in result.warnings)


def test_unknown_inputs_during_preview_are_recorded_as_unknown():
    def program() -> None:
        import pulumi_aws.s3 as s3

        s3.Bucket("data", bucket=pulumi.Output(set(), pulumi.Output.from_input("x").future(), pulumi.Output.from_input(False).future()))

    result = run_inline(program)
    assert result.one("aws:s3/bucket:Bucket").inputs.get("bucket", UNKNOWN) == UNKNOWN


def test_secret_inputs_are_listed_as_secret():
    def program() -> None:
        import pulumi_aws.ssm as ssm

        ssm.Parameter("p", type="SecureString", value=pulumi.Output.secret("hunter2"))

    record = run_inline(program).one("aws:ssm/parameter:Parameter")
    assert "value" in record.secret_paths


def test_program_error_is_one_message_naming_the_program_line_and_keeps_what_was_registered():
    def program() -> None:
        import pulumi_aws.s3 as s3

        s3.Bucket("first")
        raise KeyError("missing-setting")

    with pytest.raises(PreviewError) as caught:
        run_inline(program)
    message = str(caught.value)
    assert message.startswith("program error: KeyError: 'missing-setting' (at ")
    assert "test_engine.py" in message and "Traceback" not in message
    assert [r.type for r in caught.value.resources if r.custom] == ["aws:s3/bucket:Bucket"]


def test_runs_are_isolated_from_each_other():
    first = run_inline(_bucket_program, project="one", stack="a")
    second = run_inline(lambda: None, project="two", stack="b")
    assert len(first.resources) == 4
    assert [r.urn for r in second.resources] == ["urn:pulumi:b::two::pulumi:pulumi:Stack::two-b"]
