"""The whole offline preview: run the program, estimate its cost, evaluate the policy packs,
build the report and decide the exit code.

By default the three packs bundled with the package run (``aiscale/policy_packs/security``,
``.../cost`` and ``.../wiring``); ``packs`` may name bundled packs or pack folders. Each pack's policy config is
read from ``<stackConfigDir>/policy/<stack>-<pack>.json`` when that file exists: the same file
``pulumi preview --policy-pack-config`` accepts.

The bundled packs are evaluated in this process (:mod:`aiscale.preview.policy_inprocess`): the
same ``aiscale.guardrails`` checks their pack processes serve, with the policy config reconciled
and validated by the same code as the Analyzer ``Configure`` call and each finding worded as the
pack reports it (``tests/policy_driver/test_parity.py`` checks that the findings equal those of
the packs served over the protocol by the stock ``pulumi_policy``). A pack folder runs as
``pulumi preview --policy-pack`` runs it: its own process, driven over the Analyzer gRPC protocol
(:mod:`aiscale.preview.policy_driver`), started before the program runs so that its start-up
overlaps it. ``AISCALE_POLICY_TRANSPORT=protocol`` runs the bundled packs that way too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Sequence

from aiscale.preview.engine import PreviewResult, run_project
from aiscale.preview.project import Project, ProjectError

#: Packs bundled with the package, by the name ``--policy-pack`` accepts.
BUNDLED_PACKS = ("security", "cost", "wiring")
#: ``protocol`` runs the bundled packs over the Analyzer protocol too (default: ``inprocess``).
TRANSPORT_ENV = "AISCALE_POLICY_TRANSPORT"
#: The values TRANSPORT_ENV accepts (empty or unset: the first).
TRANSPORTS = ("inprocess", "protocol")
EXIT_OK, EXIT_VIOLATION, EXIT_INVALID = 0, 1, 2


@dataclass(frozen=True)
class PackRun:
    """A policy pack to run and the policy config it runs with."""

    name: str
    """The short name (``security``, ``cost``, ``wiring`` or the pack folder's name)."""
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
    into pack runs with their stack's policy config (checked now for in-process packs)."""
    from aiscale.preview.policy_inprocess import configure_bundled

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
    for run in runs:  # an invalid config fails before the program runs (the packs' own: at Configure)
        if in_process(run):
            configure_bundled(run)
    return runs


def run_preview(project: Project, packs: Optional[Sequence[str]] = None,
                usage: Any = None) -> PreviewOutcome:
    """Preview ``project``, price it (with ``usage``, an ``aiscale.cost.Usage`` from a usage
    file, for usage-based charges) and evaluate the policy packs on it.

    Raises ``ProjectError``/``PreviewError`` (exit 2) or ``PolicyPackError`` (exit 2).
    """
    from aiscale.cost import estimate
    from aiscale.preview.policy_driver import PackSession, PolicyPackError
    from aiscale.preview.redaction import redact, secret_texts

    pack_runs = resolve_packs(project, packs)
    over_protocol = [run for run in pack_runs if not in_process(run)]
    with PackSession([run.directory for run in over_protocol], project=project.name,
                     stack=project.stack, stack_config=project.config,
                     configs=[run.config for run in over_protocol],
                     config_files=[run.config_file for run in over_protocol]) as session:
        result = run_project(project)
        cost = estimate(result.resources, result.config, usage)
        try:
            violations = evaluate_packs(pack_runs, result, session)
        except PolicyPackError as error:  # a pack's error may quote a value: keep secrets out of it
            secrets = secret_texts([*result.resources, *result.reads])
            raise PolicyPackError(error.pack_dir, redact(error.reason, secrets),
                                  redact(error.stderr_tail, secrets)) from None
    return PreviewOutcome(result=result, cost=cost, violations=violations, packs=pack_runs)


def transport() -> str:
    """How the bundled packs run: AISCALE_POLICY_TRANSPORT, one of TRANSPORTS (default the
    first); any other value is a ProjectError (exit 2)."""
    value = os.environ.get(TRANSPORT_ENV, "") or TRANSPORTS[0]
    if value not in TRANSPORTS:
        raise ProjectError(f"{TRANSPORT_ENV}={value!r} is not valid; valid: {', '.join(TRANSPORTS)}")
    return value


def in_process(run: PackRun) -> bool:
    """True when `run` is a bundled pack evaluated in-process (unless
    AISCALE_POLICY_TRANSPORT=protocol)."""
    return (run.name in BUNDLED_PACKS and run.directory == bundled_pack_dir(run.name)
            and transport() == "inprocess")


def evaluate_packs(pack_runs: Sequence[PackRun], result: PreviewResult, session: Any) -> list:
    """Every pack's violations over `result`, sorted: the in-process ones (see
    :func:`in_process`) and the packs of `session` (a started ``PackSession``) over the Analyzer
    protocol, each with its own policy config."""
    from aiscale.preview.collector import collector_paused
    from aiscale.preview.policy_inprocess import evaluate_bundled

    found = []
    with collector_paused():  # see engine.collector_paused: the same reasoning applies
        found += [v for run in pack_runs if in_process(run) for v in evaluate_bundled(run, result)]
    found += session.analyze(result.resources)
    return sorted(found, key=lambda v: v.sort_key())
