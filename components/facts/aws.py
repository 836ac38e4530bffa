"""AWS facts: what the inputs of EKS node groups, EC2 and SageMaker resources state.

Paths are the engine's camelCase names of pulumi-aws 7 (``scalingConfig.minSize``,
``mixedInstancesPolicy.launchTemplate.overrides``).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from . import tokens
from .model import (
    ANY_ADDRESS,
    ControlPlaneFacts,
    Bounds,
    BucketFacts,
    EndpointFacts,
    MachineRequest,
    NodePoolFacts,
    Reading,
    VmFacts,
    VmGroupFacts,
)
from .values import ABSENT, Input, items_at, json_object, known_str, value_at

CLOUD = "aws"


NAME_INPUTS: dict[str, tuple[str, ...]] = {
    tokens.AWS_S3_BUCKET: ("bucket",),
}
"""Inputs holding a resource's own name, besides ``name`` (read by the reference follower)."""

SAGEMAKER_VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
"""The scalable dimension of a SageMaker endpoint variant's instance count."""


def scaled_variant(resource_id: Any) -> Optional[tuple[str, str]]:
    """(endpoint name, variant name) an Application Auto Scaling target's ``resourceId``
    (``endpoint/<endpoint>/variant/<variant>``) scales; None for other or unknown ids."""
    text = known_str(resource_id)
    parts = text.split("/") if text else []
    if len(parts) == 4 and parts[0] == "endpoint" and parts[2] == "variant" and parts[1] and parts[3]:
        return parts[1], parts[3]
    return None


def _scaled_endpoint(resource_id: Any) -> tuple[str, ...]:
    found = scaled_variant(resource_id)
    return (found[0],) if found is not None else ()


REFERENCE_READERS: dict[str, dict[str, Callable[[Any], tuple[str, ...]]]] = {
    tokens.AWS_APPAUTOSCALING_TARGET: {"resourceId": _scaled_endpoint},
}
"""Kind -> input -> the names a composite reference in that input holds (the reference
follower reads these instead of the value's plain strings)."""

SAGEMAKER_PREFIX = "ml."
"""SageMaker names its instance types after EC2's with this prefix (``ml.g5.xlarge``)."""


def catalog_instance_type(instance_type: str) -> str:
    """The EC2 type the catalog lists for a machine type: a SageMaker ``ml.`` type without
    its prefix ("ml.g5.xlarge" -> "g5.xlarge"), any other type unchanged."""
    if instance_type.startswith(SAGEMAKER_PREFIX):
        return instance_type[len(SAGEMAKER_PREFIX):]
    return instance_type


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
                     Input.at(inputs, "scalingConfig", "maxSize"), autoscaled=None)
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


def market_is_spot(inputs: Any) -> bool:
    """True when ``instanceMarketOptions.marketType`` asks for spot; UnknownValue when unknown."""
    market = Input.at(inputs, "instanceMarketOptions", "marketType").known()
    return isinstance(market, str) and market.lower() == "spot"


def vm(kind: str, inputs: Any) -> VmFacts:
    """An EC2 launch template or instance: ``instanceType``, spot by its market options."""
    return VmFacts(CLOUD, kind, Input.at(inputs, "instanceType"), ABSENT,
                   Reading.of(lambda: _instance_type(inputs)),
                   Reading.of(lambda: market_is_spot(inputs)))


VMS: dict[str, Callable[[Any], VmFacts]] = {
    tokens.AWS_EC2_LAUNCH_TEMPLATE: lambda inputs: vm(tokens.AWS_EC2_LAUNCH_TEMPLATE, inputs),
    tokens.AWS_EC2_INSTANCE: lambda inputs: vm(tokens.AWS_EC2_INSTANCE, inputs),
}
"""Canonical token -> the VM template / VM its inputs declare."""

_DISTRIBUTION = ("mixedInstancesPolicy", "instancesDistribution")


def _buys_no_on_demand(base: Input, percent: Input) -> Optional[bool]:
    """True when the mixed policy buys no on-demand at all (0 % above a base of 0)."""
    return percent.number() == 0 and not base.number()


def autoscaling_group(inputs: Any) -> VmGroupFacts:
    """An Auto Scaling group: ``minSize..maxSize`` of the first mixed-policy override (else the
    launch template's type); spot when the mixed policy buys no on-demand."""
    base = Input.at(inputs, *_DISTRIBUTION, "onDemandBaseCapacity")
    percent = Input.at(inputs, *_DISTRIBUTION, "onDemandPercentageAboveBaseCapacity")
    return VmGroupFacts(
        CLOUD, tokens.AWS_AUTOSCALING_GROUP,
        machine=Input.at(inputs, "mixedInstancesPolicy", "launchTemplate", "overrides", 0, "instanceType"),
        machines=Reading.of(lambda: _group_machines(inputs)),
        template_keys=("launchTemplate", "mixedInstancesPolicy"),
        size=Bounds(Input.at(inputs, "minSize"), Input.at(inputs, "maxSize")),
        spot=Reading.of(lambda: _buys_no_on_demand(base, percent)),
        on_demand_base=base, on_demand_percent=percent,
        mixed_policy=Input.at(inputs, "mixedInstancesPolicy"))


VM_GROUPS: dict[str, Callable[[Any], VmGroupFacts]] = {
    tokens.AWS_AUTOSCALING_GROUP: autoscaling_group,
}
"""Canonical token -> the VM group its inputs declare."""


def bucket(kind: str, inputs: Any) -> BucketFacts:
    """An S3 bucket: ``tags``; class STANDARD; legacy inline ``lifecycleRules``."""
    return BucketFacts(CLOUD, kind, tags=Input.at(inputs, "tags"), storage_class=ABSENT,
                       default_class="STANDARD", location=ABSENT, versioning=ABSENT,
                       lifecycle_rules=Input.at(inputs, "lifecycleRules"), public_access=ABSENT,
                       uniform_access=ABSENT)


BUCKETS: dict[str, Callable[[Any], BucketFacts]] = {
    tokens.AWS_S3_BUCKET: lambda inputs: bucket(tokens.AWS_S3_BUCKET, inputs),
}
"""Canonical token -> the bucket its inputs declare (``bucketV2`` folds onto ``bucket``)."""


def _variant_replicas(variant: Any) -> tuple[Optional[float], Optional[float]]:
    """managedInstanceScaling min..max, else initialInstanceCount."""
    initial = Input.at(variant, "initialInstanceCount").number()
    low = Input.at(variant, "managedInstanceScaling", "minInstanceCount").number()
    high = Input.at(variant, "managedInstanceScaling", "maxInstanceCount").number()
    return (initial if low is None else low), (high or initial)


def _variant(variant: Any) -> EndpointFacts:
    instance_type = Input.at(variant, "instanceType")
    return EndpointFacts(CLOUD, tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION,
                         Input.at(variant, "variantName"), instance_type, ABSENT,
                         Reading.of(lambda: _typed([instance_type.known()])),
                         Reading.of(lambda: _variant_replicas(variant)), Reading(None), managed=True)


def endpoint_variants(inputs: Any) -> list[EndpointFacts]:
    """A SageMaker endpoint configuration: one endpoint per production variant, its instance
    type and managed scaling (else its initial instance count); UnknownValue when the variant
    list is not known yet."""
    return [_variant(variant) for variant in items_at(inputs, "productionVariants")]


ENDPOINTS: dict[str, Callable[[Any], list[EndpointFacts]]] = {
    tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION: endpoint_variants,
}
"""Canonical token -> the model endpoints its inputs declare."""


def _eks_api(inputs: Any) -> tuple[bool, tuple[str, ...]]:
    """Public unless ``vpcConfig.endpointPublicAccess`` is false; EKS admits any address when
    ``publicAccessCidrs`` is unset."""
    public = Input.at(inputs, "vpcConfig", "endpointPublicAccess").flag(True)
    return bool(public), tuple(items_at(inputs, "vpcConfig", "publicAccessCidrs") or [ANY_ADDRESS])


def eks_cluster(inputs: Any) -> ControlPlaneFacts:
    """An EKS cluster's API endpoint and ``version``."""
    return ControlPlaneFacts(CLOUD, tokens.AWS_EKS_CLUSTER, Reading.of(lambda: _eks_api(inputs)),
                             Input.at(inputs, "version"))


CONTROL_PLANES: dict[str, Callable[[Any], ControlPlaneFacts]] = {
    tokens.AWS_EKS_CLUSTER: eks_cluster,
}
"""Canonical token -> the control plane its inputs declare."""


def _launch_template_disks(inputs: Any) -> tuple[Any, ...]:
    return tuple(value_at(mapping, "ebs", "volumeType") for mapping in items_at(inputs, "blockDeviceMappings"))


def _instance_disks(inputs: Any) -> tuple[Any, ...]:
    return (value_at(inputs, "rootBlockDevice", "volumeType"),
            *(value_at(disk, "volumeType") for disk in items_at(inputs, "ebsBlockDevices")))


DISKS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    tokens.AWS_EC2_LAUNCH_TEMPLATE: _launch_template_disks,
    tokens.AWS_EC2_INSTANCE: _instance_disks,
}
"""Canonical token -> the disk (EBS volume) types its inputs name, None where unset."""


USER_DATA: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    tokens.AWS_EC2_LAUNCH_TEMPLATE: lambda inputs: (value_at(inputs, "userData"),),
    tokens.AWS_EC2_INSTANCE: lambda inputs: (value_at(inputs, "userData"), value_at(inputs, "userDataBase64")),
}
"""Canonical token -> the user data its inputs pass to the VM (possibly base64), None where unset."""


AUTOSCALERS: dict = {}
"""No autoscaler of this cloud is read as a fact yet (ASG sizes are the group's own)."""


def provider_default_tag_keys(inputs: Any) -> tuple[Any, ...]:
    """The keys of an AWS provider's ``defaultTags.tags``: tags every resource it manages gets."""
    default_tags = json_object(inputs.get("defaultTags"))
    if isinstance(default_tags, dict) and isinstance(default_tags.get("tags"), dict):
        return tuple(default_tags["tags"])
    return ()
