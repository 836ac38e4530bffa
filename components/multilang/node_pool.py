"""``GpuNodePool`` in the component package: the one class, ``aiscale.gpu_node_pool.GpuNodePool``,
with its plain arguments (``aiscale.pool_args``). Kept so that ``aiscale.multilang.node_pool``
imports keep working."""

from aiscale.gpu_node_pool import GpuNodePool
from aiscale.pool_args import CLOUD_ONLY_ARGS, ExistingCluster, GpuNodePoolArgs, PoolSpec, resolve_args

__all__ = ["GpuNodePool", "GpuNodePoolArgs", "ExistingCluster", "PoolSpec", "CLOUD_ONLY_ARGS", "resolve_args"]
