"""The bundled packs (security, cost, wiring) evaluated in this process: what ``aiscale preview`` does
by default.

The same ``aiscale.guardrails`` checks the pack processes serve, with the policy configuration
reconciled and validated by the same code as the Analyzer ``Configure`` call
(:func:`aiscale.preview.policy_wire.reconcile_config`, over the ``AnalyzerInfo`` the pack would
answer) and each finding worded as the pack process reports it: the findings equal those of the
packs served over the Analyzer protocol with the stock ``pulumi_policy``
(``tests/policy_driver/test_parity.py``).
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from aiscale.guardrails.finding import Finding


def analyzer_info(pack: str):
    """The ``AnalyzerInfo`` the pack process answers (``aiscale.guardrails.pack`` builds each
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


def platform_environment(stack_config: Mapping[str, str]) -> Optional[str]:
    """``aiscale:platform.environment`` from the stack config, as the pack process reads it."""
    try:
        value = json.loads(stack_config.get("aiscale:platform", ""))
    except ValueError:
        return None
    environment = value.get("environment") if isinstance(value, dict) else None
    return environment if isinstance(environment, str) else None


def configure_bundled(run: Any) -> dict[str, dict[str, Any]]:
    """The policy config of a bundled pack (`run`, an ``aiscale.preview.pipeline.PackRun``),
    reconciled and validated as for its pack process: ``{policy: {"enforcementLevel": level,
    <property>: value}}`` for every policy. An invalid config raises ``PolicyPackError`` (exit 2)
    naming the pack, the config file, the policy, the path, the value and what is valid."""
    from google.protobuf import json_format

    from aiscale.preview import policy_wire as wire
    from aiscale.preview.policy_process import PolicyPackError

    try:
        reconciled = wire.reconcile_config(analyzer_info(run.name), run.config)
    except wire.PolicyConfigError as error:
        raise PolicyPackError(run.directory, wire.config_error_text(error, run.config_file)) from None
    return {name: {"enforcementLevel": wire.LEVEL_NAMES[entry.enforcementLevel],
                   **json_format.MessageToDict(entry.properties)}
            for name, entry in reconciled.items()}


def evaluate_bundled(run: Any, result: Any) -> list[Finding]:
    """The findings of a bundled pack (`run`) over a preview `result`, exactly as its pack
    process reports them; an invalid config and a failing rule raise ``PolicyPackError`` (exit
    2) as there."""
    from aiscale.guardrails import evaluate, get_check
    from aiscale.guardrails.pack import PACK_NAMES
    from aiscale.preview.policy_process import LOG, PolicyPackError

    config = configure_bundled(run)
    for name in sorted(set(run.config) - set(config) - {"all"}):
        LOG.warning("policy config names %r, which no policy pack has (policies: %s)",
                    name, ", ".join(sorted(config)))
    try:
        findings = evaluate(result.resources, (run.name,), config, stack=result.stack,
                            environment=platform_environment(result.config),
                            stack_config=result.config)
    except Exception as error:  # noqa: BLE001 - a failing rule fails the pack, as out of process
        from pathlib import Path

        import aiscale
        from aiscale.preview.policy_crash import describe_in_process

        where = describe_in_process(PACK_NAMES[run.name], error, Path(aiscale.__file__).parent)
        raise PolicyPackError(run.directory, f"evaluation failed: {where}") from error
    return [Finding(pack=PACK_NAMES[run.name], policy=f.policy, enforcement=f.enforcement,
                    severity=f.severity, urn=f.urn,
                    message=get_check(f.policy).description + (f"\n{f.message}" if f.message else ""))
            for f in findings]
