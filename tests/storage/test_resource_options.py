"""Standard ``pulumi.ResourceOptions`` on ``ObjectStore`` reach its data-holding children."""

from __future__ import annotations

import pulumi
import pytest

from aiscale.object_store import ObjectStore

from .helpers import KMS_KEY, S3_BUCKET, STORAGE_ACCOUNT, store_args

#: The data-holding children of a customer-managed store, by cloud.
STATEFUL = {
    "aws": [S3_BUCKET, KMS_KEY],
    "azure": [STORAGE_ACCOUNT, "azure-native:keyvault:Vault", "azure-native:keyvault:Key",
              "azure-native:storage:BlobContainer"],
    "gcp": ["gcp:storage/bucket:Bucket", "gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey"],
}


def _records(preview, cloud: str, opts: pulumi.ResourceOptions, **overrides):
    def program() -> None:
        ObjectStore("models", store_args(cloud, **overrides), opts)

    return preview(program).resources


def _stateful(records, cloud: str):
    found = [r for r in records if r.type in STATEFUL[cloud]]
    assert {r.type for r in found} == set(STATEFUL[cloud]), "every data-holding child was declared"
    return found


@pytest.mark.parametrize("cloud", sorted(STATEFUL))
def test_protect_in_resource_options_protects_bucket_key_and_key_ring(preview, cloud):
    records = _records(preview, cloud, pulumi.ResourceOptions(protect=True))
    for record in _stateful(records, cloud):
        assert record.protect is True, record.type
        assert record.retain_on_delete is False, "protect alone does not retain"


@pytest.mark.parametrize("cloud", sorted(STATEFUL))
def test_retain_on_delete_in_resource_options_reaches_the_data(preview, cloud):
    records = _records(preview, cloud, pulumi.ResourceOptions(retain_on_delete=True))
    for record in _stateful(records, cloud):
        assert (record.protect, record.retain_on_delete) == (False, True), record.type


@pytest.mark.parametrize("cloud", sorted(STATEFUL))
def test_depends_on_in_resource_options_holds_the_data_back(preview, cloud):
    def program() -> None:
        gate = pulumi.CustomResource("test:index:Gate", "gate")
        ObjectStore("models", store_args(cloud), pulumi.ResourceOptions(depends_on=[gate]))

    records = preview(program).resources
    gate = next(r for r in records if r.type == "test:index:Gate")
    for record in _stateful(records, cloud):
        assert gate.urn in record.dependencies, record.type


def test_without_options_dev_data_is_neither_protected_nor_retained(preview):
    for record in _stateful(_records(preview, "aws", None), "aws"):
        assert (record.protect, record.retain_on_delete) == (False, False), record.type


def test_protect_false_in_options_does_not_unprotect_a_protected_store(preview):
    records = _records(preview, "gcp", pulumi.ResourceOptions(protect=False), protect=True)
    for record in _stateful(records, "gcp"):
        assert (record.protect, record.retain_on_delete) == (True, True), record.type


def test_help_shows_the_components_own_arguments():
    doc = ObjectStore.__init__.__doc__
    assert "``access_log_bucket``" in doc and "``lifecycle``" in doc
    assert ":param str t:" not in doc, "not pulumi.ComponentResource's arguments"
