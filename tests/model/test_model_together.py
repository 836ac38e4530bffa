"""All problems come in one error, without follow-on noise from parts that were invalid."""

from __future__ import annotations

import pickle

import pytest

from aiscale.model import MISSING, PlatformValidationError, Problem, load_platform


def _problems(raw) -> list[Problem]:
    with pytest.raises(PlatformValidationError) as caught:
        load_platform(raw)
    return list(caught.value.problems)


def test_several_problems_are_reported_together(valid_raw):
    valid_raw["environment"] = "qa"
    valid_raw["node_pools"][0]["max_nodes"] = 0
    valid_raw["node_pools"][1]["accelerator"] = "nvidia-x1"
    valid_raw["endpoints"][0]["port"] = 0
    valid_raw["endpoints"][1]["model"]["bucket"] = "nowhere"
    valid_raw["operations"]["budget"]["actual_thresholds"] = [1001]

    paths = [p.path for p in _problems(valid_raw)]

    assert paths == [
        "environment",
        "node_pools[0].max_nodes",
        "endpoints[0].port",
        "operations.budget.actual_thresholds[0]",
        "node_pools[1].accelerator",
        "endpoints[1].model.bucket",
    ], "field problems first, then the rules across sections, on the parts that are valid"


def test_rules_across_sections_still_run_when_the_clouds_name_an_unknown_cloud(valid_raw):
    valid_raw["clouds"]["oracle"] = {}
    valid_raw["autoscaling_groups"][0]["clouds"] = ["azure"]

    paths = [p.path for p in _problems(valid_raw)]

    assert paths == ["clouds.oracle", "autoscaling_groups[0].accelerator"]


def test_an_invalid_bucket_does_not_make_endpoints_report_it_missing(valid_raw):
    valid_raw["buckets"][0]["versioning"] = "sometimes"

    problems = _problems(valid_raw)

    assert [p.path for p in problems] == ["buckets[0].versioning"]
    assert problems[0].message == "must be true or false"


def test_an_invalid_pool_does_not_make_endpoints_report_no_pool(valid_raw):
    valid_raw["node_pools"][1]["disk_gb"] = 1

    assert [p.path for p in _problems(valid_raw)] == ["node_pools[1].disk_gb"]


def test_an_unknown_pool_accelerator_is_reported_once_per_pool(valid_raw):
    valid_raw["node_pools"][0]["accelerator"] = "nvidia-q"

    assert [p.path for p in _problems(valid_raw)] == ["node_pools[0].accelerator"]


def test_every_clouds_entry_of_every_section_is_checked(valid_raw):
    del valid_raw["clouds"]["gcp"]
    del valid_raw["operations"]["gcp_billing_account"]

    paths = [p.path for p in _problems(valid_raw)]

    assert paths == ["node_pools[0].clouds[0]", "autoscaling_groups[0].clouds[0]",
                     "buckets[0].clouds[1]", "endpoints[1].clouds[0]"]


def test_a_model_that_is_not_a_mapping():
    problems = _problems(["name", "acme"])

    assert problems == [Problem("", ["name", "acme"], problems[0].message)]
    assert "mapping" in problems[0].message


def test_missing_required_fields_are_all_listed():
    problems = _problems({})

    assert [(p.path, p.value) for p in problems] == [
        ("name", MISSING), ("environment", MISSING), ("clouds", MISSING)]
    assert str(problems[0]) == "name: required field is missing"


def test_error_text_has_one_line_per_problem(valid_raw):
    valid_raw["name"] = "x"
    valid_raw["node_pools"][0]["min_nodes"] = 5

    with pytest.raises(PlatformValidationError) as caught:
        load_platform(valid_raw)

    lines = str(caught.value).splitlines()
    assert lines[0] == "invalid platform model: 2 problem(s)"
    assert lines[1].startswith('  name: got "x"; must be 3-22 characters')
    assert lines[2] == "  node_pools[0].max_nodes: got 4; must be >= min_nodes (5)"


def test_error_survives_pickling(valid_raw):
    valid_raw["environment"] = "qa"
    with pytest.raises(PlatformValidationError) as caught:
        load_platform(valid_raw)

    again = pickle.loads(pickle.dumps(caught.value))
    assert again.problems == caught.value.problems and str(again) == str(caught.value)
