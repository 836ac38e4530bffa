"""Token folding, path reading, coercion, and unwrapping the policy SDK's proxies."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UnknownValueError, unknown_checking_proxy

from aiscale.guardrails.props import (UnknownValue, as_bool, as_number, canonical_type, get, get_bool,
                                      is_set, is_unknown, items, plain)
from aiscale.preview.records import UNKNOWN


@pytest.mark.parametrize("token,canonical,reason", [
    ("aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "pulumi-aws v6 S3 token"),
    ("aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl", "v6 ACL token"),
    ("aws:s3/bucket:Bucket", "aws:s3/bucket:Bucket", "v7 token unchanged"),
    ("aws:apigatewayv2/api:Api", "aws:apigatewayv2/api:Api", "a V2 module is not a V2 member"),
    ("azure-native:storage/v20230101:StorageAccount", "azure-native:storage:StorageAccount", "versioned azure-native"),
    ("azure-native:machinelearningservices/v20220501:Compute", "azure-native:machinelearningservices:Compute", "catalogue example"),
    ("azure-native:storage:StorageAccount", "azure-native:storage:StorageAccount", "default version"),
    ("kubernetes:apps/v1:Deployment", "kubernetes:apps:Deployment", "Kubernetes version dropped"),
    ("kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler", "kubernetes:autoscaling:HorizontalPodAutoscaler", "beta version"),
    ("kubernetes:serving.kserve.io/v1beta1:InferenceService", "kubernetes:serving.kserve.io:InferenceService", "CRD group"),
    ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/service:Service", "gcp unchanged"),
])
def test_canonical_type(token, canonical, reason):
    assert canonical_type(token) == canonical, reason


def test_get_reads_nested_paths_and_defaults():
    props = {"a": {"b": {"c": 1.0}}, "n": None}
    assert get(props, "a.b.c") == 1.0
    assert get(props, "a.x.c", "dflt") == "dflt"
    assert get(props, "n", 7) == 7
    assert get({"a": "text"}, "a.b") is None


@pytest.mark.parametrize("props,path", [
    ({"a": UNKNOWN}, "a"),
    ({"a": UNKNOWN}, "a.b"),
    ({"a": {"b": UNKNOWN_BOOLEAN_VALUE}}, "a.b"),
])
def test_get_raises_on_unknown(props, path):
    with pytest.raises(UnknownValue):
        get(props, path)


def test_items_handles_lists_singletons_and_unknown_elements():
    assert items({"l": [1, 2]}, "l") == [1, 2]
    assert items({"l": {"k": 1}}, "l") == [{"k": 1}]
    assert items({}, "l") == []
    with pytest.raises(UnknownValue):
        items({"l": [1, UNKNOWN]}, "l")


def test_is_set_counts_unknown_as_set():
    assert is_set({"k": UNKNOWN}, "k") is True
    assert is_set({"k": ""}, "k") is False
    assert is_set({}, "k") is False


@pytest.mark.parametrize("value,expected", [
    (True, True), (False, False), ("true", True), ("False", False), ("1", True), (0, False), ("maybe", None), (None, None),
])
def test_as_bool(value, expected):
    assert as_bool(value) is expected


@pytest.mark.parametrize("value,expected", [(20.0, 20.0), (3, 3.0), ("4", 4.0), ("x", None), (True, None), (None, None)])
def test_as_number(value, expected):
    assert as_number(value) == expected


def test_get_bool_coerces_launch_template_strings():
    assert get_bool({"x": "true"}, "x") is True
    assert get_bool({}, "x", False) is False


def test_plain_unwraps_policy_proxies_without_tripping_unknowns():
    raw = {"a": {"b": [1, {"c": UNKNOWN}]}, "d": UNKNOWN, "e": "x"}
    proxy = unknown_checking_proxy(raw)
    with pytest.raises(UnknownValueError):
        proxy["d"]  # the SDK proxy raises on access; plain() must not
    unwrapped = plain(proxy)
    assert unwrapped == raw
    assert isinstance(unwrapped["a"]["b"], list) and is_unknown(unwrapped["d"])
