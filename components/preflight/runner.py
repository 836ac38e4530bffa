"""The whole pre-flight: read the stack's platform model, make a boto3 session in the model's
region, ask AWS, run the checks.

Each step raises an error whose message is fit for the user (exit code 2): `PreflightInputError`
for the project, stack or model, `PreflightCredentialsError` / `PreflightAwsError` for AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from aiscale.preflight.aws import (
    CREDENTIALS_HINT,
    AwsReader,
    PreflightCredentialsError,
    gather_facts,
)
from aiscale.preflight.checks import run_checks
from aiscale.preflight.findings import Finding
from aiscale.preflight.plan import AwsPlan, aws_plan

PLATFORM_KEY = "aiscale:platform"
"""The stack config key holding the platform model."""


class PreflightInputError(Exception):
    """The project, stack or platform model cannot be read or is invalid (exit code 2)."""


@dataclass(frozen=True)
class StackPlan:
    """A stack's identity and the AWS part of its platform."""

    project: str
    """The Pulumi project name."""
    stack: str
    """The stack name."""
    plan: Optional[AwsPlan]
    """The AWS plan; None when the platform does not use AWS."""


def load_stack_plan(cwd: Path, stack: str, catalog_overlay: Optional[Path] = None) -> StackPlan:
    """Read `Pulumi.yaml` in `cwd`, the stack's `aiscale:platform` value, validate it with
    `aiscale.model.load_platform` (with the stack's catalog overlay, or `catalog_overlay`, in
    effect) and extract its AWS plan."""
    from aiscale.catalog import CatalogLookupError
    from aiscale.catalog.overlay_file import CatalogOverlayError
    from aiscale.catalog.stack_overlay import use_for_project
    from aiscale.model import PlatformValidationError, load_platform
    from aiscale.preview.project import ProjectError, load_project

    try:
        project = use_for_project(load_project(cwd, stack), catalog_overlay)
    except (ProjectError, CatalogOverlayError) as error:
        raise PreflightInputError(str(error)) from None
    if project.stack_file is None:
        raise PreflightInputError(f"no stack file Pulumi.{stack}.yaml in {project.stack_config_dir}: "
                                  f"pass --stack with an existing stack")
    if PLATFORM_KEY in project.secret_keys:
        raise PreflightInputError(f"{project.stack_file}: {PLATFORM_KEY} is a secret value; "
                                  f"pre-flight reads it offline and needs it in plain text")
    raw = project.config.get(PLATFORM_KEY)
    if raw is None:
        raise PreflightInputError(f"{project.stack_file}: no {PLATFORM_KEY} config value; "
                                  f"pre-flight checks the GPU capacity of an aiscale platform model")
    try:
        platform = load_platform(json.loads(raw))
    except json.JSONDecodeError as error:
        raise PreflightInputError(f"{project.stack_file}: {PLATFORM_KEY} is not a mapping: {error}") from None
    except PlatformValidationError as error:
        raise PreflightInputError(f"{project.stack_file}: invalid {PLATFORM_KEY}:\n{error}") from None
    try:
        plan = aws_plan(platform)
    except CatalogLookupError as error:  # validation resolves the same offerings first
        raise PreflightInputError(f"{project.stack_file}: {error}") from None
    return StackPlan(project=project.name, stack=stack, plan=plan)


def aws_session(region: str) -> Any:
    """A boto3 Session for `region` with credentials, or `PreflightCredentialsError`."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.Session(region_name=region)
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise PreflightCredentialsError(f"AWS credentials could not be loaded: {error}; "
                                        f"{CREDENTIALS_HINT}") from None
    if credentials is None:
        raise PreflightCredentialsError(f"no AWS credentials found: {CREDENTIALS_HINT}")
    return session


def default_reader(region: str) -> AwsReader:
    """An `AwsReader` over a fresh boto3 session in `region`."""
    return AwsReader.from_session(aws_session(region), region)


def run_preflight(plan: AwsPlan,
                  reader_factory: Optional[Callable[[str], AwsReader]] = None) -> list[Finding]:
    """Every finding for `plan`, asking AWS through `reader_factory(region)` (default:
    `default_reader`, looked up when called)."""
    reader = (reader_factory or default_reader)(plan.region)
    return run_checks(plan, gather_facts(plan, reader))
