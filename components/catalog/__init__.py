"""The accelerator catalog: which GPU machines each cloud offers where, and at what list price.

Data: the packaged CSV files in `data/` (provenance and known gaps in data/PROVENANCE.md),
loaded lazily once per process. `resolve` picks the machine for a node pool on one cloud;
`cheapest` picks the cloud for cost-aware placement; `find_instance_type` and `storage_price`
serve the cost estimator. The CLI renderer is `aiscale.catalog.table.offerings_table`.
"""

from ._lookup import (
    accelerator_info,
    accelerators,
    cheapest,
    find_instance_type,
    gpu_counts,
    is_known_region,
    offerings,
    region_choices,
    regions,
    resolve,
    sagemaker_instance_type,
    storage_price,
)
from ._model import CLOUDS, HOURS_PER_MONTH, AcceleratorInfo, CatalogLookupError, Offering

__all__ = [
    "CLOUDS",
    "HOURS_PER_MONTH",
    "AcceleratorInfo",
    "CatalogLookupError",
    "Offering",
    "accelerator_info",
    "accelerators",
    "cheapest",
    "find_instance_type",
    "gpu_counts",
    "is_known_region",
    "offerings",
    "region_choices",
    "regions",
    "resolve",
    "sagemaker_instance_type",
    "storage_price",
]
