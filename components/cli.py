"""The ``aiscale`` command line: ``preview``, ``preflight``, ``schema`` and ``catalog``.

Exit codes of ``preview``: 0 clean, 1 a mandatory policy violation, 2 invalid input or a
program error (one message on stderr, never a traceback).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from aiscale.preflight.command import preflight_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Multi-cloud AI platforms on Pulumi: offline preview, model schema and GPU catalog.",
)

EXIT_INVALID = 2


class Cloud(str, Enum):
    """A cloud the catalog covers."""

    aws = "aws"
    azure = "azure"
    gcp = "gcp"


def _fail(message: str) -> typer.Exit:
    from rich.markup import escape  # a message is plain text: "pip install 'aiscale[gcp]'" keeps its brackets

    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(EXIT_INVALID)


@app.command()
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
    compare: Optional[Path] = typer.Option(
        None, "--compare",
        help="An earlier --json report: what an update from it would create, update, replace and delete; "
             "exit 1 if a stateful resource would be deleted or replaced in prod."),
) -> None:
    """Run a Pulumi Python program offline on the mock runtime: resource tree, monthly cost
    estimate and policy findings. Exit 0 clean, 1 a mandatory violation, 2 invalid input."""
    from aiscale.cost.table import cost_table as render_cost
    from aiscale.preview.compare import CompareError, compare_reports, comparison_table, load_report
    from aiscale.preview.engine import PreviewError
    from aiscale.preview.findings import findings_summary, findings_table
    from aiscale.preview.pipeline import run_preview
    from aiscale.preview.policy_driver import PolicyPackError
    from aiscale.preview.project import ProjectError, load_project
    from aiscale.preview.report import write_report
    from aiscale.preview.tree import resource_tree, summary

    console = Console(highlight=False)
    try:
        old_report = load_report(compare) if compare is not None else None
        project = load_project(cwd, stack)
        if project.stack_file is None:
            console.print(f"[yellow]warning:[/] no stack file Pulumi.{stack}.yaml; previewing with project defaults only")
        outcome = run_preview(project, packs=policy_pack if policies else [])
    except (ProjectError, PreviewError, PolicyPackError, CompareError) as error:
        raise _fail(str(error)) from None
    result = outcome.result
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"Previewing [bold]{result.project}[/] stack [bold]{result.stack}[/] (offline, mock runtime)\n")
    if tree:
        console.print(resource_tree(result))
    console.print(summary(result))
    estimate = outcome.cost
    if cost_table and (estimate.items or estimate.unpriced):
        console.print(render_cost(estimate, result.resources))
    console.print(f"\nEstimated monthly cost: ${estimate.monthly_min:,.2f} - ${estimate.monthly_max:,.2f} "
                  f"({len(estimate.items)} priced, {len(estimate.unpriced)} unpriced)")
    if outcome.packs:
        if outcome.violations:
            console.print(findings_table(outcome.violations))
        packs = ", ".join(run.name + (f" (config {run.config_file.name})" if run.config_file else "")
                          for run in outcome.packs)
        console.print(f"Policies ({packs}): {findings_summary(outcome.violations)}", markup=False)
    if json_file is not None:
        write_report(outcome.report(), json_file)
        console.print(f"\nReport written to {json_file}")
    if markdown_file is not None:
        from aiscale.preview.markdown import write_markdown

        write_markdown(outcome, markdown_file)
        console.print(f"Markdown report written to {markdown_file}")
    exit_code = outcome.exit_code
    if old_report is not None:
        comparison = compare_reports(old_report, outcome.report())
        console.print(comparison_table(comparison))
        exit_code = max(exit_code, comparison.exit_code)
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
) -> None:
    """List GPU offerings: instance types, GPUs, regions and hourly prices."""
    from aiscale import catalog as gpu_catalog
    from aiscale.catalog.table import offerings_table

    if accelerator is not None and accelerator not in gpu_catalog.accelerators():
        raise _fail(f"--accelerator {accelerator!r} is not in the catalog; valid: {', '.join(gpu_catalog.accelerators())}")
    found = gpu_catalog.offerings(cloud=cloud.value if cloud else None, accelerator=accelerator, region=region)
    if not found:
        raise _fail("no offering matches those filters")
    Console(highlight=False).print(offerings_table(found))


app.command("preflight")(preflight_command)


def main() -> None:
    """Console-script entry point."""
    app()
