"""The GCP pre-flight: read-only checks of a project before `pulumi up`, with
``google-cloud-compute`` (installed by ``aiscale[gcp]``, imported only when GCP is checked).

For each GPU fleet (GKE node pool or managed instance group) of the platform's GCP part: the
machine type, and the accelerator type it carries, are offered in the zones the fleet uses; and
per GPU kind, the region's GPU quota (``NVIDIA_L4_GPUS``; ``PREEMPTIBLE_NVIDIA_L4_GPUS`` for
spot) has room, beyond its current usage, for every fleet at ``max_nodes`` x GPUs.

IAM permissions used: ``compute.regions.get``, ``compute.machineTypes.list`` and
``compute.acceleratorTypes.list`` (all in ``roles/compute.viewer``). Credentials: Application
Default Credentials (``gcloud auth application-default login``, GOOGLE_APPLICATION_CREDENTIALS,
or the metadata server); the project is the model's ``clouds.gcp.project``.

Cloud Run endpoints (``runtime: managed``) are not checked: their GPU quota is Cloud Run's, per
region, and is reported as a warning saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from aiscale.preflight.errors import PreflightCloudError, PreflightCredentialsError
from aiscale.preflight.findings import FAIL, OK, WARN, Finding, quota_finding
from aiscale.preflight.plan import CloudPlan, Fleet

CLOUD = "gcp"
"""The cloud this pre-flight checks."""
CREDENTIALS_HINT = ("run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS "
                    "to a service account key file (Application Default Credentials); pre-flight only "
                    "reads (compute.regions.get, compute.machineTypes.list, compute.acceleratorTypes.list)")
"""How to provide credentials, quoted in every credentials error."""
SCOPES = ("https://www.googleapis.com/auth/compute.readonly",)
"""OAuth scope asked of Application Default Credentials."""

GPU_QUOTA_METRICS: Mapping[str, str] = MappingProxyType({
    "nvidia-tesla-t4": "NVIDIA_T4_GPUS",
    "nvidia-tesla-v100": "NVIDIA_V100_GPUS",
    "nvidia-tesla-p4": "NVIDIA_P4_GPUS",
    "nvidia-tesla-p100": "NVIDIA_P100_GPUS",
    "nvidia-l4": "NVIDIA_L4_GPUS",
    "nvidia-tesla-a100": "NVIDIA_A100_GPUS",
    "nvidia-a100-80gb": "NVIDIA_A100_80GB_GPUS",
    "nvidia-h100-80gb": "NVIDIA_H100_GPUS",
    "nvidia-h100-mega-80gb": "NVIDIA_H100_MEGA_GPUS",
    "nvidia-h200-141gb": "NVIDIA_H200_GPUS",
    "nvidia-b200": "NVIDIA_B200_GPUS",
})
"""GCP accelerator type -> the regional quota metric limiting its on-demand GPUs; spot (and
preemptible) GPUs count against the same metric prefixed with ``PREEMPTIBLE_``."""
SPOT_PREFIX = "PREEMPTIBLE_"

ZONE_CHECK = "offered in zones"
ACCELERATOR_CHECK = "accelerator in zones"
GPU_QUOTA_CHECK = "GPU quota"
ENDPOINT_CHECK = "Cloud Run GPU quota"


def quota_metrics(accelerator_type: str, capacity: str) -> tuple[str, ...]:
    """The regional GPU quota metrics a fleet of `accelerator_type` with `capacity` draws on:
    the on-demand metric, the ``PREEMPTIBLE_`` one for spot, both for spot-with-fallback; ()
    for an accelerator type with no known metric."""
    base = GPU_QUOTA_METRICS.get(accelerator_type)
    if base is None:
        return ()
    if capacity == "on-demand":
        return (base,)
    if capacity == "spot":
        return (SPOT_PREFIX + base,)
    return (SPOT_PREFIX + base, base)


@dataclass(frozen=True)
class GpuQuota:
    """One regional quota of ``Region.quotas``."""

    metric: str
    """E.g. "NVIDIA_L4_GPUS"."""
    limit: float
    """The quota."""
    usage: float
    """What the project uses now."""


@dataclass(frozen=True)
class GcpFacts:
    """What GCP answered for one project and region."""

    region: str
    """The region asked."""
    zones: tuple[str, ...]
    """The region's zones (``Region.zones``, short names), by name."""
    machine_types: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Zone -> the machine types (of those asked) offered there."""
    accelerator_types: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Zone -> the accelerator types (of those asked) offered there."""
    quotas: Mapping[str, GpuQuota] = field(default_factory=dict)
    """Metric -> the region's quota, for every metric the region reports."""


def _short(url_or_name: str) -> str:
    return url_or_name.rstrip("/").rsplit("/", 1)[-1]


def _sdk_errors() -> tuple[Any, Any]:
    from google.api_core import exceptions
    from google.auth import exceptions as auth_exceptions

    return exceptions, auth_exceptions


class GcpReader:
    """Read-only questions to one project, over google-cloud-compute clients (or fakes with the
    same ``get`` / ``list`` methods, as in the tests)."""

    def __init__(self, project: str, regions: Any, machine_types: Any, accelerator_types: Any) -> None:
        self.project = project
        self._regions = regions
        self._machine_types = machine_types
        self._accelerator_types = accelerator_types

    def _call(self, permission: str, call: Callable[[], Any]) -> Any:
        exceptions, auth_exceptions = _sdk_errors()
        try:
            return call()
        except (auth_exceptions.DefaultCredentialsError, auth_exceptions.RefreshError,
                exceptions.Unauthenticated) as error:
            raise PreflightCredentialsError(f"GCP rejected the credentials ({error}); "
                                            f"{CREDENTIALS_HINT}") from None
        except exceptions.GoogleAPICallError as error:
            raise PreflightCloudError(f"{permission} on project {self.project} failed: {error}; "
                                      f"the caller needs {permission}") from None

    def region(self, region: str) -> Any:
        """``RegionsClient.get``: the region's zones and quotas."""
        return self._call("compute.regions.get",
                          lambda: self._regions.get(project=self.project, region=region))

    def machine_types(self, zone: str) -> frozenset[str]:
        """The machine type names offered in `zone`."""
        return self._call("compute.machineTypes.list", lambda: frozenset(
            item.name for item in self._machine_types.list(project=self.project, zone=zone)))

    def accelerator_types(self, zone: str) -> frozenset[str]:
        """The accelerator type names offered in `zone`."""
        return self._call("compute.acceleratorTypes.list", lambda: frozenset(
            item.name for item in self._accelerator_types.list(project=self.project, zone=zone)))


def default_reader(project: str) -> GcpReader:
    """A `GcpReader` over real clients with Application Default Credentials, or
    `PreflightCredentialsError` when there are none."""
    import google.cloud.compute_v1 as compute_v1  # the SDK first: a missing extra is named first

    import google.auth
    from google.auth import exceptions as auth_exceptions

    try:
        credentials, _ = google.auth.default(scopes=list(SCOPES))
    except auth_exceptions.DefaultCredentialsError as error:
        raise PreflightCredentialsError(f"no GCP Application Default Credentials found ({error}); "
                                        f"{CREDENTIALS_HINT}") from None
    return GcpReader(project, compute_v1.RegionsClient(credentials=credentials),
                     compute_v1.MachineTypesClient(credentials=credentials),
                     compute_v1.AcceleratorTypesClient(credentials=credentials))


def _fleet_zones(fleet: Fleet, plan: CloudPlan, region_zones: Sequence[str]) -> tuple[tuple[str, ...], str]:
    if fleet.zones:
        return tuple(fleet.zones), "node_pools[].zones"
    if plan.zones:
        return tuple(plan.zones), "clouds.gcp.zones"
    return tuple(region_zones), "the region's zones"


def gather_facts(plan: CloudPlan, reader: GcpReader) -> GcpFacts:
    """Ask GCP what the checks of `plan` need: the region (zones, quotas), then the machine and
    accelerator types of each zone a fleet may use."""
    region = reader.region(plan.region)
    region_zones = tuple(sorted(_short(zone) for zone in region.zones))
    zones: set[str] = set()
    for fleet in plan.fleets:
        zones.update(_fleet_zones(fleet, plan, region_zones)[0])
    machines = {f.instance_type for f in plan.fleets}
    accelerators = {f.accelerator_type for f in plan.fleets if f.accelerator_type}
    machine_types = {zone: reader.machine_types(zone) & machines for zone in sorted(zones)}
    accelerator_types = ({zone: reader.accelerator_types(zone) & accelerators for zone in sorted(zones)}
                         if accelerators else {})
    quotas = {q.metric: GpuQuota(str(q.metric), float(q.limit), float(q.usage)) for q in region.quotas}
    return GcpFacts(region=plan.region, zones=region_zones, machine_types=machine_types,
                    accelerator_types=accelerator_types, quotas=quotas)


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def _resource(fleet: Fleet) -> str:
    return f"{fleet.label} ({fleet.instance_type}, {fleet.capacity})"


def check_offered(fleet: Fleet, what: str, name: str, zones: Sequence[str], source: str,
                  offered: Mapping[str, frozenset[str]], check: str = ZONE_CHECK) -> Finding:
    """Whether `name` (the fleet's machine or accelerator type, `what`) is offered in the zones
    the fleet uses: fail in none, warn when some lack it, ok in all."""
    have = [zone for zone in zones if name in offered.get(zone, frozenset())]
    lack = [zone for zone in zones if zone not in have]
    if not have:
        return Finding(check, _resource(fleet), FAIL,
                       f"{what} {name} is offered in none of the zones used ({source}): {_names(zones)}; "
                       f"choose another region or accelerator (see `aiscale catalog --cloud gcp "
                       f"--accelerator {fleet.accelerator}`)")
    if lack:
        return Finding(check, _resource(fleet), WARN,
                       f"{what} {name} is offered in {_names(have)} but not in {_names(lack)} (of "
                       f"{source}); GKE refuses a GPU pool in a zone without it: set node_pools[].zones "
                       f"to {_names(have)}")
    return Finding(check, _resource(fleet), OK, f"{what} {name} is offered in {_names(have)}")


def check_gpu_quotas(fleets: Sequence[Fleet], quotas: Mapping[str, GpuQuota]) -> list[Finding]:
    """One finding per regional GPU quota metric the fleets draw on: limit - usage must cover the
    sum over the fleets sharing it of max_nodes x GPUs. A fleet whose accelerator type has no
    known metric gets a warning of its own."""
    findings: list[Finding] = []
    groups: dict[str, list[Fleet]] = {}
    for fleet in fleets:
        metrics = quota_metrics(fleet.accelerator_type or "", fleet.capacity)
        if not metrics:
            findings.append(Finding(GPU_QUOTA_CHECK, _resource(fleet), WARN,
                                    f"no GCP quota metric is known for accelerator type "
                                    f"{fleet.accelerator_type or 'none'}; its GPU quota was not checked"))
        for metric in metrics:
            groups.setdefault(metric, []).append(fleet)
    for metric in sorted(groups):
        members = groups[metric]
        needed = sum(f.max_nodes * f.gpus for f in members)
        parts = "; ".join(f"{f.label}: {f.max_nodes} x {f.gpus} GPUs" for f in members)
        breakdown = f"{needed} GPUs at max size ({parts})"
        quota = quotas.get(metric)
        if quota is None:
            findings.append(Finding(GPU_QUOTA_CHECK, metric, FAIL,
                                    f"needs {breakdown}; the region reports no {metric} quota (0 GPUs). "
                                    f"Request one (IAM & Admin > Quotas > {metric}) or choose another region"))
            continue
        findings.append(quota_finding(GPU_QUOTA_CHECK, metric, needed, breakdown, quota.limit, quota.usage,
                                      f"Request an increase (IAM & Admin > Quotas > {metric})"))
    return findings


def run_checks(plan: CloudPlan, facts: GcpFacts) -> list[Finding]:
    """Every check, in a stable order: per fleet the machine type in its zones, then (when it
    carries one) the accelerator type in its zones; per managed endpoint a warning that Cloud
    Run's quota is not checked; then one finding per GPU quota metric."""
    findings: list[Finding] = []
    for fleet in plan.fleets:
        zones, source = _fleet_zones(fleet, plan, facts.zones)
        findings.append(check_offered(fleet, "machine type", fleet.instance_type, zones, source,
                                      facts.machine_types))
        if fleet.accelerator_type:
            findings.append(check_offered(fleet, "accelerator type", fleet.accelerator_type, zones, source,
                                          facts.accelerator_types, ACCELERATOR_CHECK))
    for endpoint in plan.endpoints:
        findings.append(Finding(ENDPOINT_CHECK, endpoint.label, WARN,
                                "Cloud Run GPU quota is not checked by pre-flight; see the Cloud Run "
                                "quotas page of the project"))
    findings += check_gpu_quotas(plan.fleets, facts.quotas)
    return findings


def preflight(platform: Any, plan: CloudPlan,
              reader_factory: Optional[Callable[[str], GcpReader]] = None) -> list[Finding]:
    """Every finding of the GCP pre-flight of `plan`, in the model's ``clouds.gcp.project``,
    asking GCP through `reader_factory(project)` (default: `default_reader`, looked up when called)."""
    project = platform.clouds.gcp.project
    reader = (reader_factory or default_reader)(project)
    return run_checks(plan, gather_facts(plan, reader))
