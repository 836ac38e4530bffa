"""The accelerator catalog: which GPU machines each cloud offers where, and at what list price.

Data: the packaged CSV files in `data/` (provenance and known gaps in data/PROVENANCE.md),
loaded lazily once per process. `resolve` picks the machine for a node pool on one cloud;
`cheapest` picks the cloud for cost-aware placement; `find_instance_type` and `storage_price`
serve the cost estimator; `machine_price` prices any catalog machine (CPU system pools
included, `cpu_instances.csv`). A user's catalog overlay (extra rows, discounts per cloud) is
put in effect with `activate_overlay` and read by every look-up (docs/catalog.md). The CLI renderer is `aiscale.catalog.table.offerings_table`.
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
from ._machines import cpu_machine, cpu_machines, machine_price
from ._model import CLOUDS, HOURS_PER_MONTH, AcceleratorInfo, CatalogLookupError, CpuMachine, Offering
from ._snapshot import PriceSource, price_sources, snapshot_date
from ._overlay import CatalogOverlay, activate_overlay, active_overlay, discount, overlay_in_effect

__all__ = [
    "CLOUDS",
    "HOURS_PER_MONTH",
    "AcceleratorInfo",
    "CatalogLookupError",
    "CatalogOverlay",
    "CpuMachine",
    "Offering",
    "PriceSource",
    "accelerator_info",
    "accelerators",
    "activate_overlay",
    "active_overlay",
    "cheapest",
    "cpu_machine",
    "cpu_machines",
    "discount",
    "find_instance_type",
    "gpu_counts",
    "is_known_region",
    "machine_price",
    "offerings",
    "overlay_in_effect",
    "price_sources",
    "region_choices",
    "regions",
    "resolve",
    "sagemaker_instance_type",
    "snapshot_date",
    "storage_price",
]
