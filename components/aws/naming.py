"""AWS physical names and tag rules: S3 bucket names, KMS aliases, ``aws_tags``.

Pure functions, no provider imports (the AWS adapter, ``aiscale.clouds.aws``, uses them too).
The AWS builders import this module as their ``naming``; it also re-exports the neutral
``stable_suffix`` they use. Names follow ``aiscale.naming``'s rule: stable identity only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aiscale.naming import ACCESS_LOG_BUCKET, add_unique_tag, check_tag_count, identity_parts, slug, stable_suffix, with_suffix

__all__ = ["aws_kms_alias_name", "aws_tags", "s3_access_log_bucket_name", "s3_bucket_name", "stable_suffix"]

S3_BUCKET_MAX = 63
"""S3 bucket names: 3-63 characters, lowercase letters, digits, '-' (and '.', which we avoid)."""
S3_FORBIDDEN_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
"""Prefixes S3 reserves (suffixes it reserves never occur: our names end with hex digits)."""
AWS_TAG_KEY_MAX, AWS_TAG_VALUE_MAX, AWS_TAGS_MAX = 128, 256, 50
"""AWS tag limits: key length, value length, tags per resource."""


def s3_bucket_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique S3 bucket name: ``<platform>-<environment>-<bucket>-<hash6>``.

    3-63 characters of lowercase letters, digits and '-'; starts with a letter or digit and
    never with a prefix S3 reserves.
    """
    suffix = stable_suffix(*identity_parts(platform, environment, bucket, "aws", seed))
    readable = slug(f"{platform}-{environment}-{bucket}")
    if readable.startswith(S3_FORBIDDEN_PREFIXES):
        readable = "b-" + readable
    return with_suffix(readable, suffix, S3_BUCKET_MAX)


def s3_access_log_bucket_name(platform: str, environment: str, seed: str = "") -> str:
    """The S3 bucket that receives server access logs: ``<platform>-<environment>-access-logs-<hash6>``."""
    return s3_bucket_name(platform, environment, ACCESS_LOG_BUCKET, seed)


def aws_kms_alias_name(platform: str, environment: str, bucket: str) -> str:
    """The KMS alias of a bucket's key: ``alias/aiscale/<platform>-<environment>-<bucket>``."""
    return f"alias/aiscale/{slug(f'{platform}-{environment}-{bucket}')}"


def aws_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags valid on AWS: keys up to 128 and values up to 256 characters.

    Characters other than letters, digits, spaces and ``_ . : / = + - @`` become ``_``.
    Raises ValueError for an empty key, a key with the reserved ``aws:`` prefix, more than 50
    tags, or two keys that sanitise to the same key.
    """
    check_tag_count("aws", tags, AWS_TAGS_MAX)
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, value in tags.items():
        key = re.sub(r"[^\w\s.:/=+\-@]", "_", str(original).strip())[:AWS_TAG_KEY_MAX]
        if not key:
            raise ValueError(f"aws tags: got empty key {original!r}; valid: 1-128 characters")
        if key.lower().startswith("aws:"):
            raise ValueError(f"aws tags.{original}: the 'aws:' prefix is reserved by AWS; rename the key")
        clean = re.sub(r"[^\w\s.:/=+\-@]", "_", str(value))[:AWS_TAG_VALUE_MAX]
        add_unique_tag("aws", out, seen, key, original, clean)
    return out
