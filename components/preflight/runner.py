"""The whole pre-flight: read the stack's platform model, then for each cloud checked, its part
of the plan, asked of the cloud by that cloud's pre-flight module (the adapter's
``preflight_module``, imported only when the cloud is checked, so each SDK loads lazily). For
AWS: a boto3 session in the model's region, EC2 and Service Quotas, the checks.

Each step raises an error whose message is fit for the user (exit code 2): `PreflightInputError`
for the project, stack or model, `PreflightCredentialsError` / `PreflightCloudError`
(``aiscale.preflight.errors``) for the cloud; a missing SDK raises ``ModuleNotFoundError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from aiscale.preflight.errors import PreflightCredentialsError
from aiscale.preflight.findings import Finding
from aiscale.preflight.plan import CloudPlan

if TYPE_CHECKING:
    from aiscale.preflight.aws import AwsPlan, AwsReader

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


@dataclass(frozen=True)
class StackPlatform:
    """A stack's identity, its validated platform model and the model's resolved plan."""

    project: str
    """The Pulumi project name."""
    stack: str
    """The stack name."""
    platform: Any
    """The validated ``aiscale.model.Platform``."""
    plan: Any
    """Its resolved ``aiscale.plan.Plan``."""

    def cloud_plan(self, cloud: str) -> Optional[CloudPlan]:
        """``cloud``'s part of the platform; None when the platform does not use ``cloud``."""
        from aiscale.catalog import CatalogLookupError
        from aiscale.preflight.plan import cloud_plan

        try:
            return cloud_plan(self.platform, cloud, self.plan)
        except CatalogLookupError as error:  # validation resolves the same offerings first
            raise PreflightInputError(f"{self.project}/{self.stack}: {error}") from None


def load_stack_plan(cwd: Path, stack: str, catalog_overlay: Optional[Path] = None) -> StackPlan:
    """Read `Pulumi.yaml` in `cwd`, the stack's `aiscale:platform` value, validate it with
    `aiscale.model.load_platform` (with the stack's catalog overlay, or `catalog_overlay`, in
    effect) and extract its AWS plan."""
    from aiscale.preflight.aws import aws_plan

    loaded = load_stack(cwd, stack, catalog_overlay)
    return StackPlan(project=loaded.project, stack=stack, plan=aws_plan(loaded.platform, loaded.plan))


def load_stack(cwd: Path, stack: str, catalog_overlay: Optional[Path] = None) -> StackPlatform:
    """Read `Pulumi.yaml` in `cwd`, the stack's `aiscale:platform` value and validate it with
    `aiscale.model.load_platform` (with the stack's catalog overlay, or `catalog_overlay`, in
    effect); no cloud SDK is imported."""
    from aiscale.catalog import CatalogLookupError
    from aiscale.plan import make_plan
    from aiscale.catalog.overlay_file import CatalogOverlayError
    from aiscale.catalog.stack_overlay import use_for_project
    from aiscale.model import PlatformValidationError
    from aiscale.model.loader import load_stack_platform
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
    raw, base = project.config.get(PLATFORM_KEY), project.config.get("aiscale:base")
    if raw is None and base is None:
        raise PreflightInputError(f"{project.stack_file}: no {PLATFORM_KEY} config value; "
                                  f"pre-flight checks the GPU capacity of an aiscale platform model")
    try:
        platform = load_stack_platform(None if raw is None else json.loads(raw), base, project.stack_file)
    except json.JSONDecodeError as error:
        raise PreflightInputError(f"{project.stack_file}: {PLATFORM_KEY} is not a mapping: {error}") from None
    except PlatformValidationError as error:
        raise PreflightInputError(f"{project.stack_file}: invalid {PLATFORM_KEY}:\n{error}") from None
    try:
        plan = make_plan(platform)
    except CatalogLookupError as error:  # validation resolves the same offerings first
        raise PreflightInputError(f"{project.stack_file}: {error}") from None
    return StackPlatform(project=project.name, stack=stack, platform=platform, plan=plan)


def preflight_clouds() -> tuple[str, ...]:
    """The clouds that have a pre-flight, in the registry's order."""
    from aiscale import clouds

    return tuple(adapter.name for adapter in clouds.adapters() if adapter.preflight_module)


def run_cloud(cloud: str, platform: Any, plan: CloudPlan) -> list[Finding]:
    """Every finding of ``cloud``'s pre-flight of ``plan``: imports the cloud's pre-flight module
    (``ModuleNotFoundError`` when its SDK is missing) and runs its ``preflight``."""
    from aiscale import clouds

    module = import_module(clouds.adapter(cloud).preflight_module)
    return module.preflight(platform, plan)


def aws_session(region: str) -> Any:
    """A boto3 Session for `region` with credentials, or `PreflightCredentialsError`."""
    import boto3
    from botocore.exceptions import BotoCoreError

    from aiscale.preflight.aws import CREDENTIALS_HINT

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
    from aiscale.preflight.aws import AwsReader

    return AwsReader.from_session(aws_session(region), region)


def run_preflight(plan: AwsPlan,
                  reader_factory: Optional[Callable[[str], AwsReader]] = None) -> list[Finding]:
    """Every finding for `plan`, asking AWS through `reader_factory(region)` (default:
    `default_reader`, looked up when called)."""
    from aiscale.preflight.aws import gather_facts
    from aiscale.preflight.checks import run_checks

    reader = (reader_factory or default_reader)(plan.region)
    return run_checks(plan, gather_facts(plan, reader))
