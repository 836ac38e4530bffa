"""`aiscale preflight`: the typer command function (registered by `aiscale.cli`).

Only typer and the standard library are imported at module level, so registering the command
keeps `aiscale --help` fast; the model loads when the command runs, and each cloud's SDK
only when that cloud is checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

EXIT_INVALID = 2
"""Exit code for invalid input, missing credentials or a missing SDK extra."""


def _fail(message: str) -> typer.Exit:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", soft_wrap=True,
                                                markup=True)
    return typer.Exit(EXIT_INVALID)


def _nothing_to_check(console, loaded, title: str, plan) -> None:
    reason = f"does not use {title}" if plan is None else f"has no GPU fleet or managed endpoint on {title}"
    console.print(f"Stack {loaded.project}/{loaded.stack} {reason}: nothing to check.", markup=False)


def preflight_command(
    stack: str = typer.Option(..., "--stack", "-s", help="The stack whose Pulumi.<stack>.yaml is read."),
    cwd: Path = typer.Option(Path("."), "--cwd", "-C", help="The Pulumi project folder (with Pulumi.yaml)."),
    catalog_overlay: Optional[Path] = typer.Option(
        None, "--catalog-overlay", metavar="FILE",
        help="A catalog overlay YAML file (docs/catalog.md). Default: the stack's aiscale:catalogOverlay."),
    cloud: Optional[str] = typer.Option(
        None, "--cloud", metavar="CLOUD",
        help="The cloud to check (aws, azure or gcp). Default: every cloud the stack uses."),
) -> None:
    """Read-only checks before `pulumi up` that the stack's GPU machine types are offered in its
    regions and zones and that the quotas cover every fleet at max size: AWS (EC2 vCPU and
    SageMaker quotas), Azure (VM size SKUs and restrictions, per-family vCPU quotas), GCP
    (machine and accelerator types per zone, regional GPU quotas). Exit 0 ok, 1 a failing check,
    2 invalid input, missing credentials or a missing SDK extra."""
    from rich.console import Console
    from rich.markup import escape

    from aiscale import clouds
    from aiscale.preflight.errors import PreflightCloudError, PreflightCredentialsError
    from aiscale.preflight.findings import exit_code, findings_table, summary
    from aiscale.preflight.runner import PreflightInputError, load_stack, preflight_clouds, run_cloud
    from aiscale.sdk_extras import missing_sdk_hint

    available = preflight_clouds()
    if cloud is not None and cloud not in available:
        raise _fail(escape(f"--cloud: got {cloud!r}; valid: {', '.join(available)}"))
    console = Console(highlight=False)
    try:
        loaded = load_stack(cwd, stack, catalog_overlay)
    except PreflightInputError as error:
        raise _fail(escape(str(error))) from None
    codes = []
    for name in (cloud,) if cloud is not None else available:
        title = clouds.adapter(name).title
        try:
            plan = loaded.cloud_plan(name)
        except PreflightInputError as error:
            raise _fail(escape(str(error))) from None
        if plan is None or plan.empty:
            _nothing_to_check(console, loaded, title, plan)
            continue
        try:
            findings = run_cloud(name, loaded.platform, plan)
        except ModuleNotFoundError as error:
            hint = missing_sdk_hint(error, "aiscale preflight")
            if hint is None:
                raise
            raise _fail(escape(f"{hint} (the {title} pre-flight needs it)")) from None
        except (PreflightCredentialsError, PreflightCloudError) as error:
            raise _fail(escape(str(error))) from None
        console.print(findings_table(findings, title=f"Pre-flight: {loaded.project}/{loaded.stack} "
                                                     f"on {title} {plan.region}"))
        console.print(f"Pre-flight: {summary(findings)}", markup=False)
        codes.append(exit_code(findings))
    raise typer.Exit(max(codes, default=0))
