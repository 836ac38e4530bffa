"""The packaged catalog data: where it is read from, its shape and its known gaps."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

import aiscale.catalog as catalog
from aiscale.catalog import _data
from aiscale.catalog._accelerators import ACCELERATORS, GCP_ACCELERATOR_TYPES

PACKAGE_DIR = Path(catalog.__file__).resolve().parent


def test_data_files_are_read_from_inside_the_package():
    for name in (_data.GPU_INSTANCES_FILE, _data.STORAGE_PRICES_FILE):
        path = Path(str(_data.data_file(name))).resolve()
        assert path.is_file(), path
        assert path.parent == PACKAGE_DIR / "data", path
        assert "shared" not in path.parts, path


def test_provenance_is_packaged_with_the_data():
    text = (PACKAGE_DIR / "data" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "## Sources" in text and "## Known gaps" in text


def test_loading_reads_only_packaged_files(monkeypatch):
    """A cold load goes through data_file() and nothing else."""
    opened: list[str] = []
    real = _data.data_file
    gpu_rows = len(_rows_of(_data.GPU_INSTANCES_FILE))

    def spy(name):
        opened.append(name)
        return real(name)

    monkeypatch.setattr(_data, "data_file", spy)
    caches = (_data.packaged_offerings, _data._offerings_with, _data.packaged_cpu_machines,
              _data._cpu_machines_with, _data.storage_prices)
    for cache in caches:
        cache.cache_clear()
    try:
        assert len(_data.all_offerings()) == gpu_rows
        assert _data.all_cpu_machines()
        assert _data.storage_prices()
    finally:
        for cache in caches:
            cache.cache_clear()
    assert opened == [_data.GPU_INSTANCES_FILE, _data.CPU_INSTANCES_FILE, _data.STORAGE_PRICES_FILE]


def _rows_of(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data.data_file(name).read_text(encoding="utf-8"))))


def test_loaded_once_per_process():
    assert _data.all_offerings() is _data.all_offerings()


def test_row_counts_per_cloud_match_the_readme():
    counts = Counter(o.cloud for o in catalog.offerings())
    assert counts == {"aws": 81, "azure": 134, "gcp": 166}
    text = (PACKAGE_DIR / "data" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert f"| {sum(counts.values())} (AWS {counts['aws']}, Azure {counts['azure']}, GCP {counts['gcp']}) |" in text


def test_offerings_equal_the_csv_rows():
    text = _data.data_file(_data.GPU_INSTANCES_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    keys = {(r["cloud"], r["instance_type"], r["region"]) for r in rows}
    assert keys == {(o.cloud, o.instance_type, o.region) for o in catalog.offerings()}


def test_rows_are_unique_and_only_gcp_n1_hosts_repeat():
    """A bundled machine type appears once per region; an N1 host once per attached GPU."""
    full = Counter((o.cloud, o.instance_type, o.region, o.accelerator) for o in catalog.offerings())
    assert [k for k, n in full.items() if n > 1] == []
    bundled = Counter(
        (o.cloud, o.instance_type, o.region) for o in catalog.offerings() if not o.gpu_attached
    )
    assert [k for k, n in bundled.items() if n > 1] == []
    hosts = Counter(
        (o.instance_type, o.region) for o in catalog.offerings() if o.gpu_attached
    )
    assert hosts[("n1-standard-8", "us-central1")] == 2  # T4 and V100


def test_every_data_accelerator_is_in_the_table_and_vice_versa():
    assert {o.accelerator for o in catalog.offerings()} == set(ACCELERATORS)
    assert catalog.accelerators() == tuple(sorted(ACCELERATORS))


@pytest.mark.parametrize("name", sorted(ACCELERATORS))
def test_accelerator_info(name):
    info = catalog.accelerator_info(name)
    assert info.name == name
    assert info.vendor_label == name
    assert info.gpu_memory_gib > 0
    assert info.cloud_run == (name == "nvidia-l4")
    on_gcp = bool(catalog.offerings("gcp", name))
    # Vertex serves the GPUs GCP offers; every GCP accelerator here has a Vertex enum.
    assert (info.vertex_type is not None) == on_gcp


def test_every_gcp_offering_has_an_accelerator_type():
    gcp = catalog.offerings("gcp")
    assert gcp and all(o.accelerator_type for o in gcp)
    used = {(o.instance_type.rsplit("-", 1)[0], o.accelerator) for o in gcp}
    assert used == set(GCP_ACCELERATOR_TYPES), "unused or missing GCP family mappings"


@pytest.mark.parametrize(
    "instance_type, region, accelerator_type, reason",
    [
        ("g2-standard-4", "us-central1", "nvidia-l4", "G2 bundles L4"),
        ("a2-highgpu-1g", "us-central1", "nvidia-tesla-a100", "A2 high = A100 40GB"),
        ("a2-megagpu-16g", "us-central1", "nvidia-tesla-a100", "A2 mega = A100 40GB"),
        ("a2-ultragpu-8g", "us-central1", "nvidia-a100-80gb", "A2 ultra = A100 80GB"),
        ("a3-highgpu-8g", "us-central1", "nvidia-h100-80gb", "A3 high = H100"),
        ("a3-megagpu-8g", "us-central1", "nvidia-h100-mega-80gb", "A3 mega has its own type"),
        ("a3-ultragpu-8g", "us-central1", "nvidia-h200-141gb", "A3 ultra = H200"),
        ("a4-highgpu-8g", "us-central1", "nvidia-b200", "A4 = B200"),
    ],
)
def test_gcp_accelerator_type_per_family(instance_type, region, accelerator_type, reason):
    offering = catalog.find_instance_type("gcp", instance_type, region)
    assert offering is not None, reason
    assert offering.accelerator_type == accelerator_type, reason
    assert not offering.gpu_attached, reason


@pytest.mark.parametrize(
    "instance_type, accelerator_type, gpus, accelerator",
    [
        ("n1-standard-8", "nvidia-tesla-t4", 1, "nvidia-t4"),
        ("n1-standard-8", "nvidia-tesla-v100", 1, "nvidia-v100"),
        ("n1-standard-64", "nvidia-tesla-v100", 8, "nvidia-v100"),
    ],
)
def test_gcp_n1_attached_gpu_rows(instance_type, accelerator_type, gpus, accelerator):
    offering = catalog.find_instance_type(
        "gcp", instance_type, "us-central1", accelerator_type=accelerator_type, gpus=gpus
    )
    assert offering is not None
    assert offering.gpu_attached
    assert (offering.accelerator, offering.gpus) == (accelerator, gpus)


def test_gpu_attached_exactly_for_gcp_n1():
    for o in catalog.offerings():
        assert o.gpu_attached == (o.cloud == "gcp" and o.instance_type.startswith("n1-")), o
    assert any(o.gpu_attached for o in catalog.offerings())


def test_accelerator_type_is_none_off_gcp():
    assert all(o.accelerator_type is None for o in catalog.offerings() if o.cloud != "gcp")


def test_all_present_prices_are_positive():
    for o in catalog.offerings():
        for price in (o.price_hour_ondemand, o.price_hour_spot):
            assert price is None or price > 0, o


def _sources() -> dict[tuple, dict[str, str]]:
    rows = _rows_of("gpu_instances_sources.csv")
    return {(r["cloud"], r["instance_type"], r["region"], r["accelerator"], int(r["accelerator_count"])): r
            for r in rows}


NOT_SOLD_ON_DEMAND = "no on-demand list price"
"""How a row's source notes say the machine has no on-demand price to give (P5e: Capacity Blocks)."""


def test_every_row_has_an_on_demand_price_unless_none_exists():
    sources = _sources()
    missing = [(o.cloud, o.instance_type, o.region) for o in catalog.offerings()
               if o.price_hour_ondemand is None
               and NOT_SOLD_ON_DEMAND not in sources[(o.cloud, o.instance_type, o.region, o.accelerator, o.gpus)]["notes"]]
    assert not missing, f"rows without an on-demand price: {missing}"
    exempt = {(o.cloud, o.instance_type, o.region) for o in catalog.offerings() if o.price_hour_ondemand is None}
    assert exempt == {("aws", "p5e.48xlarge", "us-west-2")}, "the only machine sold without an on-demand price"


def test_spot_is_below_on_demand_wherever_it_is_given():
    wrong = [(o.cloud, o.instance_type, o.region, o.price_hour_spot, o.price_hour_ondemand)
             for o in catalog.offerings()
             if o.price_hour_spot is not None and o.price_hour_ondemand is not None
             and not o.price_hour_spot < o.price_hour_ondemand]
    assert not wrong, f"spot at or above on-demand (a placeholder or a bad row): {wrong}"


def test_a_missing_spot_price_is_explained_in_the_row_source():
    sources = _sources()
    unexplained = [(o.cloud, o.instance_type, o.region) for o in catalog.offerings()
                   if o.price_hour_spot is None
                   and "spot left empty" not in sources[(o.cloud, o.instance_type, o.region, o.accelerator, o.gpus)]["notes"]]
    assert not unexplained, f"rows without spot and without a reason: {unexplained}"


def test_every_row_names_its_source_and_method():
    rows, sources = _rows_of(_data.GPU_INSTANCES_FILE), _rows_of("gpu_instances_sources.csv")
    assert len(rows) == len(sources)
    for row, source in zip(rows, sources):
        assert (row["cloud"], row["instance_type"], row["region"]) == \
            (source["cloud"], source["instance_type"], source["region"]), "same order as the data"
        assert source["price_source"] and source["method"], source


def test_at_least_five_regions_with_gpus_per_cloud():
    for cloud in catalog.CLOUDS:
        assert len(catalog.regions(cloud)) >= 5, (cloud, catalog.regions(cloud))


#: The rows the issue found wrong, each with what it must be now.
FIXED_ROWS = [
    (("gcp", "a3-ultragpu-8g", "europe-west4"), "absent: the source had on-demand below spot"),
]


@pytest.mark.parametrize("key, why", FIXED_ROWS)
def test_rows_without_a_usable_price_were_removed(key, why):
    assert key not in {(o.cloud, o.instance_type, o.region) for o in catalog.offerings()}, why


def test_a4_and_azure_h100_are_priced_without_placeholders():
    for o in catalog.offerings("gcp", "nvidia-b200"):
        assert o.price_hour_ondemand and o.price_hour_spot and o.price_hour_spot < o.price_hour_ondemand, o
    for accelerator in ("nvidia-h100-80gb", "nvidia-h100-nvl"):
        for o in catalog.offerings("azure", accelerator):
            assert o.price_hour_spot != o.price_hour_ondemand, o


@pytest.mark.parametrize(
    "cloud, region, storage_class, expected, reason",
    [
        ("gcp", "us-central1", "STANDARD", 0.02, "GCS standard"),
        ("gcp", "us-east4", "archive", 0.0025, "class matched case-insensitively"),
        ("aws", "us-east-1", "STANDARD_IA", 0.0125, "S3 infrequent access"),
        ("aws", "us-west-2", "STANDARD", None, "region not in the data"),
        ("azure", "eastus", "Hot", None, "an Azure tier is priced per redundancy (HOT_LRS)"),
        ("azure", "eastus", "HOT_ZRS", None, "no zone-redundant Blob figure"),
        ("gcp", "us-central1", "GLACIER", None, "unknown class"),
    ],
)
def test_storage_price(cloud, region, storage_class, expected, reason):
    assert catalog.storage_price(cloud, region, storage_class) == expected, reason


def test_storage_price_unknown_cloud():
    with pytest.raises(catalog.CatalogLookupError) as info:
        catalog.storage_price("ibm", "us-south", "STANDARD")
    assert info.value.field == "cloud" and info.value.valid == catalog.CLOUDS


def test_public_names():
    assert set(catalog.__all__) == {
        "CLOUDS", "HOURS_PER_MONTH", "Offering", "AcceleratorInfo", "CatalogLookupError",
        "accelerators", "accelerator_info", "offerings", "regions", "gpu_counts", "resolve",
        "cheapest", "find_instance_type", "sagemaker_instance_type", "storage_price",
        "is_known_region", "region_choices", "CpuMachine", "cpu_machine", "cpu_machines",
        "machine_price", "CatalogOverlay", "activate_overlay", "active_overlay", "discount",
        "overlay_in_effect", "PriceSource", "price_sources", "snapshot_date",
    }
    assert catalog.CLOUDS == ("aws", "azure", "gcp")
    assert catalog.HOURS_PER_MONTH == 730
