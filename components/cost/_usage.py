"""Usage quantities for usage-based costs, from a usage file in the Infracost convention.

A usage file (``aiscale preview --usage usage.yml``) says how much of what a resource will use
in a month, which no input does::

    version: 0.1
    resource_usage:
      '*':                                  # default for every resource
        monthly_data_ingested_gb: 5
      acme-ml-aws-k8s-logs:                 # a resource by its logical name ...
        monthly_data_ingested_gb: 40
        storage_gb: 200
      "urn:pulumi:dev::aiscale::...::acme-ml-aws-models-bucket":   # ... or by its URN
        storage_gb: 1500

A resource's quantity for a key comes from its URN's entry, else its name's, else ``'*'``, else
from the platform model (a bucket's ``expected_size_gb``), else it is unknown: the charge is
then listed with its unit price and counted as nothing, never as a silent $0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional

from aiscale.preview.records import ResourceRecord

USAGE_KEYS = MappingProxyType({
    "storage_gb": "GB stored on average over the month (buckets, log groups, log workspaces)",
    "monthly_data_ingested_gb": "GB of logs ingested per month (log groups, workspaces)",
    "monthly_data_processed_gb": "GB through a NAT gateway, an AWS classic or an Azure load balancer per month",
    "monthly_requests": "API requests per month (keys)",
    "monthly_outbound_internet_gb": "GB sent to the internet per month (buckets, NAT gateways, public load balancers)",
    "processed_bytes_gb": "GB through an AWS network load balancer per month (its capacity units)",
    "monthly_ingress_data_gb": "GB into a GCP load balancer's forwarding rule per month",
})
"""Every usage key a pricer reads, with what it measures."""

SUPPORTED_VERSIONS = ("0.1",)
"""The usage file versions accepted (Infracost's)."""

WILDCARD = "*"
"""The ``resource_usage`` entry that gives every resource a default."""

FROM_FILE = "usage file"
"""The source of a quantity given in the usage file."""


class UsageError(ValueError):
    """A usage file that cannot be read or is malformed; the message names the file, the path
    inside it, the value found and what is valid (the CLI exits 2)."""


@dataclass(frozen=True)
class Usage:
    """Usage quantities by resource (URN, logical name or ``'*'``), then by usage key."""

    entries: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """``resource_usage`` of the usage file: resource -> key -> quantity."""
    defaults: Mapping[str, Mapping[str, tuple[float, str]]] = field(default_factory=dict)
    """URN -> key -> (quantity, source) derived from the platform model; the file wins."""

    def quantity(self, record: ResourceRecord, key: str) -> tuple[Optional[float], str]:
        """(quantity, where it came from) of `key` for `record`; (None, "") when unknown."""
        for entry in (record.urn, record.name, WILDCARD):
            value = self.entries.get(entry, {}).get(key)
            if value is not None:
                return value, FROM_FILE
        return self.defaults.get(record.urn, {}).get(key, (None, ""))

    def with_defaults(self, defaults: Mapping[str, Mapping[str, tuple[float, str]]]) -> "Usage":
        """This usage plus quantities derived elsewhere (the file's entries still win)."""
        merged = {urn: dict(keys) for urn, keys in self.defaults.items()}
        for urn, keys in defaults.items():
            merged.setdefault(urn, {}).update(keys)
        return Usage(self.entries, merged)


NO_USAGE = Usage()
"""No usage file and no model-derived quantities."""


def _quantity(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise UsageError(f"{where} is {value!r}; expected a number >= 0")
    return float(value)


def parse_usage(data: Any, source: str) -> Usage:
    """Validate the parsed usage file `data` (from `source`, named in every error)."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise UsageError(f"{source}: expected a mapping with 'version' and 'resource_usage', "
                         f"got {type(data).__name__}")
    unknown = sorted(set(data) - {"version", "resource_usage"})
    if unknown:
        raise UsageError(f"{source}: unknown top-level key(s) {', '.join(map(repr, unknown))}; "
                         "valid: version, resource_usage")
    version = data.get("version", SUPPORTED_VERSIONS[0])
    if str(version) not in SUPPORTED_VERSIONS:
        raise UsageError(f"{source}: version is {version!r}; valid: {', '.join(SUPPORTED_VERSIONS)}")
    resources = data.get("resource_usage") or {}
    if not isinstance(resources, Mapping):
        raise UsageError(f"{source}: resource_usage is a {type(resources).__name__}; expected a "
                         "mapping of resource name, URN or '*' to usage")
    entries: dict[str, dict[str, float]] = {}
    for resource, keys in resources.items():
        where = f"{source}: resource_usage.{resource}"
        if not isinstance(keys, Mapping):
            raise UsageError(f"{where} is {keys!r}; expected a mapping of usage key to quantity "
                             f"(keys: {', '.join(USAGE_KEYS)})")
        for key in keys:
            if key not in USAGE_KEYS:
                raise UsageError(f"{where}.{key} is not a usage key; valid: {', '.join(USAGE_KEYS)}")
        entries[str(resource)] = {key: _quantity(value, f"{where}.{key}") for key, value in keys.items()}
    return Usage(entries)


def load_usage(path: Path) -> Usage:
    """Read and validate the usage file at `path`; UsageError naming the file when it is
    missing, not YAML or malformed."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--usage {path}: cannot read it ({error.strerror or error})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"--usage {path}: not valid YAML ({error})") from None
    return parse_usage(data, str(path))
