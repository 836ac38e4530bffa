"""GCP facts: what the inputs of GKE node pools and clusters, Compute Engine templates and
instances, Vertex AI and Cloud Run resources state; and GCP's zone vocabulary.

Paths are the engine's camelCase names of pulumi-gcp 10 (``nodeConfig.machineType``,
``autoscaling.minNodeCount``, ``guestAccelerators[].type``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Callable, Optional

from . import tokens
from .gpu import GPU_RESOURCE
from .model import (
    ANY_ADDRESS,
    AutoscalerFacts,
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
from .values import ABSENT, Input, as_number, dig, items_at, json_object, known_str, value_at

CLOUD = "gcp"

ASSUMED_REGIONAL_ZONES = 3
"""Zones a regional GKE node pool spans when nodeLocations is not set (GKE's usual default)."""

_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
"""A GCP zone ("us-central1-a"): the region is everything before the last dash."""

_TOTALS = ("totalMinNodeCount", "totalMaxNodeCount")


def region_of(location: str) -> str:
    """The region of a GCP zone or region ("us-central1-a" -> "us-central1"), lower case."""
    location = location.lower()
    match = _ZONE.match(location)
    return match.group(1) if match else location


def is_zone(location: str) -> bool:
    """True for a zone ("us-central1-a"), False for a region or multi-region."""
    return bool(_ZONE.match(location.lower()))


def zone_count(node_locations: Input, location: str | Input) -> tuple[int, str]:
    """(zones a node pool spans, how that was decided): its ``nodeLocations``, else the one
    zone of a zonal `location` (a resolved location, or the pool's own input, read only when
    needed), else 3 zones of a region (assumed). UnknownValue when an input read is unknown."""
    zones = node_locations.items()
    if zones:
        plural = "s" if len(zones) > 1 else ""
        return len(zones), f"{len(zones)} zone{plural} from nodeLocations"
    if isinstance(location, Input):
        location = str(location.known() or "")
    if is_zone(location):
        return 1, f"1 zone, {location}"
    return (ASSUMED_REGIONAL_ZONES,
            f"{ASSUMED_REGIONAL_ZONES} zones of {location} assumed, nodeLocations not set")


def _typed(names: list[Any]) -> tuple[MachineRequest, ...]:
    return tuple(MachineRequest(CLOUD, name, None) for name in names if known_str(name))


def _with_accelerators(machine_type: Any, accelerators: list[Any]) -> tuple[MachineRequest, ...]:
    """A request per attached accelerator, or one for the machine type alone."""
    out = []
    for accelerator in accelerators:
        kind = value_at(accelerator, "type")
        if kind:
            out.append(MachineRequest(CLOUD, machine_type, kind,
                                      as_number(value_at(accelerator, "count"))))
    return tuple(out) or _typed([machine_type])


def _template_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    return _with_accelerators(value_at(inputs, "machineType"), items_at(inputs, "guestAccelerators"))


def _vertex_machines(*prefix: str) -> Callable[[Any], tuple[MachineRequest, ...]]:
    def read(inputs: Any) -> tuple[MachineRequest, ...]:
        spec = value_at(inputs, *prefix, "dedicatedResources", "machineSpec") or {}
        if not spec:
            return ()
        return (MachineRequest(CLOUD, value_at(spec, "machineType"), value_at(spec, "acceleratorType"),
                               as_number(value_at(spec, "acceleratorCount"))),)
    return read


def _cloud_run_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    accelerator = value_at(inputs, "template", "nodeSelector", "accelerator")
    return (MachineRequest(CLOUD, None, accelerator, 1.0),) if accelerator else ()


def _cluster_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    """Node auto-provisioning GPU limits (``clusterAutoscaling.resourceLimits``)."""
    limits = items_at(inputs, "clusterAutoscaling", "resourceLimits")
    return tuple(MachineRequest(CLOUD, None, value_at(limit, "resourceType"),
                                as_number(value_at(limit, "maximum")))
                 for limit in limits if str(value_at(limit, "resourceType") or "").startswith("nvidia-"))


def _node_pool_machines(inputs: Any) -> tuple[MachineRequest, ...]:
    return _with_accelerators(value_at(inputs, "nodeConfig", "machineType"),
                              items_at(inputs, "nodeConfig", "guestAccelerators"))


MACHINES: dict[str, Callable[[Any], tuple[MachineRequest, ...]]] = {
    tokens.GCP_CONTAINER_NODE_POOL: _node_pool_machines,
    tokens.GCP_CONTAINER_CLUSTER: _cluster_machines,
    tokens.GCP_COMPUTE_INSTANCE_TEMPLATE: _template_machines,
    tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE: _template_machines,
    tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL: _vertex_machines(),
    tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT: _vertex_machines("deployConfig"),
    tokens.GCP_CLOUDRUNV2_SERVICE: _cloud_run_machines,
}
"""Canonical token -> the machine requests its inputs name."""


def _bounds(inputs: Any) -> Bounds:
    """Total counts across zones when ``autoscaling`` gives them; else per-zone
    minNodeCount..maxNodeCount; without autoscaling ``nodeCount`` (else ``initialNodeCount``)
    per zone."""
    autoscaling = value_at(inputs, "autoscaling")
    if isinstance(autoscaling, Mapping) and any(key in autoscaling for key in _TOTALS):
        return Bounds(Input.at(inputs, "autoscaling", _TOTALS[0]), Input.at(inputs, "autoscaling", _TOTALS[1]),
                      low_default=0, autoscaled=True, note=" (total node counts across zones)")
    if isinstance(autoscaling, Mapping):
        return Bounds(Input.at(inputs, "autoscaling", "minNodeCount"),
                      Input.at(inputs, "autoscaling", "maxNodeCount"),
                      low_default=0, autoscaled=True, per_zone=True)
    key = "initialNodeCount" if Input.at(inputs, "nodeCount").missing else "nodeCount"
    count = Input.at(inputs, key)
    return Bounds(count, count, per_zone=True)


def _spot(inputs: Any) -> bool:
    """nodeConfig.spot, else nodeConfig.preemptible."""
    return bool(Input.at(inputs, "nodeConfig", "spot").flag(False)
                or Input.at(inputs, "nodeConfig", "preemptible").flag(False))


def _taints(inputs: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value_at(taint, "key")), str(value_at(taint, "effect")))
                 for taint in items_at(inputs, "nodeConfig", "taints"))


def node_pool(inputs: Any) -> NodePoolFacts:
    """A GKE node pool: ``nodeConfig.machineType`` (+ guestAccelerators), spot or preemptible,
    autoscaled per zone or in total, over ``nodeLocations`` or its location's zones."""
    return NodePoolFacts(
        cloud=CLOUD, kind=tokens.GCP_CONTAINER_NODE_POOL, name=ABSENT,
        machine=Input.at(inputs, "nodeConfig", "machineType"),
        machine_list=Input.at(inputs, "nodeConfig", "machineType"),
        machines=Reading.of(lambda: _node_pool_machines(inputs)),
        accelerators=Input.at(inputs, "nodeConfig", "guestAccelerators"), launch_template_key=None,
        spot=Reading.of(lambda: _spot(inputs)), bounds=Reading.of(lambda: _bounds(inputs)),
        node_locations=Input.at(inputs, "nodeLocations"), location=Input.at(inputs, "location"),
        taints=Reading.of(lambda: _taints(inputs)),
        zone_rule=lambda pool, location: zone_count(pool.node_locations, location))


def machine_name(value: str) -> str:
    """A machine or accelerator type reduced to its name when given as a URL."""
    return value.rstrip("/").rsplit("/", 1)[-1]


NODE_POOLS: dict[str, Callable[[Any], list[NodePoolFacts]]] = {
    tokens.GCP_CONTAINER_NODE_POOL: lambda inputs: [node_pool(inputs)],
}
"""Canonical token -> the node pools its inputs declare."""


def scheduling_is_spot(inputs: Any) -> bool:
    """True for ``scheduling.provisioningModel`` SPOT or ``scheduling.preemptible``."""
    model = Input.at(inputs, "scheduling", "provisioningModel").known()
    return bool((isinstance(model, str) and model.upper() == "SPOT")
                or Input.at(inputs, "scheduling", "preemptible").flag(False))


def vm(kind: str, inputs: Any) -> VmFacts:
    """A GCE instance template or instance: ``machineType`` (+ ``guestAccelerators``), spot by
    its scheduling."""
    return VmFacts(CLOUD, kind, Input.at(inputs, "machineType"), Input.at(inputs, "guestAccelerators"),
                   Reading.of(lambda: _template_machines(inputs)),
                   Reading.of(lambda: scheduling_is_spot(inputs)))


VMS: dict[str, Callable[[Any], VmFacts]] = {
    kind: (lambda inputs, kind=kind: vm(kind, inputs))
    for kind in (tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE,
                 tokens.GCP_COMPUTE_INSTANCE)
}
"""Canonical token -> the VM template / VM its inputs declare."""


def instance_group(kind: str, inputs: Any) -> VmGroupFacts:
    """A managed instance group: ``targetSize`` machines of the template of ``versions[0]``
    (an autoscaler that targets it may set other bounds)."""
    size = Input.at(inputs, "targetSize")
    return VmGroupFacts(CLOUD, kind, machine=ABSENT, machines=Reading(()), template_keys=("versions",),
                        size=Bounds(size, size), spot=Reading(None))


VM_GROUPS: dict[str, Callable[[Any], VmGroupFacts]] = {
    kind: (lambda inputs, kind=kind: instance_group(kind, inputs))
    for kind in (tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER, tokens.GCP_COMPUTE_INSTANCE_GROUP_MANAGER)
}
"""Canonical token -> the VM group its inputs declare."""


def bucket(inputs: Any) -> BucketFacts:
    """A GCS bucket: ``labels``, ``storageClass`` (default STANDARD), ``location``,
    ``versioning.enabled``, ``lifecycleRules``, ``publicAccessPrevention``,
    ``uniformBucketLevelAccess``."""
    return BucketFacts(CLOUD, tokens.GCP_STORAGE_BUCKET, tags=Input.at(inputs, "labels"),
                       storage_class=Input.at(inputs, "storageClass"), default_class="STANDARD",
                       location=Input.at(inputs, "location"),
                       versioning=Input.at(inputs, "versioning", "enabled"),
                       lifecycle_rules=Input.at(inputs, "lifecycleRules"),
                       public_access=Input.at(inputs, "publicAccessPrevention"),
                       uniform_access=Input.at(inputs, "uniformBucketLevelAccess"))


BUCKETS: dict[str, Callable[[Any], BucketFacts]] = {
    tokens.GCP_STORAGE_BUCKET: bucket,
}
"""Canonical token -> the bucket its inputs declare."""


CLOUD_RUN_DEFAULT_MAX = 100.0
"""Cloud Run's maximum instance count when a service sets none."""


def _vertex_replicas(inputs: Any, prefix: tuple[str, ...]) -> tuple[Optional[float], Optional[float]]:
    low = Input.at(inputs, *prefix, "dedicatedResources", "minReplicaCount").number()
    high = Input.at(inputs, *prefix, "dedicatedResources", "maxReplicaCount").number()
    return low, (low if high is None else high)


def vertex_endpoint(kind: str, inputs: Any) -> list[EndpointFacts]:
    """Vertex AI dedicated resources: machine spec and min..max replica count (max defaults to
    min)."""
    prefix = ("deployConfig",) if kind == tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT else ()
    spec = (*prefix, "dedicatedResources", "machineSpec")
    return [EndpointFacts(CLOUD, kind, ABSENT, Input.at(inputs, *spec, "machineType"),
                          Input.at(inputs, *spec, "acceleratorType"), Reading.of(lambda: MACHINES[kind](inputs)),
                          Reading.of(lambda: _vertex_replicas(inputs, prefix)), Reading(None), managed=True)]


def _first_number(inputs: Any, *paths: tuple[str, ...]) -> Optional[float]:
    for path in paths:
        number = Input.at(inputs, *path).number()
        if number is not None:
            return number
    return None


def _cloud_run_replicas(inputs: Any) -> tuple[Optional[float], Optional[float]]:
    """A manual instance count, else min (default 0) .. max (default 100) instances, from the
    revision template's scaling, else the service's."""
    manual = Input.at(inputs, "scaling", "manualInstanceCount").number()
    low = _first_number(inputs, ("template", "scaling", "minInstanceCount"), ("scaling", "minInstanceCount"))
    high = _first_number(inputs, ("template", "scaling", "maxInstanceCount"), ("scaling", "maxInstanceCount"))
    if manual is not None:
        low = high = manual
    return low or 0.0, (CLOUD_RUN_DEFAULT_MAX if high is None else high)


def cloud_run(inputs: Any) -> list[EndpointFacts]:
    """A Cloud Run service: one GPU per instance when it names an accelerator."""
    accelerator = Input.at(inputs, "template", "nodeSelector", "accelerator")
    return [EndpointFacts(CLOUD, tokens.GCP_CLOUDRUNV2_SERVICE, ABSENT, ABSENT, accelerator,
                          Reading.of(lambda: _cloud_run_machines(inputs)),
                          Reading.of(lambda: _cloud_run_replicas(inputs)),
                          Reading.of(lambda: 1.0 if accelerator.known() else 0.0), managed=True)]


def cloud_run_asks_for_gpu(inputs: Any) -> bool:
    """True when a Cloud Run service names an accelerator or a container limits
    nvidia.com/gpu; parts not known during preview are ignored."""
    accelerator = Input.at(inputs, "template", "nodeSelector", "accelerator").text()
    containers = dig(inputs, "template", "containers")
    limits = [dig(c, "resources", "limits") for c in containers or [] if isinstance(c, Mapping)]
    return bool(accelerator) or any(isinstance(l, Mapping) and GPU_RESOURCE in l for l in limits)


ENDPOINTS: dict[str, Callable[[Any], list[EndpointFacts]]] = {
    tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL:
        lambda inputs: vertex_endpoint(tokens.GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL, inputs),
    tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT:
        lambda inputs: vertex_endpoint(tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT, inputs),
    tokens.GCP_CLOUDRUNV2_SERVICE: cloud_run,
}
"""Canonical token -> the model endpoints its inputs declare."""


def _gke_api(inputs: Any) -> tuple[bool, tuple[str, ...]]:
    """Public unless ``enablePrivateEndpoint``; any address without authorized networks, and
    every Google Cloud public address when ``gcpPublicCidrsAccessEnabled``."""
    public = Input.at(inputs, "privateClusterConfig", "enablePrivateEndpoint").flag() is not True
    networks = ("masterAuthorizedNetworksConfig",)
    if value_at(inputs, *networks) is None:
        return public, (ANY_ADDRESS,)
    cidrs = [value_at(block, "cidrBlock") for block in items_at(inputs, *networks, "cidrBlocks")]
    if Input.at(inputs, *networks, "gcpPublicCidrsAccessEnabled").flag() is True:
        cidrs.append(ANY_ADDRESS)
    return public, tuple(cidrs)


def cluster(inputs: Any) -> ControlPlaneFacts:
    """A GKE cluster's API endpoint and ``minMasterVersion``."""
    return ControlPlaneFacts(CLOUD, tokens.GCP_CONTAINER_CLUSTER, Reading.of(lambda: _gke_api(inputs)),
                             Input.at(inputs, "minMasterVersion"))


CONTROL_PLANES: dict[str, Callable[[Any], ControlPlaneFacts]] = {
    tokens.GCP_CONTAINER_CLUSTER: cluster,
}
"""Canonical token -> the control plane its inputs declare."""


def _template_disks(inputs: Any) -> tuple[Any, ...]:
    return tuple(value_at(disk, "diskType") for disk in items_at(inputs, "disks"))


DISKS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    tokens.GCP_CONTAINER_NODE_POOL: lambda inputs: (value_at(inputs, "nodeConfig", "diskType"),),
    tokens.GCP_COMPUTE_INSTANCE_TEMPLATE: _template_disks,
    tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE: _template_disks,
}
"""Canonical token -> the persistent disk types its inputs name."""


def _startup_scripts(inputs: Any) -> tuple[Any, ...]:
    metadata = value_at(inputs, "metadata") or {}
    return (value_at(inputs, "metadataStartupScript"),
            *(value_at(metadata, key) for key in ("startup-script", "user-data")))


USER_DATA: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    tokens.GCP_COMPUTE_INSTANCE_TEMPLATE: _startup_scripts,
    tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE: _startup_scripts,
}
"""Canonical token -> the startup scripts and user data its inputs pass to the VMs."""


def autoscaler(kind: str, inputs: Any) -> AutoscalerFacts:
    """A GCE autoscaler: ``autoscalingPolicy.minReplicas`` (0 when unset) ..``maxReplicas``."""
    policy = ("autoscalingPolicy",)
    bounds = Bounds(Input.at(inputs, *policy, "minReplicas"), Input.at(inputs, *policy, "maxReplicas"),
                    low_default=0, autoscaled=True)
    return AutoscalerFacts(CLOUD, kind, "target", Reading(True), Reading((bounds,)))


AUTOSCALERS: dict[str, Callable[[Any], AutoscalerFacts]] = {
    kind: (lambda inputs, kind=kind: autoscaler(kind, inputs))
    for kind in (tokens.GCP_COMPUTE_REGION_AUTOSCALER, tokens.GCP_COMPUTE_AUTOSCALER)
}
"""Canonical token -> the autoscaler its inputs declare."""


def provider_default_tag_keys(inputs: Any) -> tuple[Any, ...]:
    """The keys of a GCP provider's ``defaultLabels``: labels every resource it manages gets."""
    default_labels = json_object(inputs.get("defaultLabels"))
    return tuple(default_labels) if isinstance(default_labels, dict) else ()
