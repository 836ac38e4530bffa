"""The check record: identity, metadata, config schema and the rule function of one guardrail.

A rule has three outcomes: a list of violation messages (empty = compliant) or
:class:`NotApplicable`. Resource rules take ``(resource_type, props, ctx)``; stack rules take
``(resources, ctx)`` and return :class:`Violation` objects that name the offending resource.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple, Optional, Sequence, Union

SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
"""pulumi_policy.Severity values, lowest first."""

ENFORCEMENTS: tuple[str, ...] = ("advisory", "mandatory")
"""Default enforcement levels a check may declare (pulumi_policy.EnforcementLevel values)."""

PACKS: tuple[str, ...] = ("security", "cost", "wiring")
"""The policy packs, each a CrossGuard pack under policies/<name>."""

OMITTED_VERDICTS: tuple[str, ...] = ("fail", "pass", "not applicable")
"""A check's verdict on a resource that omits the property it reads (the provider default)."""

SCOPES: tuple[str, ...] = ("resource", "stack")
"""Resource checks see one resource; stack checks see every resource of the stack."""

ID_PATTERN = re.compile(r"^(SEC|COST|WIRE)-[A-Z0-9]+-[0-9]{3}$")
"""Check ids: ``SEC-<AREA>-NNN`` (security pack), ``COST-<AREA>-NNN`` (cost pack) or
``WIRE-<AREA>-NNN`` (wiring pack)."""


@dataclass(frozen=True)
class NotApplicable:
    """The rule does not apply to this resource or stack (wrong kind, or inputs unknown)."""

    reason: str = ""
    """Why, in a few words (reported to the engine as the not-applicable reason)."""


NOT_APPLICABLE = NotApplicable()
"""A NotApplicable without a reason."""


class Violation(NamedTuple):
    """One violation found by a stack rule."""

    urn: Optional[str]
    """The offending resource's URN, or None for the stack as a whole."""
    message: str
    """What is wrong and how to fix it, in one or two sentences."""


ResourceOutcome = Union[list, NotApplicable]
"""A resource rule's result: violation messages (list of str) or NotApplicable."""

StackOutcome = Union[list, NotApplicable]
"""A stack rule's result: list of Violation, or NotApplicable."""


@dataclass(frozen=True)
class Check:
    """One guardrail: a stable id, its metadata and the rule function."""

    id: str
    """Stable id, e.g. "SEC-STORAGE-001"; also the policy name in the CrossGuard pack."""
    pack: str
    """"security", "cost" or "wiring"."""
    title: str
    """One line, shown as the policy's display name."""
    description: str
    """What the check requires and why (the policy description)."""
    severity: str
    """One of SEVERITIES (pulumi_policy.Severity names)."""
    enforcement: str
    """Default enforcement: "mandatory" or "advisory" (overridable in policy config)."""
    remediation: str
    """One sentence saying how to fix a violation."""
    rule: Callable[..., Any]
    """The pure rule function (see the module docstring for the signatures)."""
    types: tuple[str, ...] = ()
    """Canonical type tokens (props.canonical_type) a resource check applies to; () for stack checks."""
    scope: str = "resource"
    """"resource" or "stack"."""
    anchors: tuple[str, ...] = ()
    """Matching controls of established scanners (Checkov, Trivy AVD, KICS, Pulumi compliance)."""
    url: Optional[str] = None
    """Where to read more (vendor documentation)."""
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON-schema properties of the check's config, each with a "default"."""
    when_omitted: str = ""
    """What the provider does when the checked property is omitted, and the source that says so."""
    omitted_verdict: Union[str, Mapping[str, str]] = ""
    """The check's verdict when the property is omitted: one of OMITTED_VERDICTS, or a mapping from
    a cloud ("aws", "azure", "gcp", "kubernetes") or a canonical type token to one, where the
    default differs ("" = not stated)."""

    def __post_init__(self) -> None:
        """Refuse a malformed check at import time, naming the field and the valid values."""
        problems = []
        if not ID_PATTERN.match(self.id):
            problems.append(f"id {self.id!r} does not match {ID_PATTERN.pattern}")
        if self.pack not in PACKS:
            problems.append(f"pack {self.pack!r} is not one of {PACKS}")
        if self.severity not in SEVERITIES:
            problems.append(f"severity {self.severity!r} is not one of {SEVERITIES}")
        if self.enforcement not in ENFORCEMENTS:
            problems.append(f"enforcement {self.enforcement!r} is not one of {ENFORCEMENTS}")
        if self.scope not in SCOPES:
            problems.append(f"scope {self.scope!r} is not one of {SCOPES}")
        if self.scope == "resource" and not self.types:
            problems.append("a resource check needs at least one type token")
        verdicts = self.omitted_verdict.values() if isinstance(self.omitted_verdict, Mapping) else [self.omitted_verdict]
        if any(v not in ("",) + OMITTED_VERDICTS for v in verdicts):
            problems.append(f"omitted_verdict {self.omitted_verdict!r} is not one of {OMITTED_VERDICTS}")
        for name, schema in self.config_schema.items():
            if "default" not in schema:
                problems.append(f"config_schema.{name} has no default")
        for name in ("title", "description", "remediation"):
            if not getattr(self, name).strip():
                problems.append(f"{name} is empty")
        if problems:
            raise ValueError(f"check {self.id}: " + "; ".join(problems))

    def verdict_when_omitted(self, token: str, cloud: str) -> str:
        """The stated verdict for a resource of canonical type `token` on `cloud` that omits the
        property ("" when not stated)."""
        if isinstance(self.omitted_verdict, Mapping):
            return self.omitted_verdict.get(token) or self.omitted_verdict.get(cloud, "")
        return self.omitted_verdict

    def defaults(self) -> dict[str, Any]:
        """The config defaults, taken from the schema (a fresh deep copy each call)."""
        return {name: copy.deepcopy(schema["default"]) for name, schema in self.config_schema.items()}

    def merged_config(self, given: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """The defaults overlaid with `given` (the policy config); "enforcementLevel" is dropped.

        The Pulumi Python SDK does not apply schema defaults, so every caller goes through here.
        """
        merged = self.defaults()
        for key, value in (given or {}).items():
            if key != "enforcementLevel" and value is not None:
                merged[key] = value
        return merged


def unique_ids(checks: Sequence[Check]) -> list[str]:
    """Ids that occur more than once in `checks` (empty when all are unique)."""
    seen: set[str] = set()
    dupes = []
    for check in checks:
        if check.id in seen:
            dupes.append(check.id)
        seen.add(check.id)
    return dupes
