"""Tag keys a provider resource puts on every resource it manages (read by the tags check)."""

from __future__ import annotations

import pytest

from aiscale.facts import reader

CASES = [
    ({"defaultTags": '{"tags":{"team":"ml","cost-center":"c"}}'}, {"team", "cost-center"},
     "AWS defaultTags as the engine passes them: JSON text"),
    ({"defaultTags": {"tags": {"team": "ml"}}}, {"team"}, "AWS defaultTags as a mapping"),
    ({"defaultLabels": '{"team":"ml"}'}, {"team"}, "GCP defaultLabels as JSON text"),
    ({"defaultLabels": {"cost-center": "c"}}, {"cost-center"}, "GCP defaultLabels as a mapping"),
    ({"defaultTags": "{not json"}, set(), "undecodable text gives nothing"),
    ({"defaultTags": {"tags": "team"}}, set(), "tags that are not a mapping give nothing"),
    ({"location": "westeurope"}, set(), "an Azure provider has no default tags"),
    ({}, set(), "no inputs"),
]


@pytest.mark.parametrize("inputs,expected,reason", CASES, ids=[c[2] for c in CASES])
def test_provider_default_tag_keys(inputs, expected, reason):
    assert reader.provider_default_tag_keys(inputs) == expected, reason
