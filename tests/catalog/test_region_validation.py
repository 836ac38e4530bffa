"""The model names the real problem with a region: unknown to the cloud, or unknown to the catalog.

An unknown region is one problem at `clouds.<cloud>.region` (`location` on Azure) listing the
closest known regions, and no GPU is then reported as "not offered" there. A region the cloud has
but the catalog has no rows for an accelerator in says so, and points at the catalog overlay.
"""

from __future__ import annotations

import copy

import pytest

from aiscale import catalog, clouds
from aiscale.model import PlatformValidationError, load_platform
from tests.model.conftest import VALID


def _problems(changes: dict) -> dict[str, str]:
    raw = copy.deepcopy(VALID)
    for cloud, settings in changes.items():
        raw["clouds"][cloud].update(settings)
    with pytest.raises(PlatformValidationError) as error:
        load_platform(raw)
    return {problem.path: str(problem) for problem in error.value.problems}


@pytest.mark.parametrize("cloud, settings, path, close", [
    ("aws", {"region": "us-east-9", "zones": None}, "clouds.aws.region", "us-east-1"),
    ("azure", {"location": "eastus3"}, "clouds.azure.location", "eastus2"),
    ("gcp", {"region": "us-central9"}, "clouds.gcp.region", "us-central1"),
], ids=["aws", "azure uses location", "gcp"])
def test_an_unknown_region_is_one_problem_at_the_region_naming_close_ones(cloud, settings, path, close):
    problems = _problems({cloud: settings})
    field = path.rsplit(".", 1)[1]
    value = settings[field]
    assert problems[path].startswith(f'{path}: got "{value}"; unknown {cloud} {field}; closest known: ')
    assert close in problems[path]
    assert not [text for where, text in problems.items() if where != path], \
        "no GPU is reported as missing in a region that does not exist"


def test_an_unknown_region_with_nothing_close_lists_the_known_regions():
    problems = _problems({"aws": {"region": "xx-nowhere-1", "zones": None}})
    message = problems["clouds.aws.region"]
    assert "; known: us-east-1, us-east-2, " in message
    assert all(region in message for region in clouds.adapter("aws").regions)


def test_a_known_region_without_catalog_data_says_so_and_points_at_the_overlay():
    region = "ap-southeast-4"
    assert region in clouds.adapter("aws").regions and region not in catalog.regions("aws")
    problems = _problems({"aws": {"region": region, "zones": None}})
    assert "clouds.aws.region" not in problems
    message = problems["node_pools[1].accelerator"]
    assert f"the catalog has no data for nvidia-l4 on aws in region {region}" in message
    assert "add it with the catalog overlay" in message
    assert "not offered" not in message
    for listed in catalog.regions("aws", "nvidia-l4"):
        assert listed in message, "the regions the catalog has it in are named"


def test_catalog_resolve_tells_unknown_from_missing_data():
    with pytest.raises(catalog.CatalogLookupError) as unknown:
        catalog.resolve("aws", "nvidia-l4", 1, "us-east-9")
    assert str(unknown.value).startswith("unknown aws region 'us-east-9'; closest known: ")
    with pytest.raises(catalog.CatalogLookupError) as missing:
        catalog.resolve("aws", "nvidia-l4", 1, "ap-southeast-4")
    assert str(missing.value).startswith(
        "the catalog has no data for nvidia-l4 on aws in region ap-southeast-4; add it with the catalog overlay")
    assert missing.value.field == unknown.value.field == "region"


def test_a_configured_zone_must_be_a_zone_of_the_region():
    problems = _problems({"aws": {"region": "us-west-2", "zones": ["us-west-2a", "us-west-2e"]}})
    assert problems == {"clouds.aws.zones[1]": 'clouds.aws.zones[1]: got "us-west-2e"; not a zone of us-west-2; '
                                              "valid: us-west-2a, us-west-2b, us-west-2c, us-west-2d"}


@pytest.mark.parametrize("cloud, accelerator, region, why", [
    ("gcp", "nvidia-l4", "us-west1", "issue 14: L4 in GCP us-west1 was refused as not offered"),
    ("aws", "nvidia-l4", "us-east-2", "a widened AWS region"),
    ("azure", "nvidia-t4", "eastus2", "a widened Azure region"),
    ("gcp", "nvidia-h100-80gb", "europe-west1", "a widened GCP region"),
])
def test_widened_regions_resolve(cloud, accelerator, region, why):
    offering = catalog.resolve(cloud, accelerator, 1, region)
    assert offering.region == region and offering.price_hour_ondemand, why
