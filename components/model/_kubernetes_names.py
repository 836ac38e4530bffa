"""Kubernetes label and taint syntax, checked before any cluster sees it."""

from __future__ import annotations

import re
from typing import NamedTuple

from aiscale.facts.gpu import GPU_TAINT_KEY

_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"{_DNS_LABEL}(\.{_DNS_LABEL})*")
_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
MAX_NAME = 63
"""Longest label name and label value Kubernetes accepts."""
MAX_PREFIX = 253
"""Longest label-key prefix (a DNS subdomain) Kubernetes accepts."""

RESERVED_PREFIXES = ("kubernetes.io", "k8s.io", "aiscale.io")
"""Label-key prefixes (and their subdomains) set by Kubernetes or by aiscale itself."""

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
"""The taint effects Kubernetes knows."""



class Taint(NamedTuple):
    """A parsed node taint."""

    key: str
    """Taint key, e.g. "dedicated"."""
    value: str
    """Taint value ("" when none was given)."""
    effect: str
    """NoSchedule, PreferNoSchedule or NoExecute."""


def label_key_problem(key: str) -> str | None:
    """Why `key` is not a usable Kubernetes label key, or None when it is one."""
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > MAX_PREFIX
                       or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return ("has an invalid prefix: it must be a lowercase DNS subdomain (e.g. "
                "example.com) of at most 253 characters, followed by '/'")
    if not name or len(name) > MAX_NAME or not _NAME.fullmatch(name):
        return ("must be an optional prefix and '/' followed by a name of 1-63 letters, digits, "
                "'-', '_' or '.', starting and ending with a letter or digit")
    for reserved in RESERVED_PREFIXES:
        if prefix == reserved or prefix.endswith("." + reserved):
            return f"uses the prefix {prefix}/, which is reserved for Kubernetes and aiscale"
    return None


def label_value_problem(value: str) -> str | None:
    """Why `value` is not a valid Kubernetes label value, or None when it is one."""
    if value == "" or (len(value) <= MAX_NAME and _NAME.fullmatch(value)):
        return None
    return ("must be empty or 1-63 letters, digits, '-', '_' or '.', starting and ending with "
            "a letter or digit")


def parse_taint(text: str) -> Taint:
    """Parse "key=value:Effect" (or "key:Effect"); ValueError with a plain message otherwise."""
    body, colon, effect = text.rpartition(":")
    if not colon or not body:
        raise ValueError('must be "key=value:Effect", e.g. "dedicated=training:NoSchedule"')
    if effect not in TAINT_EFFECTS:
        raise ValueError(f"has effect {effect!r}; valid effects: {', '.join(TAINT_EFFECTS)}")
    key, _, value = body.partition("=")
    problem = label_key_problem(key)
    if problem:
        raise ValueError(f"key {key!r} {problem}")
    problem = label_value_problem(value)
    if problem:
        raise ValueError(f"value {value!r} {problem}")
    if key == GPU_TAINT_KEY:
        raise ValueError(f"the GPU taint {GPU_TAINT_KEY}=present:NoSchedule is always added; "
                         "list only extra taints")
    return Taint(key, value, effect)
