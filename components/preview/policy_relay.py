"""Analyze a preview's resources while its program runs, from a separate relay process.

In ``pulumi preview --policy-pack`` the program (the language host) and the engine that calls
the analyzers are separate processes: the program registers a resource and goes on while the
engine analyzes it. The offline preview runs the program in this process, so the engine's
analyzer side runs in a relay process (``python -m aiscale.preview.policy_relay``) that owns a
:class:`~aiscale.preview.policy_driver.PackSession`: the pack processes, their gRPC clients and
the messages they are sent (this process serves the Engine endpoint the packs log to, so their
log messages reach its log directly). Driving them from this process instead would make each of their
threads wait for the interpreter lock the busy program holds (a few milliseconds per answer,
measured: at 1,000 resources a tenth of them were analyzed by the time the program ended).

This process sends the relay each record as it registers (batched by a writer thread, so the
program never waits on the pipe) and, once the program ends, the final records; the relay
answers with the violations, the log messages of the run, or the pack error.

Wire: pickled tuples on the relay's stdin (``("start", settings)``, ``("observe", records)``,
``("analyze", records)``) and one pickled answer on a dedicated pipe (``("ok", violations,
logs)`` or ``("error", pack_dir, message, stderr_tail, logs)``). The relay's own output goes to
a temporary file, quoted when it fails.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, BinaryIO, Mapping, Optional, Sequence

from aiscale.preview.policy_process import LOG, STOP_GRACE_S, PolicyPackError, root_urn, start_packs
from aiscale.preview.records import ResourceRecord

RELAY_NICENESS = 10
"""How much lower than the preview's the scheduling priority of the relay and its packs is:
their work overlaps the program, which goes first when the machine has no idle core (measured
on two cores: about 0.5 s less wall time at 1,000 resources); with idle cores it changes nothing."""
RELAY_ANSWER_TIMEOUT_S = 600.0
"""How long the relay may take to answer once the program has ended."""

_END = object()
"""Queued after the last record: the writer thread sends what is left and ends."""


class StreamingSession:
    """The policy packs of one preview, analyzing its resources as they register: a context
    manager that starts the relay (and through it the packs) before the program runs, forwards
    each record (:meth:`observe`, the preview monitor's observer), answers with every violation
    (:meth:`analyze`) and always ends the relay, which ends the packs.

    Same arguments as :class:`~aiscale.preview.policy_driver.PackSession`.
    """

    def __init__(self, pack_dirs: Sequence[Path], *, project: str, stack: str,
                 stack_config: Mapping[str, str] | None = None, dry_run: bool = True,
                 configs: Sequence[Optional[Mapping[str, Any]]] | None = None) -> None:
        self.settings = {"pack_dirs": [str(Path(d).resolve()) for d in pack_dirs],
                         "project": project, "stack": stack, "dry_run": dry_run,
                         "stack_config": dict(stack_config or {}),
                         "configs": list(configs) if configs is not None else None}
        self.process: Optional[subprocess.Popen] = None
        self.answers: Optional[BinaryIO] = None
        self.output: Optional[IO[bytes]] = None
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.writer: Optional[threading.Thread] = None
        self.engine: Any = None
        self.answered = False

    def __enter__(self) -> "StreamingSession":
        if not self.settings["pack_dirs"]:
            return self
        from aiscale.preview.policy_engine import start_engine

        self.engine, self.settings["engine_address"] = start_engine(
            root_urn(self.settings["project"], self.settings["stack"]))
        read_end, write_end = os.pipe()
        self.output = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "aiscale.preview.policy_relay", str(write_end)],
                stdin=subprocess.PIPE, stdout=self.output, stderr=subprocess.STDOUT,
                pass_fds=(write_end,))
        finally:
            os.close(write_end)
        self.answers = os.fdopen(read_end, "rb")
        self.writer = threading.Thread(target=self._write, daemon=True, name="aiscale-policy-relay")
        self.writer.start()
        self.outbox.put(("start", self.settings))
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.outbox.put(_END)
        if self.writer is not None:
            self.writer.join(STOP_GRACE_S)
        if self.engine is not None:
            self.engine.stop(grace=None)
        if self.process is None:
            return
        with contextlib.suppress(OSError):  # the relay already closed its end
            self.process.stdin.close()
        if self.answered:  # it is stopping its packs and exiting: see it end in the background
            threading.Thread(target=self._finish, daemon=True, name="aiscale-policy-relay-end").start()
        else:
            self._finish()

    def _finish(self) -> None:
        self._stop()
        for stream in (self.answers, self.output):
            if stream is not None:
                stream.close()

    def _stop(self) -> None:
        """Wait for the relay to end (it stops its packs at the end of its input, or on SIGTERM);
        terminate it, then kill it, if it does not."""
        try:
            self.process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=2 * STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _write(self) -> None:
        """Send what the program queues, in batches: a whole batch per turn of this thread."""
        stream = self.process.stdin
        try:
            while True:
                item = self.outbox.get()
                batch = []
                while item is not _END and item[0] == "observe":
                    batch.append(item[1])
                    try:
                        item = self.outbox.get_nowait()
                    except queue.Empty:
                        item = None
                        break
                if batch:
                    pickle.dump(("observe", batch), stream, protocol=pickle.HIGHEST_PROTOCOL)
                if item is None:
                    stream.flush()
                    continue
                if item is _END:
                    stream.flush()
                    return
                pickle.dump(item, stream, protocol=pickle.HIGHEST_PROTOCOL)
                stream.flush()
        except (BrokenPipeError, OSError, ValueError):  # the relay ended early: analyze() says why
            return

    def observe(self, record: ResourceRecord) -> None:
        """Forward a just-registered resource to the relay (never blocks the program)."""
        if self.process is not None:
            self.outbox.put(("observe", record))

    def analyze(self, resources: Sequence[ResourceRecord]) -> list:
        """Every pack's violations over the program's final `resources`, sorted; the relay's
        log messages are logged here. Raises PolicyPackError as the packs' driver does."""
        if self.process is None:
            return []
        self.outbox.put(("analyze", list(resources)))
        ready, _, _ = select.select([self.answers], [], [], RELAY_ANSWER_TIMEOUT_S)
        if not ready:
            self.process.terminate()
            raise self._relay_failed(f"did not answer within {RELAY_ANSWER_TIMEOUT_S:.0f} s")
        try:
            answer = pickle.load(self.answers)
        except (EOFError, pickle.UnpicklingError):
            try:
                self.process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.process.terminate()
            raise self._relay_failed(f"exited with code {self.process.poll()} before answering") from None
        self.answered = True
        *result, logs = answer
        for level, message in logs:
            LOG.log(level, "%s", message)
        if result[0] == "error":
            _, pack_dir, message, stderr_tail = result
            raise PolicyPackError(Path(pack_dir), message, stderr_tail)
        return result[1]

    def _relay_failed(self, what: str) -> PolicyPackError:
        """The error of a relay that failed (named after the first pack folder it ran), with
        the tail of the relay's own output."""
        self.output.seek(0)
        tail = "\n".join(self.output.read().decode(errors="replace").splitlines()[-25:])
        return PolicyPackError(Path(self.settings["pack_dirs"][0]), f"the policy relay "
                               f"(python -m aiscale.preview.policy_relay) {what}", tail)


# -- the relay process --------------------------------------------------------------------------

class _Collect(logging.Handler):
    """Keep the driver's log records, to send them back with the answer."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def _answer(answers: BinaryIO, answer: tuple) -> None:
    pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
    answers.flush()


def _error(error: PolicyPackError, logs: _Collect) -> tuple:
    return ("error", str(error.pack_dir), error.reason, error.stderr_tail, logs.records)


def _serve(commands: BinaryIO, answers: BinaryIO) -> None:
    """Read the commands, start the packs, drive them, write the one answer (before stopping
    the packs: the preview need not wait for that)."""
    logs = _Collect()
    LOG.addHandler(logs)
    LOG.setLevel(logging.DEBUG)
    LOG.propagate = False
    kind, settings = pickle.load(commands)
    dirs = [Path(d) for d in settings["pack_dirs"]]
    processes: list = []
    try:
        processes = start_packs(dirs, settings["engine_address"], project=settings["project"],
                                stack=settings["stack"], stack_config=settings["stack_config"],
                                dry_run=settings["dry_run"])
        from aiscale.preview.policy_driver import PackSession  # gRPC loads while the packs start

        with PackSession(dirs, project=settings["project"], stack=settings["stack"],
                         stack_config=settings["stack_config"], dry_run=settings["dry_run"],
                         configs=settings["configs"], engine_address=settings["engine_address"],
                         processes=processes) as session:
            processes = []  # the session stops them
            while True:
                try:
                    kind, payload = pickle.load(commands)
                except EOFError:
                    return  # the preview ended without asking (its program failed)
                if kind == "observe":
                    for record in payload:
                        session.observe(record)
                    continue
                try:
                    answer = ("ok", session.analyze(payload), logs.records)
                except PolicyPackError as error:
                    answer = _error(error, logs)
                _answer(answers, answer)
                return
    except PolicyPackError as error:  # a pack could not start
        _answer(answers, _error(error, logs))
    finally:
        for process in processes:
            process.stop()


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str]) -> int:
    """``python -m aiscale.preview.policy_relay ANSWER_FD``: serve one preview's packs."""
    signal.signal(signal.SIGTERM, _terminated)
    os.nice(RELAY_NICENESS)
    with os.fdopen(int(argv[0]), "wb") as answers:
        _serve(sys.stdin.buffer, answers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
