"""Usage quantities the platform model states: a bucket's ``expected_size_gb``.

aiscale names each bucket's component ``<platform>-<cloud>-<bucket>`` (``ObjectStore``); the
storage resources under it (S3 bucket, storage account, GCS bucket) get the model's expected
size as their ``storage_gb`` unless the usage file gives one.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from aiscale import clouds
from aiscale.facts import tokens
from aiscale.preview.records import ResourceRecord

from ._values import canonical_type

PLATFORM_KEY = "aiscale:platform"
"""The stack config key of the platform model."""

OBJECT_STORE_TYPE = "aiscale:index:ObjectStore"
"""The component type of a bucket of the model."""

_STORAGE_TYPES = {canonical_type(t) for t in (tokens.AWS_S3_BUCKET, tokens.AWS_S3_BUCKET_V2,
                                               tokens.AZURE_STORAGE_STORAGE_ACCOUNT,
                                               tokens.GCP_STORAGE_BUCKET)}

SOURCE = "expected_size_gb"
"""The source named for a quantity from the model."""


def _platform(config: Mapping[str, Any]) -> Mapping[str, Any]:
    raw = config.get(PLATFORM_KEY)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, Mapping) else {}


def model_usage(records: Sequence[ResourceRecord], config: Mapping[str, Any]
                ) -> dict[str, dict[str, tuple[float, str]]]:
    """URN -> {"storage_gb": (size, "expected_size_gb")} for the storage resources of every
    model bucket that states an expected size."""
    platform = _platform(config)
    sizes = {}
    for bucket in platform.get("buckets") or []:
        size = bucket.get("expected_size_gb") if isinstance(bucket, Mapping) else None
        if isinstance(size, (int, float)) and not isinstance(size, bool) and size > 0:
            sizes[f"{platform.get('name')}-{{cloud}}-{bucket.get('name')}"] = float(size)
    if not sizes:
        return {}
    stores = {r.urn: r.name for r in records if r.type == OBJECT_STORE_TYPE}
    found: dict[str, dict[str, tuple[float, str]]] = {}
    for record in records:
        if not record.custom or canonical_type(record.type) not in _STORAGE_TYPES:
            continue
        store = stores.get(record.parent or "")
        for pattern, size in sizes.items():
            if store and any(store == pattern.format(cloud=c) for c in clouds.names()):
                found[record.urn] = {"storage_gb": (size, SOURCE)}
    return found
