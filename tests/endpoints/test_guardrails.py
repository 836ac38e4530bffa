"""The security and cost packs find nothing mandatory on a default (private) endpoint, on any
cloud and runtime; ``public: true`` is the explicit opt-in the security pack flags."""

from __future__ import annotations

import pytest

from aiscale.guardrails.evaluate import evaluate


def endpoint_findings(result, level="mandatory"):
    """Findings on the endpoint's own resources (the store and scope are others' to test)."""
    component = result.one("aiscale:index:ModelEndpoint").urn
    ours = {r.urn for r in result.resources if r.parent == component}
    return [f for f in evaluate(result.resources, environment="dev")
            if f.enforcement == level and f.urn in ours]


@pytest.mark.parametrize("cloud,runtime", [
    ("aws", "kubernetes"), ("azure", "kubernetes"), ("gcp", "kubernetes"),
    ("aws", "managed"), ("azure", "managed"), ("gcp", "managed"),
])
def test_defaults_pass_the_mandatory_checks(endpoint_preview, cloud, runtime):
    result = endpoint_preview(cloud, endpoint={"runtime": runtime})
    assert endpoint_findings(result) == []


@pytest.mark.parametrize("cloud,runtime,policy", [
    ("aws", "kubernetes", "SEC-WL-007"),
    ("azure", "managed", "SEC-ML-007"),
])
def test_public_is_flagged(endpoint_preview, cloud, runtime, policy):
    result = endpoint_preview(cloud, endpoint={"runtime": runtime, "public": True})
    assert policy in {f.policy for f in endpoint_findings(result)}
