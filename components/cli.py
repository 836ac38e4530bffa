"""The ``aiscale`` command line: ``preview``, ``preflight``, ``schema`` and ``catalog``.

Exit codes of ``preview``: 0 clean, 1 a mandatory policy violation, 2 invalid input or a
program error (one message on stderr, never a traceback).
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from aiscale import clouds
from aiscale.preflight.command import preflight_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Multi-cloud AI platforms on Pulumi: offline preview, model schema and GPU catalog.",
)

EXIT_INVALID = 2

CATALOG_OVERLAY_HELP = ("A catalog overlay YAML file (extra machine rows, discounts per cloud; docs/catalog.md). "
                        "Default: the stack's aiscale:catalogOverlay, relative to the stack file.")


Cloud = Enum("Cloud", {name: name for name in clouds.names()}, type=str)
Cloud.__doc__ = "A cloud the catalog covers (the cloud registry's list)."


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False, emoji=False).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(EXIT_INVALID)


def _never_a_traceback(command):
    """Any unexpected error of ``command`` ends as one message and exit 2, never a traceback
    (exit 1 is reserved for a mandatory policy violation)."""
    @functools.wraps(command)
    def guarded(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except OSError as error:  # a --json/--markdown path that cannot be written, a file unreadable
            raise _fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")) from None
        except Exception as error:  # noqa: BLE001 - reported as one message
            from aiscale.preview.failure import describe_internal

            raise _fail(describe_internal(error)) from None
    return guarded


@app.command()
@_never_a_traceback
def preview(
    stack: str = typer.Option("dev", "--stack", "-s", help="The stack whose Pulumi.<stack>.yaml is read."),
    cwd: Path = typer.Option(Path("."), "--cwd", "-C", help="The Pulumi project folder (with Pulumi.yaml)."),
    json_file: Optional[Path] = typer.Option(None, "--json", help="Write the JSON report to this file."),
    policy_pack: Optional[list[str]] = typer.Option(
        None, "--policy-pack", "-p",
        help="A policy pack to run: 'security', 'cost' (bundled) or a pack folder; repeatable. Default: both bundled packs."),
    policies: bool = typer.Option(True, "--policies/--no-policies", help="Evaluate policy packs."),
    tree: bool = typer.Option(True, "--tree/--no-tree", help="Print the resource tree."),
    cost_table: bool = typer.Option(True, "--cost/--no-cost", help="Print the cost table."),
    markdown_file: Optional[Path] = typer.Option(
        None, "--markdown", help="Write a short Markdown report (for a pull-request comment) to this file."),
    usage_file: Optional[Path] = typer.Option(
        None, "--usage", metavar="FILE",
        help="A usage file (Infracost's format: resource_usage by resource name, URN or '*') for "
             "usage-based costs: stored GB, log GB, NAT GB, requests (docs/cost.md)."),
    compare: Optional[Path] = typer.Option(
        None, "--compare",
        help="An earlier --json report: what an update from it would create, update, replace and delete; "
             "exit 1 if a stateful resource would be deleted or replaced in prod."),
    secret: Optional[list[str]] = typer.Option(
        None, "--secret", metavar="KEY=VALUE",
        help="The value of a secure config key (a KEY without namespace is the project's); repeatable. "
             "Also: AISCALE_SECRET_<NAMESPACE>_<KEY>, or PULUMI_CONFIG_PASSPHRASE (docs/preview.md)."),
    stack_outputs: Optional[list[str]] = typer.Option(
        None, "--stack-outputs", metavar="ORG/PROJECT/STACK=FILE",
        help="That stack's outputs, from its earlier --json report, for the program's StackReferences; repeatable."),
    timeout: Optional[float] = typer.Option(
        None, "--timeout", metavar="SECONDS",
        help="Stop a program that makes no progress (no registration, invoke or log) for this long; "
             "exit 2. Default: $AISCALE_PREVIEW_STALL_SECONDS or 120."),
    catalog_overlay: Optional[Path] = typer.Option(
        None, "--catalog-overlay", metavar="FILE", help=CATALOG_OVERLAY_HELP),
) -> None:
    """Run a Pulumi Python program offline on the mock runtime: resource tree, monthly cost
    estimate and policy findings. Exit 0 clean, 1 a mandatory violation, 2 invalid input."""
    from aiscale.cost import UsageError, load_usage
    from aiscale.cost.table import cost_table as render_cost
    from aiscale.preview.compare import CompareError, compare_reports, comparison_table, load_report
    from aiscale.preview.engine import PreviewError
    from aiscale.preview.findings import findings_summary, findings_table
    from aiscale.preview.pipeline import run_preview
    from aiscale.preview.policy_driver import PolicyPackError
    from aiscale.preview.project import ProjectError, load_project
    from aiscale.preview.report import redacted_findings, write_report
    from aiscale.preview.secrets import SecretMask, SecretsError, parse_secret_flags
    from aiscale.preview.stack_refs import StackOutputsError, load_stack_outputs
    from aiscale.preview.tree import resource_tree, summary
    from aiscale.preview.watchdog import stall_limit_env
    from aiscale.catalog.overlay_file import CatalogOverlayError
    from aiscale.catalog.stack_overlay import use_for_project as use_catalog_overlay

    console = Console(highlight=False, emoji=False)
    mask = SecretMask(())
    try:
        old_report = load_report(compare) if compare is not None else None
        usage = load_usage(usage_file) if usage_file is not None else None
        secrets, references = parse_secret_flags(secret or []), load_stack_outputs(stack_outputs or [])
        project = replace(load_project(cwd, stack, secrets=secrets), stack_outputs=references)
        project = use_catalog_overlay(project, catalog_overlay)
        mask = project.secret_mask
        mask.console(console)
        if project.stack_file is None:
            console.print(f"[yellow]warning:[/] no stack file Pulumi.{stack}.yaml; previewing with project defaults only")
        for warning in project.warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}")
        with stall_limit_env(timeout):
            outcome = run_preview(project, packs=policy_pack if policies else [], usage=usage)
    except (ProjectError, PreviewError, PolicyPackError, CompareError, SecretsError, StackOutputsError,
            CatalogOverlayError, UsageError) as error:
        raise _fail(mask.text(str(error))) from None
    result = outcome.result
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if result.synthesized_invokes:
        console.print("Invokes answered from their SDK result type only (plausible, not real): "
                      + ", ".join(result.synthesized_invokes), markup=False, soft_wrap=True)
    console.print(f"Previewing [bold]{result.project}[/] stack [bold]{result.stack}[/] (offline, mock runtime)\n")
    if tree:
        console.print(resource_tree(result))
    console.print(summary(result))
    estimate = outcome.cost
    if cost_table and (estimate.items or estimate.unpriced):
        console.print(render_cost(estimate, result.resources))
    usage_based = f", {len(estimate.usage_based)} usage-based without usage" if estimate.usage_based else ""
    console.print(f"\nEstimated monthly cost: ${estimate.monthly_min:,.2f} - ${estimate.monthly_max:,.2f} "
                  f"({len(estimate.items)} priced, {len(estimate.unpriced)} unpriced{usage_based}; "
                  f"prices as of {estimate.prices_as_of or 'unknown'})")
    if outcome.packs:
        if outcome.violations:
            console.print(findings_table(redacted_findings(outcome)))
        packs = ", ".join(run.name + (f" (config {run.config_file.name})" if run.config_file else "")
                          for run in outcome.packs)
        console.print(f"Policies ({packs}): {findings_summary(outcome.violations)}", markup=False)
    if json_file is not None:
        write_report(mask.data(outcome.report()), json_file)
        console.print(f"\nReport written to {json_file}")
    exit_code, comparison = outcome.exit_code, None
    if old_report is not None:
        comparison = compare_reports(old_report, mask.data(outcome.report()))  # as --json wrote the old one
        console.print(comparison_table(comparison))
        exit_code = max(exit_code, comparison.exit_code)
    if markdown_file is not None:
        from aiscale.preview.markdown import write_markdown

        write_markdown(outcome, markdown_file, hide=mask.text, comparison=comparison)
        mask.file(markdown_file)
        console.print(f"Markdown report written to {markdown_file}")
    raise typer.Exit(exit_code)


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the schema to this file."),
) -> None:
    """Print the JSON Schema of the platform model (the `aiscale:platform` config value)."""
    from aiscale.model import platform_json_schema

    text = json.dumps(platform_json_schema(), indent=2, sort_keys=True) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text)


@app.command()
def catalog(
    cloud: Optional[Cloud] = typer.Option(None, "--cloud", help="Only this cloud."),
    accelerator: Optional[str] = typer.Option(None, "--accelerator", help="Only this canonical accelerator."),
    region: Optional[str] = typer.Option(None, "--region", help="Only this region or location."),
    catalog_overlay: Optional[Path] = typer.Option(
        None, "--catalog-overlay", metavar="FILE",
        help="A catalog overlay YAML file whose rows and discounts the listing includes (docs/catalog.md)."),
) -> None:
    """List GPU offerings: instance types, GPUs, regions and hourly prices."""
    from aiscale import catalog as gpu_catalog
    from aiscale.catalog.overlay_file import CatalogOverlayError, load_overlay
    from aiscale.catalog.table import offerings_table

    try:
        gpu_catalog.activate_overlay(load_overlay(catalog_overlay) if catalog_overlay else None)
    except CatalogOverlayError as error:
        raise _fail(str(error)) from None

    if accelerator is not None and accelerator not in gpu_catalog.accelerators():
        raise _fail(f"--accelerator {accelerator!r} is not in the catalog; valid: {', '.join(gpu_catalog.accelerators())}")
    found = gpu_catalog.offerings(cloud=cloud.value if cloud else None, accelerator=accelerator, region=region)
    if not found:
        raise _fail("no offering matches those filters")
    Console(highlight=False).print(offerings_table(found))


app.command("preflight")(preflight_command)


#: How long the process waits at exit for threads still running (a stalled preview's).
EXIT_GRACE_S = 3.0


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as done:
        _exit_past_stuck_threads(done.code)
        raise


def _exit_past_stuck_threads(code) -> None:
    """Exit now if a thread is still running after a grace period: a thread that a stalled
    program blocked for good (docs/preview.md) cannot be stopped, and would keep the process
    from ever exiting after its error was printed."""
    import os
    import sys
    import threading
    import time

    deadline = time.monotonic() + EXIT_GRACE_S
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() and not t.daemon and t is not threading.current_thread() for t in threading.enumerate()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else EXIT_INVALID)
