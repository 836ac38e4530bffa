"""AWS facts: what the inputs of EKS node groups, EC2 and SageMaker resources state.

Paths are the engine's camelCase names of pulumi-aws 7 (``scalingConfig.minSize``,
``mixedInstancesPolicy.launchTemplate.overrides``).
"""

from __future__ import annotations

from typing import Any, Callable

from . import tokens
from .model import Bounds, MachineRequest, NodePoolFacts, Reading
from .values import ABSENT, Input, items_at, known_str, value_at

CLOUD = "aws"


def _typed(names: list[Any]) -> tuple[MachineRequest, ...]:
    """Machine requests for the known machine-type names among `names`."""
    return tuple(MachineRequest(CLOUD, name, None) for name in names if known_str(name))


def _instance_type(inputs: Any) -> tuple[MachineRequest, ...]:
    return _typed([value_at(inputs, "instanceType")])


def _node_group_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    return _typed(items_at(inputs, "instanceTypes"))


def _group_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    overrides = items_at(inputs, "mixedInstancesPolicy", "launchTemplate", "overrides")
    return _typed([value_at(override, "instanceType") for override in overrides])


def _endpoint_config_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    variants = items_at(inputs, "productionVariants")
    return _typed([value_at(variant, "instanceType") for variant in variants])


MACHINES: dict[str, Callable[[Any], tuple[MachineRequest, ...]]] = {
    tokens.AWS_EKS_NODE_GROUP: _node_group_machines,
    tokens.AWS_EC2_LAUNCH_TEMPLATE: _instance_type,
    tokens.AWS_EC2_INSTANCE: _instance_type,
    tokens.AWS_AUTOSCALING_GROUP: _group_machines,
    tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION: _endpoint_config_machines,
    tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE: _instance_type,
}
"""Canonical token -> the machine requests its inputs name."""


def _capacity_is_spot(inputs: Any) -> bool:
    capacity = value_at(inputs, "capacityType")
    return capacity is not None and str(capacity).upper() == "SPOT"


def _taints(inputs: Any, *path: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(value_at(taint, "key")), str(value_at(taint, "effect")))
                 for taint in items_at(inputs, *path))


def node_group(inputs: Any) -> NodePoolFacts:
    """An EKS managed node group: ``instanceTypes`` (else its launch template's type),
    ``capacityType`` SPOT or ON_DEMAND (the default), ``scalingConfig.minSize..maxSize``."""
    scaling = Bounds(Input.at(inputs, "scalingConfig", "minSize"),
                     Input.at(inputs, "scalingConfig", "maxSize"))
    return NodePoolFacts(
        cloud=CLOUD, kind=tokens.AWS_EKS_NODE_GROUP, name=ABSENT,
        machine=Input.at(inputs, "instanceTypes", 0),
        machine_list=Input.at(inputs, "instanceTypes"),
        machines=Reading.of(lambda: _node_group_machines(inputs)),
        accelerators=ABSENT, launch_template_key="launchTemplate",
        spot=Reading.of(lambda: _capacity_is_spot(inputs)),
        bounds=Reading(scaling),
        node_locations=ABSENT, location=ABSENT,
        taints=Reading.of(lambda: _taints(inputs, "taints")))


NODE_POOLS: dict[str, Callable[[Any], list[NodePoolFacts]]] = {
    tokens.AWS_EKS_NODE_GROUP: lambda inputs: [node_group(inputs)],
}
"""Canonical token -> the node pools its inputs declare."""
