"""One policy finding: the shape shared by the in-process evaluator, the Analyzer-protocol
driver and the preview report's ``policies.violations[]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Finding:
    """One policy violation."""

    pack: str
    """The policy pack (``aiscale-security`` from a pack process; ``security`` in-process)."""
    policy: str
    """The policy (check) id, e.g. ``SEC-STORAGE-001``."""
    enforcement: str
    """``mandatory`` or ``advisory`` (remediate is reported as mandatory, as the engine does)."""
    severity: str
    """``low``, ``medium``, ``high``, ``critical``, or ``unspecified`` when the policy declares none."""
    urn: Optional[str]
    """The resource in violation; None for a finding about the whole stack."""
    message: str
    """What is wrong and how to fix it."""

    def to_report(self) -> dict[str, Any]:
        """The JSON report entry."""
        return {"pack": self.pack, "policy": self.policy, "enforcement": self.enforcement,
                "severity": self.severity, "urn": self.urn, "message": self.message}

    def sort_key(self) -> tuple:
        """Deterministic order: pack, urn (stack findings first), policy, message."""
        return (self.pack, self.urn or "", self.policy, self.message)
