"""The Azure compute defaults pass the security pack, and spot GPU fleets pass the cost pack."""

from __future__ import annotations

from aiscale.guardrails.evaluate import evaluate
from tests.compute.azure.helpers import platform_model

SPOT_T4 = {"accelerator": "nvidia-t4", "gpus_per_node": 1, "max_nodes": 2, "capacity": "spot"}


def test_private_dev_platform_has_no_findings(preview):
    result = preview(platform_model(node_pools=[{"name": "train", **SPOT_T4}],
                                    autoscaling_groups=[{"name": "batch", **SPOT_T4}]))
    findings = evaluate(result.resources, environment="dev")
    assert [(f.policy, f.urn.rsplit("::", 1)[1]) for f in findings] == []
