"""The one parity test: the findings ``aiscale preview`` reports by evaluating the bundled packs
in-process equal those of the same packs served over the Analyzer protocol by the stock, unpatched
``pulumi_policy`` (``python -m pulumi.policy <engine> .`` in the pack folder, as the Pulumi CLI
starts a Python pack), on the dev stack, the prod stack, examples/insecure-gpu and
examples/miswired (where the wiring pack finds every fault), with each stack's own policy config
and with stricter ones that make the packs report more."""

from __future__ import annotations

import dataclasses
import json

import pytest

from aiscale.preview.pipeline import BUNDLED_PACKS, TRANSPORT_ENV, in_process, run_preview
from aiscale.preview.project import load_project
from tests.conftest import REPO

INSECURE = REPO / "examples" / "insecure-gpu"
MISWIRED = REPO / "examples" / "miswired"
REPOSITORY_PACKS = [str(REPO / "policies" / pack) for pack in BUNDLED_PACKS]
"""policies/security, policies/cost and policies/wiring: what `pulumi preview --policy-pack
policies/...` runs."""
PACK_NAMES = {"aiscale-security", "aiscale-cost", "aiscale-wiring"}

STRICT = {"all": "mandatory", "SEC-STORAGE-009": "disabled",
          "COST-GPU-002": {"max_gpus_per_pool": 1}, "COST-BUDGET-001": {"monthly_budget_usd": 1},
          "COST-TAG-001": {"required_tags": ["team", "owner"]}}
"""Every policy mandatory, one disabled, tight limits: many findings to compare."""
LEVELS = {"SEC-STORAGE-002": "remediate", "SEC-STORAGE-003": "disabled", "all": "advisory",
          "COST-GPU-002": {"max_gpus_per_pool": 16}, "SEC-NOPE-1": "advisory"}
"""Levels (remediate, disabled, all), a numeric property and a name no pack has."""

# (project folder, stack, policy config for both packs or None for the stack's own, protocol
#  packs: the repository's pack folders or None for the bundled folders, minimum findings)
CASES = [
    (REPO, "dev", None, REPOSITORY_PACKS, 0),
    (REPO, "dev", STRICT, REPOSITORY_PACKS, 20),
    (REPO, "prod", None, REPOSITORY_PACKS, 0),
    (REPO, "prod", STRICT, REPOSITORY_PACKS, 20),
    (INSECURE, "dev", None, REPOSITORY_PACKS, 10),
    (INSECURE, "dev", LEVELS, REPOSITORY_PACKS, 10),
    (INSECURE, "dev", None, None, 10),
    (MISWIRED, "dev", None, REPOSITORY_PACKS, 9),
    (MISWIRED, "dev", {"all": "mandatory"}, None, 9),
]
IDS = ["dev", "dev-strict", "prod", "prod-strict", "insecure", "insecure-levels", "insecure-bundled-folders",
       "miswired", "miswired-mandatory-bundled-folders"]
WIRING_AT_LEAST = {MISWIRED: 9}
"""Projects where the wiring pack's own findings must be at least this many."""


@pytest.mark.parametrize("folder, stack, config, protocol_packs, at_least", CASES, ids=IDS)
def test_in_process_findings_equal_the_stock_sdk_over_the_analyzer_protocol(
        tmp_path, monkeypatch, folder, stack, config, protocol_packs, at_least):
    project = load_project(folder, stack)
    if config is not None:
        (tmp_path / "policy").mkdir()
        for pack in BUNDLED_PACKS:
            (tmp_path / "policy" / f"{stack}-{pack}.json").write_text(json.dumps(config))
        project = dataclasses.replace(project, stack_config_dir=tmp_path)
    monkeypatch.delenv(TRANSPORT_ENV, raising=False)
    default = run_preview(project)
    assert [in_process(run) for run in default.packs] == [True] * len(BUNDLED_PACKS), "the default is in-process"
    if protocol_packs is None:
        monkeypatch.setenv(TRANSPORT_ENV, "protocol")
    over_protocol = run_preview(project, packs=protocol_packs)
    assert [in_process(run) for run in over_protocol.packs] == [False] * len(BUNDLED_PACKS)
    found = [v.to_report() for v in default.violations]
    assert len(found) >= at_least, "the comparison needs findings to prove something"
    assert {v["pack"] for v in found} <= PACK_NAMES
    assert len([v for v in found if v["pack"] == "aiscale-wiring"]) >= WIRING_AT_LEAST.get(folder, 0)
    assert found == [v.to_report() for v in over_protocol.violations]
    assert default.exit_code == over_protocol.exit_code
