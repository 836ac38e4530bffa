"""What an update would do, from two offline preview reports: ``aiscale preview --compare OLD.json``.

Pulumi matches resources by URN. A URN only in the old report is **deleted**, one only in the
new report is **created**; a URN in both is **replaced** when an input that the provider cannot
change in place (a *force-new* input) differs, **updated** when another input differs, and
otherwise unchanged. The providers' force-new inputs are not available offline (the Python SDKs
do not carry them), so :data:`FORCE_NEW_INPUTS` lists them for the stateful types, from the
providers' documentation; a change of any other input is reported as an update.

Stateful resources (:data:`STATEFUL_TYPES`: buckets, storage accounts and containers, keys, key
rings, key vaults, resource groups) hold data that a delete or a replacement destroys. In prod
a comparison that would delete or replace one fails (:attr:`Comparison.exit_code` is 1, the
code of a mandatory finding); elsewhere it is reported and does not fail.

The environment is, first, the report's ``environment`` if it has one, then the ``environment``
tag (label on GCP) that aiscale puts on every taggable resource, when all resources agree, then
the stack name. It is prod when it is ``prod`` or ``production``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional

from rich.console import Group
from rich.table import Table
from rich.text import Text

from aiscale.preview.cost_change import CostChange, CostChangeError, cost_change, cost_change_table, summary_line

#: The value the report shows for an input unknown during preview (aiscale.preview.report).
UNKNOWN_IN_REPORT = "<unknown>"
#: Environments whose stateful resources must never be deleted or replaced.
PROD_ENVIRONMENTS = frozenset({"prod", "production"})
#: Exit code when a stateful resource would be deleted or replaced in prod (a mandatory finding).
EXIT_DATA_LOSS = 1
#: Exit code of an unreadable or malformed old report (invalid input).
EXIT_INVALID = 2

STATEFUL_TYPES = MappingProxyType({
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:kms/key:Key": "KMS key",
    "aws:kms/externalKey:ExternalKey": "KMS key",
    "aws:kms/replicaKey:ReplicaKey": "KMS key",
    "azure-native:storage:StorageAccount": "storage account",
    "azure-native:storage:BlobContainer": "blob container",
    "azure-native:keyvault:Vault": "key vault",
    "azure-native:keyvault:Key": "key vault key",
    "azure-native:resources:ResourceGroup": "resource group",
    "gcp:storage/bucket:Bucket": "Cloud Storage bucket",
    "gcp:kms/keyRing:KeyRing": "KMS key ring",
    "gcp:kms/cryptoKey:CryptoKey": "KMS key",
})
"""Canonical type tokens of resources whose deletion or replacement loses data (objects, key
material, or, for a resource group, everything in it), with a short description."""

FORCE_NEW_INPUTS = MappingProxyType({
    # aws: the inputs the provider documents as forcing a new resource.
    "aws:s3/bucket:Bucket": ("bucket", "bucketPrefix", "objectLockEnabled", "region"),
    "aws:kms/key:Key": ("customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId",
                        "xksKeyId", "region"),
    # azure-native: the resource's URL path (name, parent names, resource group) and location.
    "azure-native:storage:StorageAccount": ("accountName", "resourceGroupName", "location"),
    "azure-native:storage:BlobContainer": ("containerName", "accountName", "resourceGroupName"),
    "azure-native:keyvault:Vault": ("vaultName", "resourceGroupName", "location"),
    "azure-native:keyvault:Key": ("keyName", "vaultName", "resourceGroupName"),
    "azure-native:resources:ResourceGroup": ("resourceGroupName", "location"),
    # gcp: the inputs the provider documents as forcing a new resource.
    "gcp:storage/bucket:Bucket": ("name", "location", "project"),
    "gcp:kms/keyRing:KeyRing": ("name", "location", "project"),
    "gcp:kms/cryptoKey:CryptoKey": ("name", "keyRing", "purpose", "importOnly",
                                    "skipInitialVersionCreation", "cryptoKeyBackend"),
})
"""Inputs (camelCase, as in the report) whose change replaces the resource, per canonical
type token. Types not listed are compared without replacements: any change is an update."""

ACTIONS = ("delete", "replace", "create", "update")
"""The actions reported, most destructive first."""


class CompareError(ValueError):
    """The old report cannot be read or is not a preview report; the message names the file or
    the field path, what was found and what is expected (exit code 2)."""


def canonical_type(token: str) -> str:
    """A type token without its API version: ``azure-native:storage/v20230101:StorageAccount``
    becomes ``azure-native:storage:StorageAccount``; ``aws:s3/bucketV2:BucketV2`` becomes
    ``aws:s3/bucket:Bucket``. Other tokens are unchanged."""
    parts = token.split(":")
    if len(parts) == 3 and parts[0] == "azure-native" and "/" in parts[1]:
        return f"azure-native:{parts[1].split('/', 1)[0]}:{parts[2]}"
    if token == "aws:s3/bucketV2:BucketV2":
        return "aws:s3/bucket:Bucket"
    return token


@dataclass(frozen=True)
class Change:
    """One resource an update would create, update, replace or delete."""

    action: str
    """One of :data:`ACTIONS`."""
    urn: str
    """The resource's URN (the old one for a delete)."""
    type: str
    """Its type token."""
    name: str
    """Its logical name."""
    stateful: bool
    """True when it holds data (:data:`STATEFUL_TYPES`)."""
    protected: bool
    """True when the old resource is protected: ``pulumi up`` refuses to delete or replace it
    until it is unprotected (the comparison still reports and fails on it)."""
    retained: bool
    """True when the old resource has retain-on-delete: the cloud resource survives, but the
    stack no longer manages it (its data is no longer where the platform looks)."""
    inputs: tuple[str, ...] = ()
    """For a replace, the force-new inputs that changed; for an update, the inputs that changed."""

    @property
    def loses_data(self) -> bool:
        """A stateful resource deleted or replaced."""
        return self.stateful and self.action in ("delete", "replace")


@dataclass(frozen=True)
class Comparison:
    """Everything an update from the old report to the new one would do."""

    stack: str
    """The new report's stack."""
    environment: str
    """The environment the exit rule applies to (see the module docstring)."""
    changes: tuple[Change, ...]
    """Every change, in :data:`ACTIONS` order, then by URN."""
    unchanged: int
    """Resources in both reports with equal inputs."""
    moves: tuple[str, ...] = ()
    """Fleets that ``placement: cheapest`` puts on another cloud than the old report did."""
    cost: Optional[CostChange] = None
    """The monthly cost before and after and the change per resource (None when not computed)."""

    def of(self, action: str) -> tuple[Change, ...]:
        """The changes of one action."""
        return tuple(change for change in self.changes if change.action == action)

    @property
    def prod(self) -> bool:
        """True when the environment is prod."""
        return self.environment.lower() in PROD_ENVIRONMENTS

    @property
    def data_loss(self) -> tuple[Change, ...]:
        """Stateful resources that would be deleted or replaced."""
        return tuple(change for change in self.changes if change.loses_data)

    @property
    def exit_code(self) -> int:
        """1 (:data:`EXIT_DATA_LOSS`) when a stateful resource would be deleted or replaced in
        prod, else 0."""
        return EXIT_DATA_LOSS if self.prod and self.data_loss else 0

    def counts(self) -> dict[str, int]:
        """Changes per action (every action present, zero included)."""
        found = Counter(change.action for change in self.changes)
        return {action: found.get(action, 0) for action in ACTIONS}


@dataclass(frozen=True)
class _Resource:
    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False


def _resources(report: Any, which: str) -> dict[str, _Resource]:
    """The report's resources by URN; CompareError naming the field path when malformed."""
    if not isinstance(report, Mapping):
        raise CompareError(f"{which} report: expected a JSON object (an aiscale preview --json "
                           f"report), got {type(report).__name__}")
    entries = report.get("resources")
    if not isinstance(entries, list):
        raise CompareError(f"{which} report: 'resources' must be a list of resources, "
                           f"got {type(entries).__name__}")
    found: dict[str, _Resource] = {}
    for index, entry in enumerate(entries):
        where = f"{which} report: resources[{index}]"
        if not isinstance(entry, Mapping):
            raise CompareError(f"{where}: expected an object, got {type(entry).__name__}")
        if entry.get("read") is True:  # read, not managed: an update neither creates nor deletes it
            continue
        for key in ("urn", "type"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                raise CompareError(f"{where}.{key}: expected a non-empty string, got {entry.get(key)!r}")
        inputs = entry.get("inputs", {})
        if not isinstance(inputs, Mapping):
            raise CompareError(f"{where}.inputs: expected an object, got {type(inputs).__name__}")
        if entry["urn"] in found:
            raise CompareError(f"{where}.urn: {entry['urn']!r} appears twice")
        found[entry["urn"]] = _Resource(
            urn=entry["urn"], type=entry["type"],
            name=str(entry.get("name") or entry["urn"].rsplit("::", 1)[-1]), inputs=inputs,
            protect=bool(entry.get("protect")), retain_on_delete=bool(entry.get("retain_on_delete")))
    return found


def report_environment(report: Mapping[str, Any]) -> str:
    """The environment of a report: its ``environment`` field, else the ``environment`` tag or
    label its resources agree on, else its stack name ("" when none is known)."""
    explicit = report.get("environment")
    if isinstance(explicit, str) and explicit:
        return explicit
    seen = set()
    for entry in report.get("resources") or []:
        inputs = entry.get("inputs") if isinstance(entry, Mapping) else None
        for key in ("tags", "labels"):
            tags = inputs.get(key) if isinstance(inputs, Mapping) else None
            if isinstance(tags, Mapping) and isinstance(tags.get("environment"), str):
                seen.add(tags["environment"])
    if len(seen) == 1:
        return seen.pop()
    stack = report.get("stack")
    return stack if isinstance(stack, str) else ""


def _differs(old: Any, new: Any) -> bool:
    """Inputs differ; an input unknown during preview on either side may differ."""
    return old != new or UNKNOWN_IN_REPORT in (old, new)


def _change(action: str, resource: _Resource, old: Optional[_Resource],
            inputs: tuple[str, ...] = ()) -> Change:
    before = old or resource
    return Change(action=action, urn=resource.urn, type=resource.type, name=resource.name,
                  stateful=canonical_type(resource.type) in STATEFUL_TYPES,
                  protected=before.protect, retained=before.retain_on_delete, inputs=inputs)


def compare_reports(old: dict, new: dict) -> Comparison:
    """What updating from the stack of report `old` to the program of report `new` would do.

    Raises CompareError when either is not a preview report (naming the field path).
    """
    before, after = _resources(old, "old"), _resources(new, "new")
    changes: list[Change] = []
    unchanged = 0
    for urn in sorted(set(before) | set(after)):
        if urn not in after:
            changes.append(_change("delete", before[urn], None))
            continue
        if urn not in before:
            changes.append(_change("create", after[urn], None))
            continue
        was, now = before[urn], after[urn]
        keys = sorted(set(was.inputs) | set(now.inputs))
        changed = tuple(key for key in keys if _differs(was.inputs.get(key), now.inputs.get(key)))
        forcing = tuple(key for key in changed if key in FORCE_NEW_INPUTS.get(canonical_type(now.type), ()))
        if forcing:
            changes.append(_change("replace", now, was, forcing))
        elif changed:
            changes.append(_change("update", now, was, changed))
        else:
            unchanged += 1
    changes.sort(key=lambda change: (ACTIONS.index(change.action), change.urn))
    stack = new.get("stack") if isinstance(new.get("stack"), str) else ""
    try:
        cost = cost_change(old, new)
    except CostChangeError as error:
        raise CompareError(str(error)) from None
    return Comparison(stack=stack, environment=report_environment(new), changes=tuple(changes),
                      unchanged=unchanged, moves=placement_moves(old, new), cost=cost)


def placement_moves(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """``node_pools.x moves from aws (p3.2xlarge $0.92/h) to gcp (...)`` for every fleet whose
    ``placement: cheapest`` cloud differs between the reports (read from the ``placements``
    input of their ``aiscale:index:AiPlatform`` resources, e.g. after a catalog change)."""
    def placed(report: Mapping[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for resource in report.get("resources") or []:
            if isinstance(resource, Mapping) and resource.get("type") == "aiscale:index:AiPlatform":
                inputs = resource.get("inputs")
                found.update((inputs.get("placements") or {}) if isinstance(inputs, Mapping) else {})
        return found

    def where(choice: Mapping[str, Any]) -> str:
        price = choice.get("price_hour")
        money = f" {choice.get('capacity')} ${price:.4f}/h" if isinstance(price, (int, float)) else ""
        return f"{choice.get('cloud')} ({choice.get('instance_type')}{money})"

    before, after = placed(old), placed(new)
    return tuple(f"{key} moves from {where(before[key])} to {where(after[key])}"
                 for key in sorted(set(before) & set(after))
                 if before[key].get("cloud") != after[key].get("cloud"))


def load_report(path: Path) -> dict:
    """Read a JSON report written by ``aiscale preview --json``; CompareError when it is missing,
    not JSON or not a report."""
    try:
        report = json.loads(Path(path).read_text())
    except OSError as error:
        raise CompareError(f"--compare {path}: cannot read it ({error.strerror or error})") from None
    except ValueError as error:
        raise CompareError(f"--compare {path}: not valid JSON ({error}); expected a report "
                           "written by aiscale preview --json") from None
    _resources(report, "old")
    try:
        cost_change(report, report)
    except CostChangeError as error:
        raise CompareError(f"--compare {path}: {error}") from None
    return report


_MARKS = {"delete": ("- delete", "red"), "replace": ("+- replace", "magenta"),
          "create": ("+ create", "green"), "update": ("~ update", "yellow")}


def _flags(change: Change) -> str:
    flags = []
    if change.stateful:
        flags.append("stateful")
    if change.protected:
        flags.append("protected")
    if change.retained:
        flags.append("retained")
    return ", ".join(flags)


def comparison_table(comparison: Comparison, *, include_updates: bool = True) -> Group:
    """The changes as a table (deletes and replaces first, stateful ones in bold) and a summary
    line, with the verdict on stateful resources."""
    table = Table(title="Changes compared with the old report", title_justify="left", expand=False)
    for column in ("action", "type", "name", "flags", "inputs"):
        table.add_column(column, overflow="fold")
    for change in comparison.changes:
        if change.action == "update" and not include_updates:
            continue
        mark, color = _MARKS[change.action]
        style = "bold" if change.loses_data else ""
        table.add_row(Text(mark, style=color), change.type, Text(change.name, style=style),
                      _flags(change), ", ".join(change.inputs))
    counts = comparison.counts()
    summary = Text(f"Compared: + {counts['create']} to create, ~ {counts['update']} to update, "
                   f"+- {counts['replace']} to replace, - {counts['delete']} to delete, "
                   f"{comparison.unchanged} unchanged")
    lost = comparison.data_loss
    if not lost:
        verdict = Text("No stateful resource would be deleted or replaced.", style="green")
    else:
        names = ", ".join(f"{c.name} ({STATEFUL_TYPES[canonical_type(c.type)]}, {c.action})" for c in lost)
        where = (f"in {comparison.environment}: this update would lose data" if comparison.prod
                 else f"(environment {comparison.environment or 'unknown'}, not prod: not failing)")
        verdict = Text(f"{len(lost)} stateful resource(s) would be deleted or replaced {where}: {names}",
                       style="bold red" if comparison.prod else "yellow")
    parts = [table] if table.row_count else []
    if comparison.cost is not None:
        parts += [cost_change_table(comparison.cost)] if comparison.cost.resources else []
        summary = Group(summary, Text(summary_line(comparison.cost)))
    moves = [Text(f"placement: {move}", style="bold yellow") for move in comparison.moves]
    return Group(*parts, summary, *moves, verdict)
