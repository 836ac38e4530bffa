"""Can this group start? VM groups that scale on CPU alone and may shrink to zero machines:
with no machine there is no CPU signal, so they never scale out again."""

from __future__ import annotations

from aiscale.facts import cloud_wiring, tokens
from aiscale.facts.values import Input, UnknownValue

from ..registry import Check, NotApplicable, Violation
from .graph import StackGraph


def _asg_minimum(graph: StackGraph, signal: cloud_wiring.ScalingSignal, policy) -> tuple:
    """(the Auto Scaling group a policy scales, its minSize) or (None, None)."""
    group = graph.linked(policy, signal.target.where, tokens.AWS_AUTOSCALING_GROUP)
    return (group, Input.at(group.props, "minSize").number()) if group is not None else (None, None)


def cpu_scaling_from_zero(resources, ctx):
    """AWS ASGs with minSize 0 and CPU target tracking, GCE autoscalers with minReplicas 0 on
    CPU only, Azure autoscale settings with a minimum of 0 and CPU-only scale-out rules."""
    graph = StackGraph(resources)
    found, checked = [], 0
    for view in graph.of_type(tokens.AWS_AUTOSCALING_POLICY, tokens.GCP_COMPUTE_AUTOSCALER,
                              tokens.GCP_COMPUTE_REGION_AUTOSCALER, tokens.AZURE_MONITOR_AUTOSCALE_SETTING):
        try:
            signal = cloud_wiring.scaling_signal(view.type, view.props)
            if signal is None:
                continue
            target, minimum = view, signal.minimum
            if view.canonical == tokens.AWS_AUTOSCALING_POLICY:
                target, minimum = _asg_minimum(graph, signal, view)
                if target is None:
                    continue
        except UnknownValue:
            continue
        checked += 1
        if signal.cpu_only and minimum == 0:
            found.append(Violation(target.urn, (
                f"'{target.name}' may shrink to 0 machines and scales out only on CPU ({signal.describes}): "
                "with no machine there is no CPU signal, so it never starts")))
    return found if checked else NotApplicable("no CPU-scaled VM group")


CHECKS = (
    Check("WIRE-SCALE-001", "wiring", "CPU-scaled VM groups do not start at zero",
          "A VM group whose only scale-out signal is CPU utilisation keeps at least one machine (AWS "
          "ASG minSize with ASGAverageCPUUtilization target tracking, GCE autoscaler minReplicas, Azure "
          "autoscale profile minimum with Percentage CPU rules): at zero machines there is no CPU to "
          "measure and the group never scales out.", "high", "mandatory",
          "Keep a minimum of 1, or scale on a signal that exists at zero (a queue length, a schedule, "
          "load-balancer requests).",
          cpu_scaling_from_zero, scope="stack",
          url="https://cloud.google.com/compute/docs/autoscaler/scaling-cpu"),
)
"""The scaling checks of the wiring pack."""
