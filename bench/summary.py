"""The machine, the targets and the tables of a benchmark run (``bench/run.py``)."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from typing import Any

RATIO_TARGET = 1.3
"""``aiscale preview`` at most this many times the bare SDK, at about 1,000 resources."""
FLATNESS_TARGET = 0.20
"""Warm time per resource within 20% from the smallest to the largest platform."""
POLICY_SHARE_TARGET = 0.15
"""Both policy packs add at most 15% to the preview (:func:`policy_share`)."""
POOL_HEAVY_PREVIEW_TARGET = 1.5
"""Pool-heavy platform: the whole cold ``aiscale preview`` at most this many times the bare SDK
registering as many S3 buckets in a fresh interpreter."""
POOL_HEAVY_PROGRAM_TARGET = 1.3
"""Pool-heavy platform: the cold program alone (``--no-policies``) at most this many times the same."""
POOL_HEAVY_KINDS = {
    "preview": "aiscale preview",
    "program": "aiscale preview --no-policies",
    "bare_s3": "bare SDK, as many S3 buckets",
    "replay": "bare SDK, the report's resources replayed",
    "replay_gc_paused": "the same, collector paused",
}
"""The measurements of the pool-heavy section (fresh interpreter each), as the table names them."""


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    """Where the figures come from: CPU, cores, memory, load, OS, Python and Pulumi versions."""
    versions = {}
    for package in ("pulumi", "pulumi-aws", "pulumi-azure-native", "pulumi-gcp", "pulumi-policy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "memory_gb": _memory_gb(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "os": f"{platform.system()} {platform.release()}",
            "python": sys.version.split()[0], "packages": versions}


def _per_resource_ms(seconds: float, resources: int) -> float:
    return 1000 * seconds / max(resources, 1)


def _marginal_ms(smaller: dict[str, Any], larger: dict[str, Any]) -> float:
    """Warm milliseconds per resource added from one platform size to the next (with the packs):
    the per-resource cost without the fixed cost of a preview."""
    a, b = smaller["aiscale"], larger["aiscale"]
    return 1000 * (b["warm"]["wall_s"] - a["warm"]["wall_s"]) / max(b["resources"] - a["resources"], 1)


def policy_share(row: dict[str, Any]) -> float:
    """The time both policy packs add to ``aiscale preview``, as a share of it: the fastest cold
    preview (fresh interpreter, as a user or CI runs it) with the packs minus the fastest
    without (``--no-policies``), over the former."""
    return _cold_share(row, "policies")


def protocol_share(row: dict[str, Any]) -> float | None:
    """The same with the packs served over the Analyzer protocol by the stock ``pulumi_policy``
    (``AISCALE_POLICY_TRANSPORT=protocol``), or None when the run did not measure it."""
    return _cold_share(row, "protocol") if row["aiscale"]["cold_totals_s"].get("protocol") else None


def _cold_share(row: dict[str, Any], key: str) -> float:
    cold = row["aiscale"]["cold_totals_s"]
    with_packs, without = min(cold[key]), min(cold["no_policies"])
    return max(with_packs - without, 0.0) / max(with_packs, 1e-9)


def warm_policy_share(row: dict[str, Any]) -> float:
    """The same for a warm preview (a second preview in one process, as a library user or a test
    suite runs them)."""
    ours = row["aiscale"]
    with_packs, without = ours["warm"]["wall_s"], ours["warm_no_policies"]["wall_s"]
    return max(with_packs - without, 0.0) / max(with_packs, 1e-9)


def policy_tail_share(row: dict[str, Any]) -> float:
    """The share of the warm preview spent evaluating the packs after the program ended (in-process,
    all of their work)."""
    warm = row["aiscale"]["warm"]
    return warm["phases_s"].get("policies", 0.0) / max(warm["wall_s"], 1e-9)


def fastest(runs: list[dict[str, Any]], key: str = "total_s") -> float:
    """The smallest `key` of `runs` (repeated measurements in fresh interpreters): other work on
    the machine only ever slows a run down."""
    return min(run[key] for run in runs)


def pool_heavy_ratios(section: dict[str, Any], key: str = "total_s") -> dict[str, dict[str, float]]:
    """``{ours: {floor: ratio}}``: the fastest whole preview and program (``--no-policies``) over
    the fastest of each floor (S3 buckets, replay, replay with the collector paused), by wall
    time (`key` ``total_s``) or CPU time (``cpu_s``)."""
    runs = section["runs"]
    return {ours: {floor: fastest(runs[ours], key) / max(fastest(runs[floor], key), 1e-9)
                   for floor in ("bare_s3", "replay", "replay_gc_paused")}
            for ours in ("preview", "program")}


def pool_heavy_targets(section: dict[str, Any]) -> list[dict[str, Any]]:
    """The two targets of the pool-heavy platform, against the bare SDK's S3 buckets."""
    ratios = pool_heavy_ratios(section)
    resources = section["resources"]
    return [{"target": f"pool-heavy: whole preview <= {POOL_HEAVY_PREVIEW_TARGET}x the bare SDK (S3) "
                       f"at {resources} resources",
             "value": f"{ratios['preview']['bare_s3']:.2f}x ({ratios['preview']['replay']:.2f}x the replay)",
             "met": ratios["preview"]["bare_s3"] <= POOL_HEAVY_PREVIEW_TARGET},
            {"target": f"pool-heavy: program <= {POOL_HEAVY_PROGRAM_TARGET}x the bare SDK (S3) "
                       f"at {resources} resources",
             "value": f"{ratios['program']['bare_s3']:.2f}x ({ratios['program']['replay']:.2f}x the replay)",
             "met": ratios["program"]["bare_s3"] <= POOL_HEAVY_PROGRAM_TARGET}]


def render_pool_heavy(section: dict[str, Any], markdown: bool = False) -> str:
    """The pool-heavy table: each measurement's fastest wall and CPU time, and the ratios."""
    runs = section["runs"]
    lines = [[POOL_HEAVY_KINDS[kind], f"{fastest(runs[kind]):.2f}", f"{fastest(runs[kind], 'cpu_s'):.2f}",
              str(len(runs[kind]))] for kind in POOL_HEAVY_KINDS if runs.get(kind)]
    table = _table(["pool-heavy platform, cold, fresh interpreter", "wall s (fastest)", "CPU s (fastest)",
                    "runs"], lines, markdown)
    ratio_lines = []
    for key, label in (("total_s", "wall"), ("cpu_s", "CPU")):
        ratios = pool_heavy_ratios(section, key)
        for ours in ("preview", "program"):
            ratio_lines.append([f"{POOL_HEAVY_KINDS[ours]} ({label})",
                                *(f"{ratios[ours][floor]:.2f}x" for floor in ("bare_s3", "replay", "replay_gc_paused"))])
    ratio_table = _table(["ratio", "vs S3 buckets", "vs replay", "vs replay, collector paused"], ratio_lines, markdown)
    modules = ", ".join(f"{name} {count}" for name, count in section["provider_modules"].items())
    return (f"Pool-heavy platform: {section['resources']} resources ({section['pools']} GPU pools on each of three "
            f"clouds, half spot, and {section['buckets']} buckets); provider modules loaded: {modules}.\n\n"
            f"{table}\n\n{ratio_table}")


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and whether it is met."""
    result = pool_heavy_targets(figures["pool_heavy"]) if figures.get("pool_heavy") else []
    rows = figures.get("sizes") or []
    if not rows:
        return result
    at_1000 = min(rows, key=lambda row: abs(row["target"] - 1000))
    ratio = at_1000["aiscale"]["total_s"] / at_1000["bare"]["total_s"]
    result.append({"target": f"preview <= {RATIO_TARGET}x the bare SDK at ~1,000 resources",
                   "value": f"{ratio:.2f}x ({at_1000['aiscale']['resources']} resources)",
                   "met": ratio <= RATIO_TARGET})
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        per = [_per_resource_ms(row["aiscale"]["warm"]["wall_s"], row["aiscale"]["resources"])
               for row in (small, large)]
        spread = max(per) / min(per) - 1
        result.append({"target": f"time per resource flat within {FLATNESS_TARGET:.0%} "
                                 f"({small['aiscale']['resources']} -> {large['aiscale']['resources']})",
                       "value": f"{per[0]:.2f} -> {per[1]:.2f} ms ({spread:+.0%})",
                       "met": spread <= FLATNESS_TARGET})
    worst = max(rows, key=policy_share)
    result.append({"target": f"policies add <= {POLICY_SHARE_TARGET:.0%} to aiscale preview",
                   "value": f"max {policy_share(worst):.1%} (at {worst['aiscale']['resources']} resources)",
                   "met": policy_share(worst) <= POLICY_SHARE_TARGET})
    if figures.get("startup"):
        modules = figures["startup"]["provider_modules"]
        foreign = modules["pulumi_azure_native"] + modules["pulumi_gcp"]
        result.append({"target": "no Azure or GCP module for an AWS-only stack",
                       "value": f"{foreign} Azure/GCP modules ({modules['pulumi_aws']} AWS)",
                       "met": foreign == 0})
    return result


def _table(headers: list[str], lines: list[list[str]], markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(cell) for cell in column) for column in zip(headers, *lines)]
    fmt = "  ".join(f"{{:>{width}}}" for width in widths)
    return "\n".join(fmt.format(*line) for line in [headers, *lines])


def _protocol_cell(row: dict[str, Any]) -> str:
    share = protocol_share(row)
    if share is None:
        return "-"
    return f"{min(row['aiscale']['cold_totals_s']['protocol']):.2f} ({share:.1%})"


def render_sizes(figures: dict[str, Any], markdown: bool = False) -> str:
    """The table of the platforms grown by units, the flatness line and the start-up line."""
    headers = ["resources", "aiscale preview, s", "bare SDK, s", "ratio", "bare SDK with GC paused, s",
               "ratio", "warm ms/resource", "policies add", "warm: policies add (after the program)",
               "peak MB (aiscale / bare)", "over the protocol: s (policies add)"]
    lines = []
    rows = figures["sizes"]
    for row in rows:
        ours, bare, paused = row["aiscale"], row["bare"], row["bare_gc_paused"]
        lines.append([
            str(ours["resources"]), f"{ours['total_s']:.2f}", f"{bare['total_s']:.2f}",
            f"{ours['total_s'] / bare['total_s']:.2f}x", f"{paused['total_s']:.2f}",
            f"{ours['total_s'] / paused['total_s']:.2f}x",
            f"{_per_resource_ms(ours['warm']['wall_s'], ours['resources']):.2f}",
            f"{policy_share(row):.1%}", f"{warm_policy_share(row):.1%} ({policy_tail_share(row):.1%})",
            f"{ours['peak_rss_mb']:.0f} / {bare['peak_rss_mb']:.0f}", _protocol_cell(row)])
    text = [_table(headers, lines, markdown)]
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        bare_flat = [_per_resource_ms(r["aiscale"]["warm_no_policies"]["wall_s"], r["aiscale"]["resources"])
                     for r in (small, large)]
        lines_flat = [f"{bare_flat[0]:.2f} -> {bare_flat[1]:.2f} ms without the policy packs"]
        if len(rows) > 2:
            marginal = [_marginal_ms(a, b) for a, b in zip(rows, rows[1:])]
            lines_flat.append("marginal " + " -> ".join(f"{m:.2f}" for m in marginal)
                              + " ms per added resource with them")
        text += ["", "Warm time per resource: " + "; ".join(lines_flat) + "."]
    startup = figures.get("startup")
    if startup:
        modules = ", ".join(f"{name} {count}" for name, count in startup["provider_modules"].items())
        text += ["", f"Start-up (one-bucket AWS-only stack, {startup['resources']} resources): "
                     f"{startup['process_wall_s']:.2f} s for the whole process, {startup['total_s']:.2f} s "
                     f"in the preview; provider modules loaded: {modules}."]
    return "\n".join(text)


def render(figures: dict[str, Any], markdown: bool = False) -> str:
    """The figures, the targets and the machine, as text (or Markdown)."""
    text = []
    if figures.get("sizes"):
        text += [render_sizes(figures, markdown), ""]
    if figures.get("pool_heavy"):
        text += [render_pool_heavy(figures["pool_heavy"], markdown), ""]
    text.append(_table(["target", "measured", "met"],
                       [[t["target"], t["value"], "yes" if t["met"] else "NO"] for t in figures["targets"]],
                       markdown))
    box = figures["machine"]
    text += ["", f"Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gb']} GB, {box['os']}, "
                 f"load average {box['load_average']} at the start; Python {box['python']}, "
             + ", ".join(f"{name} {version}" for name, version in box["packages"].items()) + "."]
    return "\n".join(text)
