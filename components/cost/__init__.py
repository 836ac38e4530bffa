"""Monthly cost estimate of a preview, priced from each resource's own provider inputs.

`estimate(records, config)` reads EKS node groups, Auto Scaling groups, EC2 instances, AKS
agent pools and managed clusters, VM scale sets and VMs, GKE node pools, managed instance
groups and instances, buckets, control planes, NAT gateways, public IPs, keys, logs, load
balancers, volumes and managed inference (SageMaker, Azure ML, Cloud Run with a GPU), and prices
them with the catalog (`aiscale.catalog`). Usage-based charges take their quantities from a
usage file (`load_usage`) or the model, and are otherwise listed with their unit prices; what
the catalog does not list is reported as unpriced, never guessed. `aiscale.cost.table.cost_table`
renders an estimate for the terminal.
"""

from ._estimator import estimate, priced_types
from ._model import CURRENCY, CostEstimate, CostItem, UsageCharge
from ._storage import EXPECTED_SIZE_KEY
from ._usage import USAGE_KEYS, Usage, UsageError, load_usage, parse_usage
from .model_bound import budget_per_cloud, monthly_upper_bound

__all__ = [
    "CURRENCY",
    "EXPECTED_SIZE_KEY",
    "CostEstimate",
    "CostItem",
    "USAGE_KEYS",
    "Usage",
    "UsageCharge",
    "UsageError",
    "budget_per_cloud",
    "estimate",
    "load_usage",
    "monthly_upper_bound",
    "parse_usage",
    "priced_types",
]
