"""Physical names of the GCP compute resources: deterministic, within each API's limits.

Every name is derived from stable identity (platform, environment, pool or group name), never
from a list position. A name cut to fit its limit ends with a short hash of the full identity, so
two identities that share a long prefix still get different names.
"""

from __future__ import annotations

import re

from aiscale.naming import stable_suffix

RESOURCE_NAME_MAX = 63
"""Compute Engine names (networks, subnetworks, routers, NATs, instance groups): RFC 1035,
1-63 characters of [a-z0-9-], starting with a letter, not ending with '-'."""
GKE_NAME_MAX = 40
"""GKE cluster and node pool names: 1-40 characters, RFC 1035 as above."""
ACCOUNT_ID_MIN, ACCOUNT_ID_MAX = 6, 30
"""Service account ids: 6-30 characters of [a-z0-9-], starting with a letter."""
KMS_NAME_MAX = 63
"""Cloud KMS key ring and key names: 1-63 characters."""
BASE_INSTANCE_NAME_MAX = 54
"""A managed instance group's base instance name: instance names add '-' and 4 characters."""


def _slug(text: str) -> str:
    """Lowercase; runs of anything but [a-z0-9] become one '-'; no edge hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rfc1035(readable: str, *identity: str, limit: int = RESOURCE_NAME_MAX, min_length: int = 1) -> str:
    """``readable`` as an RFC 1035 name of at most ``limit`` characters.

    A name that must be cut, or padded to ``min_length``, ends with ``-<hash6>`` of ``identity``
    (``readable`` itself when no identity is given). A name that does not start with a letter
    gets the prefix ``n-``.
    """
    if limit < 8:
        raise ValueError(f"rfc1035 limit: got {limit}; valid: at least 8")
    name = _slug(readable)
    if not name[:1].isalpha():
        name = f"n-{name}".rstrip("-")
    if min_length <= len(name) <= limit:
        return name
    suffix = stable_suffix(*(identity or (readable,)))
    head = name[: limit - len(suffix) - 1].rstrip("-")
    return f"{head}-{suffix}"


def network_name(platform: str, environment: str, part: str = "") -> str:
    """``<platform>-<environment>[-<part>]``: the VPC network, subnetwork, router and NAT."""
    readable = f"{platform}-{environment}" + (f"-{part}" if part else "")
    return rfc1035(readable, platform, environment, part)


def cluster_name(platform: str, environment: str) -> str:
    """The GKE cluster: ``<platform>-<environment>`` (at most 40 characters)."""
    return rfc1035(f"{platform}-{environment}", platform, environment, limit=GKE_NAME_MAX)


def node_pool_name(pool: str) -> str:
    """A GPU node pool: ``gpu-<pool>``; the prefix keeps it apart from the ``system`` pool."""
    return rfc1035(f"gpu-{pool}", "gpu", pool, limit=GKE_NAME_MAX)


def account_id(platform: str, environment: str, role: str) -> str:
    """A service account id ``<platform>-<environment>-<role>``, 6-30 characters."""
    return rfc1035(f"{platform}-{environment}-{role}", platform, environment, role,
                   limit=ACCOUNT_ID_MAX, min_length=ACCOUNT_ID_MIN)


def instance_group_name(platform: str, environment: str, group: str) -> str:
    """A regional managed instance group: ``<platform>-<environment>-<group>``."""
    return rfc1035(f"{platform}-{environment}-{group}", platform, environment, group)


def base_instance_name(group: str) -> str:
    """The prefix of a group's VM names: the group name."""
    return rfc1035(group, limit=BASE_INSTANCE_NAME_MAX)


def cluster_key_ring_name(platform: str, environment: str) -> str:
    """The key ring of the cluster's secrets key: ``<platform>-<environment>-gke-<hash6>``.

    Key rings can never be deleted, so the name carries a hash of an identity that no bucket's
    key ring can have (see ``aiscale.naming.gcp_kms_names``).
    """
    suffix = stable_suffix("gke-secrets", platform, environment)
    head = _slug(f"{platform}-{environment}-gke")[: KMS_NAME_MAX - len(suffix) - 1].rstrip("-")
    return f"{head}-{suffix}"


CLUSTER_KEY_NAME = "gke-secrets"
"""The crypto key that encrypts the cluster's Kubernetes secrets (one per key ring)."""
