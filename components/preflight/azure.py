"""The Azure pre-flight: read-only checks of a subscription before `pulumi up`, with
``azure-identity`` and ``azure-mgmt-compute`` (installed by ``aiscale[azure]``, imported only
when Azure is checked).

For each GPU fleet (AKS node pool or scale set) of the platform's Azure part: the VM size is a
SKU of the location, not restricted for the subscription (``restrictions`` of type ``Location``)
and, when the fleet names zones, offered and unrestricted in them; then the vCPU quotas
(``usage.list``): the size's family quota (``standardNCASv3_T4Family``) and the regional total
(``cores``) for on-demand fleets, ``lowPriorityCores`` for spot, must have room, beyond their
current value, for every fleet at ``max_nodes`` x vCPUs.

Azure RBAC permissions used: ``Microsoft.Compute/skus/read`` and
``Microsoft.Compute/locations/usages/read`` (both in the Reader role). Credentials: the
``DefaultAzureCredential`` chain (environment service principal, workload or managed identity,
``az login``, ...) and the subscription in AZURE_SUBSCRIPTION_ID.

Azure ML endpoints (``runtime: managed``) are not checked: their quota is Azure ML's, and is
reported as a warning saying so.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from aiscale.preflight.errors import PreflightCloudError, PreflightCredentialsError
from aiscale.preflight.findings import FAIL, OK, WARN, Finding, quota_finding
from aiscale.preflight.plan import CloudPlan, Fleet

CLOUD = "azure"
"""The cloud this pre-flight checks."""
SUBSCRIPTION_ENV = "AZURE_SUBSCRIPTION_ID"
"""The environment variable naming the subscription checked (the model names none)."""
CREDENTIALS_HINT = ("sign in with `az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
                    "AZURE_CLIENT_SECRET (a service principal), or use a managed or workload identity "
                    "(the DefaultAzureCredential chain); set AZURE_SUBSCRIPTION_ID to the subscription; "
                    "pre-flight only reads (Microsoft.Compute/skus/read, "
                    "Microsoft.Compute/locations/usages/read)")
"""How to provide credentials, quoted in every credentials error."""
MANAGEMENT_SCOPE = "https://management.azure.com/.default"
"""The token scope of Azure Resource Manager."""
VM_RESOURCE_TYPE = "virtualMachines"
SUBSCRIPTION_REASON = "NotAvailableForSubscription"
TOTAL_CORES = "cores"
"""Usage name of the regional total of on-demand vCPUs ("Total Regional vCPUs")."""
SPOT_CORES = "lowPriorityCores"
"""Usage name of the regional total of spot vCPUs ("Total Regional Low-priority vCPUs")."""

SKU_CHECK = "offered in location"
RESTRICTION_CHECK = "not restricted"
ZONE_CHECK = "offered in zones"
VCPU_QUOTA_CHECK = "vCPU quota"
ENDPOINT_CHECK = "Azure ML quota"


@dataclass(frozen=True)
class SkuFacts:
    """What ``resource_skus.list`` says about one VM size in the location."""

    name: str
    """The VM size, e.g. "Standard_NC4as_T4_v3"."""
    family: Optional[str]
    """Its quota family, e.g. "standardNCASv3_T4Family"."""
    vcpus: Optional[int]
    """The ``vCPUs`` capability."""
    zones: frozenset[str] = frozenset()
    """Zones of the location offering it (``locationInfo[].zones``), e.g. {"1", "2", "3"}."""
    restricted_zones: frozenset[str] = frozenset()
    """Zones where it is restricted (``restrictions`` of type Zone)."""
    location_restriction: Optional[str] = None
    """The reason code when it is restricted in the whole location for the subscription."""


@dataclass(frozen=True)
class Usage:
    """One ``usage.list`` entry."""

    name: str
    """``name.value``, e.g. "standardNCASv3_T4Family", "cores", "lowPriorityCores"."""
    label: str
    """``name.localizedValue``, e.g. "Standard NCASv3_T4 Family vCPUs"."""
    limit: float
    """The quota."""
    current: float
    """``currentValue``: vCPUs in use."""


@dataclass(frozen=True)
class AzureFacts:
    """What Azure answered for one subscription and location."""

    location: str
    """The location asked."""
    skus: Mapping[str, SkuFacts] = field(default_factory=dict)
    """VM size -> its SKU facts, for the sizes asked that are SKUs of the location."""
    usages: Mapping[str, Usage] = field(default_factory=dict)
    """Usage name -> the location's usage."""


def _value(item: Any) -> str:
    """An SDK enum or string as its plain string."""
    return str(getattr(item, "value", item) or "")


def sku_facts(sku: Any, location: str) -> SkuFacts:
    """`SkuFacts` from an ``azure.mgmt.compute.models.ResourceSku``."""
    zones: set[str] = set()
    for info in sku.location_info or ():
        if (info.location or "").lower() == location.lower():
            zones.update(info.zones or ())
    restricted: set[str] = set()
    location_reason = None
    for restriction in sku.restrictions or ():
        kind, reason = _value(restriction.type), _value(restriction.reason_code)
        if kind == "Location":
            location_reason = reason or SUBSCRIPTION_REASON
        elif kind == "Zone" and restriction.restriction_info is not None:
            restricted.update(restriction.restriction_info.zones or ())
    vcpus = next((cap.value for cap in sku.capabilities or () if cap.name == "vCPUs"), None)
    return SkuFacts(name=sku.name, family=sku.family, vcpus=int(vcpus) if vcpus else None,
                    zones=frozenset(zones), restricted_zones=frozenset(restricted),
                    location_restriction=location_reason)


def _sdk_errors() -> Any:
    from azure.core import exceptions

    return exceptions


class AzureReader:
    """Read-only questions to one subscription, over a ``ComputeManagementClient`` (or a fake
    with the same ``resource_skus.list`` / ``usage.list``, as in the tests)."""

    def __init__(self, compute: Any, subscription: str = "") -> None:
        self._compute = compute
        self.subscription = subscription

    def _call(self, permission: str, call: Callable[[], Any]) -> Any:
        exceptions = _sdk_errors()
        try:
            return call()
        except exceptions.ClientAuthenticationError as error:
            raise PreflightCredentialsError(f"Azure rejected the credentials ({error.message}); "
                                            f"{CREDENTIALS_HINT}") from None
        except exceptions.HttpResponseError as error:
            raise PreflightCloudError(f"reading {permission} in subscription {self.subscription} failed: "
                                      f"{error.message}; the caller needs {permission}") from None
        except exceptions.AzureError as error:
            raise PreflightCloudError(f"reading {permission} failed: {error}") from None

    def skus(self, location: str, names: Iterable[str]) -> dict[str, SkuFacts]:
        """VM size -> its facts, for the sizes among `names` that are SKUs of `location`."""
        wanted = set(names)
        listed = self._call("Microsoft.Compute/skus/read", lambda: list(
            self._compute.resource_skus.list(filter=f"location eq '{location}'")))
        return {sku.name: sku_facts(sku, location) for sku in listed
                if sku.resource_type == VM_RESOURCE_TYPE and sku.name in wanted}

    def usages(self, location: str) -> dict[str, Usage]:
        """Usage name -> the location's vCPU usage and quota."""
        listed = self._call("Microsoft.Compute/locations/usages/read",
                            lambda: list(self._compute.usage.list(location)))
        return {u.name.value: Usage(u.name.value, u.name.localized_value or u.name.value,
                                    float(u.limit), float(u.current_value)) for u in listed}


def _attempts(message: Optional[str]) -> str:
    """"EnvironmentCredential: environment variables are not fully configured; ..." from the
    chain's message (one tab-indented line per credential tried), or its first line."""
    lines = str(message or "no credential").strip().splitlines()
    tried = []
    for line in lines:
        if line.startswith("\t") and ": " in line:
            name, reason = line.strip().split(": ", 1)
            tried.append(f"{name}: {reason.split('. ')[0].rstrip('.')}")
    return "tried " + "; ".join(tried) if tried else lines[0]


def default_reader() -> AzureReader:
    """An `AzureReader` over a ``ComputeManagementClient`` with ``DefaultAzureCredential`` in
    the subscription of AZURE_SUBSCRIPTION_ID, or `PreflightCredentialsError` naming what is
    missing (the subscription, or any credential of the chain)."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import DefaultAzureCredential
    from azure.mgmt.compute import ComputeManagementClient

    subscription = os.environ.get(SUBSCRIPTION_ENV, "").strip()
    if not subscription:
        raise PreflightCredentialsError(f"no Azure subscription: {SUBSCRIPTION_ENV} is not set; "
                                        f"{CREDENTIALS_HINT}")
    credential = DefaultAzureCredential()
    identity_log = logging.getLogger("azure.identity")  # it logs the whole chain as a warning
    level = identity_log.level
    identity_log.setLevel(logging.ERROR)
    try:
        credential.get_token(MANAGEMENT_SCOPE)
    except ClientAuthenticationError as error:
        raise PreflightCredentialsError(f"no Azure credentials found by DefaultAzureCredential "
                                        f"({_attempts(error.message)}); {CREDENTIALS_HINT}") from None
    finally:
        identity_log.setLevel(level)
    return AzureReader(ComputeManagementClient(credential, subscription), subscription)


def gather_facts(plan: CloudPlan, reader: AzureReader) -> AzureFacts:
    """Ask Azure what the checks of `plan` need: the location's SKUs and vCPU usages."""
    sizes = {f.instance_type for f in plan.fleets}
    skus = reader.skus(plan.region, sizes) if sizes else {}
    usages = reader.usages(plan.region) if sizes else {}
    return AzureFacts(location=plan.region, skus=skus, usages=usages)


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def _resource(fleet: Fleet) -> str:
    return f"{fleet.label} ({fleet.instance_type}, {fleet.capacity})"


def _zone(name: str) -> str:
    """"eastus-1" or "1" -> "1" (Azure names zones by number within the location)."""
    return name.rsplit("-", 1)[-1]


def check_sku(fleet: Fleet, location: str, sku: Optional[SkuFacts]) -> list[Finding]:
    """Whether the VM size is a SKU of the location and, if so, not restricted there for the
    subscription; then, when the fleet names zones, whether it is offered and unrestricted in
    them (fail in none, warn when some lack it)."""
    resource = _resource(fleet)
    if sku is None:
        return [Finding(SKU_CHECK, resource, FAIL,
                        f"{fleet.instance_type} is not offered in {location}; choose another location "
                        f"or accelerator (see `aiscale catalog --cloud azure --accelerator "
                        f"{fleet.accelerator}`)")]
    findings = [Finding(SKU_CHECK, resource, OK, f"{fleet.instance_type} is offered in {location}")]
    if sku.location_restriction:
        findings.append(Finding(RESTRICTION_CHECK, resource, FAIL,
                                f"{fleet.instance_type} is restricted in {location} for this subscription "
                                f"({sku.location_restriction}); request access with a support request "
                                f"(quota type: VM size) or choose another size or location"))
        return findings
    findings.append(Finding(RESTRICTION_CHECK, resource, OK,
                            f"{fleet.instance_type} is not restricted in {location} for this subscription"))
    if fleet.zones:
        wanted = sorted({_zone(z) for z in fleet.zones})
        usable = sku.zones - sku.restricted_zones
        have = [z for z in wanted if z in usable]
        lack = [z for z in wanted if z not in have]
        why = (f"offered in zones {_names(sku.zones)}"
               + (f", restricted in {_names(sku.restricted_zones)}" if sku.restricted_zones else ""))
        if not have:
            findings.append(Finding(ZONE_CHECK, resource, FAIL,
                                    f"{fleet.instance_type} is usable in none of the zones used "
                                    f"(node_pools[].zones): {_names(wanted)}; it is {why}"))
        elif lack:
            findings.append(Finding(ZONE_CHECK, resource, WARN,
                                    f"{fleet.instance_type} is usable in zones {_names(have)} but not in "
                                    f"{_names(lack)} (node_pools[].zones); it is {why}"))
        else:
            findings.append(Finding(ZONE_CHECK, resource, OK,
                                    f"{fleet.instance_type} is offered in zones {_names(have)}"))
    return findings


def _quota_names(fleet: Fleet, sku: Optional[SkuFacts]) -> tuple[str, ...]:
    family = sku.family if sku is not None else None
    on_demand = ((family,) if family else ()) + (TOTAL_CORES,)
    if fleet.capacity == "on-demand":
        return on_demand
    if fleet.capacity == "spot":
        return (SPOT_CORES,)
    return (SPOT_CORES, *on_demand)  # spot-with-fallback: a spot pool and an on-demand one


def check_vcpu_quotas(fleets: Sequence[Fleet], skus: Mapping[str, SkuFacts],
                      usages: Mapping[str, Usage]) -> list[Finding]:
    """One finding per vCPU quota the fleets draw on (the VM family's and ``cores`` for
    on-demand, ``lowPriorityCores`` for spot): limit - current value must cover the sum over
    the fleets sharing it of max_nodes x vCPUs (the SKU's figure, the catalog's otherwise).
    Fleets whose size is not offered are left out (their SKU finding fails)."""
    groups: dict[str, list[Fleet]] = {}
    for fleet in fleets:
        if fleet.instance_type not in skus:
            continue
        for name in _quota_names(fleet, skus[fleet.instance_type]):
            groups.setdefault(name, []).append(fleet)
    findings = []
    for name in sorted(groups, key=lambda n: (n in (TOTAL_CORES, SPOT_CORES), n)):
        members = groups[name]

        def vcpus(fleet: Fleet) -> int:
            return skus[fleet.instance_type].vcpus or fleet.vcpus

        needed = sum(f.max_nodes * vcpus(f) for f in members)
        parts = "; ".join(f"{f.label}: {f.max_nodes} x {f.instance_type} ({vcpus(f)} vCPUs)" for f in members)
        breakdown = f"{needed} vCPUs at max size ({parts})"
        usage = usages.get(name)
        if usage is None:
            findings.append(Finding(VCPU_QUOTA_CHECK, name, WARN,
                                    f"needs {breakdown}; the location reports no usage named {name!r}, "
                                    f"so its quota was not checked"))
            continue
        findings.append(quota_finding(
            VCPU_QUOTA_CHECK, f"{usage.label} ({name})", needed, breakdown, usage.limit, usage.current,
            f"Request an increase (Subscriptions > Usage + quotas > {usage.label})"))
    return findings


def run_checks(plan: CloudPlan, facts: AzureFacts) -> list[Finding]:
    """Every check, in a stable order: per fleet its SKU, restriction and zone findings; per
    managed endpoint a warning that Azure ML's quota is not checked; then one finding per vCPU
    quota (family quotas by name, then the regional totals)."""
    findings: list[Finding] = []
    for fleet in plan.fleets:
        findings += check_sku(fleet, plan.region, facts.skus.get(fleet.instance_type))
    for endpoint in plan.endpoints:
        findings.append(Finding(ENDPOINT_CHECK, endpoint.label, WARN,
                                "Azure ML endpoint quota is not checked by pre-flight; see the Azure ML "
                                "quotas page of the workspace"))
    findings += check_vcpu_quotas(plan.fleets, facts.skus, facts.usages)
    return findings


def preflight(platform: Any, plan: CloudPlan,
              reader_factory: Optional[Callable[[], AzureReader]] = None) -> list[Finding]:
    """Every finding of the Azure pre-flight of `plan`, asking Azure through `reader_factory()`
    (default: `default_reader`, looked up when called)."""
    reader = (reader_factory or default_reader)()
    return run_checks(plan, gather_facts(plan, reader))
