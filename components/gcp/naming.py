"""GCP physical names and label rules: GCS bucket names, Cloud KMS names, ``gcp_labels``.

Pure functions, no provider imports (the GCP adapter, ``aiscale.clouds.gcp``, uses them too).
The GCP builders import this module as their ``naming``; it also re-exports the neutral
``stable_suffix`` they use. Names of the compute resources are in ``_names``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from aiscale.naming import ACCESS_LOG_BUCKET, lowercase_labels, identity_parts, slug, stable_suffix, with_suffix

__all__ = ["GcpKmsNames", "gcp_kms_names", "gcp_labels", "gcs_access_log_bucket_name", "gcs_bucket_name",
           "stable_suffix"]

GCS_BUCKET_MAX = 63
"""GCS bucket names without dots: 3-63 characters."""
GCP_KMS_NAME_MAX = 63
"""Cloud KMS key rings and keys: 1-63 characters of [a-zA-Z0-9_-]."""


def gcs_bucket_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique GCS bucket name: ``<platform>-<environment>-<bucket>-<hash6>``.

    3-63 characters of lowercase letters, digits and '-'; never starts with ``goog`` and never
    contains ``google`` (both reserved by Google; ``google`` becomes ``ggl``).
    """
    suffix = stable_suffix(*identity_parts(platform, environment, bucket, "gcp", seed))
    readable = slug(f"{platform}-{environment}-{bucket}").replace("google", "ggl")
    if readable.startswith("goog"):
        readable = "b-" + readable
    return with_suffix(readable, suffix, GCS_BUCKET_MAX)


def gcs_access_log_bucket_name(platform: str, environment: str, seed: str = "") -> str:
    """The GCS bucket that receives usage logs: ``<platform>-<environment>-access-logs-<hash6>``."""
    return gcs_bucket_name(platform, environment, ACCESS_LOG_BUCKET, seed)


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
    key_ring = with_suffix(slug(f"{platform}-{environment}-{bucket}"), suffix, GCP_KMS_NAME_MAX)
    crypto_key = slug(bucket)[: GCP_KMS_NAME_MAX - len("-storage")].rstrip("-") + "-storage"
    return GcpKmsNames(key_ring=key_ring, crypto_key=crypto_key.lstrip("-"))


def gcp_labels(tags: Mapping[str, str]) -> dict[str, str]:
    """Labels valid on GCP: lowercase [a-z0-9_-], keys start with a letter, both up to 63.

    A key that does not start with a letter gets the prefix ``k-``. Raises ValueError for an
    empty key, more than 64 labels, or two keys that sanitise to the same key (``Team`` and
    ``team``).
    """
    return lowercase_labels(tags, "gcp")
