"""Run CrossGuard policy packs out of process, over the Analyzer gRPC protocol, as the Pulumi
engine does for ``pulumi preview --policy-pack DIR``.

Per pack directory: serve an Engine endpoint (policy log messages arrive there), start
``python -u -m pulumi.policy <engine-address> .`` in the pack directory (what the CLI's
``pulumi-analyzer-policy-python`` plugin runs), read the port the pack prints, then
``Handshake`` (optional), ``GetAnalyzerInfo``, ``Configure`` with the reconciled policy config,
``ConfigureStack``, ``Remediate`` + ``Analyze`` for every resource in registration order, and one
``AnalyzeStack``. The pack process and the endpoint are always shut down.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import IO, Any, Mapping, Optional, Sequence

import grpc
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2, engine_pb2_grpc

from aiscale.guardrails.finding import Finding
from aiscale.preview import policy_wire as wire
from aiscale.preview.records import ResourceRecord

LOG = logging.getLogger("aiscale.preview.policy_driver")
"""Where policy packs' log messages and stray output go."""

START_TIMEOUT_S = 60.0
"""How long a pack may take to print its port (imports of provider SDKs can be slow)."""
RPC_TIMEOUT_S = 120.0
"""Deadline of each Analyzer call."""
ANALYZE_CONCURRENCY = 8
"""Remediate/Analyze calls in flight at once per pack (the engine also analyzes in parallel)."""
STOP_GRACE_S = 5.0
"""How long a pack gets to exit after terminate, before it is killed."""
STDERR_TAIL_LINES = 25
"""Lines of a failing pack's stderr quoted in the error."""

_LOG_LEVELS = {0: logging.DEBUG, 1: logging.INFO, 2: logging.WARNING, 3: logging.ERROR}


Violation = Finding
"""A finding from a pack process (the shared :class:`aiscale.guardrails.finding.Finding`)."""


class PolicyPackError(Exception):
    """A policy pack could not be run; the message names the pack directory and why (with the
    tail of its stderr when it failed)."""

    def __init__(self, pack_dir: Path, message: str, stderr_tail: str = "") -> None:
        detail = f"\n--- stderr (last lines) ---\n{stderr_tail}" if stderr_tail.strip() else ""
        super().__init__(f"policy pack {pack_dir}: {message}{detail}")
        self.pack_dir = pack_dir
        self.stderr_tail = stderr_tail


class _Engine(engine_pb2_grpc.EngineServicer):
    """The Engine service a policy pack may talk to: logs go to LOG, the root resource is kept."""

    def __init__(self, root_urn: str) -> None:
        self._root = root_urn

    def Log(self, request, context):  # noqa: N802 - gRPC method name
        """Forward a pack's log message to LOG at the matching level."""
        LOG.log(_LOG_LEVELS.get(request.severity, logging.INFO), "policy pack: %s%s",
                request.message, f" ({request.urn})" if request.urn else "")
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):  # noqa: N802
        """The stack's URN."""
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(self, request, context):  # noqa: N802
        """Remember a new root resource URN."""
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


def _start_engine(root_urn: str) -> tuple[grpc.Server, str]:
    """Serve the Engine service on 127.0.0.1 at a free port; (server, address)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(_Engine(root_urn), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


def _tail(stderr: IO[bytes]) -> str:
    """The last lines a pack wrote to stderr."""
    stderr.flush()
    stderr.seek(0)
    lines = stderr.read().decode(errors="replace").splitlines()
    return "\n".join(lines[-STDERR_TAIL_LINES:])


def _read_runtime(pack_dir: Path) -> None:
    """Check PulumiPolicy.yaml: it must exist and name the python runtime."""
    manifest = pack_dir / "PulumiPolicy.yaml"
    if not manifest.is_file():
        raise PolicyPackError(pack_dir, "no PulumiPolicy.yaml (is this a policy pack folder?)")
    try:
        data = yaml.safe_load(manifest.read_text()) or {}
    except yaml.YAMLError as error:
        raise PolicyPackError(pack_dir, f"PulumiPolicy.yaml is not valid YAML: {error}") from None
    runtime = data.get("runtime") if isinstance(data, dict) else None
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise PolicyPackError(pack_dir, f"PulumiPolicy.yaml runtime is {name!r}; only python "
                                        "packs run out of process here")


class _Pack:
    """One running policy pack process and the stub to reach it."""

    def __init__(self, pack_dir: Path, engine_address: str, env: Mapping[str, str]) -> None:
        self.dir = pack_dir
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", engine_address, "."],
            cwd=pack_dir, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.stderr)
        self.channel: Optional[grpc.Channel] = None
        self.stub: Optional[analyzer_pb2_grpc.AnalyzerStub] = None

    def connect(self, timeout: float) -> None:
        """Read the port from the pack's first stdout line, then open the channel."""
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(lines,), daemon=True).start()
        try:
            first = lines.get(timeout=timeout)
        except queue.Empty:
            raise self.error(f"printed no port within {timeout:.0f} s") from None
        if first is None:
            self.process.wait(timeout=STOP_GRACE_S)
            raise self.error(f"exited with code {self.process.returncode} before printing "
                             "its port")
        try:
            port = int(first.strip())
        except ValueError:
            raise self.error(f"printed {first.strip()[:200]!r} where its port was expected "
                             "(a pack must not write to stdout before serving)") from None
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            grpc.channel_ready_future(self.channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise self.error(f"did not answer on port {port}") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def _pump(self, lines: queue.Queue) -> None:
        """Hand the first stdout line to `connect`, then log the rest (None at end of file)."""
        first = True
        for raw in iter(self.process.stdout.readline, b""):
            text = raw.decode(errors="replace")
            if first:
                lines.put(text)
                first = False
            else:
                LOG.info("policy pack %s: %s", self.dir.name, text.rstrip())
        if first:
            lines.put(None)

    def call(self, method: str, request: Any, what: str = "") -> Any:
        """Call an Analyzer method; a failure becomes PolicyPackError naming the call."""
        try:
            return getattr(self.stub, method)(request, timeout=RPC_TIMEOUT_S)
        except grpc.RpcError as error:
            where = f" for {what}" if what else ""
            raise self.error(f"{method}{where} failed: {error.details()}") from None

    def optional(self, method: str, request: Any) -> None:
        """Call a method that older packs do not implement (UNIMPLEMENTED is fine)."""
        try:
            getattr(self.stub, method)(request, timeout=RPC_TIMEOUT_S)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self.error(f"{method} failed: {error.details()}") from None

    def error(self, message: str) -> PolicyPackError:
        """A PolicyPackError for this pack, with its stderr tail."""
        return PolicyPackError(self.dir, message, _tail(self.stderr))

    def stop(self) -> None:
        """Close the channel and end the process: terminate, then kill."""
        if self.channel is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        for line in _tail(self.stderr).splitlines():
            LOG.debug("policy pack %s stderr: %s", self.dir.name, line)
        self.stderr.close()


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


def _pack_env(project: str, stack: str, stack_config: Mapping[str, str], dry_run: bool) -> dict[str, str]:
    """The environment the CLI gives a pack process."""
    return {**os.environ, "PULUMI_PROJECT": project, "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "true" if dry_run else "false", "PULUMI_CONFIG": _json(stack_config)}


def _run_one(pack: _Pack, engine_address: str, resources: Sequence[ResourceRecord], *,
             project: str, stack: str, config: Optional[Mapping[str, Mapping]],
             stack_config: Mapping[str, str], dry_run: bool) -> tuple[list[Violation], set[str]]:
    """Drive one started pack over the resources; its violations and its policies' names."""
    pack.connect(START_TIMEOUT_S)
    pack.optional("Handshake", analyzer_pb2.AnalyzerHandshakeRequest(
        engine_address=engine_address, root_directory=str(pack.dir),
        program_directory=str(pack.dir)))
    info = pack.call("GetAnalyzerInfo", empty_pb2.Empty())
    try:
        policy_config = wire.reconcile_config(info, config)
    except wire.PolicyConfigError as error:
        raise PolicyPackError(pack.dir, str(error)) from None
    pack.call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))
    pack.optional("ConfigureStack", analyzer_pb2.AnalyzerStackConfigureRequest(
        stack=stack, project=project, organization="organization", dry_run=dry_run,
        config=dict(stack_config)))
    found = _analyze(pack, info, resources, project=project, stack=stack, stack_config=stack_config)
    return found, {policy.name for policy in info.policies}


def _analyze(pack: _Pack, info: analyzer_pb2.AnalyzerInfo, resources: Sequence[ResourceRecord],
             *, project: str, stack: str, stack_config: Mapping[str, str]) -> list[Violation]:
    """Remediate + Analyze each resource, then AnalyzeStack; the violations found."""
    severities = {p.name: wire.SEVERITY_NAMES[p.severity] for p in info.policies
                  if p.severity in wire.SEVERITY_NAMES}
    by_urn = {r.urn: r for r in resources}

    def one(record: ResourceRecord) -> tuple[list[Violation], Any]:
        """Remediate then Analyze one resource; its findings and its AnalyzeStack entry."""
        found: list[Violation] = []
        provider = wire.provider_message(record, by_urn, project=project, stack=stack,
                                         stack_config=stack_config)
        properties = wire.properties_struct(record.inputs, tuple(record.secret_paths))
        request = wire.analyze_request(record, properties, provider)
        remediations = pack.call("Remediate", request, record.urn).remediations
        remediated = False
        for remediation in remediations:
            if remediation.diagnostic:
                found.append(Violation(
                    pack=remediation.policyPackName or info.name, policy=remediation.policyName,
                    enforcement="advisory", severity=severities.get(
                        remediation.policyName, wire.UNSPECIFIED_SEVERITY),
                    urn=record.urn, message=remediation.diagnostic))
            elif remediation.HasField("properties"):
                request.properties.CopyFrom(remediation.properties)
                remediated = True
        response = pack.call("Analyze", request, record.urn)
        found += [v for d in response.diagnostics
                  if (v := _diagnostic(d, info.name, severities, record.urn)) is not None]
        state = (wire.remediated_state(record, request.properties) if remediated else
                 wire.properties_struct(wire.stack_properties(record), tuple(record.secret_paths)))
        return found, wire.stack_resource(record, state, provider)

    # Like the engine, which analyzes resources as its parallel steps register them: several
    # calls in flight at once (results are kept in registration order).
    with futures.ThreadPoolExecutor(max_workers=ANALYZE_CONCURRENCY) as pool:
        answers = list(pool.map(one, resources))
    found = [violation for violations, _ in answers for violation in violations]
    stack_resources = [entry for _, entry in answers]
    response = pack.call("AnalyzeStack", analyzer_pb2.AnalyzeStackRequest(
        resources=stack_resources))
    for diagnostic in response.diagnostics:
        urn = diagnostic.urn if diagnostic.urn in by_urn else None
        violation = _diagnostic(diagnostic, info.name, severities, urn)
        if violation is not None:
            found.append(violation)
    return found


def _json(values: Mapping[str, str]) -> str:
    """The stack config as the CLI passes it in PULUMI_CONFIG."""
    return json.dumps(dict(values), sort_keys=True)


class PolicySession:
    """Policy pack processes for one stack, started before its program runs (their start-up
    overlaps the program) and driven once its resources are known; a context manager that
    always stops the packs and the engine endpoint."""

    def __init__(self, pack_dirs: Sequence[Path], *, project: str, stack: str,
                 stack_config: Mapping[str, str] | None = None, dry_run: bool = True) -> None:
        self.dirs = [Path(d).resolve() for d in pack_dirs]
        self.project, self.stack, self.dry_run = project, stack, dry_run
        self.stack_config = dict(stack_config or {})
        self.packs: list[_Pack] = []
        self.server: Optional[grpc.Server] = None
        self.address = ""

    def __enter__(self) -> "PolicySession":
        if not self.dirs:
            return self
        for directory in self.dirs:
            _read_runtime(directory)
        root = f"urn:pulumi:{self.stack}::{self.project}::pulumi:pulumi:Stack::{self.project}-{self.stack}"
        self.server, self.address = _start_engine(root)
        env = _pack_env(self.project, self.stack, self.stack_config, self.dry_run)
        try:
            for directory in self.dirs:
                self.packs.append(_Pack(directory, self.address, env))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for pack in self.packs:
            pack.stop()
        if self.server is not None:
            self.server.stop(grace=None)

    def analyze(self, resources: Sequence[ResourceRecord],
                configs: Sequence[Optional[Mapping[str, Mapping]]] | None = None) -> list[Violation]:
        """Every pack's violations over `resources` (packs concurrently; `configs` gives each
        pack's policy config, in the order of the pack folders), sorted."""
        configs = list(configs) if configs is not None else [None] * len(self.packs)
        with futures.ThreadPoolExecutor(max_workers=max(1, min(len(self.packs), 4))) as pool:
            jobs = [pool.submit(_run_one, pack, self.address, list(resources), project=self.project,
                                stack=self.stack, config=config, stack_config=self.stack_config,
                                dry_run=self.dry_run) for pack, config in zip(self.packs, configs)]
            results = [job.result() for job in jobs]
        known: dict[int, tuple[Mapping, set[str]]] = {}  # each config and the policies of its packs
        for (_, names), config in zip(results, configs):
            known.setdefault(id(config), (config or {}, set()))[1].update(names)
        for config, names in known.values():
            for name in sorted(set(config) - names - {"all"}):
                LOG.warning("policy config names %r, which no policy pack has (policies: %s)",
                            name, ", ".join(sorted(names)))
        return sorted((v for found, _ in results for v in found), key=Violation.sort_key)


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
    with PolicySession(pack_dirs, project=project, stack=stack, stack_config=stack_config,
                       dry_run=dry_run) as session:
        return session.analyze(resources, [config] * len(session.packs))
