"""Benchmarks of ``aiscale preview`` against the bare Pulumi SDK: ``python bench/run.py``.

One run, on this machine, measures in a fresh interpreter per figure (``bench/worker.py``):

1. ``aiscale preview`` of three-cloud platforms of about 100, 1,000 and 3,000 resources
   (``bench/platforms.py``; this repository's ``__main__.py`` in a temporary project): wall
   time from a cold interpreter, peak memory, the time spent in the program, the cost estimate
   and the policy packs (evaluated in-process, the default), warm previews in the same process
   with and without the packs, and more cold previews with and without them (the time they
   add) and with the packs served over the Analyzer protocol by the stock ``pulumi_policy``
   (``AISCALE_POLICY_TRANSPORT=protocol``, what a pack folder costs);
2. the bare Pulumi SDK mock runtime registering as many plain resources, as-is and with the
   cyclic garbage collector paused (what aiscale's engine does);
3. start-up: ``aiscale preview`` of a one-bucket AWS-only stack, and the provider SDK modules
   it loaded;
4. the pool-heavy platform (``platforms.pool_heavy_model``: 24 GPU pools on each of three
   clouds, half spot, 24 buckets; about 930 resources): the cold whole ``aiscale preview`` and
   ``--no-policies``, against the bare SDK registering as many S3 buckets and against the
   report's own resources replayed through the bare SDK (``bench/replay.py``), with and without
   the collector paused; each in a fresh interpreter, alternated, the fastest of each kept.

It prints the figures, the ratios and each target as met or missed, and with ``--markdown``
the tables for the docs. Options: ``--sizes 100,1000,3000``, ``--repeats N`` (pool-heavy runs
of each kind, default 3), ``--quick`` (the pool-heavy platform only, once each: about a
minute), ``--json FILE``, ``--markdown``. Not part of the test suite; the whole run takes about
nine minutes on two idle cores (eight measured before the cold previews over the protocol were
added).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from platforms import (  # noqa: E402
    POOL_HEAVY_BUCKETS,
    POOL_HEAVY_POOLS,
    aws_one_bucket_model,
    platform_model,
    pool_heavy_model,
    units_for,
    write_project,
)
from summary import POOL_HEAVY_KINDS, machine, render, targets  # noqa: E402

STACK = "bench"
"""The stack name of every generated project."""
DEFAULT_SIZES = (100, 1000, 3000)
"""Target resource counts."""
COLD_PAIRS = 2
"""Extra cold previews per size with and without the policy packs, and with them over the
protocol (fresh interpreters); the fastest of each gives the time the packs add to ``aiscale
preview``."""
COLD_RUNS = (("no_policies", ("--no-policies",)), ("policies", ()), ("protocol", ("--protocol",)))
"""The cold previews of each round: without the packs, with them (in-process), over the protocol."""
POOL_HEAVY_REPEATS = 3
"""Cold runs of each pool-heavy measurement (``--repeats``)."""


def _worker(*args: str, out: Path) -> dict[str, Any]:
    """Run bench/worker.py in a fresh interpreter; its figures plus the process wall time."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(BENCH / "worker.py"), *args, str(out)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench worker {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    figures = json.loads(out.read_text())
    figures["process_wall_s"] = wall
    return figures


def measure_pool_heavy(workdir: Path, repeats: int) -> dict[str, Any]:
    """The pool-heavy section: every kind of :data:`summary.POOL_HEAVY_KINDS` `repeats` times in
    fresh interpreters, alternated so that a slow spell of the machine hits every kind."""
    project = write_project(workdir / "pool-heavy", STACK, pool_heavy_model())
    records = workdir / "pool-heavy-records.json"
    print("  pool-heavy platform: ", end="", flush=True)
    first = _worker("aiscale", str(project), STACK, "--no-policies", "--records", str(records),
                    out=workdir / "pool-heavy-program-0.json")
    count = first["resources"] - 1  # the bare runtime registers its own stack resource
    arguments = {"preview": ("aiscale", str(project), STACK), "program": ("aiscale", str(project), STACK, "--no-policies"),
                 "bare_s3": ("bare", str(count), "--s3"), "replay": ("replay", str(records)),
                 "replay_gc_paused": ("replay", str(records), "--gc-paused")}
    runs: dict[str, list] = {kind: [] for kind in POOL_HEAVY_KINDS}
    runs["program"].append(first)
    for run in range(repeats):
        for kind in POOL_HEAVY_KINDS:
            if kind == "program" and run == 0:
                continue  # the first program run wrote the records
            runs[kind].append(_worker(*arguments[kind], out=workdir / f"pool-heavy-{kind}-{run}.json"))
        print(f"{run + 1}/{repeats} ", end="", flush=True)
    print(f"({first['resources']} resources)")
    return {"resources": first["resources"], "pools": POOL_HEAVY_POOLS, "buckets": POOL_HEAVY_BUCKETS,
            "provider_modules": first["provider_modules"], "runs": runs}


def measure(sizes: tuple[int, ...], workdir: Path, repeats: int = POOL_HEAVY_REPEATS) -> dict[str, Any]:
    """Every figure of one benchmark run (no `sizes`: the pool-heavy platform only)."""
    rows = []
    for target in sizes:
        project = write_project(workdir / f"size-{target}", STACK, platform_model(units_for(target)))
        print(f"  {target:>5} resources: aiscale preview ...", end="", flush=True)
        preview = _worker("aiscale", str(project), STACK, "--warm", out=workdir / f"aiscale-{target}.json")
        count = preview["resources"] - 1  # the bare runtime registers its own stack resource
        print(f" {preview['total_s']:.1f} s; again with and without policies ...", end="", flush=True)
        cold = {"policies": [preview["total_s"]], "no_policies": [], "protocol": []}
        for run in range(COLD_PAIRS):  # alternated, so a slow spell of the machine hits each
            for key, options in COLD_RUNS:
                figures = _worker("aiscale", str(project), STACK, *options,
                                  out=workdir / f"cold-{key}-{target}-{run}.json")
                cold[key].append(figures["total_s"])
        preview["cold_totals_s"] = cold
        print(f" {min(cold['policies']):.1f} s / {min(cold['no_policies']):.1f} s / "
              f"{min(cold['protocol']):.1f} s (protocol); bare SDK ...",
              end="", flush=True)
        bare = _worker("bare", str(count), out=workdir / f"bare-{target}.json")
        paused = _worker("bare", str(count), "--gc-paused", out=workdir / f"bare-paused-{target}.json")
        print(f" {bare['total_s']:.1f} s / {paused['total_s']:.1f} s (collector paused)")
        rows.append({"target": target, "aiscale": preview, "bare": bare, "bare_gc_paused": paused})
    figures: dict[str, Any] = {"machine": machine(), "sizes": rows}
    if sizes:
        project = write_project(workdir / "startup", STACK, aws_one_bucket_model())
        print("  start-up: one-bucket AWS-only stack ...", end="", flush=True)
        figures["startup"] = _worker("aiscale", str(project), STACK, out=workdir / "startup.json")
        print(f" {figures['startup']['process_wall_s']:.1f} s")
    figures["pool_heavy"] = measure_pool_heavy(workdir, repeats)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; exit 0 (a missed target is reported, not an error)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated target resource counts (default 100,1000,3000)")
    parser.add_argument("--repeats", type=int, default=POOL_HEAVY_REPEATS,
                        help=f"cold runs of each pool-heavy measurement (default {POOL_HEAVY_REPEATS})")
    parser.add_argument("--quick", action="store_true",
                        help="the pool-heavy platform only, one run of each measurement")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--markdown", action="store_true", help="also print the docs table")
    options = parser.parse_args(argv)
    sizes = () if options.quick else tuple(int(size) for size in options.sizes.split(",") if size)
    repeats = 1 if options.quick else options.repeats
    print("aiscale preview vs the bare Pulumi SDK (fresh interpreter per figure)")
    with tempfile.TemporaryDirectory(prefix="aiscale-bench-") as workdir:
        figures = measure(sizes, Path(workdir), repeats)
    figures["targets"] = targets(figures)
    print()
    print(render(figures, markdown=options.markdown))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
