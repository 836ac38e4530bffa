"""Deterministic physical names and tag sanitising: the helpers every cloud's names share.

Pure functions, no provider imports. A physical name is derived only from stable identity (the
platform name, the environment, the bucket name, the cloud and an optional seed), never from a
list position, so renaming a node pool or reordering buckets never renames a bucket. Names that
must be globally unique (S3 and GCS buckets, Azure storage accounts and key vaults) end with a
short hash of that identity: two identities whose readable part is truncated to the same text
still get different names.

Each cloud's own names and tag rules are in its ``naming`` module (``aiscale.aws.naming``,
``aiscale.azure.naming``, ``aiscale.gcp.naming``), reached through its adapter
(``aiscale.clouds.adapter(cloud).bucket_name`` / ``sanitise_tags``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

__all__ = [
    "ACCESS_LOG_BUCKET",
    "add_unique_tag",
    "alnum",
    "check_tag_count",
    "identity_parts",
    "lowercase_labels",
    "slug",
    "stable_suffix",
    "with_suffix",
]

MIN_NAME = 3
"""Every bucket-like name (buckets, storage accounts, containers, vaults) is at least 3 characters."""
LABEL_MAX, LABELS_MAX = 63, 64
"""Lowercase label limits: key and value length, labels per resource (GCP's, the strictest;
Kubernetes label names and values fit them too)."""

ACCESS_LOG_BUCKET = "access_logs"
"""The bucket identity of a platform's access-log bucket. Model bucket names cannot contain
'_', so this identity (and so the hash in the physical name, and the GCP key ring) never meets
a model bucket's, not even one named ``access-logs``."""

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


def identity_parts(platform: str, environment: str, bucket: str, cloud: str, seed: str) -> tuple:
    """The parts a globally unique name's suffix hashes (the seed only when given)."""
    return (platform, environment, bucket, cloud, seed) if seed else (platform, environment, bucket, cloud)


def slug(text: str) -> str:
    """Lowercase ``text``; runs of anything but [a-z0-9] become one '-'; no edge hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def alnum(text: str) -> str:
    """Lowercase ``text`` keeping only [a-z0-9]."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def with_suffix(readable: str, suffix: str, max_length: int, separator: str = "-") -> str:
    """``readable`` cut so that ``readable + separator + suffix`` fits ``max_length``."""
    room = max_length - len(suffix) - len(separator)
    head = readable[:room].rstrip("-")
    return f"{head}{separator}{suffix}" if head else suffix


# Tags and labels -------------------------------------------------------------------------------


def check_tag_count(owner: str, tags: Mapping[str, str], limit: int) -> None:
    """ValueError naming ``owner`` (a cloud) when ``tags`` has more than ``limit`` entries."""
    if len(tags) > limit:
        raise ValueError(f"{owner} tags: got {len(tags)} tags; valid: at most {limit} per resource")


def add_unique_tag(owner: str, out: dict[str, str], seen: dict[str, str], key: str, original: str,
                   value: str) -> None:
    """Store ``out[key] = value``, failing when two original keys sanitise to the same key."""
    if key in seen:
        raise ValueError(
            f"{owner} tags: keys {seen[key]!r} and {original!r} both become {key!r}; "
            "rename one of them"
        )
    seen[key] = original
    out[key] = value


def _label_text(text: str) -> str:
    """Lowercase; anything but [a-z0-9_-] becomes '_'; cut to 63 characters."""
    return re.sub(r"[^a-z0-9_-]", "_", text.strip().lower())[:LABEL_MAX]


def lowercase_labels(tags: Mapping[str, str], owner: str) -> dict[str, str]:
    """``tags`` as lowercase labels: [a-z0-9_-], keys start with a letter, both up to 63.

    A key that does not start with a letter gets the prefix ``k-``. Raises ValueError naming
    ``owner`` (whose labels these are) for an empty key, more than 64 labels, or two keys that
    sanitise to the same key (``Team`` and ``team``).
    """
    check_tag_count(owner, tags, LABELS_MAX)
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, value in tags.items():
        key = _label_text(str(original))
        if not key:
            raise ValueError(f"{owner} labels: got empty key {original!r}; valid: 1-63 characters")
        if not ("a" <= key[0] <= "z"):
            key = ("k-" + key)[:LABEL_MAX]
        add_unique_tag(owner, out, seen, key, original, _label_text(str(value)))
    return out
