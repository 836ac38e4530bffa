"""The whole offline preview: run the program, estimate its cost, evaluate the policy packs,
build the report and decide the exit code.

By default the two packs bundled with the package run (``aiscale/policy_packs/security`` and
``.../cost``); ``packs`` may name bundled packs or pack folders. Each pack's policy config is
read from ``<stackConfigDir>/policy/<stack>-<pack>.json`` when that file exists: the same file
``pulumi preview --policy-pack-config`` accepts.

Every pack runs as ``pulumi preview --policy-pack`` runs it: its own process, driven over the
Analyzer gRPC protocol (``GetAnalyzerInfo``, ``Configure``, ``Analyze`` per resource,
``AnalyzeStack``). The pack processes start before the program runs, so their start-up overlaps
it, and, as in the engine, each resource is analyzed as soon as it registers.
``AISCALE_POLICY_TRANSPORT=inprocess`` evaluates the two bundled packs in-process instead: the
same ``aiscale.guardrails`` checks, with the policy config reconciled by the same code as the
Analyzer ``Configure`` call and each finding worded as the pack reports it
(``tests/determinism`` checks that both paths give identical findings). It is several times
faster on large stacks (docs/benchmarks.md) and does not exercise the protocol.
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
BUNDLED_PACKS = ("security", "cost")
#: Set to ``inprocess`` to evaluate the bundled packs in-process (default: over the protocol).
TRANSPORT_ENV = "AISCALE_POLICY_TRANSPORT"
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
    from aiscale.preview.policy_relay import StreamingSession

    pack_runs = resolve_packs(project, packs)
    over_protocol = [run for run in pack_runs if not in_process(run)]
    with StreamingSession([run.directory for run in over_protocol], project=project.name,
                          stack=project.stack, stack_config=project.config,
                          configs=[run.config for run in over_protocol]) as session:
        result = run_project(project, observer=session.observe)
        cost = estimate(result.resources, result.config)
        violations = evaluate_packs(pack_runs, result, session)
    return PreviewOutcome(result=result, cost=cost, violations=violations, packs=pack_runs)


def in_process(run: PackRun) -> bool:
    """True when `run` is a bundled pack and AISCALE_POLICY_TRANSPORT=inprocess."""
    return (os.environ.get(TRANSPORT_ENV, "") == "inprocess" and run.name in BUNDLED_PACKS
            and run.directory == bundled_pack_dir(run.name))


def evaluate_packs(pack_runs: Sequence[PackRun], result: PreviewResult, session: Any) -> list:
    """Every pack's violations over `result`, sorted: the packs of `session` (a started
    ``StreamingSession``, which has analyzed the resources as they registered) over the Analyzer
    protocol, each with its own policy config, and the in-process ones (see :func:`in_process`)."""
    from aiscale.preview.engine import collector_paused

    found = []
    with collector_paused():  # see engine.collector_paused: the same reasoning applies
        found += [v for run in pack_runs if in_process(run) for v in _evaluate_bundled(run, result)]
    found += session.analyze(result.resources)
    return sorted(found, key=lambda v: v.sort_key())


# -- bundled packs in-process ------------------------------------------------------------------

def _analyzer_info(pack: str):
    """The ``AnalyzerInfo`` the pack process would answer (``aiscale.guardrails.pack`` builds each
    policy from a check the same way): names, default levels, severities and config schemas."""
    from pulumi.runtime.proto import analyzer_pb2

    from aiscale.guardrails import checks_for_pack
    from aiscale.guardrails.pack import PACK_NAMES
    from aiscale.preview import policy_wire as wire

    severities = {name: value for value, name in wire.SEVERITY_NAMES.items()}
    info = analyzer_pb2.AnalyzerInfo(name=PACK_NAMES[pack], supportsConfig=True)
    for check in checks_for_pack(pack):
        policy = info.policies.add(name=check.id, description=check.description,
                                   enforcementLevel=wire.LEVELS[check.enforcement],
                                   severity=severities.get(check.severity, 0))
        if check.config_schema:
            policy.configSchema.properties.update({k: dict(v) for k, v in check.config_schema.items()})
    return info


def _platform_environment(stack_config: dict[str, str]) -> Optional[str]:
    """``aiscale:platform.environment`` from the stack config, as the pack process reads it."""
    try:
        value = json.loads(stack_config.get("aiscale:platform", ""))
    except ValueError:
        return None
    environment = value.get("environment") if isinstance(value, dict) else None
    return environment if isinstance(environment, str) else None


def _evaluate_bundled(run: PackRun, result: PreviewResult) -> list:
    """A bundled pack's violations, evaluated in-process, exactly as the pack process reports
    them; config errors and rule failures raise ``PolicyPackError`` (exit 2) as there."""
    from google.protobuf import json_format

    from aiscale.guardrails import evaluate, get_check
    from aiscale.preview import policy_wire as wire
    from aiscale.preview.policy_driver import LOG, PolicyPackError, Violation

    info = _analyzer_info(run.name)
    try:
        reconciled = wire.reconcile_config(info, run.config)
    except wire.PolicyConfigError as error:
        raise PolicyPackError(run.directory, str(error)) from None
    config = {name: {"enforcementLevel": wire.LEVEL_NAMES[entry.enforcementLevel],
                     **json_format.MessageToDict(entry.properties)}
              for name, entry in reconciled.items()}
    for name in sorted(set(run.config) - set(config) - {"all"}):
        LOG.warning("policy config names %r, which no policy pack has (policies: %s)",
                    name, ", ".join(sorted(config)))
    try:
        findings = evaluate(result.resources, (run.name,), config, stack=result.stack,
                            environment=_platform_environment(result.config),
                            stack_config=result.config)
    except Exception as error:  # noqa: BLE001 - a failing rule fails the pack, as out of process
        raise PolicyPackError(run.directory, f"evaluation failed: {type(error).__name__}: {error}") from error
    return [Violation(pack=info.name, policy=f.policy, enforcement=f.enforcement,
                      severity=f.severity, urn=f.urn,
                      message=get_check(f.policy).description + (f"\n{f.message}" if f.message else ""))
            for f in findings]
