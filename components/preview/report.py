"""The JSON report of an offline preview (DESIGN.md, "The offline preview report").

The report is deterministic: resources in registration order, keys sorted, no timestamps, so
two previews of the same stack write identical bytes. Every value the program marked secret, at
any depth of a resource's inputs or of the stack outputs, is ``[secret]``, and a secret's text
never appears in a finding's message either (:func:`redact`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from aiscale.preview.engine import PreviewResult, ordered
from aiscale.preview.monitor import STACK_TYPE
from aiscale.preview.records import UNKNOWN, ResourceRecord
from aiscale.preview.redaction import (SECRET_IN_REPORT, input_secret_pointers, redact,
                                       secret_texts as _record_secret_texts)
from aiscale.preview.values import pointer

#: How an input that is unknown during preview appears in the report.
UNKNOWN_IN_REPORT = "<unknown>"

def _visible(value: Any) -> Any:
    if value == UNKNOWN:
        return UNKNOWN_IN_REPORT
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible(item) for item in value]
    return value


def masked(value: Any, secret_pointers: set[str], at: str = "") -> Any:
    """``value`` as the report shows it: each value at one of ``secret_pointers`` (JSON
    Pointers, ``""`` for the value itself) is ``[secret]``, unknowns are ``<unknown>``."""
    if not secret_pointers:
        return _visible(value)
    if at in secret_pointers:
        return SECRET_IN_REPORT
    if isinstance(value, dict):
        return {key: masked(item, secret_pointers, at + pointer((key,))) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item, secret_pointers, f"{at}/{index}") for index, item in enumerate(value)]
    return _visible(value)


def _provider_urn(record: ResourceRecord) -> Optional[str]:
    """The URN of the provider a resource was registered with (its reference is ``urn::id``)."""
    return record.provider.rsplit("::", 1)[0] if record.provider else None


def resource_entry(record: ResourceRecord) -> dict[str, Any]:
    """One resource as the report shows it: inputs as registered, secrets masked at any depth,
    whether it is a read or a remote component, its provider and its dependencies."""
    return {
        "urn": record.urn,
        "type": record.type,
        "name": record.name,
        "parent": record.parent,
        "inputs": masked(record.inputs, input_secret_pointers(record)),
        "protect": record.protect,
        "retain_on_delete": record.retain_on_delete,
        "read": record.read,
        "remote": record.remote,
        "provider": _provider_urn(record),
        "dependencies": list(record.dependencies),
    }


def secret_texts(result: PreviewResult) -> list[str]:
    """The text of every secret value of the preview (longest first), for :func:`redact`."""
    return _record_secret_texts([*result.resources, *result.reads])


def redacted_findings(outcome: Any) -> list:
    """The findings of a ``PreviewOutcome`` with every secret's text out of their messages."""
    import dataclasses

    secrets = secret_texts(outcome.result)
    return [dataclasses.replace(v, message=redact(v.message, secrets)) if secrets and v.message else v
            for v in outcome.violations]


def stack_outputs(result: PreviewResult) -> dict[str, Any]:
    """The stack outputs as the report shows them: secrets masked, unknowns marked."""
    stack = next((r for r in result.resources if r.type == STACK_TYPE), None)
    return masked(result.outputs, set(stack.secret_outputs) if stack else set())


def empty_cost() -> dict[str, Any]:
    """The cost object when no estimate was made."""
    return {"currency": "USD", "monthly_min": 0.0, "monthly_max": 0.0, "items": [], "unpriced": []}


def build_report(result: PreviewResult, cost: Optional[dict] = None,
                 violations: Optional[list[dict]] = None) -> dict[str, Any]:
    """The whole report as a JSON-ready dict: the resources the program registers and reads
    (``"read": true``), in URN order after the stack."""
    secrets = secret_texts(result)
    return {
        "project": result.project,
        "stack": result.stack,
        "resources": [resource_entry(record) for record in ordered([*result.resources, *result.reads])],
        "outputs": stack_outputs(result),
        "cost": cost if cost is not None else empty_cost(),
        "policies": {"violations": [_redacted(violation, secrets) for violation in violations or []]},
        "invokes": {"synthesized": list(result.synthesized_invokes)},
    }


def _redacted(violation: dict[str, Any], secrets: list[str]) -> dict[str, Any]:
    if not secrets or not isinstance(violation.get("message"), str):
        return violation
    return {**violation, "message": redact(violation["message"], secrets)}


def dumps(report: dict[str, Any]) -> str:
    """Serialise a report byte-for-byte deterministically."""
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False, default=_opaque) + "\n"


def _opaque(value: Any) -> str:
    """A value JSON cannot hold (none should reach the report) as its type name, never its
    contents: the report must not crash, nor carry an object's bytes."""
    return f"<{type(value).__name__}>"


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write the report to ``path`` (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(report))
