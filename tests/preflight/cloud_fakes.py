"""Recorded Azure and GCP answers for the pre-flight tests: fake clients with the SDKs' method
names that return the SDKs' own model objects (``azure.mgmt.compute.models.ResourceSku`` and
``Usage`` built from the REST JSON; ``google.cloud.compute_v1`` ``Region``, ``MachineType``,
``AcceleratorType``), and record the calls made."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Optional

from azure.mgmt.compute.models import ResourceSku, Usage
from google.cloud import compute_v1

from aiscale.preflight.azure import AzureReader
from aiscale.preflight.gcp import GcpReader

# --- Azure -----------------------------------------------------------------------------------

T4_SIZE, T4_FAMILY = "Standard_NC4as_T4_v3", "standardNCASv3_T4Family"


def azure_sku(name: str = T4_SIZE, family: str = T4_FAMILY, vcpus: int = 4, location: str = "eastus",
              zones: tuple[str, ...] = ("1", "2", "3"), restrictions: tuple[dict, ...] = ()) -> ResourceSku:
    """A ``ResourceSku`` as ``resource_skus.list`` returns it (REST JSON shape)."""
    return ResourceSku({
        "resourceType": "virtualMachines", "name": name, "tier": "Standard", "size": name.split("_", 1)[1],
        "family": family, "locations": [location],
        "locationInfo": [{"location": location, "zones": list(zones)}],
        "capabilities": [{"name": "vCPUs", "value": str(vcpus)}, {"name": "GPUs", "value": "1"}],
        "restrictions": list(restrictions)})


def location_restriction(location: str = "eastus", reason: str = "NotAvailableForSubscription") -> dict:
    """A ``restrictions[]`` entry of type Location."""
    return {"type": "Location", "values": [location], "reasonCode": reason,
            "restrictionInfo": {"locations": [location]}}


def zone_restriction(*zones: str, location: str = "eastus") -> dict:
    """A ``restrictions[]`` entry of type Zone."""
    return {"type": "Zone", "values": [location], "reasonCode": "NotAvailableForSubscription",
            "restrictionInfo": {"locations": [location], "zones": list(zones)}}


def azure_usage(name: str, limit: float, current: float = 0, label: Optional[str] = None) -> Usage:
    """A ``Usage`` as ``usage.list`` returns it."""
    return Usage({"unit": "Count", "currentValue": current, "limit": limit,
                  "name": {"value": name, "localizedValue": label or f"{name} vCPUs"}})


class FakeCompute:
    """A ``ComputeManagementClient`` stand-in: ``resource_skus.list`` and ``usage.list`` return
    the recorded answers (or raise `error`), and ``calls`` records what was asked."""

    def __init__(self, skus=(), usages=(), error: Optional[BaseException] = None) -> None:
        self.calls: list[tuple[str, Any]] = []

        def list_skus(filter: Optional[str] = None):
            self.calls.append(("resource_skus.list", filter))
            if error is not None:
                raise error
            return iter([azure_sku(name="Standard_D4s_v5", family="standardDSv5Family"),
                         ResourceSku({"resourceType": "disks", "name": "Premium_LRS"}), *skus])

        def list_usages(location: str):
            self.calls.append(("usage.list", location))
            return iter(usages)

        self.resource_skus = SimpleNamespace(list=list_skus)
        self.usage = SimpleNamespace(list=list_usages)


def azure_reader(**answers: Any) -> AzureReader:
    """An `AzureReader` over a `FakeCompute` with `answers`."""
    return AzureReader(FakeCompute(**answers), "00000000-0000-0000-0000-000000000000")


# --- GCP -------------------------------------------------------------------------------------


def gcp_region(name: str = "us-central1", zones: tuple[str, ...] = ("a", "b", "c"),
               quotas: Optional[dict[str, tuple[float, float]]] = None) -> compute_v1.Region:
    """A ``Region`` as ``RegionsClient.get`` returns it: zone URLs, quotas metric -> (limit, usage)
    plus the CPUS quota every region reports."""
    quotas = {"CPUS": (72.0, 0.0), **(quotas or {})}
    return compute_v1.Region(
        name=name, status="UP",
        zones=[f"https://www.googleapis.com/compute/v1/projects/p/zones/{name}-{z}" for z in zones],
        quotas=[compute_v1.Quota(metric=metric, limit=limit, usage=usage)
                for metric, (limit, usage) in quotas.items()])


class _Client:
    def __init__(self, calls: list, name: str, answer) -> None:
        self._calls, self._name, self._answer = calls, name, answer

    def get(self, project: str, region: str):
        self._calls.append((self._name, project, region))
        return self._answer(region)

    def list(self, project: str, zone: str):
        self._calls.append((self._name, project, zone))
        return iter(self._answer(zone))


def gcp_reader(region: compute_v1.Region, machines: dict[str, tuple[str, ...]],
               accelerators: dict[str, tuple[str, ...]], project: str = "acme-ml-dev",
               error: Optional[BaseException] = None) -> GcpReader:
    """A `GcpReader` whose clients answer with `region`, and per zone the machine and
    accelerator type names given (plus an n1 machine type everywhere); ``reader.calls`` records
    the calls. `error`, when given, is raised by ``RegionsClient.get``."""
    calls: list[tuple] = []

    def get_region(name: str):
        if error is not None:
            raise error
        return region

    def machine_types(zone: str):
        return [compute_v1.MachineType(name=m, zone=zone, guest_cpus=4)
                for m in ("n1-standard-4", *machines.get(zone, ()))]

    def accelerator_types(zone: str):
        return [compute_v1.AcceleratorType(name=a, zone=zone, maximum_cards_per_instance=8)
                for a in accelerators.get(zone, ())]

    reader = GcpReader(project, _Client(calls, "regions.get", get_region),
                       _Client(calls, "machineTypes.list", machine_types),
                       _Client(calls, "acceleratorTypes.list", accelerator_types))
    reader.calls = calls
    return reader
