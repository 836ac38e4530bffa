"""The ``aiscale`` command line: ``preview``, ``schema`` and ``catalog``.

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

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Multi-cloud AI platforms on Pulumi: offline preview, model schema and GPU catalog.",
)

EXIT_OK, EXIT_VIOLATION, EXIT_INVALID = 0, 1, 2


class Cloud(str, Enum):
    """A cloud the catalog covers."""

    aws = "aws"
    azure = "azure"
    gcp = "gcp"


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(EXIT_INVALID)


@app.command()
def preview(
    stack: str = typer.Option("dev", "--stack", "-s", help="The stack whose Pulumi.<stack>.yaml is read."),
    cwd: Path = typer.Option(Path("."), "--cwd", "-C", help="The Pulumi project folder (with Pulumi.yaml)."),
    json_file: Optional[Path] = typer.Option(None, "--json", help="Write the JSON report to this file."),
    tree: bool = typer.Option(True, "--tree/--no-tree", help="Print the resource tree."),
) -> None:
    """Run a Pulumi Python program offline on the mock runtime and report what it would create."""
    from aiscale.preview.engine import PreviewError, run_project
    from aiscale.preview.project import ProjectError, load_project
    from aiscale.preview.report import build_report, write_report
    from aiscale.preview.tree import resource_tree, summary

    console = Console(highlight=False)
    try:
        project = load_project(cwd, stack)
        if project.stack_file is None:
            console.print(f"[yellow]warning:[/] no stack file Pulumi.{stack}.yaml; previewing with project defaults only")
        result = run_project(project)
    except (ProjectError, PreviewError) as error:
        raise _fail(str(error)) from None
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"Previewing [bold]{result.project}[/] stack [bold]{result.stack}[/] (offline, mock runtime)\n")
    if tree:
        console.print(resource_tree(result))
    console.print(summary(result))
    report = build_report(result)
    if json_file is not None:
        write_report(report, json_file)
        console.print(f"\nReport written to {json_file}")
    raise typer.Exit(EXIT_OK)


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


def main() -> None:
    """Console-script entry point."""
    app()
