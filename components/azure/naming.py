"""Azure physical names and tag rules: storage accounts, blob containers, key vaults,
identities, ``azure_tags``.

Pure functions, no provider imports (the Azure adapter, ``aiscale.clouds.azure``, uses them
too). The Azure builders import this module as their ``naming``; it also re-exports the
neutral ``stable_suffix`` they use. Names of the compute resources are in ``_names``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aiscale.naming import (MIN_NAME, add_unique_tag, alnum, check_tag_count, identity_parts, slug, stable_suffix,
                            with_suffix)

__all__ = ["azure_container_name", "azure_identity_name", "azure_key_vault_name", "azure_storage_account_name",
           "azure_tags", "stable_suffix"]

AZURE_STORAGE_ACCOUNT_MAX = 24
"""Azure storage accounts: 3-24 characters, lowercase letters and digits only."""
AZURE_CONTAINER_MAX = 63
"""Azure blob containers: 3-63 characters, lowercase letters, digits, single hyphens."""
AZURE_KEY_VAULT_MAX = 24
"""Azure key vaults: 3-24 characters, letters, digits, single hyphens, starting with a letter."""
AZURE_IDENTITY_MAX = 128
"""Azure user-assigned identities: 3-128 characters, letters, digits, '-' and '_'."""
AZURE_TAG_NAME_MAX, AZURE_TAG_VALUE_MAX, AZURE_TAGS_MAX = 128, 256, 50
"""Azure tag limits (128 is the storage-account limit for names, the strictest)."""


def azure_storage_account_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique storage account name: ``<platform><environment><bucket>`` + hash6.

    3-24 characters, lowercase letters and digits only.
    """
    suffix = stable_suffix(*identity_parts(platform, environment, bucket, "azure", seed))
    readable = alnum(f"{platform}{environment}{bucket}")
    return with_suffix(readable, suffix, AZURE_STORAGE_ACCOUNT_MAX, separator="")


def azure_key_vault_name(platform: str, environment: str, bucket: str, seed: str = "") -> str:
    """A globally unique key vault name: ``<platform>-<environment>-<bucket>`` cut, + ``-hash6``.

    3-24 characters of letters, digits and single hyphens; starts with a letter (``kv`` is
    prepended when the platform starts with a digit) and ends with a letter or digit.
    """
    suffix = stable_suffix(*identity_parts(platform, environment, bucket, "azure", seed))
    readable = slug(f"{platform}-{environment}-{bucket}")
    if not readable[:1].isalpha():
        readable = "kv" + readable
    return with_suffix(readable, suffix, AZURE_KEY_VAULT_MAX)


def azure_container_name(bucket: str) -> str:
    """The blob container name for ``bucket``: 3-63 lowercase letters, digits, single hyphens.

    Containers are scoped to their storage account, so no uniqueness suffix is needed unless the
    bucket name is too short or cut (then a hash of the bucket name keeps it distinct).
    """
    readable = slug(bucket)
    if MIN_NAME <= len(readable) <= AZURE_CONTAINER_MAX:
        return readable
    return with_suffix(readable, stable_suffix(bucket), AZURE_CONTAINER_MAX)


def azure_identity_name(platform: str, environment: str, bucket: str) -> str:
    """The user-assigned identity that reads a bucket's encryption key: ``id-...-storage``.

    Unique within its resource group, so no hash is needed; at most 128 characters.
    """
    readable = slug(f"id-{platform}-{environment}-{bucket}-storage")
    if len(readable) <= AZURE_IDENTITY_MAX:
        return readable
    return with_suffix(readable, stable_suffix(platform, environment, bucket), AZURE_IDENTITY_MAX)


def azure_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags valid on Azure: names up to 128 and values up to 256 characters.

    The characters ``< > % & \\ ? /`` (not allowed in tag names) become ``_``; values are kept
    apart from their length. Raises ValueError for an empty name, more than 50 tags, or two
    names that sanitise to the same name.
    """
    check_tag_count("azure", tags, AZURE_TAGS_MAX)
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, value in tags.items():
        key = re.sub(r"[<>%&\\?/]", "_", str(original).strip())[:AZURE_TAG_NAME_MAX]
        if not key:
            raise ValueError(f"azure tags: got empty name {original!r}; valid: 1-128 characters")
        add_unique_tag("azure", out, seen, key, original, str(value)[:AZURE_TAG_VALUE_MAX])
    return out
