"""The security and cost packs find nothing mandatory on the operations resources, dev or prod."""

from __future__ import annotations

import pytest

from aiscale.guardrails.evaluate import evaluate

from .conftest import ours


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_no_mandatory_finding_on_operations(ops_preview, cloud, environment):
    result = ops_preview(cloud, environment=environment)
    mine = {r.urn for r in ours(result)}
    assert len(mine) > 5
    findings = [f for f in evaluate(result.resources, environment=environment)
                if f.enforcement == "mandatory" and (f.urn in mine or f.urn is None)]
    assert findings == []
