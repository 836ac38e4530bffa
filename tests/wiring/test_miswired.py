"""examples/miswired: `aiscale preview` reports each wiring fault of the deliberately miswired
program, each one on its own (every other fault corrected), and nothing once all are corrected;
and examples/insecure-gpu, whose faults are security and cost ones, has no wiring finding."""

from __future__ import annotations

import dataclasses
import json

import pytest

from aiscale.preview.pipeline import run_preview
from aiscale.preview.project import load_project
from tests.conftest import REPO

MISWIRED = REPO / "examples" / "miswired"
FAULTS = {
    "schedule": ("WIRE-SCHED-001", "chat"),
    "metrics": ("WIRE-METRICS-001", "chat"),
    "netpol": ("WIRE-NET-001", "eks"),
    "gke": ("WIRE-NET-002", "gke"),
    "firewall": ("WIRE-NET-003", "models"),
    "volumes": ("WIRE-STORAGE-001", "cache"),
    "image": ("WIRE-IMAGE-001", "api"),
    "model": ("WIRE-SERVE-001", "chat"),
    "scale": ("WIRE-SCALE-001", "batch"),
}
"""Fault name in the program's `miswired:correct` list -> (check, resource it is reported on)."""


def wiring_findings(correct):
    """(check, resource name) of every wiring finding with the faults in `correct` corrected."""
    project = load_project(MISWIRED, "dev")
    project = dataclasses.replace(project, config={**project.config, "miswired:correct": json.dumps(sorted(correct))})
    outcome = run_preview(project, packs=["wiring"])
    assert {v.pack for v in outcome.violations} <= {"aiscale-wiring"}
    return sorted((v.policy, v.urn.rsplit("::", 1)[-1]) for v in outcome.violations)


def test_every_fault_is_reported():
    assert wiring_findings(set()) == sorted(FAULTS.values())


def test_nothing_is_reported_once_every_fault_is_corrected():
    assert wiring_findings(set(FAULTS)) == []


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_alone_is_reported_alone(fault):
    assert wiring_findings(set(FAULTS) - {fault}) == [FAULTS[fault]]


def test_insecure_gpu_has_no_wiring_finding():
    """Its EKS cluster has a GPU node group and no pod, HPA, policy or volume: nothing is miswired."""
    outcome = run_preview(load_project(REPO / "examples" / "insecure-gpu", "dev"), packs=["wiring"])
    assert [v.to_report() for v in outcome.violations] == []
    assert outcome.result.resources, "the program ran"
