"""A user's catalog overlay: extra rows and discounts, validated with file, path and value, read
by every catalog look-up (placement, the model's validation, machine prices)."""

from __future__ import annotations

import copy
import textwrap

import pytest

from aiscale import catalog
from tests.catalog.conftest import GCP_L4_ASIA_EAST1
from aiscale.catalog.overlay_file import CatalogOverlayError, load_overlay, parse_overlay
from aiscale.model import PlatformValidationError, load_platform

L4_ASIA = {"cloud": "gcp", "instance_type": "g2-standard-4", "accelerator": "nvidia-l4", "accelerator_count": 1,
           "vcpus": 4, "memory_gib": 16, "region": "asia-east1", "price_hour_ondemand_usd": 0.78,
           "price_hour_spot_usd": 0.31}
"""A region the packaged catalog has no L4 data for (GKE sells g2 there)."""

GCP_ONLY = GCP_L4_ASIA_EAST1


def test_an_overlay_row_adds_a_region_the_catalog_lacks():
    with pytest.raises(catalog.CatalogLookupError, match="catalog has no data for nvidia-l4 on gcp in region asia-east1"):
        catalog.resolve("gcp", "nvidia-l4", 1, "asia-east1")
    with catalog.overlay_in_effect(parse_overlay({"gpu_instances": [L4_ASIA]}, "o.yaml")):
        offering = catalog.resolve("gcp", "nvidia-l4", 1, "asia-east1")
        assert (offering.instance_type, offering.price_hour_ondemand, offering.price_hour_spot) == \
            ("g2-standard-4", 0.78, 0.31)
        assert offering.accelerator_type == "nvidia-l4", "the GKE accelerator type comes from the family table"
        assert "asia-east1" in catalog.regions("gcp", "nvidia-l4")
    assert "asia-east1" not in catalog.regions("gcp", "nvidia-l4"), "the previous overlay is restored"


def test_an_overlay_row_replaces_the_packaged_row_of_the_same_machine():
    packaged = catalog.resolve("aws", "nvidia-l4", 1, "us-east-1")
    row = {"cloud": "aws", "instance_type": packaged.instance_type, "accelerator": "nvidia-l4",
           "accelerator_count": 1, "vcpus": packaged.vcpus, "memory_gib": packaged.memory_gib,
           "region": "us-east-1", "price_hour_ondemand_usd": 0.5}
    with catalog.overlay_in_effect(parse_overlay({"gpu_instances": [row]})):
        replaced = [o for o in catalog.offerings("aws", "nvidia-l4", "us-east-1")
                    if o.instance_type == packaged.instance_type]
        assert len(replaced) == 1 and replaced[0].price_hour_ondemand == 0.5
        assert replaced[0].price_hour_spot is None, "the overlay row says spot is not sold"


def test_a_discount_applies_to_every_price_of_its_cloud_only():
    aws = catalog.resolve("aws", "nvidia-l4", 1, "us-east-1")
    gcp = catalog.resolve("gcp", "nvidia-l4", 1, "us-central1")
    system = catalog.machine_price("aws", "us-east-1", "m6i.large")
    with catalog.overlay_in_effect(parse_overlay({"discounts": {"aws": 0.12}})):
        assert catalog.discount("aws") == 0.12 and catalog.discount("gcp") == 0.0
        discounted = catalog.resolve("aws", "nvidia-l4", 1, "us-east-1")
        assert discounted.price_hour_ondemand == pytest.approx(aws.price_hour_ondemand * 0.88)
        assert discounted.price_hour_spot == pytest.approx(aws.price_hour_spot * 0.88)
        assert catalog.machine_price("aws", "us-east-1", "m6i.large") == pytest.approx(system * 0.88)
        assert catalog.resolve("gcp", "nvidia-l4", 1, "us-central1") == gcp


def test_a_cpu_row_prices_a_machine_the_catalog_lacks():
    row = {"cloud": "aws", "instance_type": "m7i.large", "vcpus": 2, "memory_gib": 8, "region": "us-east-1",
           "price_hour_ondemand_usd": 0.1008}
    assert catalog.machine_price("aws", "us-east-1", "m7i.large") is None
    with catalog.overlay_in_effect(parse_overlay({"cpu_instances": [row]})):
        assert catalog.machine_price("aws", "us-east-1", "m7i.large") == 0.1008
        assert catalog.machine_price("aws", "us-east-1", "m7i.large", "spot") is None


def test_the_model_validates_against_the_overlay():
    with pytest.raises(PlatformValidationError) as error:
        load_platform(copy.deepcopy(GCP_ONLY))
    assert "add it with the catalog overlay" in str(error.value)
    with catalog.overlay_in_effect(parse_overlay({"gpu_instances": [L4_ASIA]})):
        platform = load_platform(copy.deepcopy(GCP_ONLY))
    assert platform.node_pools[0].accelerator == "nvidia-l4"


#: (overlay, path in the message, fragment, why)
BAD_OVERLAYS = [
    ({"discount": {"aws": 0.1}}, "discount", "unknown field; valid: discounts, gpu_instances, cpu_instances",
     "a typo in a section name"),
    ({"discounts": {"aws": 1.5}}, "discounts.aws", "got 1.5; must be a fraction", "discount above 100 %"),
    ({"discounts": {"ibm": 0.1}}, "discounts.ibm", "unknown cloud; valid: aws, azure, gcp", "unknown cloud"),
    ({"gpu_instances": [{**L4_ASIA, "accelerator": "nvidia-l5"}]}, "gpu_instances[0].accelerator",
     'got "nvidia-l5"; must be one of: ', "unknown accelerator"),
    ({"gpu_instances": [{**L4_ASIA, "price_hour_spot_usd": 0.9}]}, "gpu_instances[0].price_hour_spot_usd",
     "got 0.9; must be below price_hour_ondemand_usd (0.78)", "spot at or above on-demand"),
    ({"gpu_instances": [{k: v for k, v in L4_ASIA.items() if k != "vcpus"}]}, "gpu_instances[0].vcpus",
     "required", "a missing field"),
    ({"gpu_instances": [{**L4_ASIA, "instance_type": "x9-custom-8"}]}, "gpu_instances[0].accelerator_type",
     "required for gcp machine family 'x9-custom'", "an unknown GCP family needs its accelerator type"),
    ({"cpu_instances": [{"cloud": "aws", "instance_type": "m7i.large", "vcpus": 2, "memory_gib": 8,
                         "region": "US East", "price_hour_ondemand_usd": 0.1}]},
     "cpu_instances[0].region", "must be a region name", "a display name instead of a region code"),
    ({"cpu_instances": [{"cloud": "aws", "instance_type": "m7i.large", "vcpus": 2, "memory_gib": 8,
                         "region": "us-east-1", "price_hour_ondemand_usd": 0}]},
     "cpu_instances[0].price_hour_ondemand_usd", "got 0; must be > 0", "a zero price"),
    ({"gpu_instances": {"cloud": "gcp"}}, "gpu_instances", "must be a list of rows", "a mapping, not a list"),
]


@pytest.mark.parametrize("data, path, fragment, why", BAD_OVERLAYS, ids=[case[3] for case in BAD_OVERLAYS])
def test_a_bad_overlay_names_the_file_the_path_and_the_value(data, path, fragment, why):
    with pytest.raises(CatalogOverlayError) as error:
        parse_overlay(data, "stacks/overlay.yaml")
    message = str(error.value)
    assert message.startswith("catalog overlay stacks/overlay.yaml: "), message
    line = next((line for line in message.splitlines() if line.strip().startswith(path + ":")), None)
    assert line is not None and fragment in line, (why, message)


def test_every_problem_is_reported_at_once():
    data = {"discounts": {"aws": -1}, "gpu_instances": [{**L4_ASIA, "accelerator_count": 0}]}
    with pytest.raises(CatalogOverlayError) as error:
        parse_overlay(data, "o.yaml")
    assert len(error.value.problems) == 2, error.value.problems


def test_load_overlay_reads_yaml_and_reports_a_missing_or_broken_file(tmp_path):
    good = tmp_path / "overlay.yaml"
    good.write_text(textwrap.dedent("""\
        discounts: {azure: 0.2}
        cpu_instances:
          - {cloud: azure, instance_type: Standard_D2s_v5, vcpus: 2, memory_gib: 8, region: westeurope,
             price_hour_ondemand_usd: 0.11}
        """))
    overlay = load_overlay(good)
    assert overlay.source == str(good) and overlay.discount("azure") == 0.2
    assert [m.instance_type for m in overlay.cpu_instances] == ["Standard_D2s_v5"]
    with pytest.raises(CatalogOverlayError, match=r"missing.yaml: 1 problem\(s\)\n  cannot be read"):
        load_overlay(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("discounts: {aws: [0.1\n")
    with pytest.raises(CatalogOverlayError, match=r"is not valid YAML \(line \d+\)"):
        load_overlay(broken)
