"""Recorded Azure answers for the pre-flight tests: a fake ``ComputeManagementClient`` that
returns azure-mgmt-compute's own ``ResourceSku`` and ``Usage`` objects (built from the REST JSON)
and records the calls made. The GCP ones are in ``gcp_fakes`` (see ``test_gcp``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Optional

from azure.mgmt.compute.models import ResourceSku, Usage

from aiscale.preflight.azure import AzureReader

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
