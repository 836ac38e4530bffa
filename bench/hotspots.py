"""Where the program's time goes on the pool-heavy platform: ``python bench/hotspots.py``.

Three measurements, each in a fresh interpreter (``python bench/hotspots.py --step STEP DIR OUT``):

1. ``profile``: ``aiscale.preview.engine.run_project`` of the pool-heavy project (the program
   only, no policy packs) under ``cProfile``: the hottest functions by own time, and the time
   spent under the entry points that matter (all imports, each per-cloud builder's ``build``,
   the capture monitor, the fake cloud, the Pulumi runtime's registration), plus the provider
   SDK modules the program loaded;
2. ``imports``: importing exactly those provider modules, and nothing else (their loading cost
   without the profiler);
3. ``warm``: the program twice in one process, the second run timed (its cost without imports).

cProfile slows Python code down (roughly 1.5-2x here), so its seconds are shares, not timings;
steps 2 and 3 are plain wall and CPU times. Options: ``--top N`` (default 10), ``--json FILE``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from platforms import pool_heavy_model, write_project  # noqa: E402

STACK = "bench"
PROVIDER_ROOTS = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "pulumi_kubernetes")
"""The provider SDK packages whose modules step 2 imports."""
ENTRY_POINTS = {
    "all module loading (_find_and_load)": lambda file, name: name == "_find_and_load",
    "capture monitor (aiscale.preview.monitor)": lambda file, name: file.endswith("preview/monitor.py")
    and name in ("RegisterResource", "RegisterResourceOutputs", "ReadResource", "Invoke", "Call"),
    "fake cloud (aiscale.preview.fake_cloud)": lambda file, name: file.endswith("preview/fake_cloud.py")
    and name in ("new_resource", "call", "invoke"),
    "Pulumi: Resource.__init__ (registration, all resources)": lambda file, name:
    file.endswith("pulumi/resource.py") and name == "__init__",
    "Pulumi: wait_for_rpcs (settling outputs at the end)": lambda file, name: name == "wait_for_rpcs",
    "garbage collection at the end of the run (gc.collect)": lambda file, name: "gc.collect" in name,
}
"""Entry points whose cumulative time the profile reports (overlapping: a builder's time includes
the registrations it makes)."""


WAITS = ("<method 'get' of '_queue.SimpleQueue' objects>", "<method 'acquire' of '_thread.lock' objects>",
         "<method 'poll' of 'select.epoll' objects>")
"""Idle executor threads and the event loop waiting: left out of the busy time."""
BUILDER = re.compile(r"/aiscale/(aws|azure|gcp|kubernetes)/")
"""A per-cloud builder module, as installed or bound (``.pyshim/aiscale`` -> ``components``)."""
PACKAGES = (("pulumi_aws", "pulumi_aws"), ("pulumi_azure_native", "pulumi_azure_native"),
            ("pulumi_gcp", "pulumi_gcp"), ("pulumi_kubernetes", "pulumi_kubernetes"),
            ("/pulumi/", "pulumi (runtime)"), ("/aiscale/", "aiscale"), ("/components/", "aiscale"),
            ("importlib", "import machinery"), ("<frozen", "import machinery"), ("asyncio", "asyncio"),
            ("typing.py", "typing"), ("/grpc/", "grpc/protobuf"), ("google/protobuf", "grpc/protobuf"),
            ("pydantic", "pydantic"))
"""(path fragment, group) to add own time up by package; the first match wins."""


def _package(file: str, name: str) -> str:
    """The group of a function for the by-package table; C functions (file ``~``) by name."""
    if file == "~":
        if any(word in name for word in ("marshal", "compile", "__build_class__", "posix", "_io")):
            return "import machinery"
        return "builtins and C methods"
    return next((group for fragment, group in PACKAGES if fragment in file), "other Python (stdlib)")


def _site(file: str, line: int, name: str) -> str:
    """A short location: ``aiscale/aws/network.py:40(build)`` or ``pulumi/output.py:...``."""
    for marker in ("site-packages/", "/.pyshim/", "/components/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line}({name})"


def step_profile(directory: Path) -> dict[str, Any]:
    """Step 1: the profiled program. The preview runs the program on a worker thread and the
    Pulumi runtime makes its resource-monitor calls from executor threads, so every thread
    started from here on gets its own profiler (``threading.setprofile``); their statistics are
    added up."""
    import cProfile
    import pstats
    import threading

    from aiscale.preview.engine import run_project
    from aiscale.preview.project import load_project

    profilers: list[cProfile.Profile] = []

    def profile_this_thread(frame: Any, event: str, arg: Any) -> None:
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()  # replaces this hook in this thread

    project = load_project(directory, STACK)
    threading.setprofile(profile_this_thread)
    start = time.perf_counter()
    result = run_project(project)
    wall = time.perf_counter() - start
    threading.setprofile(None)
    merged = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        merged.add(profiler)
    stats = merged.stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    busy = {key: value for key, value in stats.items() if key[2] not in WAITS}
    total_own = sum(entry[2] for entry in busy.values())
    by_package: dict[str, float] = {}
    for (file, line, name), value in busy.items():
        group = _package(file, name)
        by_package[group] = by_package.get(group, 0.0) + value[2]
    hot = sorted(busy.items(), key=lambda item: item[1][2], reverse=True)
    entries = {label: sum(ct for (file, line, name), (_, _, _, ct, _) in stats.items() if match(file, name))
               for label, match in ENTRY_POINTS.items()}
    builders = {}
    for (file, line, name), (_, calls, _, ct, _) in stats.items():
        if name == "build" and BUILDER.search(file):
            builders[_site(file, line, name)] = {"calls": calls, "cumulative_s": ct}
    modules = sorted(name for name in sys.modules if name.split(".", 1)[0] in PROVIDER_ROOTS)
    return {"profiled_wall_s": wall, "profiled_own_s": total_own, "resources": len(result.resources),
            "threads": len(profilers),
            "hot": [{"site": _site(*key), "calls": value[1], "own_s": value[2], "cumulative_s": value[3]}
                    for key, value in hot[:40]],
            "entry_points": entries,
            "by_package": dict(sorted(by_package.items(), key=lambda item: -item[1])),
            "builders": dict(sorted(builders.items(), key=lambda item: -item[1]["cumulative_s"])),
            "provider_modules": modules}


def step_imports(modules_file: Path) -> dict[str, Any]:
    """Step 2: import the provider modules the program loaded, nothing else."""
    import importlib

    modules = json.loads(modules_file.read_text())
    cpu, start = time.process_time(), time.perf_counter()
    import pulumi  # noqa: F401 - the SDKs import it first; timed apart below

    pulumi_s = time.perf_counter() - start
    for name in modules:
        importlib.import_module(name)
    return {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu,
            "pulumi_s": pulumi_s, "modules": len(modules)}


def step_warm(directory: Path) -> dict[str, Any]:
    """Step 3: the program twice in one process; the second run's time."""
    from aiscale.preview.engine import run_project
    from aiscale.preview.project import load_project

    project = load_project(directory, STACK)
    start, cpu = time.perf_counter(), time.process_time()
    run_project(project)
    cold_wall, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    run_project(project)
    return {"cold_wall_s": cold_wall, "cold_cpu_s": cold_cpu,
            "warm_wall_s": time.perf_counter() - start, "warm_cpu_s": time.process_time() - cpu}


def _step(step: str, argument: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--step", step, str(argument), str(out)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"profile step {step} failed:\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


def render(figures: dict[str, Any], top: int) -> str:
    """The decomposition, the entry points, the builders and the hot spots, as text."""
    profile, imports, warm = figures["profile"], figures["imports"], figures["warm"]
    scale = profile["profiled_own_s"]
    lines = [f"Program only (run_project), pool-heavy platform, {profile['resources']} resources:",
             f"  cold program {warm['cold_wall_s']:.2f} s wall / {warm['cold_cpu_s']:.2f} s CPU; "
             f"the same program again in the same process {warm['warm_wall_s']:.2f} s / {warm['warm_cpu_s']:.2f} s",
             f"  importing only the {imports['modules']} provider modules it loaded: {imports['wall_s']:.2f} s wall / "
             f"{imports['cpu_s']:.2f} s CPU (pulumi itself {imports['pulumi_s']:.2f} s of it)",
             "", f"Under cProfile ({profile['profiled_wall_s']:.2f} s wall with the profiler; "
                 f"{scale:.2f} s busy in {profile['threads']} threads), cumulative time of:"]
    for label, seconds in profile["entry_points"].items():
        lines.append(f"  {seconds:7.2f} s  {seconds / scale:5.1%}  {label}")
    lines += ["", "Own time by package (busy time, waits left out):"]
    for group, seconds in profile["by_package"].items():
        lines.append(f"  {seconds:7.2f} s  {seconds / scale:5.1%}  {group}")
    lines += ["", "Per-cloud builders (cumulative, calls):"]
    for site, entry in list(profile["builders"].items())[:top]:
        lines.append(f"  {entry['cumulative_s']:7.2f} s  {entry['cumulative_s'] / scale:5.1%}  "
                     f"x{entry['calls']:<4} {site}")
    lines += ["", f"Top {top} functions by own time:"]
    for entry in profile["hot"][:top]:
        lines.append(f"  {entry['own_s']:7.2f} s  {entry['own_s'] / scale:5.1%}  x{entry['calls']:<8} {entry['site']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the three steps in fresh interpreters and print where the time goes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", nargs=3, metavar=("STEP", "ARG", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--top", type=int, default=10, help="how many hot spots to list (default 10)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    options = parser.parse_args(argv)
    if options.step:
        step, argument, out = options.step
        run = {"profile": step_profile, "imports": step_imports, "warm": step_warm}[step]
        Path(out).write_text(json.dumps(run(Path(argument))))
        return 0
    with tempfile.TemporaryDirectory(prefix="aiscale-profile-") as workdir:
        work = Path(workdir)
        project = write_project(work / "pool-heavy", STACK, pool_heavy_model())
        figures = {"profile": _step("profile", project, work / "profile.json")}
        (work / "modules.json").write_text(json.dumps(figures["profile"]["provider_modules"]))
        figures["imports"] = _step("imports", work / "modules.json", work / "imports.json")
        figures["warm"] = _step("warm", project, work / "warm.json")
    print(render(figures, options.top))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
