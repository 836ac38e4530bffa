"""Run a Pulumi Python program in-process on the mock runtime and capture what it registers.

This is what ``pulumi preview`` would see, without the CLI, plugins or credentials: the program
runs exactly as the Python language host runs it (``run_in_stack`` around the program), against
:class:`CaptureMonitor` and :class:`FakeCloud`. Each run gets a fresh context and event loop, so
many previews can run in one process (tests, benchmarks) without leaking state.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import runpy
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from google.protobuf import empty_pb2
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.proto import engine_pb2
from pulumi.runtime.stack import run_in_stack

from aiscale.preview.collector import collector_paused  # noqa: F401 (also imported from here)
from aiscale.preview.fake_cloud import FakeCloud
from aiscale.preview.failure import describe_failure
from aiscale.preview.monitor import STACK_TYPE, CaptureMonitor
from aiscale.preview.project import Project, load_project
from aiscale.preview.records import ResourceRecord
from aiscale.preview.redaction import redact, secret_texts
from aiscale.preview.settle import TrackedOutputs, settled
from aiscale.preview.stack_refs import StackOutputs, StackReferences
from aiscale.preview.watchdog import (DEFAULT_STALL_SECONDS, Progress, Stalled, StallLimitError,
                                      run_watched, stall_seconds)


@dataclass
class PreviewResult:
    """What a program registered, in registration order, and what it said."""

    project: str
    """The project name."""
    stack: str
    """The stack name."""
    resources: list[ResourceRecord]
    """Every registration, the stack first."""
    config: dict[str, str] = field(default_factory=dict)
    """The configuration the program ran with."""
    warnings: list[str] = field(default_factory=list)
    """Warnings from the program (``pulumi.log.warn``) and the fake cloud, each secret's text
    replaced by ``[secret]``."""
    reads: list[ResourceRecord] = field(default_factory=list)
    """The resources the program read (``Bucket.get(...)``, stack references), the same order
    as :attr:`resources`: shown as reads, never priced, analyzed or counted as created."""
    synthesized_invokes: list[str] = field(default_factory=list)
    """The invoke tokens the fake cloud answered from the SDK's result type alone (sorted)."""

    @property
    def outputs(self) -> dict[str, Any]:
        """The stack outputs (``pulumi.export``)."""
        stack = next((r for r in self.resources if r.type == STACK_TYPE), None)
        return stack.outputs if stack else {}

    def by_type(self, type_token: str) -> list[ResourceRecord]:
        """All resources of one type token."""
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name_contains: str = "") -> ResourceRecord:
        """The single resource of a type (whose name contains ``name_contains``)."""
        found = [r for r in self.by_type(type_token) if name_contains in r.name]
        if len(found) != 1:
            names = [r.name for r in self.by_type(type_token)]
            raise LookupError(f"expected one {type_token} named *{name_contains}*, found {len(found)}: {names}")
        return found[0]

    def children(self, parent_urn: str) -> list[ResourceRecord]:
        """The resources whose parent is ``parent_urn``."""
        return [r for r in self.resources if r.parent == parent_urn]


class PreviewError(Exception):
    """The program could not be previewed: invalid input or a program error (exit code 2).

    ``resources`` holds what was registered before the failure (for "nothing registered"
    checks), ``warnings`` what the program and the fake cloud warned before it; ``str()`` is the
    one message to show the user, those warnings included (they are often the cause).
    """

    def __init__(self, message: str, resources: Optional[list[ResourceRecord]] = None,
                 warnings: Optional[list[str]] = None) -> None:
        self.message = message
        """The failure itself, without the warnings."""
        self.resources = resources or []
        self.warnings = list(warnings or [])
        super().__init__(message + "".join(f"\n  warning before the failure: {w}" for w in self.warnings))


class _CapturingEngine(MockEngine):
    """Keeps the program's warnings and errors instead of only logging them."""

    def __init__(self, sink: list[str], progress: Optional[Progress] = None) -> None:
        super().__init__(logging.getLogger("aiscale.preview"))
        self._sink = sink
        self._progress = progress

    def Log(self, request):  # noqa: N802 - gRPC method name
        """Keep warnings and errors for the report (printed once, by the caller); log the rest."""
        if self._progress is not None:
            self._progress.touch()
        if request.severity in (engine_pb2.WARNING, engine_pb2.ERROR):
            self._sink.append(request.message)
            return None
        return super().Log(request)


def ordered(records) -> list[ResourceRecord]:
    """The stack first, then every resource by URN: registrations arrive from executor threads
    in an order that can change between runs, the URNs do not."""
    return sorted(records, key=lambda record: (record.type != STACK_TYPE, record.urn))


def _run(program: Callable[[], Any], project: str, stack: str, config: Mapping[str, str],
         secret_keys: tuple[str, ...], dry_run: bool,
         stack_outputs: Optional[Mapping[str, StackOutputs]] = None,
         stall_limit: Optional[float] = None) -> PreviewResult:
    try:
        limit = stall_seconds(stall_limit)
    except StallLimitError as error:
        raise PreviewError(str(error)) from None
    with collector_paused():
        return _run_collected(program, project, stack, config, secret_keys, dry_run,
                              stack_outputs, limit)


def _run_collected(program: Callable[[], Any], project: str, stack: str, config: Mapping[str, str],
                   secret_keys: tuple[str, ...], dry_run: bool,
                   stack_outputs: Optional[Mapping[str, StackOutputs]] = None,
                   stall_limit: float = DEFAULT_STALL_SECONDS) -> PreviewResult:
    warnings: list[str] = []
    fake_cloud = FakeCloud(config, warnings.append)
    cloud = StackReferences(fake_cloud, stack_outputs or {}, warnings.append)
    monitor = CaptureMonitor(cloud)
    features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
    runtime_settings.ROOT.set(None)
    outputs = TrackedOutputs()
    outputs_lock = threading.Lock()
    runtime_settings.configure(MockSettings(
        monitor=monitor, monitor_features=features, engine=_CapturingEngine(warnings, monitor.progress),
        project=project, stack=stack, dry_run=dry_run, organization="organization",
        callbacks=None, outputs=outputs, lock=outputs_lock, parallel=None,
        legacy_apply_enabled=False, root_directory=None, package_refs={}, base_providers_by_ref={},
    ))
    runtime_config.set_all_config(dict(config), list(secret_keys))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    failure: Optional[BaseException] = None
    try:
        loop.run_until_complete(run_watched(run_in_stack(settled(program, outputs, outputs_lock)),
                                            monitor.progress, stall_limit))
    except BaseException as error:  # noqa: BLE001 - reported to the user as one message
        failure = error
    finally:
        _cancel_remaining(loop)
        loop.close()
        asyncio.set_event_loop(None)
    records = ordered(monitor.records.values())
    warnings += remote_component_notes(records)
    secrets = secret_texts([*records, *monitor.reads.values()],
                           program_outputs=outputs.every if failure is not None or warnings else None)
    if failure is not None:
        if isinstance(failure, KeyboardInterrupt):
            raise failure
        message = str(failure) if isinstance(failure, Stalled) else describe_failure(failure)
        raise PreviewError(redact(message, secrets), records,
                           [redact(w, secrets) for w in _before_failure(warnings, failure)]) from failure
    return PreviewResult(project=project, stack=stack, resources=records,
                         config=dict(config), warnings=[redact(w, secrets) for w in warnings],
                         reads=ordered(monitor.reads.values()),
                         synthesized_invokes=fake_cloud.synthesized_invokes)


def _cancel_remaining(loop: asyncio.AbstractEventLoop, rounds: int = 5) -> None:
    """Cancel every task left on ``loop``, a bounded number of times: a task that catches its
    cancellation and awaits again (the runtime's wait for outstanding RPCs) cannot keep it."""
    for _ in range(rounds):
        tasks = asyncio.all_tasks(loop)
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(asyncio.wait(tasks, timeout=1.0))


def _before_failure(warnings: list[str], failure: BaseException) -> list[str]:
    """The warnings to show with a failure: the runtime also logs the failure itself as an
    error, which the failure's own message already says."""
    said = str(failure)
    return [w for w in warnings if not (said and said in w)]


def remote_component_notes(records: list[ResourceRecord]) -> list[str]:
    """One warning per remote (multi-language) component: its insides are not previewed."""
    return [f"{record.type} {record.name!r} is a remote (multi-language) component: its plugin "
            f"is not run offline, so the resources inside it are not previewed, priced or checked"
            for record in records if record.remote]


def _isolated(function: Callable[..., PreviewResult], *args: Any) -> PreviewResult:
    """Run ``function`` in a fresh context on a worker thread: the Pulumi runtime's context
    variables and the run's event loop never touch the caller's (a test's, a notebook's)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aiscale-preview") as worker:
        return worker.submit(contextvars.Context().run, function, *args).result()


def run_inline(program: Callable[[], Any], *, project: str = "test", stack: str = "dev",
               config: Optional[Mapping[str, Any]] = None, dry_run: bool = True,
               stack_outputs: Optional[Mapping[str, StackOutputs]] = None,
               stall_limit: Optional[float] = None) -> PreviewResult:
    """Preview a Python callable as if it were a program's ``__main__``.

    ``config`` maps fully qualified keys (``aws:region``, ``aiscale:platform``) to values;
    non-string values are passed as JSON, as the Pulumi CLI does for structured config.
    ``stack_outputs`` answers StackReferences (``aiscale.preview.stack_refs``).
    ``stall_limit``: seconds without progress before the run is stopped (default
    ``$AISCALE_PREVIEW_STALL_SECONDS`` or 120, see ``aiscale.preview.watchdog``).
    """
    import json

    as_strings = {key: value if isinstance(value, str) else json.dumps(value)
                  for key, value in (config or {}).items()}
    return _isolated(_run, program, project, stack, as_strings, (), dry_run, stack_outputs,
                     stall_limit)


def run_project(project: Project, *, dry_run: bool = True,
                stall_limit: Optional[float] = None) -> PreviewResult:
    """Preview the program of a Pulumi project folder with one stack's configuration; `stall_limit` as for :func:`run_inline`."""
    program_dir = project.program if project.program.is_dir() else project.program.parent

    def program() -> None:
        runpy.run_path(str(project.program), run_name="__main__")

    saved_path, saved_cwd = list(sys.path), os.getcwd()
    saved_modules = set(sys.modules)
    sys.path.insert(0, str(program_dir))
    os.chdir(project.directory)
    try:
        return _isolated(_run, program, project.name, project.stack, project.config,
                         project.secret_keys, dry_run, project.stack_outputs, stall_limit)
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            if _is_program_module(getattr(sys.modules[name], "__file__", None), program_dir):
                del sys.modules[name]


def _is_program_module(module_file: Optional[str], program_dir: Path) -> bool:
    """A module of the program itself (forgotten after the run, so another program's module of
    the same name loads fresh), not of an installed package: a virtualenv inside the project
    folder (``.venv``) holds the provider SDKs, which must stay loaded once."""
    if not module_file or not module_file.startswith(str(program_dir) + os.sep):
        return False
    installed = (sys.prefix, sys.base_prefix, *(p for p in sys.path if "site-packages" in p))
    return not any(module_file.startswith(root.rstrip(os.sep) + os.sep) for root in installed if root)


def run_directory(directory: Path, stack: str, *, dry_run: bool = True) -> PreviewResult:
    """Read the project in ``directory`` and preview ``stack``."""
    return run_project(load_project(Path(directory), stack), dry_run=dry_run)
