"""CPU machine prices (system pools, CPU node groups) and the whole-machine price look-up."""

from __future__ import annotations

import csv
import io

import pytest

from aiscale import catalog
from aiscale.catalog import _data

#: The CPU machine each cloud's cluster builder emits for its system pool (read from the builders,
#: so a builder that changes its machine without a catalog row fails here).
def _system_machines() -> dict[str, str]:
    from aiscale.aws.cluster import SystemPool
    from aiscale.azure.cluster import SYSTEM_POOL
    from aiscale.gcp.cluster import SYSTEM_MACHINE_TYPE

    return {"aws": SystemPool.instance_type, "azure": SYSTEM_POOL["vm_size"], "gcp": SYSTEM_MACHINE_TYPE}


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data.data_file(name).read_text(encoding="utf-8"))))


def test_every_cpu_row_has_a_positive_on_demand_price_and_spot_below_it():
    machines = catalog.cpu_machines()
    assert machines, "the CPU catalog is empty"
    for machine in machines:
        assert machine.price_hour_ondemand is not None and machine.price_hour_ondemand > 0, machine
        assert machine.price_hour_spot is not None and 0 < machine.price_hour_spot < machine.price_hour_ondemand, machine
        assert machine.vcpus > 0 and machine.memory_gib > 0, machine


def test_every_cpu_row_names_its_source():
    rows, sources = _rows(_data.CPU_INSTANCES_FILE), _rows("cpu_instances_sources.csv")
    assert [(r["cloud"], r["instance_type"], r["region"]) for r in rows] == \
        [(s["cloud"], s["instance_type"], s["region"]) for s in sources], "one source row per data row, same order"
    assert all(s["price_source"] and s["method"] for s in sources)


@pytest.mark.parametrize("cloud", catalog.CLOUDS)
def test_the_system_pool_machine_is_priced_wherever_the_catalog_has_gpus(cloud):
    machine_type = _system_machines()[cloud]
    unpriced = [region for region in catalog.regions(cloud)
                if catalog.machine_price(cloud, region, machine_type) is None]
    assert not unpriced, f"{cloud} {machine_type} has no price in {unpriced}"


@pytest.mark.parametrize("cloud, region, machine_type, capacity, expected, reason", [
    ("aws", "us-east-1", "m6i.large", "on-demand", 0.096, "EKS system pool, SkyPilot v9 Price"),
    ("aws", "us-east-1", "m6i.large", "spot", 0.0283, "min spot over standard AZs (Local Zone left out)"),
    ("azure", "eastus", "Standard_D4ds_v5", "on-demand", 0.226, "AKS system pool"),
    ("gcp", "us-central1", "e2-standard-4", "on-demand", 0.134023, "GKE system pool, Cyclenerd hour"),
    ("aws", "us-east-1", "g5.xlarge", "on-demand", 1.006, "a GPU machine priced from its GPU row"),
    ("aws", "us-east-1", "m6i.large", "reserved", ValueError, "unknown capacity raises"),
])
def test_machine_price(cloud, region, machine_type, capacity, expected, reason):
    if expected is ValueError:
        with pytest.raises(ValueError, match="capacity 'reserved'"):
            catalog.machine_price(cloud, region, machine_type, capacity)
        return
    assert catalog.machine_price(cloud, region, machine_type, capacity) == pytest.approx(expected), reason


@pytest.mark.parametrize("args, reason", [
    (("aws", "mars-east-1", "m6i.large"), "no price is guessed from another region"),
    (("aws", "us-east-1", "m9z.huge"), "unknown machine type"),
    (("gcp", "us-central1", "n1-standard-8"), "an N1 host's price depends on the GPUs attached"),
])
def test_machine_price_is_none_when_the_catalog_has_no_figure(args, reason):
    assert catalog.machine_price(*args) is None, reason


def test_machine_price_unknown_cloud_raises():
    with pytest.raises(catalog.CatalogLookupError) as error:
        catalog.machine_price("oci", "us-ashburn-1", "VM.Standard3.Flex")
    assert error.value.field == "cloud"
