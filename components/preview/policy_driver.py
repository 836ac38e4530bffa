"""Run CrossGuard policy packs out of process, over the Analyzer gRPC protocol, as the Pulumi
engine does for ``pulumi preview --policy-pack DIR``.

Per pack folder (:mod:`aiscale.preview.policy_process` starts the process): ``Handshake``
(optional), ``GetAnalyzerInfo``, ``Configure`` with the reconciled policy config and
``ConfigureStack``; then ``Remediate`` + ``Analyze`` for every resource, with several calls in
flight per pack, and one ``AnalyzeStack``. A :class:`PackSession` starts and configures the packs
when it is entered (``aiscale preview`` enters it before the program runs, so their start-up
overlaps the program) and analyzes the finished stack in :meth:`PackSession.analyze`. The pack
processes and the engine endpoint are always shut down.
"""

from __future__ import annotations

import queue
import threading
from concurrent import futures
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from aiscale.guardrails.finding import Finding
from aiscale.preview import policy_wire as wire
from aiscale.preview.policy_crash import crash_text, diagnose, is_application_error
from aiscale.preview.policy_process import (LOG, RPC_TIMEOUT_S, START_TIMEOUT_S, PackProcess,
                                            PolicyPackError, root_urn, start_packs)
from aiscale.preview.records import ResourceRecord

__all__ = ["LOG", "PolicyPackError", "PackSession", "Violation", "run_policy_packs"]

ANALYZE_IN_FLIGHT = 16
"""Remediate/Analyze exchanges in flight at once per pack (the engine also analyzes in parallel)."""
THREAD_JOIN_S = 10.0
"""How long closing a session waits for a pack's driver thread after the pack is stopped."""

Violation = Finding
"""A finding from a pack process (the shared :class:`aiscale.guardrails.finding.Finding`)."""

_END = object()
"""Queued after the last resource: the driver thread stops reading."""


def _diagnostic(diagnostic: analyzer_pb2.AnalyzeDiagnostic, pack: str,
                severities: Mapping[str, str], urn: Optional[str]) -> Optional[Violation]:
    """A Violation from a diagnostic (None for a disabled one)."""
    level = wire.LEVEL_NAMES.get(diagnostic.enforcementLevel, "advisory")
    if level == "disabled":
        return None
    return Violation(
        pack=diagnostic.policyPackName or pack, policy=diagnostic.policyName,
        enforcement="mandatory" if level == "remediate" else level,
        severity=wire.SEVERITY_NAMES.get(diagnostic.severity)
        or severities.get(diagnostic.policyName, wire.UNSPECIFIED_SEVERITY),
        urn=urn, message=diagnostic.message)


def _copy(request: analyzer_pb2.AnalyzeRequest) -> analyzer_pb2.AnalyzeRequest:
    """A pack's own copy of a request shared by every pack."""
    copy = analyzer_pb2.AnalyzeRequest()
    copy.CopyFrom(request)
    return copy


class _Answer:
    """What one resource's Remediate + Analyze exchange produced."""

    __slots__ = ("found", "remediated", "provider")

    def __init__(self, found: list[Violation], remediated: Optional[struct_pb2.Struct],
                 provider: Optional[analyzer_pb2.AnalyzerProviderResource]) -> None:
        self.found = found
        self.remediated = remediated
        self.provider = provider


class _PackDriver:
    """Drives one pack process on its own thread: configure it, then one Remediate + Analyze
    exchange per submitted resource (at most :data:`ANALYZE_IN_FLIGHT` at once, answered on
    gRPC's threads), and ``AnalyzeStack`` in :meth:`finish`."""

    def __init__(self, process: PackProcess, config: Optional[Mapping[str, Any]],
                 config_file: Optional[Path], session: "PackSession") -> None:
        self.process = process
        self.config = config
        self.config_file = config_file
        self.session = session
        self.info: Optional[analyzer_pb2.AnalyzerInfo] = None
        self.severities: dict[str, str] = {}
        self.answers: dict[str, _Answer] = {}
        self.errors: list[PolicyPackError] = []
        self.policy_config: Any = None
        self.crashed: Optional[tuple[ResourceRecord, str]] = None
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.in_flight = threading.BoundedSemaphore(ANALYZE_IN_FLIGHT)
        self.pending = 0
        self.settled = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name=f"aiscale-policy-{process.dir.name}")

    # -- the driver thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._configure()
        except PolicyPackError as error:
            self.errors.append(error)
        except Exception as error:  # noqa: BLE001 - reported by finish(), never lost
            self.errors.append(PolicyPackError(self.process.dir,
                                               f"setup failed: {type(error).__name__}: {error}"))
        while (record := self.queue.get()) is not _END:
            if not self.errors:
                self._send(record)

    def _configure(self) -> None:
        """Connect, then Handshake, GetAnalyzerInfo, Configure and ConfigureStack."""
        process, session = self.process, self.session
        process.connect(START_TIMEOUT_S)
        process.optional("Handshake", analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=session.address, root_directory=str(process.dir),
            program_directory=str(process.dir)))
        info = process.call("GetAnalyzerInfo", empty_pb2.Empty())
        try:
            policy_config = wire.reconcile_config(info, self.config)
        except wire.PolicyConfigError as error:
            raise PolicyPackError(process.dir, wire.config_error_text(error, self.config_file)) from None
        process.call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))
        self.policy_config = policy_config
        process.optional("ConfigureStack", analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=session.stack, project=session.project, organization="organization",
            dry_run=session.dry_run, config=dict(session.stack_config)))
        self.severities = {p.name: wire.SEVERITY_NAMES[p.severity] for p in info.policies
                           if p.severity in wire.SEVERITY_NAMES}
        self.info = info

    def _send(self, record: ResourceRecord) -> None:
        """Start the Remediate + Analyze exchange of one resource (blocks while the in-flight
        limit is reached)."""
        self.in_flight.acquire()
        with self.settled:
            self.pending += 1
        try:
            request, provider = self.session.request_of(record)
            remediate = self.process.stub.Remediate.future(request, timeout=RPC_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - a bad record or a closed channel
            self._failed(record, "Remediate", error)
            return
        remediate.add_done_callback(self._step(record, "Remediate", lambda reply: self._remediated(
            record, request, provider, reply)))

    def _step(self, record: ResourceRecord, method: str,
              then: Callable[[Any], None]) -> Callable[[grpc.Future], None]:
        """A done-callback: `then(reply)`, or the exchange fails with an error naming `method`."""

        def done(future: grpc.Future) -> None:
            try:
                then(future.result())
            except Exception as error:  # noqa: BLE001 - recorded, raised by finish()
                self._failed(record, method, error)

        return done

    def _remediated(self, record: ResourceRecord, request: analyzer_pb2.AnalyzeRequest,
                    provider: Optional[analyzer_pb2.AnalyzerProviderResource], reply: Any) -> None:
        """Apply the remediations (to this pack's own copy of the shared request), then send
        Analyze with the remediated properties."""
        found: list[Violation] = []
        remediated = False
        if any(r.HasField("properties") and not r.diagnostic for r in reply.remediations):
            request = _copy(request)
        for remediation in reply.remediations:
            if remediation.diagnostic:
                found.append(Violation(
                    pack=remediation.policyPackName or self.info.name, policy=remediation.policyName,
                    enforcement="advisory", severity=self.severities.get(
                        remediation.policyName, wire.UNSPECIFIED_SEVERITY),
                    urn=record.urn, message=remediation.diagnostic))
            elif remediation.HasField("properties"):
                request.properties.CopyFrom(remediation.properties)
                remediated = True
        analyze = self.process.stub.Analyze.future(request, timeout=RPC_TIMEOUT_S)
        analyze.add_done_callback(self._step(record, "Analyze", lambda answer: self._settle(
            record.urn, _Answer(found + [v for d in answer.diagnostics if (v := _diagnostic(
                d, self.info.name, self.severities, record.urn)) is not None],
                request.properties if remediated else None, provider))))

    def _failed(self, record: ResourceRecord, method: str, error: BaseException) -> None:
        details = error.details() if isinstance(error, grpc.RpcError) else f"{type(error).__name__}: {error}"
        if isinstance(error, grpc.RpcError) and is_application_error(details or "") and self.crashed is None:
            self.crashed = (record, method)
        self.errors.append(self.process.error(f"{method} for {record.urn} failed: {details}"))
        self._settle(record.urn, None)

    def _settle(self, urn: str, answer: Optional[_Answer]) -> None:
        if answer is not None:
            self.answers[urn] = answer
        self.in_flight.release()
        with self.settled:
            self.pending -= 1
            self.settled.notify_all()

    def _explained(self, error: PolicyPackError) -> PolicyPackError:
        """`error`, or, when a policy raised, an error naming the pack, the policy, the
        exception type and the line (:func:`aiscale.preview.policy_crash.diagnose`)."""
        if self.crashed is None or self.info is None:
            return error
        record, method = self.crashed
        request, _ = self.session.request_of(record)
        facts = diagnose(self.process.dir, self.session.address, self.process.env,
                         self.policy_config, request)
        if facts is None:
            return error
        return self.process.error(f"{method} for {record.urn} failed: " + crash_text(
            pack=self.info.name, policy=facts.get("policy"), error_type=facts["type"],
            message=facts["message"], file=facts.get("file"), line=facts.get("line"),
            function=facts.get("function"), urn=None))

    # -- the caller's side ---------------------------------------------------------------------

    def close_queue(self) -> None:
        """No more resources: the driver thread ends once it has sent what is queued."""
        self.queue.put(_END)

    def finish(self, resources: Sequence[ResourceRecord]) -> tuple[list[Violation], set[str]]:
        """Wait for every exchange, then AnalyzeStack over `resources`; (violations, the pack's
        policy names). Raises the first PolicyPackError of the pack."""
        self.thread.join()
        with self.settled:
            self.settled.wait_for(lambda: self.pending == 0)
        if self.errors:
            raise self._explained(self.errors[0])
        found: list[Violation] = []
        stack_resources = []
        urns = {record.urn for record in resources}
        for record in resources:
            answer = self.answers[record.urn]
            found += answer.found
            stack_resources.append(
                wire.stack_resource(record, wire.remediated_state(record, answer.remediated),
                                    answer.provider)
                if answer.remediated is not None else self.session.stack_entry(record, answer.provider))
        response = self.process.call("AnalyzeStack", analyzer_pb2.AnalyzeStackRequest(
            resources=stack_resources))
        for diagnostic in response.diagnostics:
            urn = diagnostic.urn if diagnostic.urn in urns else None
            violation = _diagnostic(diagnostic, self.info.name, self.severities, urn)
            if violation is not None:
                found.append(violation)
        return found, {policy.name for policy in self.info.policies}


class PackSession:
    """Policy pack processes for one stack: a context manager that starts and configures them
    (entered before the program runs, their start-up overlaps it), answers with every finding
    over the finished stack (:meth:`analyze`) and always stops the packs and the engine endpoint.

    `configs` gives each pack's policy config (``--policy-pack-config`` form), in the order of
    `pack_dirs`, and `config_files` the file each came from (named in configuration errors);
    `stack_config` is the stack configuration (``aws:region``...).
    """

    def __init__(self, pack_dirs: Sequence[Path], *, project: str, stack: str,
                 stack_config: Mapping[str, str] | None = None, dry_run: bool = True,
                 configs: Sequence[Optional[Mapping[str, Any]]] | None = None,
                 config_files: Sequence[Optional[Path]] | None = None) -> None:
        self.dirs = [Path(d).resolve() for d in pack_dirs]
        self.configs = list(configs) if configs is not None else [None] * len(self.dirs)
        self.config_files = list(config_files) if config_files is not None else [None] * len(self.dirs)
        if not len(self.configs) == len(self.config_files) == len(self.dirs):
            raise ValueError(f"{len(self.configs)} policy configs and {len(self.config_files)} "
                             f"config files for {len(self.dirs)} packs")
        self.project, self.stack, self.dry_run = project, stack, dry_run
        self.stack_config = dict(stack_config or {})
        self.records: dict[str, ResourceRecord] = {}
        self._requests: dict[str, tuple] = {}
        self._stack_entries: dict[str, analyzer_pb2.AnalyzerResource] = {}
        self._built_lock = threading.Lock()
        self.drivers: list[_PackDriver] = []
        self.server: Optional[grpc.Server] = None
        self.address = ""
        self._closed = False

    def __enter__(self) -> "PackSession":
        if not self.dirs:
            return self
        try:
            from aiscale.preview.policy_engine import start_engine

            self.server, self.address = start_engine(root_urn(self.project, self.stack))
            processes = start_packs(self.dirs, self.address, project=self.project,
                                    stack=self.stack, stack_config=self.stack_config,
                                    dry_run=self.dry_run)
            for process, config, source in zip(processes, self.configs, self.config_files):
                self.drivers.append(_PackDriver(process, config, source, self))
            for driver in self.drivers:
                driver.thread.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._close_queues()
        processes = [driver.process for driver in self.drivers]
        for process in processes:  # all asked at once, then each awaited
            process.signal_stop()
        for process in processes:
            process.stop()
        for driver in self.drivers:
            driver.thread.join(THREAD_JOIN_S)
        if self.server is not None:
            self.server.stop(grace=None)

    def _close_queues(self) -> None:
        if not self._closed:
            self._closed = True
            for driver in self.drivers:
                driver.close_queue()

    def request_of(self, record: ResourceRecord
                   ) -> tuple[analyzer_pb2.AnalyzeRequest, Optional[analyzer_pb2.AnalyzerProviderResource]]:
        """The Analyze request of `record` and its provider message, built once for every pack
        (the provider from the resources registered so far: a provider always registers before
        the resources that use it). Packs only read it; one that remediates copies it."""
        with self._built_lock:
            built = self._requests.get(record.urn)
            if built is None:
                provider = wire.provider_message(record, self.records, project=self.project,
                                                 stack=self.stack, stack_config=self.stack_config)
                properties = wire.properties_struct(record.inputs, tuple(record.secret_paths))
                built = self._requests[record.urn] = (wire.analyze_request(record, properties, provider),
                                                      provider)
            return built

    def stack_entry(self, record: ResourceRecord,
                    provider: Optional[analyzer_pb2.AnalyzerProviderResource]) -> analyzer_pb2.AnalyzerResource:
        """The AnalyzeStack entry of an unremediated resource (its final state), built once for
        every pack."""
        with self._built_lock:
            entry = self._stack_entries.get(record.urn)
            if entry is None:
                state = wire.properties_struct(wire.stack_properties(record), tuple(record.secret_paths))
                entry = self._stack_entries[record.urn] = wire.stack_resource(record, state, provider)
            return entry

    def analyze(self, resources: Sequence[ResourceRecord]) -> list[Violation]:
        """Every pack's violations over `resources` (the program's whole stack), sorted: each
        resource is analyzed, then each pack's AnalyzeStack runs. Call once, after the program
        ends."""
        if self._closed:
            raise RuntimeError("PackSession.analyze: called twice, or after the session closed")
        unique = [record for record in resources if record.urn not in self.records]
        self.records.update((record.urn, record) for record in unique)
        for driver in self.drivers:
            for record in unique:
                driver.queue.put(record)
        self._close_queues()
        with futures.ThreadPoolExecutor(max_workers=max(1, min(len(self.drivers), 4))) as pool:
            jobs = [pool.submit(driver.finish, list(resources)) for driver in self.drivers]
            results = [job.result() for job in jobs]
        self._warn_unknown_config(results)
        return sorted((v for found, _ in results for v in found), key=Violation.sort_key)

    def _warn_unknown_config(self, results: Sequence[tuple[list[Violation], set[str]]]) -> None:
        """Log each config key that names no policy of the packs that config went to."""
        known: dict[int, tuple[Mapping, set[str]]] = {}
        for (_, names), config in zip(results, self.configs):
            known.setdefault(id(config), (config or {}, set()))[1].update(names)
        for config, names in known.values():
            for name in sorted(set(config) - names - {"all"}):
                LOG.warning("policy config names %r, which no policy pack has (policies: %s)",
                            name, ", ".join(sorted(names)))


def run_policy_packs(pack_dirs: Sequence[Path], resources: Sequence[ResourceRecord], *,
                     project: str, stack: str, config: Mapping[str, Mapping] | None = None,
                     dry_run: bool = True, stack_config: Mapping[str, str] | None = None
                     ) -> list[Violation]:
    """Run each policy pack in `pack_dirs` against `resources`, as ``pulumi preview
    --policy-pack`` would; every violation, sorted by (pack, urn, policy, message).

    `config` maps a policy name (or ``all``) to its config, as ``--policy-pack-config`` does:
    ``{"enforcementLevel": "mandatory", "<property>": value}`` or just a level name.
    `stack_config` is the stack configuration (``aws:region``...): the packs see it as
    PULUMI_CONFIG and as the inputs of default providers. Packs run concurrently. Raises
    PolicyPackError (naming the pack and quoting its stderr) when a pack cannot start or fails.
    """
    with PackSession(pack_dirs, project=project, stack=stack, stack_config=stack_config,
                       dry_run=dry_run, configs=[config] * len(pack_dirs)) as session:
        return session.analyze(resources)
