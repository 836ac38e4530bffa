"""Fixtures of the cost tests: each cloud's program previewed once per session."""

from __future__ import annotations

import pytest

from aiscale.preview.engine import PreviewResult, run_inline

from . import cost_programs


@pytest.fixture(scope="session")
def aws_preview() -> PreviewResult:
    """The AWS program, previewed with aws:region us-east-1."""
    return run_inline(cost_programs.aws_program, config=cost_programs.AWS_CONFIG)


@pytest.fixture(scope="session")
def azure_preview() -> PreviewResult:
    """The Azure program, previewed with azure-native:location eastus."""
    return run_inline(cost_programs.azure_program, config=cost_programs.AZURE_CONFIG)


@pytest.fixture(scope="session")
def gcp_preview() -> PreviewResult:
    """The GCP program, previewed with gcp:region us-central1."""
    return run_inline(cost_programs.gcp_program, config=cost_programs.GCP_CONFIG)

