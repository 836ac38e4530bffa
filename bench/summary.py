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


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and whether it is met."""
    rows = figures["sizes"]
    result = []
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


def render(figures: dict[str, Any], markdown: bool = False) -> str:
    """The figures, the start-up line, the targets and the machine, as text (or Markdown)."""
    headers = ["resources", "aiscale preview, s", "bare SDK, s", "ratio", "bare SDK with GC paused, s",
               "ratio", "warm ms/resource", "policies add", "warm: policies add (after the program)",
               "peak MB (aiscale / bare)", "over the protocol: s (policies add)"]
    lines = []
    for row in figures["sizes"]:
        ours, bare, paused = row["aiscale"], row["bare"], row["bare_gc_paused"]
        lines.append([
            str(ours["resources"]), f"{ours['total_s']:.2f}", f"{bare['total_s']:.2f}",
            f"{ours['total_s'] / bare['total_s']:.2f}x", f"{paused['total_s']:.2f}",
            f"{ours['total_s'] / paused['total_s']:.2f}x",
            f"{_per_resource_ms(ours['warm']['wall_s'], ours['resources']):.2f}",
            f"{policy_share(row):.1%}", f"{warm_policy_share(row):.1%} ({policy_tail_share(row):.1%})",
            f"{ours['peak_rss_mb']:.0f} / {bare['peak_rss_mb']:.0f}", _protocol_cell(row)])
    startup = figures["startup"]
    rows = figures["sizes"]
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        bare_flat = [_per_resource_ms(r["aiscale"]["warm_no_policies"]["wall_s"], r["aiscale"]["resources"])
                     for r in (small, large)]
        lines_flat = [f"{bare_flat[0]:.2f} -> {bare_flat[1]:.2f} ms without the policy packs"]
        if len(rows) > 2:
            marginal = [_marginal_ms(a, b) for a, b in zip(rows, rows[1:])]
            lines_flat.append("marginal " + " -> ".join(f"{m:.2f}" for m in marginal)
                              + " ms per added resource with them")
        text_flat = "Warm time per resource: " + "; ".join(lines_flat) + "."
    else:
        text_flat = ""
    modules = ", ".join(f"{name} {count}" for name, count in startup["provider_modules"].items())
    text = [_table(headers, lines, markdown), "", *([text_flat, ""] if text_flat else []),
            f"Start-up (one-bucket AWS-only stack, {startup['resources']} resources): "
            f"{startup['process_wall_s']:.2f} s for the whole process, {startup['total_s']:.2f} s "
            f"in the preview; provider modules loaded: {modules}.", ""]
    text.append(_table(["target", "measured", "met"],
                       [[t["target"], t["value"], "yes" if t["met"] else "NO"] for t in figures["targets"]],
                       markdown))
    box = figures["machine"]
    text += ["", f"Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gb']} GB, {box['os']}, "
                 f"load average {box['load_average']} at the start; Python {box['python']}, "
             + ", ".join(f"{name} {version}" for name, version in box["packages"].items()) + "."]
    return "\n".join(text)
