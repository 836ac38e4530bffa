"""Table-driven tests for aiscale.naming and each cloud's naming module (``aiscale.<cloud>.naming``):
lengths, charsets, stability and collisions."""

from __future__ import annotations

import re

import pytest

from aiscale import naming
from aiscale.aws import naming as aws_naming
from aiscale.azure import naming as azure_naming
from aiscale.gcp import naming as gcp_naming

LONG = "a" * 22  # the longest platform name the model allows

# (function, charset regex the whole name must match, max length, reason)
GLOBAL_NAMERS = [
    (aws_naming.s3_bucket_name, r"[a-z0-9][a-z0-9-]*[a-z0-9]", 63, "S3: lowercase, digits, '-'"),
    (gcp_naming.gcs_bucket_name, r"[a-z0-9][a-z0-9-]*[a-z0-9]", 63, "GCS: lowercase, digits, '-'"),
    (azure_naming.azure_storage_account_name, r"[a-z0-9]+", 24, "storage account: lowercase alnum only"),
    (azure_naming.azure_key_vault_name, r"[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*[a-zA-Z0-9]", 24,
     "key vault: starts with a letter, single hyphens"),
]

# (platform, environment, bucket, reason)
IDENTITIES = [
    ("acme-ml", "dev", "models", "typical short identity"),
    (LONG, "staging", "checkpoints-and-artifacts-for-training", "long: must be cut"),
    ("9lives", "prod", "m", "platform starting with a digit"),
    ("Acme_ML", "DEV", "Models.Bucket", "uppercase and odd characters are normalised"),
    ("a", "b", "c", "tiny identity still reaches the minimum length"),
]


@pytest.mark.parametrize("namer,charset,max_len,why", GLOBAL_NAMERS, ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("platform,environment,bucket,reason", IDENTITIES)
def test_global_names_are_valid(namer, charset, max_len, why, platform, environment, bucket, reason):
    name = namer(platform, environment, bucket)
    assert 3 <= len(name) <= max_len, (why, reason, name)
    assert re.fullmatch(charset, name), (why, reason, name)


@pytest.mark.parametrize("namer,charset,max_len,why", GLOBAL_NAMERS, ids=lambda v: getattr(v, "__name__", None))
def test_global_names_are_stable_and_end_with_identity_hash(namer, charset, max_len, why):
    first = namer("acme-ml", "dev", "models")
    assert first == namer("acme-ml", "dev", "models"), "same identity, same name"
    cloud = {"s3_bucket_name": "aws", "gcs_bucket_name": "gcp"}.get(namer.__name__, "azure")
    assert first.endswith(naming.stable_suffix("acme-ml", "dev", "models", cloud))


@pytest.mark.parametrize("namer,charset,max_len,why", GLOBAL_NAMERS, ids=lambda v: getattr(v, "__name__", None))
def test_cut_names_do_not_collide(namer, charset, max_len, why):
    """Two buckets whose readable part is cut to the same text still get different names."""
    a = namer(LONG, "staging", "checkpoints-and-artifacts-for-training-run-one")
    b = namer(LONG, "staging", "checkpoints-and-artifacts-for-training-run-two")
    assert a != b
    tail = 6 if namer is azure_naming.azure_storage_account_name else 7  # hash, plus '-' when used
    assert a[:-tail] == b[:-tail], "the readable part was cut to the same text"


@pytest.mark.parametrize("namer,charset,max_len,why", GLOBAL_NAMERS, ids=lambda v: getattr(v, "__name__", None))
def test_seed_changes_global_names(namer, charset, max_len, why):
    assert namer("acme-ml", "dev", "models", seed="example.com") != namer("acme-ml", "dev", "models")


@pytest.mark.parametrize(
    "parts_a,parts_b,reason",
    [
        (("a-b", "c"), ("a", "b-c"), "the separator cannot be forged by the parts"),
        (("acme", "dev", "models", "aws"), ("acme", "dev", "models", "gcp"), "cloud is identity"),
        (("acme", "dev", "models"), ("acme", "prod", "models"), "environment is identity"),
    ],
)
def test_stable_suffix_distinguishes(parts_a, parts_b, reason):
    assert naming.stable_suffix(*parts_a) != naming.stable_suffix(*parts_b), reason


@pytest.mark.parametrize("length", [1, 6, 12, 64])
def test_stable_suffix_length_and_hex(length):
    suffix = naming.stable_suffix("x", length=length)
    assert len(suffix) == length and re.fullmatch(r"[0-9a-f]+", suffix)


@pytest.mark.parametrize("bad", [0, 65, -1])
def test_stable_suffix_rejects_bad_length(bad):
    with pytest.raises(ValueError, match="length"):
        naming.stable_suffix("x", length=bad)


@pytest.mark.parametrize(
    "namer,args,forbidden,reason",
    [
        (aws_naming.s3_bucket_name, ("sthree-co", "dev", "m"), "sthree-", "S3 reserved prefix"),
        (aws_naming.s3_bucket_name, ("amzn-s3-demo-x", "dev", "m"), "amzn-s3-demo-", "S3 reserved prefix"),
        (gcp_naming.gcs_bucket_name, ("googly", "dev", "m"), "goog", "GCS reserved prefix"),
    ],
)
def test_reserved_prefixes_avoided(namer, args, forbidden, reason):
    assert not namer(*args).startswith(forbidden), reason


def test_gcs_names_never_contain_google():
    assert "google" not in gcp_naming.gcs_bucket_name("my-google-ml", "dev", "google")


@pytest.mark.parametrize(
    "bucket,expected,reason",
    [
        ("models", "models", "valid names are kept"),
        ("Model_Weights", "model-weights", "normalised to lowercase and hyphens"),
        ("a--b", "a-b", "no consecutive hyphens"),
    ],
)
def test_azure_container_name(bucket, expected, reason):
    assert azure_naming.azure_container_name(bucket) == expected, reason


@pytest.mark.parametrize("bucket", ["ab", "x" * 80, "--"])
def test_azure_container_name_short_or_long(bucket):
    name = azure_naming.azure_container_name(bucket)
    assert 3 <= len(name) <= 63 and re.fullmatch(r"[a-z0-9](?:[a-z0-9]|-(?!-))*", name)


def test_azure_identity_name():
    name = azure_naming.azure_identity_name("acme-ml", "dev", "models")
    assert name == "id-acme-ml-dev-models-storage"
    assert len(azure_naming.azure_identity_name("a" * 100, "dev", "b" * 100)) <= 128


def test_aws_kms_alias_name():
    assert aws_naming.aws_kms_alias_name("acme-ml", "dev", "Models") == "alias/aiscale/acme-ml-dev-models"


@pytest.mark.parametrize("platform,environment,bucket", [(p, e, b) for p, e, b, _ in IDENTITIES])
def test_gcp_kms_names_valid(platform, environment, bucket):
    names = gcp_naming.gcp_kms_names(platform, environment, bucket)
    for part in names:
        assert 1 <= len(part) <= 63 and re.fullmatch(r"[a-zA-Z0-9_-]+", part)
    assert names == gcp_naming.gcp_kms_names(platform, environment, bucket)


def test_gcp_key_rings_of_cut_names_differ():
    a = gcp_naming.gcp_kms_names("p" * 22, "staging", "x" * 40 + "-one")
    b = gcp_naming.gcp_kms_names("p" * 22, "staging", "x" * 40 + "-two")
    assert a.key_ring != b.key_ring


# Tags ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "tags,expected,reason",
    [
        ({"team": "ml"}, {"team": "ml"}, "valid tags unchanged"),
        ({"cost center": "cc#1"}, {"cost center": "cc_1"}, "spaces allowed, '#' replaced"),
        ({"k" * 200: "v" * 300}, {"k" * 128: "v" * 256}, "keys cut to 128, values to 256"),
        ({"a/b:c=d+e@f": "x.y"}, {"a/b:c=d+e@f": "x.y"}, "AWS punctuation kept"),
    ],
)
def test_aws_tags(tags, expected, reason):
    assert aws_naming.aws_tags(tags) == expected, reason


@pytest.mark.parametrize(
    "tags,expected,reason",
    [
        ({"team": "ml"}, {"team": "ml"}, "valid tags unchanged"),
        ({"a<b>c%d&e\\f?g/h": "v/w"}, {"a_b_c_d_e_f_g_h": "v/w"}, "forbidden name characters replaced"),
        ({"n" * 200: "v" * 300}, {"n" * 128: "v" * 256}, "names cut to 128, values to 256"),
    ],
)
def test_azure_tags(tags, expected, reason):
    assert azure_naming.azure_tags(tags) == expected, reason


@pytest.mark.parametrize(
    "tags,expected,reason",
    [
        ({"team": "ml"}, {"team": "ml"}, "valid labels unchanged"),
        ({"Cost-Center": "CC 1234"}, {"cost-center": "cc_1234"}, "lowercased, space replaced"),
        ({"1st": "x"}, {"k-1st": "x"}, "keys must start with a letter"),
        ({"k" * 80: "v" * 80}, {"k" * 63: "v" * 63}, "keys and values cut to 63"),
        ({"owner": "a.b@example.com"}, {"owner": "a_b_example_com"}, "dots and @ replaced"),
    ],
)
def test_gcp_labels(tags, expected, reason):
    assert gcp_naming.gcp_labels(tags) == expected, reason


@pytest.mark.parametrize(
    "fn,tags,message,reason",
    [
        (gcp_naming.gcp_labels, {"Team": "a", "team": "b"}, "both become 'team'", "collision after lowercasing"),
        (aws_naming.aws_tags, {"a#": "1", "a$": "2"}, "both become 'a_'", "collision after replacement"),
        (azure_naming.azure_tags, {"a?": "1", "a/": "2"}, "both become 'a_'", "collision after replacement"),
        (aws_naming.aws_tags, {"aws:cost": "x"}, "reserved", "aws: prefix is reserved"),
        (aws_naming.aws_tags, {" ": "x"}, "empty key", "blank key"),
        (gcp_naming.gcp_labels, {"": "x"}, "empty key", "blank key"),
        (azure_naming.azure_tags, {"": "x"}, "empty name", "blank name"),
        (aws_naming.aws_tags, {f"k{i}": "v" for i in range(51)}, "at most 50", "too many tags"),
        (gcp_naming.gcp_labels, {f"k{i}": "v" for i in range(65)}, "at most 64", "too many labels"),
    ],
)
def test_tag_errors(fn, tags, message, reason):
    with pytest.raises(ValueError, match=re.escape(message)):
        fn(tags)


def test_kubernetes_labels_follow_the_lowercase_label_rules_and_name_their_owner():
    tags = {"Team": "ML Platform", "9lives": "x"}
    assert naming.lowercase_labels(tags, "kubernetes") == gcp_naming.gcp_labels(tags)
    with pytest.raises(ValueError, match="kubernetes tags: keys 'Team' and 'team' both become 'team'"):
        naming.lowercase_labels({"Team": "a", "team": "b"}, "kubernetes")
