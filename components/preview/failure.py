"""One clear message for a program that failed during an offline preview.

The message names the error and the user's own line: the deepest frame of the traceback that
is not in the Python standard library (asyncio), an installed package (the Pulumi SDK, the
provider SDKs) or this preview engine. For an error raised inside an ``.apply`` callback, that
is the callback's line in the program.
"""

from __future__ import annotations

import linecache
import sys
import sysconfig
from pathlib import Path
from types import TracebackType
from typing import Optional

from aiscale.sdk_extras import missing_sdk_hint

#: Errors whose message is already the whole story: invalid input, not a bug in the program.
USER_ERRORS = ("PlatformValidationError", "RunError", "InputPropertiesError", "InputPropertyError",
               "ValueError", "CatalogLookupError")
#: Longest source line quoted in a message.
MAX_SOURCE_CHARS = 160


def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths.get("stdlib"), paths.get("platstdlib"), paths.get("purelib"), paths.get("platlib"),
             str(Path(__file__).resolve().parent)}
    roots.update(entry for entry in sys.path if "site-packages" in entry or "dist-packages" in entry)
    return tuple(sorted(root.rstrip("/") + "/" for root in roots if root))


def is_user_file(filename: str, roots: Optional[tuple[str, ...]] = None) -> bool:
    """True for a file of the user's program or libraries, False for the standard library,
    installed packages, this engine and frozen or generated code."""
    if not filename or filename.startswith("<frozen") or "site-packages" in filename \
            or "dist-packages" in filename:
        return False
    resolved = filename if filename.startswith("<") else str(Path(filename).resolve())
    return not any(resolved.startswith(root) or filename.startswith(root)
                   for root in (roots if roots is not None else _library_roots()))


def _tracebacks(error: BaseException):
    """The error's traceback, then those of the errors it was raised from or during."""
    seen: set[int] = set()
    current: Optional[BaseException] = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current.__traceback__
        current = current.__cause__ or current.__context__


def user_frame(error: BaseException) -> Optional[TracebackType]:
    """The deepest traceback entry in the user's own code, or None."""
    roots = _library_roots()
    for trace in _tracebacks(error):
        found = None
        while trace is not None:
            if is_user_file(trace.tb_frame.f_code.co_filename, roots):
                found = trace
            trace = trace.tb_next
        if found is not None:
            return found
    return None


def location(error: BaseException) -> str:
    """`` (at file:line: source)`` for the user's frame, or "" when there is none."""
    frame = user_frame(error)
    if frame is None:
        return ""
    filename, line = frame.tb_frame.f_code.co_filename, frame.tb_lineno
    source = linecache.getline(filename, line).strip()
    if len(source) > MAX_SOURCE_CHARS:
        source = source[:MAX_SOURCE_CHARS - 3] + "..."
    return f" (at {filename}:{line}" + (f": {source}" if source else "") + ")"


def describe_failure(error: BaseException) -> str:
    """One clear message for a failed program: the error itself, and where the program raised it."""
    message = str(error) or type(error).__name__
    if type(error).__name__ in USER_ERRORS:
        return message
    if (missing_sdk := missing_sdk_hint(error)) is not None:
        return missing_sdk
    return f"program error: {type(error).__name__}: {message}{location(error)}"


def describe_internal(error: BaseException) -> str:
    """One message for an unexpected error of the preview itself (not of the program): its type,
    text and the line that raised it, for a bug report."""
    trace, last = error.__traceback__, None
    while trace is not None:
        last, trace = trace, trace.tb_next
    where = f" (at {last.tb_frame.f_code.co_filename}:{last.tb_lineno})" if last is not None else ""
    return (f"the preview failed unexpectedly: {type(error).__name__}: {error}{where}; "
            f"this is a bug in aiscale preview, please report it")
