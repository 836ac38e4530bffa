"""An explicit provider's region, location and project win over the stack's configuration in the
fake cloud's answers, as in the cloud: ARNs, endpoints and zones of resources registered or
invokes made through a provider in us-west-2 say us-west-2, not the default us-east-1."""

from __future__ import annotations

import pulumi

from aiscale.preview.fake_cloud import FakeCloud


def _cloud() -> FakeCloud:
    return FakeCloud({}, warn=lambda message: None)


def _provider(cloud: FakeCloud, typ: str, inputs: dict) -> str:
    provider_id, _ = cloud.new_resource(pulumi.runtime.MockResourceArgs(typ=typ, name="p", inputs=inputs))
    return f"urn:pulumi:dev::proj::{typ}::p::{provider_id}"


def test_a_registration_through_an_explicit_aws_provider_is_in_its_region():
    cloud = _cloud()
    provider = _provider(cloud, "pulumi:providers:aws", {"region": "us-west-2"})
    through = pulumi.runtime.MockResourceArgs(typ="aws:kms/key:Key", name="k", inputs={}, provider=provider)
    default = pulumi.runtime.MockResourceArgs(typ="aws:kms/key:Key", name="d", inputs={})
    assert cloud.new_resource(through)[1]["arn"].startswith("arn:aws:kms:us-west-2:")
    assert cloud.new_resource(default)[1]["arn"].startswith(f"arn:aws:kms:{cloud.aws_region}:")
    assert cloud.aws_region != "us-west-2", "the stack's own default differs, so the test can fail"


def test_an_invoke_through_a_provider_answers_its_zones_and_project():
    cloud = _cloud()
    aws = _provider(cloud, "pulumi:providers:aws", {"region": "eu-west-1"})
    zones = cloud.call(pulumi.runtime.MockCallArgs(
        token="aws:index/getAvailabilityZones:getAvailabilityZones", args={}, provider=aws))
    assert zones["names"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    gcp = _provider(cloud, "pulumi:providers:gcp", {"project": "acme-ml-dev", "region": "europe-west4"})
    ring = pulumi.runtime.MockResourceArgs(typ="gcp:kms/keyRing:KeyRing", name="r", inputs={"name": "ring"},
                                           provider=gcp)
    assert cloud.new_resource(ring)[0] == "projects/acme-ml-dev/locations/europe-west4/keyRings/ring"


def test_the_dev_stacks_aws_arns_are_in_its_aws_region():
    from aiscale.preview.engine import run_directory
    from tests.conftest import REPO

    result = run_directory(REPO, "dev")
    arns = [value for record in result.resources if record.type.startswith("aws:")
            for value in (record.outputs.get("arn"), record.outputs.get("kmsKeyId"))
            if isinstance(value, str) and value.startswith("arn:aws:kms:")]
    assert arns and all(arn.startswith("arn:aws:kms:us-west-2:") for arn in arns)
