"""The pre-flight checks: pure functions from the plan (what the model asks) and the facts (what
AWS answered) to findings. No AWS call happens here.

`run_checks(plan, facts)` gives, in a stable order: per fleet the region offering, then (when
the region offers it) the zone offering and the GPU check; per SageMaker endpoint the GPU check of its hardware; then one
finding per EC2 vCPU quota (by code) and per SageMaker instance type.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, Sequence

from aiscale.preflight.facts import AwsFacts, InstanceFacts, Quota
from aiscale.preflight.findings import FAIL, OK, WARN, Finding, number
from aiscale.preflight.plan import CloudPlan, Fleet, ManagedEndpoint
from aiscale.preflight.tables import EC2_GPUS, QuotaRef, sagemaker_quota_name, vcpu_quota

REGION_CHECK = "offered in region"
ZONE_CHECK = "offered in zones"
GPU_CHECK = "GPU kind and count"
VCPU_QUOTA_CHECK = "vCPU quota"
SAGEMAKER_QUOTA_CHECK = "SageMaker quota"


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def _resource(item: Fleet | ManagedEndpoint) -> str:
    if isinstance(item, Fleet):
        return f"{item.label} ({item.instance_type}, {item.capacity})"
    return f"{item.label} ({item.instance_type})"


def check_region(fleet: Fleet, region: str, region_types: frozenset[str]) -> Finding:
    """Whether the fleet's instance type is offered in the region at all."""
    if fleet.instance_type in region_types:
        return Finding(REGION_CHECK, _resource(fleet), OK,
                       f"{fleet.instance_type} is offered in {region}")
    return Finding(REGION_CHECK, _resource(fleet), FAIL,
                   f"{fleet.instance_type} is not offered in {region}; choose another region or "
                   f"accelerator (see `aiscale catalog --cloud aws --accelerator "
                   f"{fleet.accelerator}`)")


def check_zones(fleet: Fleet, zones: Sequence[str], zone_source: str,
                zone_types: Mapping[str, frozenset[str]]) -> Finding:
    """Whether the fleet's instance type is offered in at least one of the zones its subnets
    use: fail in none, warn when some lack it (naming both), ok in all."""
    kind = fleet.instance_type
    have = [zone for zone in zones if kind in zone_types.get(zone, frozenset())]
    lack = [zone for zone in zones if zone not in have]
    elsewhere = [zone for zone, types in zone_types.items() if kind in types and zone not in zones]
    where = f"the zones used ({zone_source})"
    if not have:
        return Finding(ZONE_CHECK, _resource(fleet), FAIL,
                       f"{kind} is offered in none of {where}: {_names(zones)}; zones that offer "
                       f"it: {_names(elsewhere)}. Add one of them to clouds.aws.zones")
    if lack:
        return Finding(ZONE_CHECK, _resource(fleet), WARN,
                       f"{kind} is offered in {_names(have)} but not in {_names(lack)} (of {where}); "
                       f"nodes launch only in {_names(have)}, so a stock-out there has no fallback")
    return Finding(ZONE_CHECK, _resource(fleet), OK, f"{kind} is offered in {_names(have)}")


def check_gpu(item: Fleet | ManagedEndpoint, facts: Optional[InstanceFacts]) -> Finding:
    """Whether EC2's GPU kind, manufacturer and count for the instance type match the catalog."""
    kind = item.instance_type if isinstance(item, Fleet) else item.machine_type
    expected = EC2_GPUS.get(item.accelerator)
    promised = f"{item.gpus} x {item.accelerator}"
    if facts is None:
        return Finding(GPU_CHECK, _resource(item), WARN,
                       f"EC2 did not describe {kind} in this region; GPU kind and count not "
                       f"verified (catalog: {promised})")
    reported = " + ".join(f"{g.count} x {g.manufacturer} {g.name}" for g in facts.gpus) or "no GPU"
    if facts.gpu_count != item.gpus:
        return Finding(GPU_CHECK, _resource(item), FAIL,
                       f"EC2 reports {reported} for {kind}; the catalog says {promised}: the "
                       f"catalog entry is wrong, report it")
    if expected is None:
        return Finding(GPU_CHECK, _resource(item), WARN,
                       f"EC2 reports {reported} for {kind}; count matches, but no EC2 GPU name is "
                       f"known for {item.accelerator} to compare the kind")
    wrong = [g for g in facts.gpus
             if (g.name, g.manufacturer.upper()) != (expected.name, expected.manufacturer.upper())]
    if wrong:
        return Finding(GPU_CHECK, _resource(item), FAIL,
                       f"EC2 reports {reported} for {kind}; the catalog says {promised} "
                       f"({expected.manufacturer} {expected.name}): the catalog entry is wrong, "
                       f"report it")
    return Finding(GPU_CHECK, _resource(item), OK, f"{reported}, as the catalog says")


def _vcpus(fleet: Fleet, described: Mapping[str, InstanceFacts]) -> int:
    facts = described.get(fleet.instance_type)
    return facts.vcpus if facts is not None else fleet.vcpus


def check_vcpu_quotas(fleets: Sequence[Fleet], described: Mapping[str, InstanceFacts],
                      quotas: Mapping[str, Quota]) -> list[Finding]:
    """One finding per EC2 vCPU quota the fleets draw on: the quota must cover the sum over the
    fleets sharing it of max_nodes x vCPUs (EC2's vCPU figure, the catalog's when undescribed).
    A fleet whose family has no known GPU quota gets a warning of its own."""
    findings: list[Finding] = []
    groups: dict[str, tuple[QuotaRef, list[Fleet]]] = {}
    for fleet in fleets:
        ref = vcpu_quota(fleet.instance_type, fleet.capacity)
        if ref is None:
            findings.append(Finding(VCPU_QUOTA_CHECK, _resource(fleet), WARN,
                                    f"{fleet.instance_type} is in neither the G/VT nor the P "
                                    f"quota class; its vCPU quota was not checked"))
            continue
        groups.setdefault(ref.code, (ref, []))[1].append(fleet)
    for code in sorted(groups):
        ref, members = groups[code]
        parts = [f"{f.label}: {f.max_nodes} x {f.instance_type} ({_vcpus(f, described)} vCPUs)"
                 for f in members]
        needed = sum(f.max_nodes * _vcpus(f, described) for f in members)
        breakdown = f"{needed} vCPUs at max size ({'; '.join(parts)})"
        resource = f"{ref.name} ({code})"
        quota = quotas.get(code)
        if quota is None or quota.value is None:
            why = quota.error if quota is not None and quota.error else "not read"
            findings.append(Finding(VCPU_QUOTA_CHECK, resource, WARN,
                                    f"needs {breakdown}; the quota could not be read: {why}"))
        elif quota.value < needed:
            findings.append(Finding(VCPU_QUOTA_CHECK, resource, FAIL,
                                    f"needs {breakdown}; the quota is {number(quota.value)}. "
                                    f"Request an increase (Service Quotas > Amazon EC2 > "
                                    f"{ref.name}) or lower max_nodes"))
        else:
            findings.append(Finding(VCPU_QUOTA_CHECK, resource, OK,
                                    f"needs {breakdown}; the quota is {number(quota.value)} "
                                    f"(instances already running use part of it)"))
    return findings


def check_sagemaker_quotas(endpoints: Sequence[ManagedEndpoint],
                           quotas: Mapping[str, Quota]) -> list[Finding]:
    """One finding per SageMaker instance type: its "<type> for endpoint usage" quota must exist
    in the region and cover the sum of max_replicas over the endpoints using that type."""
    findings = []
    by_type: dict[str, list[ManagedEndpoint]] = {}
    for endpoint in endpoints:
        by_type.setdefault(endpoint.instance_type, []).append(endpoint)
    for kind in sorted(by_type):
        members = by_type[kind]
        needed = sum(e.max_replicas for e in members)
        breakdown = (f"{needed} instances at max replicas "
                     f"({'; '.join(f'{e.label}: {e.max_replicas}' for e in members)})")
        name = sagemaker_quota_name(kind)
        quota = quotas.get(kind)
        if quota is None:
            findings.append(Finding(SAGEMAKER_QUOTA_CHECK, name, FAIL,
                                    f"needs {breakdown}; the region has no quota named {name!r}, "
                                    f"so {kind} is not offered for SageMaker endpoints there"))
        elif quota.value is None:
            findings.append(Finding(SAGEMAKER_QUOTA_CHECK, name, WARN,
                                    f"needs {breakdown}; the quota could not be read: "
                                    f"{quota.error or 'not read'}"))
        elif quota.value < needed:
            findings.append(Finding(SAGEMAKER_QUOTA_CHECK, name, FAIL,
                                    f"needs {breakdown}; the quota is {number(quota.value)}. "
                                    f"Request an increase (Service Quotas > Amazon SageMaker > "
                                    f"{name}) or lower max_replicas"))
        else:
            findings.append(Finding(SAGEMAKER_QUOTA_CHECK, name, OK,
                                    f"needs {breakdown}; the quota is {number(quota.value)}"))
    return findings


def run_checks(plan: CloudPlan, facts: AwsFacts) -> list[Finding]:
    """Every check of the plan against the facts, in a stable order (see the module doc).

    The zone and GPU checks are left out for a fleet whose type the region does not offer (the
    region finding already fails it)."""
    findings: list[Finding] = []
    for fleet in plan.fleets:
        region = check_region(fleet, plan.region, facts.region_types)
        findings.append(region)
        if region.status == OK:
            findings.append(check_zones(fleet, facts.zones, facts.zone_source, facts.zone_types))
            findings.append(check_gpu(fleet, facts.instance_facts.get(fleet.instance_type)))
    for endpoint in plan.endpoints:
        findings.append(check_gpu(endpoint, facts.instance_facts.get(endpoint.machine_type)))
    findings += check_vcpu_quotas(plan.fleets, facts.instance_facts, facts.ec2_quotas)
    findings += check_sagemaker_quotas(plan.endpoints, facts.sagemaker_quotas)
    return findings
