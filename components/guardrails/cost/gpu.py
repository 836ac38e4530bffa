"""Cost checks on GPU capacity: allowed accelerators, GPUs per pool and per stack, spot in non-prod."""

from __future__ import annotations

from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Mapping

from .. import schema
from ..props import fmt_number
from ..registry import Check, NotApplicable, Violation
from .endpoints import endpoints
from .machines import MACHINE_TYPES, facts, machines
from .pools import pools

DEV_ACCELERATORS = ("nvidia-t4", "nvidia-l4", "nvidia-a10g", "nvidia-a10", "nvidia-l40s", "nvidia-v100",
                    "nvidia-v100-32gb", "nvidia-a100-40gb", "nvidia-a100-80gb")
"""Accelerators allowed in dev by default: everything below the H100 / H200 / B200 class."""
DEFAULT_ALLOWED_ACCELERATORS = MappingProxyType({"dev": DEV_ACCELERATORS})
"""Environment -> allowed accelerators, by default (other environments are unrestricted)."""


def _allowlist(by_env, env):
    if not isinstance(by_env, Mapping):
        return None
    found = by_env.get(env, by_env.get("*"))
    return None if found is None else [str(x) for x in found]


def allowed_gpus(resource_type, props, ctx):
    """GPU machines and accelerators are on the environment's allowlist."""
    env = ctx.env
    accelerators = _allowlist(ctx.config.get("allowed_accelerators", DEFAULT_ALLOWED_ACCELERATORS), env)
    types = _allowlist(ctx.config.get("allowed_instance_types", {}), env)
    if accelerators is None and types is None:
        return NotApplicable(f"no allowlist for environment '{env}'")
    out = []
    for machine in machines(resource_type, props):
        found = facts(machine, ctx.lookup)
        if not found.gpus:
            continue  # a CPU machine (or one the GPU catalog does not know)
        names = {n for n in (found.accelerator, machine.accelerator) if n}
        if accelerators is not None and not names & set(accelerators):
            out.append(f"accelerator {found.accelerator or machine.accelerator} is not allowed in '{env}'; "
                       f"allowed: {', '.join(accelerators) or 'none'}")
        if types is not None and machine.instance_type and not any(fnmatchcase(machine.instance_type, p) for p in types):
            out.append(f"instance type {machine.instance_type} is not allowed in '{env}'; allowed: {', '.join(types) or 'none'}")
    return out


def gpus_per_pool(resources, ctx):
    """No pool may reach more GPUs than config max_gpus_per_pool at its largest size."""
    cap = float(ctx.config.get("max_gpus_per_pool", 64))
    gpu_pools = [p for p in pools(resources, ctx) if p.is_gpu]
    if not gpu_pools:
        return NotApplicable("no GPU pools")
    return [Violation(p.urn, f"pool '{p.name}' can reach {fmt_number(p.max_gpus)} GPUs ({fmt_number(p.max_nodes)} "
                             f"nodes x {fmt_number(p.gpus_per_node)}); the cap is {fmt_number(cap)}")
            for p in gpu_pools if p.max_gpus is not None and p.max_gpus > cap]


def gpus_per_stack(resources, ctx):
    """All pools and managed endpoints together stay within config max_gpus_per_stack."""
    cap = float(ctx.config.get("max_gpus_per_stack", 256))
    parts = [(p.name, p.max_gpus) for p in pools(resources, ctx) if p.is_gpu and p.max_gpus is not None]
    parts += [(e.name, e.gpus_per_replica * e.max_replicas) for e in endpoints(resources, ctx)
              if e.managed and e.gpus_per_replica and e.max_replicas is not None]
    if not parts:
        return NotApplicable("no GPU capacity")
    total = sum(gpus for _name, gpus in parts)
    if total <= cap:
        return []
    biggest = ", ".join(f"{name} {fmt_number(g)}" for name, g in sorted(parts, key=lambda x: -x[1])[:3])
    return [Violation(None, f"the stack can reach {fmt_number(total)} GPUs (largest: {biggest}); "
                            f"the cap is {fmt_number(cap)}")]


def spot_in_nonprod(resources, ctx):
    """GPU pools in non-production environments use spot / preemptible / low-priority capacity."""
    if not ctx.is_nonprod():
        return NotApplicable(f"environment '{ctx.env}' is not non-production")
    gpu_pools = [p for p in pools(resources, ctx) if p.is_gpu]
    if not gpu_pools:
        return NotApplicable("no GPU pools")
    by_design = {r.urn for r in resources if _on_demand_by_design(r.props)}
    return [Violation(p.urn, f"GPU pool '{p.name}' uses on-demand capacity in '{ctx.env}'; use spot")
            for p in gpu_pools if p.spot is False and p.urn not in by_design]


ON_DEMAND_ROLES = ("fallback", "reserved")
"""Values of the node label ``aiscale.io/capacity-role`` of pools that are on-demand by design:
the on-demand half of a spot-with-fallback pool, and a pool on reserved capacity."""


def _on_demand_by_design(props) -> bool:
    """True when a pool's node labels (EKS ``labels``, AKS ``nodeLabels``, GKE
    ``nodeConfig.labels``) mark it on-demand by design (docs/capacity.md)."""
    for labels in (props.get("labels"), props.get("nodeLabels"), (props.get("nodeConfig") or {}).get("labels")):
        if isinstance(labels, dict) and labels.get("aiscale.io/capacity-role") in ON_DEMAND_ROLES:
            return True
    return False


CHECKS = (
    Check("COST-GPU-001", "cost", "GPU types allowed in this environment",
          "GPU machines use an accelerator in config allowed_accelerators[env] and an instance type "
          "matching allowed_instance_types[env] (glob patterns); key '*' applies to every environment "
          "and an environment with no entry is unrestricted. CPU machines are not checked.",
          "high", "mandatory", "Pick an allowed accelerator, or extend the allowlist for this environment.",
          allowed_gpus, MACHINE_TYPES, anchors=("pulumi/examples requireInstanceType",),
          config_schema={
              **schema.env_config(),
              "allowed_accelerators": schema.mapping(
                  {env: list(accs) for env, accs in DEFAULT_ALLOWED_ACCELERATORS.items()}, "Environment -> allowed canonical accelerators.",
                  {"type": "array", "items": {"type": "string"}}),
              "allowed_instance_types": schema.mapping(
                  {}, "Environment -> allowed GPU instance-type globs.", {"type": "array", "items": {"type": "string"}}),
          }),
    Check("COST-GPU-002", "cost", "GPUs per pool capped",
          "max nodes x GPUs per node (x zones where GKE bounds are per zone) stays within config "
          "max_gpus_per_pool, for EKS, ASG, AKS, VMSS, GKE, MIG and Azure ML pools.", "high", "mandatory",
          "Lower the pool's maximum size or raise max_gpus_per_pool deliberately.", gpus_per_pool,
          scope="stack", anchors=("Infracost GKE node pool zones x nodes x GPUs",),
          config_schema={"max_gpus_per_pool": schema.number(64, "Most GPUs one pool may reach.")}),
    Check("COST-GPU-003", "cost", "GPUs per stack capped",
          "The sum of every pool's and managed endpoint's maximum GPUs stays within config "
          "max_gpus_per_stack.", "high", "mandatory",
          "Lower pool or endpoint maxima, or raise max_gpus_per_stack deliberately.", gpus_per_stack,
          scope="stack", config_schema={"max_gpus_per_stack": schema.number(256, "Most GPUs the stack may reach.")}),
    Check("COST-GPU-004", "cost", "Spot GPU capacity in non-production",
          "In environments listed in nonprod_envs, GPU pools use spot / preemptible / low-priority "
          "capacity (not applicable elsewhere).", "medium", "mandatory",
          "Set capacity to spot (capacityType SPOT, scaleSetPriority Spot, nodeConfig.spot).",
          spot_in_nonprod, scope="stack", anchors=("pulumi/examples requireSpotInstance",),
          config_schema=schema.env_config()),
)
"""The GPU-capacity checks of the cost pack."""
