"""Stack references in an offline preview: other stacks' outputs from their earlier reports.

``aiscale preview --stack-outputs ORG/PROJECT/STACK=report.json`` gives every
``pulumi.StackReference`` of that stack the ``outputs`` of ``report.json`` (an earlier
``aiscale preview --json`` report of that stack), so the previews of dependent stacks chain. A
reference with no matching ``--stack-outputs`` keeps all its outputs unknown, with a warning
naming it.

An output the report does not hold (shown as ``[secret]`` or ``<unknown>``) cannot come back
unknown on its own: the SDK reads a reference's outputs as one map and treats the whole map as
unknown when any value inside it is (``Output.from_input`` lifts nested values), so one unknown
would hide every other output. Such an output reaches the program as the report's text instead,
a secret for ``[secret]`` (so it stays ``[secret]`` in this report too), with a warning naming it.

The SDK reads a StackReference as a resource read of type ``pulumi:pulumi:StackReference`` whose
input ``name`` is the stack's name; :class:`StackReferences` answers those reads and passes
everything else to the fake cloud it wraps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import pulumi
from pulumi.runtime import rpc

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
#: How the report shows secret and unknown values (``aiscale.preview.report``).
SECRET_IN_REPORT, UNKNOWN_IN_REPORT = "[secret]", "<unknown>"


class StackOutputsError(Exception):
    """A ``--stack-outputs`` value is malformed or its report cannot be read (exit 2)."""


@dataclass(frozen=True)
class StackName:
    """A stack's name as a StackReference or ``--stack-outputs`` gives it, with the parts it
    leaves out filled in as the Pulumi CLI does: the current project; the organization is left
    None (the default organization of a backend is not known offline) and matches any."""

    organization: Optional[str]
    """The organization, or None when the name does not give one."""
    project: str
    """The project (the current project when the name does not give one)."""
    stack: str
    """The stack."""

    @classmethod
    def parse(cls, name: str, current_project: str) -> "StackName":
        """Read ``STACK``, ``PROJECT/STACK`` or ``ORG/PROJECT/STACK``."""
        parts = name.split("/")
        if not 1 <= len(parts) <= 3 or not all(parts):
            raise ValueError(f"{name!r} is not a stack name: expected ORG/PROJECT/STACK, PROJECT/STACK or STACK")
        organization = parts[0] if len(parts) == 3 else None
        project = parts[-2] if len(parts) >= 2 else current_project
        return cls(organization, project, parts[-1])

    def matches(self, other: "StackName") -> bool:
        """Same project and stack, and the same organization where both give one."""
        return ((self.project, self.stack) == (other.project, other.stack)
                and (self.organization is None or other.organization is None
                     or self.organization == other.organization))


@dataclass(frozen=True)
class StackOutputs:
    """One ``--stack-outputs NAME=FILE``: a stack's outputs from an earlier report."""

    name: str
    """The stack name as given (``ORG/PROJECT/STACK``, ``PROJECT/STACK`` or ``STACK``)."""
    outputs: dict[str, Any] = field(repr=False)
    """The report's ``outputs``: ``[secret]`` and ``<unknown>`` mark what it does not hold."""
    source: Path = Path()
    """The report file."""


def load_stack_outputs(flags: Sequence[str]) -> dict[str, StackOutputs]:
    """Read every ``--stack-outputs NAME=FILE`` value, by name; messages name the flag, the value
    and the expected form."""
    found: dict[str, StackOutputs] = {}
    for flag in flags:
        name, sep, file_name = flag.partition("=")
        name, file_name = name.strip(), file_name.strip()
        if not sep or not name or not file_name:
            raise StackOutputsError(f"--stack-outputs {flag}: expected NAME=FILE, e.g. "
                                    f"acme/network/prod=network-prod.json (a report of aiscale preview --json)")
        try:
            StackName.parse(name, "-")
        except ValueError as error:
            raise StackOutputsError(f"--stack-outputs {flag}: {error}") from None
        if name in found:
            raise StackOutputsError(f"--stack-outputs {flag}: stack {name} is given twice")
        found[name] = StackOutputs(name=name, outputs=_read_report_outputs(flag, Path(file_name)),
                                   source=Path(file_name))
    return found


def _read_report_outputs(flag: str, path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text())
    except OSError as error:
        raise StackOutputsError(f"--stack-outputs {flag}: cannot read {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise StackOutputsError(f"--stack-outputs {flag}: {path} is not JSON: {error}") from None
    outputs = report.get("outputs") if isinstance(report, dict) else None
    if not isinstance(outputs, dict):
        raise StackOutputsError(f"--stack-outputs {flag}: {path} is not an aiscale preview --json report "
                                f"(expected an object with an 'outputs' object)")
    return outputs


def _engine_value(value: Any) -> Any:
    """A report value as the engine sends it: ``[secret]`` as a secret (whose value is that text)."""
    if value == SECRET_IN_REPORT:
        return {rpc._special_sig_key: rpc._special_secret_sig, "value": SECRET_IN_REPORT}
    if isinstance(value, dict):
        return {key: _engine_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_engine_value(item) for item in value]
    return value


def _marked(outputs: Mapping[str, Any], marker: str) -> list[str]:
    def holds(value: Any) -> bool:
        if isinstance(value, dict):
            return any(holds(item) for item in value.values())
        if isinstance(value, list):
            return any(holds(item) for item in value)
        return value == marker

    return sorted(name for name, value in outputs.items() if holds(value))


class StackReferences(pulumi.runtime.Mocks):
    """Answers the reads of ``pulumi:pulumi:StackReference`` from ``--stack-outputs``; passes
    every other registration, invoke and transform to the wrapped ``cloud``."""

    def __init__(self, cloud: pulumi.runtime.Mocks, given: Mapping[str, StackOutputs],
                 warn: Callable[[str], None]) -> None:
        self.cloud = cloud
        """The fake cloud everything but stack references goes to."""
        self._given = dict(given)
        self._warn = warn

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict]:
        """A StackReference's state (``name``, ``outputs``, ``secretOutputNames``); else the cloud's."""
        if args.typ != STACK_REFERENCE_TYPE:
            return self.cloud.new_resource(args)
        name = str(args.inputs.get("name") or args.resource_id or args.name)
        found = self._lookup(name)
        if found is None:
            return name, {"name": name, "outputs": rpc.UNKNOWN, "secretOutputNames": rpc.UNKNOWN}
        secret_names, unknown_names = _marked(found.outputs, SECRET_IN_REPORT), _marked(found.outputs, UNKNOWN_IN_REPORT)
        if secret_names or unknown_names:
            listed = ", ".join([f"{output} ({SECRET_IN_REPORT})" for output in secret_names]
                               + [f"{output} ({UNKNOWN_IN_REPORT})" for output in unknown_names])
            self._warn(f"StackReference {name}: {found.source} does not hold the values of {listed}; "
                       f"the program reads those texts instead (secrets stay secret)")
        return name, {"name": name, "outputs": _engine_value(found.outputs), "secretOutputNames": secret_names}

    def _lookup(self, name: str) -> Optional[StackOutputs]:
        project = pulumi.get_project()
        try:
            wanted = StackName.parse(name, project)
        except ValueError as error:
            self._warn(f"StackReference {error}; its outputs stay unknown in this preview")
            return None
        candidates = [given for given in self._given.values()
                      if StackName.parse(given.name, project).matches(wanted)]
        exact = [given for given in candidates
                 if StackName.parse(given.name, project).organization == wanted.organization]
        if len(candidates) == 1 or len(exact) == 1:
            return (exact or candidates)[0]
        if candidates:
            self._warn(f"StackReference {name} matches several --stack-outputs "
                       f"({', '.join(given.name for given in candidates)}); give its full name "
                       f"ORG/PROJECT/STACK; its outputs stay unknown in this preview")
        else:
            self._warn(f"StackReference {name}: no --stack-outputs {name}=REPORT.json given "
                       f"(an earlier aiscale preview --json report of that stack); its outputs stay "
                       f"unknown in this preview")
        return None

    def call(self, args: pulumi.runtime.MockCallArgs):
        """The cloud's answer."""
        return self.cloud.call(args)

    def register_transform(self, transform) -> None:
        """Passed to the cloud."""
        self.cloud.register_transform(transform)

    def register_invoke_transform(self, transform) -> None:
        """Passed to the cloud."""
        self.cloud.register_invoke_transform(transform)

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "cloud":  # not set yet: no recursion
            raise AttributeError(attribute)
        return getattr(self.cloud, attribute)
