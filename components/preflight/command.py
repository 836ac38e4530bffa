"""`aiscale preflight`: the typer command function (registered by `aiscale.cli`).

Only typer and the standard library are imported at module level, so registering the command
keeps `aiscale --help` fast; boto3 and the model load when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

EXIT_INVALID = 2
"""Exit code for invalid input or missing AWS credentials."""


def _fail(message: str) -> typer.Exit:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", soft_wrap=True,
                                                markup=True)
    return typer.Exit(EXIT_INVALID)


def preflight_command(
    stack: str = typer.Option(..., "--stack", "-s", help="The stack whose Pulumi.<stack>.yaml is read."),
    cwd: Path = typer.Option(Path("."), "--cwd", "-C", help="The Pulumi project folder (with Pulumi.yaml)."),
    catalog_overlay: Optional[Path] = typer.Option(
        None, "--catalog-overlay", metavar="FILE",
        help="A catalog overlay YAML file (docs/catalog.md). Default: the stack's aiscale:catalogOverlay."),
) -> None:
    """Read-only AWS checks before `pulumi up`: GPU instance types offered in the region and
    zones, GPU kind and count, EC2 vCPU quotas (on-demand and spot) and SageMaker endpoint
    quotas. Exit 0 ok, 1 a failing check, 2 invalid input or no AWS credentials."""
    from rich.console import Console
    from rich.markup import escape

    from aiscale.preflight.findings import exit_code, findings_table, summary
    from aiscale.sdk_extras import missing_sdk_hint

    try:  # boto3 comes with aiscale[aws]
        from aiscale.preflight.aws import PreflightAwsError, PreflightCredentialsError
        from aiscale.preflight.runner import PreflightInputError, load_stack_plan, run_preflight
    except ModuleNotFoundError as error:
        if (hint := missing_sdk_hint(error, "aiscale preflight")) is None:
            raise
        raise _fail(escape(hint)) from None

    console = Console(highlight=False)
    try:
        loaded = load_stack_plan(cwd, stack, catalog_overlay)
    except PreflightInputError as error:
        raise _fail(escape(str(error))) from None
    plan = loaded.plan
    if plan is None or plan.empty:
        reason = "does not use AWS" if plan is None else "has no GPU fleet or managed endpoint on AWS"
        console.print(f"Stack {loaded.project}/{loaded.stack} {reason}: nothing to check.", markup=False)
        raise typer.Exit(0)
    try:
        findings = run_preflight(plan)
    except (PreflightCredentialsError, PreflightAwsError) as error:
        raise _fail(escape(str(error))) from None
    console.print(findings_table(findings, title=f"Pre-flight: {loaded.project}/{loaded.stack} "
                                                 f"on AWS {plan.region}"))
    console.print(f"Pre-flight: {summary(findings)}", markup=False)
    raise typer.Exit(exit_code(findings))
