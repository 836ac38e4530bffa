"""COST-SCALE-001 (GPU pools scale to zero in non-prod) exempts VM groups that scale on CPU
utilisation alone: at zero machines they have no signal to start on, so the model keeps them at
one machine at least (issue 13) and the cost pack must not demand zero of them."""

from __future__ import annotations

import pytest

from aiscale.guardrails import Context, get_check, run_stack
from aiscale.guardrails.cost.pools import pools
from aiscale.preview.records import UNKNOWN
from tests.guardrails.helpers import context, is_na, urn, view

ASG = "aws:autoscaling/group:Group"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"


def aws_group(metric: str = "ASGAverageCPUUtilization") -> list:
    group = view(ASG, "batch", {"minSize": 1.0, "maxSize": 4.0, "mixedInstancesPolicy": {
        "launchTemplate": {"overrides": [{"instanceType": "g5.xlarge"}]}}})
    policy = view("aws:autoscaling/policy:Policy", "batch-cpu", {
        "autoscalingGroupName": UNKNOWN, "policyType": "TargetTrackingScaling",
        "targetTrackingConfiguration": {"predefinedMetricSpecification": {"predefinedMetricType": metric},
                                        "targetValue": 60.0}}, deps={"autoscalingGroupName": [urn(ASG, "batch")]})
    return [group, policy]


def azure_group(metric: str = "Percentage CPU") -> list:
    return [view(VMSS, "batch", {"sku": {"name": "Standard_NC4as_T4_v3", "capacity": 1.0}}),
            view("azure-native:monitor:AutoscaleSetting", "batch", {"targetResourceUri": UNKNOWN, "enabled": True, "profiles": [
                {"name": "cpu", "capacity": {"minimum": "1", "maximum": "4", "default": "1"},
                 "rules": [{"metricTrigger": {"metricName": metric}, "scaleAction": {"direction": "Increase"}}]}]},
                 deps={"targetResourceUri": [urn(VMSS, "batch")]})]


def gcp_group(policy: dict | None = None) -> list:
    return [view(TEMPLATE, "tpl", {"machineType": "g2-standard-8", "guestAccelerators": [{"type": "nvidia-l4", "count": 1.0}]}),
            view(MIG, "batch", {"versions": [{"instanceTemplate": UNKNOWN}]}, deps={"versions": [urn(TEMPLATE, "tpl")]}),
            view("gcp:compute/regionAutoscaler:RegionAutoscaler", "batch", {"autoscalingPolicy": policy or {
                "minReplicas": 1.0, "maxReplicas": 4.0, "cpuUtilization": {"target": 0.6}}}, deps={"target": [urn(MIG, "batch")]})]


@pytest.mark.parametrize("stack, reason", [
    (aws_group(), "AWS target tracking on ASGAverageCPUUtilization"),
    (azure_group(), "Azure autoscale rules on Percentage CPU"),
    (gcp_group(), "GCE autoscaler on cpuUtilization"),
])
def test_cpu_scaled_groups_are_exempt(stack, reason):
    (pool,) = [p for p in pools(stack, Context()) if p.is_gpu]
    assert pool.cpu_scaled and pool.min_nodes == 1, reason
    assert is_na(run_stack(get_check("COST-SCALE-001"), stack, context("COST-SCALE-001", {}, "dev"))), reason


@pytest.mark.parametrize("stack, reason", [
    (aws_group("SQSQueueDepth"), "a queue metric exists at zero machines"),
    (azure_group("QueueLength"), "a queue metric exists at zero machines"),
    (gcp_group({"minReplicas": 1.0, "maxReplicas": 4.0, "cpuUtilization": {"target": 0.6},
                "metrics": [{"name": "pubsub.googleapis.com/subscription/num_undelivered_messages"}]}),
     "a second signal that exists at zero"),
])
def test_groups_with_another_signal_must_still_scale_to_zero_in_dev(stack, reason):
    (pool,) = [p for p in pools(stack, Context()) if p.is_gpu]
    assert not pool.cpu_scaled, reason
    assert run_stack(get_check("COST-SCALE-001"), stack, context("COST-SCALE-001", {}, "dev")), reason
