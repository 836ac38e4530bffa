"""Deterministic physical names and tag sanitising for every cloud.

Pure functions, no provider imports. A physical name is derived only from stable identity (the
platform name, the environment, the bucket name, the cloud and an optional seed), never from a
list position, so renaming a node pool or reordering buckets never renames a bucket. Names that
must be globally unique (S3 and GCS buckets, Azure storage accounts and key vaults) end with a
short hash of that identity: two identities whose readable part is truncated to the same text
still get different names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import NamedTuple

__all__ = [
    "ACCESS_LOG_BUCKET",
    "GcpKmsNames",
    "aws_kms_alias_name",
    "aws_tags",
    "azure_container_name",
    "azure_identity_name",
    "azure_key_vault_name",
    "azure_storage_account_name",
    "azure_tags",
    "gcp_kms_names",
    "gcp_labels",
    "gcs_access_log_bucket_name",
    "gcs_bucket_name",
    "s3_access_log_bucket_name",
    "s3_bucket_name",
    "stable_suffix",
]

# Limits, from each cloud's naming rules.
S3_BUCKET_MAX = 63
"""S3 bucket names: 3-63 characters, lowercase letters, digits, '-' (and '.', which we avoid)."""
S3_FORBIDDEN_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
"""Prefixes S3 reserves (suffixes it reserves never occur: our names end with hex digits)."""
GCS_BUCKET_MAX = 63
"""GCS bucket names without dots: 3-63 characters."""
AZURE_STORAGE_ACCOUNT_MAX = 24
"""Azure storage accounts: 3-24 characters, lowercase letters and digits only."""
AZURE_CONTAINER_MAX = 63
"""Azure blob containers: 3-63 characters, lowercase letters, digits, single hyphens."""
AZURE_KEY_VAULT_MAX = 24
"""Azure key vaults: 3-24 characters, letters, digits, single hyphens, starting with a letter."""
AZURE_IDENTITY_MAX = 128
"""Azure user-assigned identities: 3-128 characters, letters, digits, '-' and '_'."""
GCP_KMS_NAME_MAX = 63
"""Cloud KMS key rings and keys: 1-63 characters of [a-zA-Z0-9_-]."""
MIN_NAME = 3
"""Every name above is at least 3 characters long."""

AWS_TAG_KEY_MAX, AWS_TAG_VALUE_MAX, AWS_TAGS_MAX = 128, 256, 50
"""AWS tag limits: key length, value length, tags per resource."""
AZURE_TAG_NAME_MAX, AZURE_TAG_VALUE_MAX, AZURE_TAGS_MAX = 128, 256, 50
"""Azure tag limits (128 is the storage-account limit for names, the strictest)."""
GCP_LABEL_MAX, GCP_LABELS_MAX = 63, 64
"""GCP label limits: key and value length, labels per resource."""

_SEPARATOR = "\x1f"  # joins identity parts for hashing; cannot occur in a name


def stable_suffix(*parts: str, length: int = 6) -> str:
    """Return the first ``length`` hex digits of the sha256 of ``parts``.

    The parts are joined with a separator that cannot occur in them, so ``("a-b", "c")`` and
    ``("a", "b-c")`` hash differently. Pass only stable identity (names, environment, cloud),
    never list positions.
    """
    if not 1 <= length <= 64:
        raise ValueError(f"stable_suffix length: got {length}; valid: 1..64")
    if not parts:
        raise ValueError("stable_suffix parts: got none; pass at least one identity part")
    digest = hashlib.sha256(_SEPARATOR.join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def _identity(platform: str, environment: str, bucket: str, cloud: str, seed: str) -> tuple:
    """The parts a globally unique name's suffix hashes (the seed only when given)."""
    return (platform, environment, bucket, cloud, seed) if seed else (platform, environment, bucket, cloud)


def _slug(text: str) -> str:
    """Lowercase ``text``; runs of anything but [a-z0-9] become one '-'; no edge hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _alnum(text: str) -> str:
    """Lowercase ``text`` keeping only [a-z0-9]."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _with_suffix(readable: str, suffix: str, max_length: int, separator: str = "-") -> str:
    """``readable`` cut so that ``readable + separator + suffix`` fits ``max_length``."""
    room = max_length - len(suffix) - len(separator)
    head = readable[:room].rstrip("-")
    return f"{head}{separator}{suffix}" if head else suffix


def s3_bucket_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique S3 bucket name: ``<platform>-<environment>-<bucket>-<hash6>``.

    3-63 characters of lowercase letters, digits and '-'; starts with a letter or digit and
    never with a prefix S3 reserves.
    """
    suffix = stable_suffix(*_identity(platform, environment, bucket, "aws", seed))
    readable = _slug(f"{platform}-{environment}-{bucket}")
    if readable.startswith(S3_FORBIDDEN_PREFIXES):
        readable = "b-" + readable
    return _with_suffix(readable, suffix, S3_BUCKET_MAX)


def gcs_bucket_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique GCS bucket name: ``<platform>-<environment>-<bucket>-<hash6>``.

    3-63 characters of lowercase letters, digits and '-'; never starts with ``goog`` and never
    contains ``google`` (both reserved by Google; ``google`` becomes ``ggl``).
    """
    suffix = stable_suffix(*_identity(platform, environment, bucket, "gcp", seed))
    readable = _slug(f"{platform}-{environment}-{bucket}").replace("google", "ggl")
    if readable.startswith("goog"):
        readable = "b-" + readable
    return _with_suffix(readable, suffix, GCS_BUCKET_MAX)


ACCESS_LOG_BUCKET = "access_logs"
"""The bucket identity of a platform's access-log bucket. Model bucket names cannot contain
'_', so this identity (and so the hash in the physical name, and the GCP key ring) never meets
a model bucket's, not even one named ``access-logs``."""


def s3_access_log_bucket_name(platform: str, environment: str, seed: str = "") -> str:
    """The S3 bucket that receives server access logs: ``<platform>-<environment>-access-logs-<hash6>``."""
    return s3_bucket_name(platform, environment, ACCESS_LOG_BUCKET, seed)


def gcs_access_log_bucket_name(platform: str, environment: str, seed: str = "") -> str:
    """The GCS bucket that receives usage logs: ``<platform>-<environment>-access-logs-<hash6>``."""
    return gcs_bucket_name(platform, environment, ACCESS_LOG_BUCKET, seed)


def azure_storage_account_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique storage account name: ``<platform><environment><bucket>`` + hash6.

    3-24 characters, lowercase letters and digits only.
    """
    suffix = stable_suffix(*_identity(platform, environment, bucket, "azure", seed))
    readable = _alnum(f"{platform}{environment}{bucket}")
    return _with_suffix(readable, suffix, AZURE_STORAGE_ACCOUNT_MAX, separator="")


def azure_key_vault_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique key vault name: ``<platform>-<environment>-<bucket>`` cut, + ``-hash6``.

    3-24 characters of letters, digits and single hyphens; starts with a letter (``kv`` is
    prepended when the platform starts with a digit) and ends with a letter or digit.
    """
    suffix = stable_suffix(*_identity(platform, environment, bucket, "azure", seed))
    readable = _slug(f"{platform}-{environment}-{bucket}")
    if not readable[:1].isalpha():
        readable = "kv" + readable
    return _with_suffix(readable, suffix, AZURE_KEY_VAULT_MAX)


def azure_container_name(bucket: str) -> str:
    """The blob container name for ``bucket``: 3-63 lowercase letters, digits, single hyphens.

    Containers are scoped to their storage account, so no uniqueness suffix is needed unless the
    bucket name is too short or cut (then a hash of the bucket name keeps it distinct).
    """
    readable = _slug(bucket)
    if MIN_NAME <= len(readable) <= AZURE_CONTAINER_MAX:
        return readable
    return _with_suffix(readable, stable_suffix(bucket), AZURE_CONTAINER_MAX)


def azure_identity_name(platform: str, environment: str, bucket: str) -> str:
    """The user-assigned identity that reads a bucket's encryption key: ``id-...-storage``.

    Unique within its resource group, so no hash is needed; at most 128 characters.
    """
    readable = _slug(f"id-{platform}-{environment}-{bucket}-storage")
    if len(readable) <= AZURE_IDENTITY_MAX:
        return readable
    return _with_suffix(readable, stable_suffix(platform, environment, bucket), AZURE_IDENTITY_MAX)


def aws_kms_alias_name(platform: str, environment: str, bucket: str) -> str:
    """The KMS alias of a bucket's key: ``alias/aiscale/<platform>-<environment>-<bucket>``."""
    return f"alias/aiscale/{_slug(f'{platform}-{environment}-{bucket}')}"


class GcpKmsNames(NamedTuple):
    """The Cloud KMS names for one bucket's key."""

    key_ring: str
    """Key ring name (unique per project and location; key rings can never be deleted)."""
    crypto_key: str
    """Crypto key name inside the key ring."""


def gcp_kms_names(platform: str, environment: str, bucket: str) -> GcpKmsNames:
    """Key ring ``<platform>-<environment>-<bucket>-<hash6>`` and key ``<bucket>-storage``.

    Both 1-63 characters of [a-z0-9-]. The ring carries the hash because ring names are
    permanent in a project and location: a cut name must never meet another bucket's ring.
    """
    suffix = stable_suffix(platform, environment, bucket, "gcp")
    key_ring = _with_suffix(_slug(f"{platform}-{environment}-{bucket}"), suffix, GCP_KMS_NAME_MAX)
    crypto_key = _slug(bucket)[: GCP_KMS_NAME_MAX - len("-storage")].rstrip("-") + "-storage"
    return GcpKmsNames(key_ring=key_ring, crypto_key=crypto_key.lstrip("-"))


# Tags and labels -------------------------------------------------------------------------------


def _check_count(cloud: str, tags: Mapping[str, str], limit: int) -> None:
    if len(tags) > limit:
        raise ValueError(f"{cloud} tags: got {len(tags)} tags; valid: at most {limit} per resource")


def _add_unique(cloud: str, out: dict[str, str], seen: dict[str, str], key: str, original: str,
                value: str) -> None:
    """Store ``out[key] = value``, failing when two original keys sanitise to the same key."""
    if key in seen:
        raise ValueError(
            f"{cloud} tags: keys {seen[key]!r} and {original!r} both become {key!r}; "
            "rename one of them"
        )
    seen[key] = original
    out[key] = value


def aws_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags valid on AWS: keys up to 128 and values up to 256 characters.

    Characters other than letters, digits, spaces and ``_ . : / = + - @`` become ``_``.
    Raises ValueError for an empty key, a key with the reserved ``aws:`` prefix, more than 50
    tags, or two keys that sanitise to the same key.
    """
    _check_count("aws", tags, AWS_TAGS_MAX)
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, value in tags.items():
        key = re.sub(r"[^\w\s.:/=+\-@]", "_", str(original).strip())[:AWS_TAG_KEY_MAX]
        if not key:
            raise ValueError(f"aws tags: got empty key {original!r}; valid: 1-128 characters")
        if key.lower().startswith("aws:"):
            raise ValueError(f"aws tags.{original}: the 'aws:' prefix is reserved by AWS; rename the key")
        clean = re.sub(r"[^\w\s.:/=+\-@]", "_", str(value))[:AWS_TAG_VALUE_MAX]
        _add_unique("aws", out, seen, key, original, clean)
    return out


def azure_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags valid on Azure: names up to 128 and values up to 256 characters.

    The characters ``< > % & \\ ? /`` (not allowed in tag names) become ``_``; values are kept
    apart from their length. Raises ValueError for an empty name, more than 50 tags, or two
    names that sanitise to the same name.
    """
    _check_count("azure", tags, AZURE_TAGS_MAX)
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, value in tags.items():
        key = re.sub(r"[<>%&\\?/]", "_", str(original).strip())[:AZURE_TAG_NAME_MAX]
        if not key:
            raise ValueError(f"azure tags: got empty name {original!r}; valid: 1-128 characters")
        _add_unique("azure", out, seen, key, original, str(value)[:AZURE_TAG_VALUE_MAX])
    return out


def _label_text(text: str) -> str:
    """Lowercase; anything but [a-z0-9_-] becomes '_'; cut to 63 characters."""
    return re.sub(r"[^a-z0-9_-]", "_", text.strip().lower())[:GCP_LABEL_MAX]


def gcp_labels(tags: Mapping[str, str]) -> dict[str, str]:
    """Labels valid on GCP: lowercase [a-z0-9_-], keys start with a letter, both up to 63.

    A key that does not start with a letter gets the prefix ``k-``. Raises ValueError for an
    empty key, more than 64 labels, or two keys that sanitise to the same key (``Team`` and
    ``team``).
    """
    _check_count("gcp", tags, GCP_LABELS_MAX)
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, value in tags.items():
        key = _label_text(str(original))
        if not key:
            raise ValueError(f"gcp labels: got empty key {original!r}; valid: 1-63 characters")
        if not ("a" <= key[0] <= "z"):
            key = ("k-" + key)[:GCP_LABEL_MAX]
        _add_unique("gcp", out, seen, key, original, _label_text(str(value)))
    return out
