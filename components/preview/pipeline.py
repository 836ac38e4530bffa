"""The whole offline preview: run the program, estimate its cost, evaluate the policy packs,
build the report and decide the exit code.

Policy packs are driven out of process over the Analyzer protocol, exactly as ``pulumi preview
--policy-pack`` drives them. By default the two packs bundled with the package run
(``aiscale/policy_packs/security`` and ``.../cost``); ``packs`` may name bundled packs or pack
folders. Each pack's policy config is read from ``<stackConfigDir>/policy/<stack>-<pack>.json``
when that file exists: the same file ``pulumi preview --policy-pack-config`` accepts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence

from aiscale.preview.engine import PreviewResult, run_project
from aiscale.preview.project import Project, ProjectError

#: Packs bundled with the package, by the name ``--policy-pack`` accepts.
BUNDLED_PACKS = ("security", "cost")
EXIT_OK, EXIT_VIOLATION, EXIT_INVALID = 0, 1, 2


@dataclass(frozen=True)
class PackRun:
    """A policy pack to run and the policy config it runs with."""

    name: str
    """The short name (``security``, ``cost`` or the pack folder's name)."""
    directory: Path
    """The pack folder (with PulumiPolicy.yaml and __main__.py)."""
    config: dict[str, Any] = field(default_factory=dict)
    """Policy config, as ``--policy-pack-config`` takes it."""
    config_file: Optional[Path] = None
    """Where the config came from, if a file."""


@dataclass
class PreviewOutcome:
    """Everything one preview produced."""

    result: PreviewResult
    """What the program registered."""
    cost: Any
    """The ``aiscale.cost.CostEstimate``."""
    violations: list
    """``aiscale.preview.policy_driver.Violation`` findings, sorted."""
    packs: list[PackRun]
    """The packs that ran."""

    @property
    def exit_code(self) -> int:
        """1 when any finding is mandatory, else 0."""
        return EXIT_VIOLATION if any(v.enforcement == "mandatory" for v in self.violations) else EXIT_OK

    def report(self) -> dict[str, Any]:
        """The JSON report (DESIGN.md)."""
        from aiscale.preview.report import build_report

        return build_report(self.result, self.cost.to_report(), [v.to_report() for v in self.violations])


def bundled_pack_dir(name: str) -> Path:
    """The folder of a pack bundled with the package."""
    return Path(str(resources.files("aiscale") / "policy_packs" / name))


def _policy_config(project: Project, pack: str) -> tuple[dict[str, Any], Optional[Path]]:
    path = project.stack_config_dir / "policy" / f"{project.stack}-{pack}.json"
    if not path.is_file():
        return {}, None
    try:
        loaded = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ProjectError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(loaded, dict):
        raise ProjectError(f"{path}: expected an object of policy name -> config")
    return loaded, path


def resolve_packs(project: Project, packs: Optional[Sequence[str]]) -> list[PackRun]:
    """Turn ``--policy-pack`` values (bundled names or folders; default: every bundled pack)
    into pack runs with their stack's policy config."""
    runs = []
    for value in (BUNDLED_PACKS if packs is None else packs):
        if value in BUNDLED_PACKS:
            directory, name = bundled_pack_dir(value), value
        else:
            directory = Path(value).resolve()
            name = directory.name
            if not (directory / "PulumiPolicy.yaml").is_file():
                raise ProjectError(f"--policy-pack {value}: not a policy pack folder (no PulumiPolicy.yaml); "
                                   f"valid: a pack folder or one of {', '.join(BUNDLED_PACKS)}")
        config, source = _policy_config(project, name)
        runs.append(PackRun(name=name, directory=directory, config=config, config_file=source))
    return runs


def run_preview(project: Project, packs: Optional[Sequence[str]] = None) -> PreviewOutcome:
    """Preview ``project``, price it and evaluate the policy packs on it.

    Raises ``ProjectError``/``PreviewError`` (exit 2) or ``PolicyPackError`` (exit 2).
    """
    from aiscale.cost import estimate
    from aiscale.preview.policy_driver import run_policy_packs

    pack_runs = resolve_packs(project, packs)
    result = run_project(project)
    cost = estimate(result.resources, result.config)
    violations = []
    for run in pack_runs:  # one call per pack: each pack gets its own policy config
        violations += run_policy_packs([run.directory], result.resources, project=result.project,
                                       stack=result.stack, config=run.config,
                                       stack_config=result.config)
    violations.sort(key=lambda v: v.sort_key())
    return PreviewOutcome(result=result, cost=cost, violations=violations, packs=pack_runs)
