"""Physical names for the Azure compute resources, within each resource type's limits.

Pure functions, no provider imports. Names derive only from stable identity (platform,
environment, pool or group name), never from list positions. Where a name has to be shortened
or loses characters, a short hash of the original keeps two different inputs apart.
"""

from __future__ import annotations

import re
import uuid

from aiscale import naming

AGENT_POOL_MAX = 12
"""AKS Linux agent pool names: 1-12 lowercase letters and digits, starting with a letter."""
AGENT_POOL_RESERVED = frozenset({"system"})
"""Agent pool names aiscale uses itself (the cluster's system pool)."""
AKS_NAME_MAX = 63
"""Managed cluster names: 1-63 letters, digits, '-' and '_'."""
AKS_DNS_PREFIX_MAX = 54
"""Managed cluster DNS prefixes: 1-54 letters, digits and '-', starting and ending alphanumeric."""
VMSS_NAME_MAX = 64
"""Linux scale set names: 1-64 letters, digits, '-', '_' and '.'."""
COMPUTER_NAME_PREFIX_MAX = 15
"""Kept short so the host names (prefix + 6 characters) stay readable and under 64 characters."""
WORKSPACE_NAME_MAX = 63
"""Log Analytics workspace names: 4-63 letters, digits and '-'."""
GENERIC_NAME_MAX = 80
"""Networks, subnets, NAT gateways, public IPs, NSGs and identities: at most 80 characters."""
ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("8d3c1f5e-2b7a-4c9d-9e41-6f0a3b2c7d18")
"""Namespace for the deterministic GUID names of the compute role assignments."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _fit(readable: str, limit: int, *identity: str) -> str:
    """``readable`` when it fits ``limit``; otherwise cut, with ``-<hash6>`` of ``identity``."""
    if len(readable) <= limit:
        return readable
    suffix = naming.stable_suffix(*identity)
    return f"{readable[: limit - len(suffix) - 1].rstrip('-')}-{suffix}"


def base_name(platform: str, environment: str) -> str:
    """``<platform>-<environment>``: the readable stem of every compute name."""
    return _slug(f"{platform}-{environment}")


def resource_name(platform: str, environment: str, purpose: str, limit: int = GENERIC_NAME_MAX) -> str:
    """``<platform>-<environment>-<purpose>`` within ``limit`` (networks, gateways, identities)."""
    return _fit(_slug(f"{platform}-{environment}-{purpose}"), limit, platform, environment, purpose)


def cluster_name(platform: str, environment: str) -> str:
    """The AKS cluster name: ``<platform>-<environment>-aks``."""
    return resource_name(platform, environment, "aks", AKS_NAME_MAX)


def dns_prefix(platform: str, environment: str) -> str:
    """The AKS DNS prefix: ``<platform>-<environment>`` (at most 54 characters)."""
    return _fit(base_name(platform, environment), AKS_DNS_PREFIX_MAX, platform, environment, "dns")


def workspace_name(platform: str, environment: str) -> str:
    """The Log Analytics workspace of the cluster's control-plane logs."""
    return resource_name(platform, environment, "aks-logs", WORKSPACE_NAME_MAX)


def agent_pool_name(pool: str) -> str:
    """An AKS agent pool name for the model's pool name.

    The pool name itself when it is already 1-12 lowercase letters and digits starting with a
    letter and not reserved; otherwise its letters and digits cut to 8 plus a 4-character hash
    of the full name, so ``gpu-a`` and ``gpua`` never meet.
    """
    if re.fullmatch(r"[a-z][a-z0-9]{0,11}", pool) and pool not in AGENT_POOL_RESERVED:
        return pool
    letters = re.sub(r"[^a-z0-9]", "", pool.lower())
    if not letters[:1].isalpha():
        letters = "p" + letters
    return f"{letters[:AGENT_POOL_MAX - 4]}{naming.stable_suffix(pool, length=4)}"


def scale_set_name(platform: str, environment: str, group: str) -> str:
    """The VM scale set name: ``<platform>-<environment>-<group>``."""
    return _fit(_slug(f"{platform}-{environment}-{group}"), VMSS_NAME_MAX, platform, environment, group)


def computer_name_prefix(group: str) -> str:
    """Host-name prefix of a scale set's VMs: the group name, letters, digits and '-'."""
    return _fit(_slug(group), COMPUTER_NAME_PREFIX_MAX, group)


def role_assignment_name(*identity: str) -> str:
    """A deterministic GUID for a role assignment (Azure requires a GUID name)."""
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, "/".join(identity)))
