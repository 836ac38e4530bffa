"""Recorded GCP answers for the pre-flight tests: fake clients with google-cloud-compute's method
names that return its own ``Region``, ``MachineType`` and ``AcceleratorType`` objects and record
the calls made. Imported only in the child process of ``test_gcp`` (``gcp_cases``)."""

from __future__ import annotations

from typing import Optional

from google.cloud import compute_v1

from aiscale.preflight.gcp import GcpReader


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
