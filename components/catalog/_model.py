"""Value types of the accelerator catalog: offerings, accelerator facts and the lookup error."""

from __future__ import annotations

from dataclasses import dataclass

from aiscale import clouds

CLOUDS: tuple[str, ...] = clouds.names()
"""The clouds the catalog covers (the registry's list)."""

HOURS_PER_MONTH = 730
"""Hours in the average month (8760 / 12), the factor from an hourly to a monthly price."""

CAPACITIES: tuple[str, ...] = ("on-demand", "spot")
"""The capacity types a price can be asked for."""


@dataclass(frozen=True)
class Offering:
    """One GPU machine type of one cloud in one region, with its list prices (USD per hour)."""

    cloud: str
    """Cloud id: one of CLOUDS."""
    instance_type: str
    """Provider machine type (EC2 type, Azure VM size, GCE machine type; for GCP N1 the host VM)."""
    accelerator: str
    """Canonical accelerator name, e.g. "nvidia-l4"."""
    gpus: int
    """GPUs per instance."""
    gpu_memory_gib: float
    """Memory per GPU as reported (AWS: usable, others: nominal); never match GPUs on it."""
    vcpus: int
    """vCPUs per instance."""
    memory_gib: float
    """Host memory per instance, GiB."""
    region: str
    """Provider region code, e.g. "us-west-2", "eastus", "us-central1"."""
    price_hour_ondemand: float | None
    """On-demand list price per instance-hour, USD; None when the source has no figure."""
    price_hour_spot: float | None
    """Spot / preemptible price per instance-hour, USD (a snapshot); None when unknown."""
    gpu_attached: bool
    """True for GCP N1 rows: the GPU is attached to the host VM (guest_accelerators needed)."""
    accelerator_type: str | None
    """GCP only: the GKE/GCE accelerator type, e.g. "nvidia-tesla-t4"; None on other clouds."""

    def price_hour(self, capacity: str) -> float | None:
        """The list price per instance-hour for `capacity` ("on-demand" or "spot"), or None.

        No fallback: a missing spot price is None here (callers decide whether to fall back).
        """
        return _capacity_price(capacity, self.price_hour_ondemand, self.price_hour_spot)


@dataclass(frozen=True)
class CpuMachine:
    """One CPU-only machine type of one cloud in one region (system pools, CPU node groups),
    with its list prices in USD per hour."""

    cloud: str
    """Cloud id: one of CLOUDS."""
    instance_type: str
    """Provider machine type: EC2 type (``m6i.large``), Azure VM size, GCE machine type."""
    vcpus: int
    """vCPUs per instance."""
    memory_gib: float
    """Memory per instance, GiB."""
    region: str
    """Provider region code."""
    price_hour_ondemand: float | None
    """On-demand list price per instance-hour, USD; None when the source has no figure."""
    price_hour_spot: float | None
    """Spot / preemptible price per instance-hour, USD (a snapshot); None when not sold or unknown."""

    def price_hour(self, capacity: str) -> float | None:
        """The price per instance-hour for `capacity` ("on-demand" or "spot"), or None (no fallback)."""
        return _capacity_price(capacity, self.price_hour_ondemand, self.price_hour_spot)


def _capacity_price(capacity: str, ondemand: float | None, spot: float | None) -> float | None:
    if capacity == "on-demand":
        return ondemand
    if capacity == "spot":
        return spot
    raise ValueError(f"capacity {capacity!r} is not valid; valid: {', '.join(CAPACITIES)}")


@dataclass(frozen=True)
class AcceleratorInfo:
    """Facts about one canonical accelerator that do not depend on cloud or region."""

    name: str
    """Canonical name, e.g. "nvidia-l4"."""
    vendor_label: str
    """Value of the Kubernetes node label aiscale.io/accelerator (equal to the name)."""
    vertex_type: str | None
    """Vertex AI accelerator enum, e.g. "NVIDIA_L4"; None when Vertex has none."""
    cloud_run: bool
    """True when Cloud Run (GCP) can serve on it (today only nvidia-l4)."""
    gpu_memory_gib: float
    """Nominal memory per GPU (vendor figure, GB as marketed)."""


class CatalogLookupError(ValueError):
    """Raised when a (cloud, accelerator, gpus, region) has no offering.

    `str(error)` is one sentence naming the value received and the valid choices.
    """

    field: str
    """Which input was wrong: "accelerator", "gpus", "region", "cloud" or "instance_type"."""
    value: object
    """The value received."""
    valid: tuple
    """The valid choices for that field, given the other inputs (sorted)."""

    def __init__(self, message: str, *, field: str, value: object, valid: tuple) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.valid = tuple(valid)

    def __reduce__(self):
        """Keep the error picklable despite its keyword-only fields."""
        return (_rebuild_error, (str(self), self.field, self.value, self.valid))


def _rebuild_error(message: str, field: str, value: object, valid: tuple) -> CatalogLookupError:
    """Unpickle a CatalogLookupError."""
    return CatalogLookupError(message, field=field, value=value, valid=valid)
