"""One measurement in a fresh interpreter: ``python bench/worker.py KIND ARGS... OUT.json``.

Kinds:

- ``aiscale DIR STACK [--warm] [--no-policies] [--protocol] [--records FILE]``: ``aiscale
  preview --cwd DIR --stack STACK --json ...`` run in-process through the real command line
  (tree, cost table and findings rendered to a file), with the phases timed by wrapping the
  functions the pipeline calls: the program on the mock runtime (``run_project``), the cost
  estimate and both policy packs (``evaluate_packs``: in-process by default, the whole of their
  work; with ``--protocol``, ``AISCALE_POLICY_TRANSPORT=protocol``: the packs served by the
  stock ``pulumi_policy`` in their own processes, whose start-up overlaps the program).
  ``--warm`` then runs it three more times in the same process, imports done, alternating with
  three runs with ``--no-policies``, and keeps the fastest of each: their difference is the
  time the policy packs add. ``--no-policies`` previews without the packs; ``--records FILE``
  also writes what the program registered, for ``replay``.
- ``bare N [--gc-paused] [--s3]``: the bare Pulumi SDK mock runtime (``pulumi.runtime.set_mocks``
  and plain ``Mocks``) registering N plain resources spread over the three clouds' SDKs (with
  ``--s3``, N S3 buckets: AWS's SDK only); with ``--gc-paused``, with the cyclic garbage
  collector paused as aiscale's engine pauses it.
- ``replay FILE [--gc-paused]``: the same bare runtime registering exactly the resources of
  FILE (``--records`` of an ``aiscale`` run) with generic resource classes (``bench/replay.py``).

Each writes a JSON object of figures to OUT.json: wall times in seconds (from before the first
Pulumi import), CPU seconds of the process and of its finished children, peak resident memory of the process (``ru_maxrss``) and, for ``aiscale``, the
phases, the resource count and the provider SDK modules loaded.
"""

from __future__ import annotations

import contextlib
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

PROVIDER_PREFIXES = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "pulumi_kubernetes")
"""The provider SDK packages whose loaded modules are counted."""
WARM_RUNS = 3
"""Warm previews per measurement; the fastest is kept."""


def _cpu_s() -> dict[str, float]:
    """CPU seconds so far of this process (all threads, from interpreter start) and of its
    finished child processes: unlike wall time, not inflated by other work on the machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_s": time.process_time(), "children_cpu_s": children.ru_utime + children.ru_stime}


def _peak_rss_mb() -> float:
    """Peak resident memory of this process, MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _provider_modules() -> dict[str, int]:
    """How many modules of each provider SDK package are loaded."""
    counts = {prefix: 0 for prefix in PROVIDER_PREFIXES}
    for name in sys.modules:
        root = name.split(".", 1)[0]
        if root in counts:
            counts[root] += 1
    return counts


def _kept(kept: list, value: Any) -> Any:
    """`value`, appended to `kept` (the preview result, for ``--records``)."""
    kept.append(value)
    return value


def _timed(phases: dict[str, float], key: str, function: Callable) -> Callable:
    """`function`, adding its wall time to ``phases[key]`` on each call."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[key] = phases.get(key, 0.0) + time.perf_counter() - start

    return wrapper


def _preview_cli(directory: Path, stack: str, phases: dict[str, float],
                 policies: bool = True) -> dict[str, Any]:
    """One ``aiscale preview`` through the command line (with `policies` False, with
    ``--no-policies``), output to a file; its figures."""
    from aiscale.cli import app

    report = directory / "report.json"
    phases.clear()
    gc.collect()  # start from a clean heap: no garbage of an earlier run is collected in this one
    start = time.perf_counter()
    options = [] if policies else ["--no-policies"]
    with open(directory / "stdout.txt", "w") as sink, contextlib.redirect_stdout(sink):
        exit_code = app(["preview", "--cwd", str(directory), "--stack", stack, "--json", str(report),
                         *options], standalone_mode=False)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "phases_s": dict(phases), "exit_code": exit_code,
            "resources": len(json.loads(report.read_text())["resources"])}


def measure_aiscale(directory: Path, stack: str, warm: bool, policies: bool = True,
                    records: Path | None = None) -> dict[str, Any]:
    """Run ``aiscale preview`` on the project in `directory`, timing its phases; with `warm`,
    run it a second time in the same process (imports done: the per-resource cost); with
    `records`, write what the program registered there (``bench/replay.py``)."""
    start = time.perf_counter()
    import aiscale.cost
    import aiscale.preview.pipeline as pipeline
    from aiscale.preview import collector

    collector.leave_garbage_to_exit()  # the cold run is a one-shot process, as `aiscale` sets it

    phases: dict[str, float] = {}
    results: list[Any] = []
    run_project = pipeline.run_project
    pipeline.run_project = _timed(phases, "program", lambda *a, **k: _kept(results, run_project(*a, **k)))
    aiscale.cost.estimate = _timed(phases, "cost", aiscale.cost.estimate)
    pipeline.evaluate_packs = _timed(phases, "policies", pipeline.evaluate_packs)
    cold = _preview_cli(directory, stack, phases, policies=policies)
    figures = {"kind": "aiscale", "total_s": time.perf_counter() - start, **_cpu_s(), "cold": cold,
               "resources": cold["resources"], "peak_rss_mb": _peak_rss_mb(),
               "provider_modules": _provider_modules()}
    if records is not None:
        from replay import replay_records

        records.write_text(json.dumps(replay_records(results[0].resources)))
    if warm:  # the fastest of each: other processes on the machine slow some runs
        collector.leave_garbage_to_exit(False)  # many previews in one process: each frees its garbage
        runs: dict[bool, list] = {True: [], False: []}
        for _ in range(WARM_RUNS):  # alternated, so a slow spell of the machine hits both
            for policies in (True, False):
                runs[policies].append(_preview_cli(directory, stack, phases, policies))
        figures["warm"] = min(runs[True], key=lambda run: run["wall_s"])
        figures["warm_no_policies"] = min(runs[False], key=lambda run: run["wall_s"])
    return figures


def _run_on_bare_mocks(program: Callable[[], None], gc_paused: bool) -> None:
    """Run `program` on ``pulumi.runtime.set_mocks`` with mocks that echo the inputs back with
    an id: the least a mock can do."""
    import pulumi
    from pulumi.runtime.mocks import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    class PlainMocks(pulumi.runtime.Mocks):
        """Echo the inputs back with an id."""

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
            return {}

    pulumi.runtime.set_mocks(PlainMocks(), project="bench", stack="bare", preview=True)
    if gc_paused:
        gc.disable()
    _sync_await(run_pulumi_func(program))


def measure_bare(count: int, gc_paused: bool, s3_only: bool = False) -> dict[str, Any]:
    """Register `count` plain resources on the bare Pulumi SDK mock runtime (with `gc_paused`,
    with the cyclic garbage collector paused as aiscale's engine does; with `s3_only`, S3
    buckets only)."""
    start = time.perf_counter()
    import pulumi  # noqa: F401 - timed with the imports
    import pulumi_aws.s3 as s3

    if not s3_only:
        import pulumi_azure_native.resources as resources
        import pulumi_gcp.storage as storage
    imported = time.perf_counter()
    tags = {"team": "bench"}

    def program() -> None:
        for index in range(count):
            kind = 0 if s3_only else index % 3
            if kind == 0:
                s3.Bucket(f"bucket{index}", bucket=f"bench-{index}", tags=tags)
            elif kind == 1:
                resources.ResourceGroup(f"group{index}", location="eastus", tags=tags)
            else:
                storage.Bucket(f"gcs{index}", location="US", labels=tags)

    _run_on_bare_mocks(program, gc_paused)
    total = time.perf_counter() - start
    return {"kind": "bare", "gc_paused": gc_paused, "s3_only": s3_only, "total_s": total, **_cpu_s(),
            "import_s": imported - start, "resources": count, "peak_rss_mb": _peak_rss_mb()}


def measure_replay(records_file: Path, gc_paused: bool) -> dict[str, Any]:
    """Register exactly the resources of `records_file` on the bare mock runtime."""
    start = time.perf_counter()
    import pulumi  # noqa: F401 - timed with the imports

    from replay import replay

    records = json.loads(records_file.read_text())
    imported = time.perf_counter()
    _run_on_bare_mocks(lambda: replay(records), gc_paused)
    total = time.perf_counter() - start
    return {"kind": "replay", "gc_paused": gc_paused, "total_s": total, **_cpu_s(), "import_s": imported - start,
            "resources": len(records), "peak_rss_mb": _peak_rss_mb()}


def main(argv: list[str]) -> None:
    """Dispatch on the kind and write the figures to the last argument."""
    kind, *args, out = argv
    if kind == "aiscale":
        if "--protocol" in args:  # before aiscale is imported
            import os

            os.environ["AISCALE_POLICY_TRANSPORT"] = "protocol"
        records = Path(args[args.index("--records") + 1]) if "--records" in args else None
        figures = measure_aiscale(Path(args[0]), args[1], warm="--warm" in args,
                                  policies="--no-policies" not in args, records=records)
        if "--protocol" in args:
            figures["transport"] = "protocol"
    elif kind == "bare":
        figures = measure_bare(int(args[0]), gc_paused="--gc-paused" in args, s3_only="--s3" in args)
    elif kind == "replay":
        figures = measure_replay(Path(args[0]), gc_paused="--gc-paused" in args)
    else:
        raise SystemExit(f"unknown kind {kind!r}; valid: aiscale, bare, replay")
    Path(out).write_text(json.dumps(figures, indent=2, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
