"""Monthly cost estimate of a preview, priced from each resource's own provider inputs.

`estimate(records, config)` reads EKS node groups, Auto Scaling groups, EC2 instances, AKS
agent pools and managed clusters, VM scale sets and VMs, GKE node pools, managed instance
groups and instances, and buckets tagged with an expected size, and prices them with the
accelerator catalog (`aiscale.catalog`). Managed ML services and machine types the catalog
does not list are reported as unpriced, never guessed. `aiscale.cost.table.cost_table`
renders an estimate for the terminal.
"""

from ._estimator import estimate, priced_types
from ._model import CURRENCY, CostEstimate, CostItem
from ._storage import EXPECTED_SIZE_KEY
from .model_bound import budget_per_cloud, monthly_upper_bound

__all__ = [
    "CURRENCY",
    "EXPECTED_SIZE_KEY",
    "CostEstimate",
    "CostItem",
    "budget_per_cloud",
    "estimate",
    "monthly_upper_bound",
    "priced_types",
]
