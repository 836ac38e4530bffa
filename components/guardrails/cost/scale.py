"""Cost checks on scaling: scale to zero in non-prod, autoscaling on GPU pools, idle shutdown."""

from __future__ import annotations

import re
from typing import Optional

from aiscale.facts import tokens

from .. import schema
from ..props import fmt_number, get, is_set
from ..registry import Check, NotApplicable, Violation
from .pools import pools

_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def iso_minutes(text) -> Optional[float]:
    """Minutes in an ISO-8601 duration ("PT30M", "PT1H", "P1DT2H"), or None if unparseable."""
    match = _DURATION.match(str(text or "").strip().upper())
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return days * 1440 + hours * 60 + minutes + seconds / 60


def scale_to_zero_in_nonprod(resources, ctx):
    """GPU pools in non-production can shrink to zero nodes (AKS System pools and VM groups
    scaled on CPU alone excepted: at zero they have no signal to start on)."""
    if not ctx.is_nonprod():
        return NotApplicable(f"environment '{ctx.env}' is not non-production")
    gpu_pools = [p for p in pools(resources, ctx) if p.is_gpu and not p.system and not p.cpu_scaled]
    if not gpu_pools:
        return NotApplicable("no GPU pools")
    return [Violation(p.urn, f"GPU pool '{p.name}' keeps at least {fmt_number(p.min_nodes)} node(s) in "
                             f"'{ctx.env}'; set its minimum to 0")
            for p in gpu_pools if p.min_nodes is not None and p.min_nodes > 0]


def gpu_pools_autoscale(resources, ctx):
    """GPU pools autoscale; a fixed size is accepted up to config max_fixed_nodes."""
    limit = float(ctx.config.get("max_fixed_nodes", 1))
    gpu_pools = [p for p in pools(resources, ctx) if p.is_gpu]
    if not gpu_pools:
        return NotApplicable("no GPU pools")
    return [Violation(p.urn, f"GPU pool '{p.name}' has a fixed size of {fmt_number(p.max_nodes)} nodes; "
                             f"enable autoscaling (fixed pools may have at most {fmt_number(limit)})")
            for p in gpu_pools
            if p.autoscaled is False and p.max_nodes is not None and p.max_nodes > limit]


def idle_shutdown(resource_type, props, ctx):
    """Interactive and batch ML compute shuts down or scales down when idle."""
    limit = float(ctx.config.get("max_idle_minutes", 60))
    if resource_type == tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE:
        if is_set(props, "lifecycleConfigName"):
            return []
        return ["no lifecycleConfigName; attach a lifecycle configuration that stops the notebook when idle"]
    kind = get(props, "properties.computeType")
    if kind == "ComputeInstance":
        path = "properties.properties.idleTimeBeforeShutdown"
    elif kind == "AmlCompute":
        path = "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown"
    else:
        return NotApplicable(f"computeType {kind} has no idle setting")
    value = get(props, path)
    minutes = iso_minutes(value)
    if minutes is None:
        return [f"{path} is not set; set an ISO-8601 duration of at most {fmt_number(limit)} minutes (e.g. PT30M)"]
    if minutes > limit:
        return [f"{path} is {value} ({fmt_number(minutes)} min); use at most {fmt_number(limit)} minutes"]
    return []


CHECKS = (
    Check("COST-SCALE-001", "cost", "GPU pools scale to zero in non-production",
          "In environments listed in nonprod_envs, GPU pools have a minimum of 0 nodes (AKS System "
          "pools and VM groups scaled on CPU utilisation alone excepted; not applicable elsewhere).", "medium", "mandatory",
          "Set the pool's minimum size to 0 and let the autoscaler add nodes on demand.",
          scale_to_zero_in_nonprod, scope="stack", anchors=("CKV_AZURE_150",),
          config_schema=schema.env_config()),
    Check("COST-SCALE-002", "cost", "GPU pools autoscale",
          "GPU pools enable autoscaling (min < max, AKS enableAutoScaling, GKE autoscaling, a GCE "
          "autoscaler or Azure autoscale setting); fixed pools may have at most max_fixed_nodes nodes.",
          "medium", "advisory", "Enable autoscaling with a minimum of 0 where possible.",
          gpu_pools_autoscale, scope="stack",
          config_schema={"max_fixed_nodes": schema.number(1, "Largest accepted fixed-size GPU pool.")}),
    Check("COST-SCALE-003", "cost", "Idle shutdown on ML compute",
          "Azure ML compute instances shut down and clusters scale down after at most max_idle_minutes; "
          "SageMaker notebooks have a lifecycle configuration (to stop when idle).", "medium", "advisory",
          "Set idleTimeBeforeShutdown / nodeIdleTimeBeforeScaleDown, or a notebook lifecycle config.",
          idle_shutdown, (tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE, tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE), anchors=("PSRule Azure.ML.ComputeIdleShutdown",),
          config_schema={"max_idle_minutes": schema.number(60, "Longest accepted idle time, minutes.")}),
)
"""The scaling checks of the cost pack."""
