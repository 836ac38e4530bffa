"""Where a policy raised: the pack, the policy, the exception type and the line.

Over the Analyzer protocol a policy that raises reaches the driver as gRPC's ``Exception calling
application: 'nope'``: the stock ``pulumi_policy`` sends only the exception's text. So when an
``Analyze`` call fails that way, :func:`diagnose` replays that one request against a second
process of the same pack run under this module (``python -m aiscale.preview.policy_crash
<engine> .``), which runs ``pulumi.policy`` unchanged with a trace hook on the pack folder's
own code: the first exception raised there is written to stderr as one JSON line (type,
message, file, line, function, and the policy whose ``validate`` was running). Only a failing
pack pays for the replay.

In process (the bundled packs), :func:`describe_in_process` reads the same facts from the
exception's traceback.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Optional

MARK = "aiscale-policy-exception: "
"""Prefix of the JSON line the traced pack writes to stderr."""


def crash_text(*, pack: str, policy: Optional[str], error_type: str, message: str,
               file: Optional[str], line: Optional[int], function: Optional[str],
               urn: Optional[str]) -> str:
    """``policy 'P' of pack 'K' raised KeyError: 'nope' at __main__.py:9 (in _crash), checking
    <urn>``: one sentence with everything known."""
    who = f"policy {policy!r} of pack {pack!r}" if policy else f"pack {pack!r}"
    where = f" at {file}:{line}" if file and line else ""
    inside = f" (in {function})" if function and where else ""
    subject = f", checking {urn}" if urn else ""
    return f"{who} raised {error_type}: {message}{where}{inside}{subject}"


# -- in process ----------------------------------------------------------------------------------

def _frames(traceback: Optional[TracebackType]) -> list[tuple[FrameType, int]]:
    frames = []
    while traceback is not None:
        frames.append((traceback.tb_frame, traceback.tb_lineno))
        traceback = traceback.tb_next
    return frames


def describe_in_process(pack: str, error: BaseException, root: Path) -> str:
    """:func:`crash_text` of a bundled check that raised `error`: the policy and resource from
    the evaluator's frame (its ``check`` and ``view`` locals), the line from the innermost frame
    (relative to `root`, the package folder, when inside it)."""
    frames = _frames(error.__traceback__)
    policy = urn = None
    for frame, _ in frames:
        check, view = frame.f_locals.get("check"), frame.f_locals.get("view")
        if getattr(check, "id", None):
            policy = check.id
            urn = getattr(view, "urn", urn)
    file = line = function = None
    if frames:
        frame, line = frames[-1]
        path = Path(frame.f_code.co_filename)
        file = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
        function = frame.f_code.co_name
    return crash_text(pack=pack, policy=policy, error_type=type(error).__name__, message=str(error),
                      file=file, line=line, function=function, urn=urn)


# -- over the protocol -------------------------------------------------------------------------

def is_application_error(details: str) -> bool:
    """True for gRPC's text of an exception the pack's code raised."""
    return details.startswith("Exception calling application")


def parse_crash(stderr: str) -> Optional[dict[str, Any]]:
    """The first exception the traced pack reported on `stderr`, or None."""
    for line in stderr.splitlines():
        if line.startswith(MARK):
            try:
                return json.loads(line[len(MARK):])
            except ValueError:
                return None
    return None


def diagnose(pack_dir: Path, engine_address: str, env: dict[str, str], policy_config: Any,
             request: Any) -> Optional[dict[str, Any]]:
    """Replay `request` (an ``AnalyzeRequest``) against a traced process of the pack in
    `pack_dir`, configured with `policy_config` (the reconciled ``Configure`` map); the crash it
    reports, or None when the replay does not crash (or cannot run)."""
    from pulumi.runtime.proto import analyzer_pb2

    from aiscale.preview.policy_process import START_TIMEOUT_S, PackProcess, _tail

    process = PackProcess(pack_dir, engine_address, env, module=__name__)
    try:
        process.connect(START_TIMEOUT_S)
        process.call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))
        for method in ("Remediate", "Analyze"):
            try:
                getattr(process.stub, method)(request, timeout=START_TIMEOUT_S)
            except Exception:  # noqa: BLE001 - the crash we replay; its facts are on stderr
                break
        return parse_crash(_tail(process.stderr, lines=None))
    except Exception:  # noqa: BLE001 - a diagnosis that fails leaves the original error as is
        return None
    finally:
        process.stop()


class _Tracer:
    """The trace hook of the diagnosing pack process: watches ``pulumi_policy``'s ``Analyze``
    and ``Remediate`` frames only, and reports the first exception that reaches one of them
    from a policy (the innermost frame of the pack folder's own files gives the line)."""

    WATCHED = ("Analyze", "Remediate")

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.reported = False
        self.lock = threading.Lock()

    def on_call(self, frame: FrameType, event: str, arg: Any):
        code = frame.f_code
        if self.reported or code.co_name not in self.WATCHED or "pulumi_policy" not in code.co_filename:
            return None
        return self.on_event

    def on_event(self, frame: FrameType, event: str, arg: Any):
        if event == "exception" and not self.reported:
            error_type, error, traceback = arg
            if error_type.__name__ in ("UnknownValueError", "_NotApplicableError"):
                return self.on_event
            with self.lock:
                if not self.reported:
                    self.reported = True
                    self._report(frame, error_type, error, traceback)
        return self.on_event

    def _own(self, frame: FrameType) -> bool:
        name = frame.f_code.co_filename
        return not name.startswith("<") and os.path.abspath(name).startswith(self.folder)

    def _report(self, frame: FrameType, error_type: type, error: BaseException,
                traceback: Optional[TracebackType]) -> None:
        frames = _frames(traceback)
        own = [(f, line) for f, line in frames if self._own(f)] or frames[-1:]
        where, line = own[-1] if own else (frame, frame.f_lineno)
        policy = getattr(frame.f_locals.get("policy"), "name", None)
        path = os.path.abspath(where.f_code.co_filename)
        facts = {"type": error_type.__name__, "message": str(error), "line": line,
                 "file": os.path.relpath(path, self.folder) if self._own(where) else path,
                 "function": where.f_code.co_name, "policy": policy}
        sys.stderr.write(MARK + json.dumps(facts) + "\n")
        sys.stderr.flush()


def _host() -> None:
    """``python -m aiscale.preview.policy_crash <engine> .``: ``pulumi.policy`` with the trace
    hook on the current folder (the pack's)."""
    import runpy

    tracer = _Tracer(os.path.abspath(".") + os.sep)
    threading.settrace(tracer.on_call)
    sys.settrace(tracer.on_call)
    sys.argv[0] = "pulumi.policy"
    runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _host()
