"""The JSON report of an offline preview (DESIGN.md, "The offline preview report").

The report is deterministic: resources in registration order, keys sorted, no timestamps, so
two previews of the same stack write identical bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from aiscale.preview.engine import PreviewResult
from aiscale.preview.records import UNKNOWN, ResourceRecord

#: How an input that is unknown during preview appears in the report.
UNKNOWN_IN_REPORT = "<unknown>"
#: How a secret input appears in the report.
SECRET_IN_REPORT = "[secret]"


def _visible(value: Any) -> Any:
    if value == UNKNOWN:
        return UNKNOWN_IN_REPORT
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible(item) for item in value]
    return value


def resource_entry(record: ResourceRecord) -> dict[str, Any]:
    """One resource as the report shows it: inputs as registered, secrets masked."""
    inputs = {key: SECRET_IN_REPORT if key in record.secret_paths else _visible(value)
              for key, value in record.inputs.items()}
    return {
        "urn": record.urn,
        "type": record.type,
        "name": record.name,
        "parent": record.parent,
        "inputs": inputs,
        "protect": record.protect,
        "retain_on_delete": record.retain_on_delete,
    }


def empty_cost() -> dict[str, Any]:
    """The cost object when no estimate was made."""
    return {"currency": "USD", "monthly_min": 0.0, "monthly_max": 0.0, "items": [], "unpriced": []}


def build_report(result: PreviewResult, cost: Optional[dict] = None,
                 violations: Optional[list[dict]] = None) -> dict[str, Any]:
    """The whole report as a JSON-ready dict."""
    return {
        "project": result.project,
        "stack": result.stack,
        "resources": [resource_entry(record) for record in result.resources],
        "outputs": _visible(result.outputs),
        "cost": cost if cost is not None else empty_cost(),
        "policies": {"violations": violations or []},
        "invokes": {"synthesized": list(result.synthesized_invokes)},
    }


def dumps(report: dict[str, Any]) -> str:
    """Serialise a report byte-for-byte deterministically."""
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write the report to ``path`` (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(report))
