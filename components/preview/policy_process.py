"""One CrossGuard policy pack as its own process, started as the Pulumi CLI starts it.

``python -u -m pulumi.policy <engine-address> .`` in the pack folder (what the CLI's
``pulumi-analyzer-policy-python`` plugin runs); the pack prints the port it serves the Analyzer
service on; an Engine endpoint (:mod:`aiscale.preview.policy_engine`) receives its log messages.
Every failure is a :class:`PolicyPackError` naming the pack folder and quoting the tail of its
stderr. Starting a pack needs no gRPC (only talking to it does).
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
import time
from pathlib import Path
from typing import IO, Any, Mapping, Sequence

import yaml

LOG = logging.getLogger("aiscale.preview.policy_driver")
"""Where policy packs' log messages and stray output go."""

START_TIMEOUT_S = 60.0
"""How long a pack may take to print its port (imports of provider SDKs can be slow)."""
RPC_TIMEOUT_S = 120.0
"""Deadline of each Analyzer call."""
READY_POLL_S = 0.05
"""How often waiting for a pack's port, or for it to answer, checks that it is still wanted."""
STOP_GRACE_S = 5.0
"""How long a pack gets to exit after terminate, before it is killed."""
STDERR_TAIL_LINES = 25
"""Lines of a failing pack's stderr quoted in the error."""


class PolicyPackError(Exception):
    """A policy pack could not be run; the message names the pack directory and why (with the
    tail of its stderr when it failed)."""

    def __init__(self, pack_dir: Path, message: str, stderr_tail: str = "") -> None:
        detail = f"\n--- stderr (last lines) ---\n{stderr_tail}" if stderr_tail.strip() else ""
        super().__init__(f"policy pack {pack_dir}: {message}{detail}")
        self.pack_dir = pack_dir
        self.reason = message
        self.stderr_tail = stderr_tail


def _tail(stderr: IO[bytes], lines: int | None = STDERR_TAIL_LINES) -> str:
    """The last `lines` lines (None: all) a pack wrote to stderr ("" once the pack is stopped
    and its file closed)."""
    if stderr.closed:
        return ""
    stderr.flush()
    stderr.seek(0)
    written = stderr.read().decode(errors="replace").splitlines()
    return "\n".join(written[-lines:] if lines else written)


def pack_env(project: str, stack: str, stack_config: Mapping[str, str], dry_run: bool) -> dict[str, str]:
    """The environment the CLI gives a pack process."""
    return {**os.environ, "PULUMI_PROJECT": project, "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "true" if dry_run else "false",
            "PULUMI_CONFIG": json.dumps(dict(stack_config), sort_keys=True)}


def read_runtime(pack_dir: Path) -> None:
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


class PackProcess:
    """One running policy pack process and the stub to reach it."""

    def __init__(self, pack_dir: Path, engine_address: str, env: Mapping[str, str],
                 module: str = "pulumi.policy") -> None:
        self.dir = pack_dir
        self.env = dict(env)
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", module, engine_address, "."],
            cwd=pack_dir, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.stderr)
        self.channel: Any = None
        self.stub: Any = None
        self.stopping = False

    def connect(self, timeout: float) -> None:
        """Read the port from the pack's first stdout line, then open the channel."""
        import grpc
        from pulumi.runtime.proto import analyzer_pb2_grpc

        lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:  # in slices, as below
            try:
                first = lines.get(timeout=READY_POLL_S)
                break
            except queue.Empty:
                if self.stopping:
                    raise self.error("stopped before printing its port") from None
                if time.monotonic() > deadline:
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
        ready = grpc.channel_ready_future(self.channel)
        deadline = time.monotonic() + timeout
        while True:  # in slices: a pack stopped meanwhile ends the wait at once
            try:
                ready.result(timeout=READY_POLL_S)
                break
            except grpc.FutureTimeoutError:
                if self.stopping or self.process.poll() is not None:
                    raise self.error(f"exited with code {self.process.poll()} before "
                                     "answering") from None
                if time.monotonic() > deadline:
                    ready.cancel()
                    raise self.error(f"did not answer on port {port}") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def _pump(self, lines: queue.Queue) -> None:
        """Hand the first stdout line to `connect`, then log the rest (None at end of file)."""
        first = True
        try:
            for raw in iter(self.process.stdout.readline, b""):
                text = raw.decode(errors="replace")
                if first:
                    lines.put(text)
                    first = False
                else:
                    LOG.info("policy pack %s: %s", self.dir.name, text.rstrip())
        except (ValueError, OSError):  # stop() closed the pipe: the end, too
            pass
        if first:
            lines.put(None)

    def call(self, method: str, request: Any, what: str = "") -> Any:
        """Call an Analyzer method; a failure becomes PolicyPackError naming the call."""
        import grpc

        try:
            return getattr(self.stub, method)(request, timeout=RPC_TIMEOUT_S)
        except grpc.RpcError as error:
            where = f" for {what}" if what else ""
            raise self.error(f"{method}{where} failed: {error.details()}") from None

    def optional(self, method: str, request: Any) -> None:
        """Call a method that older packs do not implement (UNIMPLEMENTED is fine)."""
        import grpc

        try:
            getattr(self.stub, method)(request, timeout=RPC_TIMEOUT_S)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self.error(f"{method} failed: {error.details()}") from None

    def error(self, message: str) -> PolicyPackError:
        """A PolicyPackError for this pack, with its stderr tail."""
        return PolicyPackError(self.dir, message, _tail(self.stderr))

    def signal_stop(self) -> None:
        """Close the channel and ask the process to end, without waiting (see :meth:`stop`)."""
        self.stopping = True
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        """Close the channel and end the process: terminate, then kill."""
        self.signal_stop()
        if self.process.poll() is None:
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


def root_urn(project: str, stack: str) -> str:
    """The stack's URN, as the engine reports it to a pack."""
    return f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"


def start_packs(pack_dirs: Sequence[Path], engine_address: str, *, project: str, stack: str,
                stack_config: Mapping[str, str], dry_run: bool) -> list[PackProcess]:
    """Check each pack folder, then start its process (all or none: a failure stops those
    started). Needs no gRPC."""
    for directory in pack_dirs:
        read_runtime(directory)
    env = pack_env(project, stack, stack_config, dry_run)
    started: list[PackProcess] = []
    try:
        for directory in pack_dirs:
            started.append(PackProcess(Path(directory), engine_address, env))
    except BaseException:
        for process in started:
            process.stop()
        raise
    return started
