"""Reading a user's catalog overlay from YAML, with every problem named by file, path and value.

The file (docs/catalog.md)::

    discounts:            # fraction off list prices per cloud (a negotiated rate), 0 <= d < 1
      aws: 0.12
    gpu_instances:        # rows added to the GPU catalog (or replacing the row of the same
      - cloud: gcp        # cloud, instance type, region, accelerator and GPU count)
        instance_type: g2-standard-4
        accelerator: nvidia-l4
        accelerator_count: 1
        vcpus: 4
        memory_gib: 16
        region: asia-east1
        price_hour_ondemand_usd: 0.78
        price_hour_spot_usd: 0.31          # optional: omit when spot is not sold
    cpu_instances:        # rows added to the CPU machine catalog (or replacing one)
      - {cloud: aws, instance_type: m7i.large, vcpus: 2, memory_gib: 8, region: us-east-1,
         price_hour_ondemand_usd: 0.1008}

``load_overlay(path)`` returns a :class:`CatalogOverlay`, or raises one
:class:`CatalogOverlayError` listing every problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from aiscale.model.errors import MISSING, Problem, format_path

from ._accelerators import ACCELERATORS, GCP_ACCELERATOR_TYPES, GCP_ATTACHED_GPU_FAMILY_PREFIX, gcp_machine_family
from ._model import CLOUDS, CpuMachine, Offering
from ._overlay import CatalogOverlay

SECTIONS = ("discounts", "gpu_instances", "cpu_instances")
"""The top-level keys of an overlay file."""

REGION_NAME = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")
"""A region or location name as the clouds spell them (lowercase letters, digits, '-')."""

MAX_DISCOUNT = 1.0
"""A discount is a fraction of the list price strictly below this (1.0 would make it free)."""

GPU_FIELDS = ("cloud", "instance_type", "accelerator", "accelerator_count", "accelerator_memory_gib",
              "vcpus", "memory_gib", "region", "price_hour_ondemand_usd", "price_hour_spot_usd",
              "accelerator_type")
"""The fields of a ``gpu_instances`` row."""
CPU_FIELDS = ("cloud", "instance_type", "vcpus", "memory_gib", "region", "price_hour_ondemand_usd",
              "price_hour_spot_usd")
"""The fields of a ``cpu_instances`` row."""


class CatalogOverlayError(ValueError):
    """A catalog overlay file that cannot be used; the message names the file and each problem."""

    def __init__(self, source: str, problems: Sequence[Problem | str]) -> None:
        self.source = source
        self.problems = tuple(str(problem) for problem in problems)
        lines = [f"catalog overlay {source}: {len(self.problems)} problem(s)"]
        lines.extend(f"  {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))


class _Rows:
    """Collects the problems of one overlay while reading it."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Sequence[str | int], value: object, message: str) -> None:
        self.problems.append(Problem(format_path(path), value, message))

    def field(self, row: Mapping[str, Any], path: tuple, name: str, check: Callable[[Any], Optional[str]],
              required: bool = True) -> Any:
        """`row[name]` when `check` accepts it (returns None); else report it and return None."""
        if name not in row or row[name] is None:
            if required:
                self.add(path + (name,), MISSING, "required")
            return None
        problem = check(row[name])
        if problem:
            self.add(path + (name,), row[name], problem)
            return None
        return row[name]

    def unknown_keys(self, value: Mapping[str, Any], path: tuple, valid: Sequence[str]) -> None:
        for key in value:
            if key not in valid:
                self.add(path + (str(key),), value[key], f"unknown field; valid: {', '.join(valid)}")


def _one_of(valid: Sequence[str]) -> Callable[[Any], Optional[str]]:
    return lambda value: None if value in valid else f"must be one of: {', '.join(valid)}"


def _whole(minimum: int) -> Callable[[Any], Optional[str]]:
    def check(value: Any) -> Optional[str]:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        return None if value >= minimum else f"must be >= {minimum}"
    return check


def _positive(value: Any) -> Optional[str]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number"
    return None if value > 0 else "must be > 0"


def _name(value: Any) -> Optional[str]:
    return None if isinstance(value, str) and value.strip() == value and value else "must be a non-empty name"


def _region(value: Any) -> Optional[str]:
    if isinstance(value, str) and REGION_NAME.fullmatch(value):
        return None
    return "must be a region name in lowercase letters, digits and '-', e.g. us-east-1"


def _discounts(rows: _Rows, value: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping):
        rows.add(("discounts",), value, f"must be a mapping of cloud to a fraction, e.g. {{aws: 0.12}}; "
                 f"clouds: {', '.join(CLOUDS)}")
        return ()
    found = []
    for cloud, fraction in value.items():
        path = ("discounts", str(cloud))
        if cloud not in CLOUDS:
            rows.add(path, fraction, f"unknown cloud; valid: {', '.join(CLOUDS)}")
        elif isinstance(fraction, bool) or not isinstance(fraction, (int, float)) \
                or not 0 <= fraction < MAX_DISCOUNT:
            rows.add(path, fraction, "must be a fraction of the list price from 0 to below 1 "
                     "(0.12 for 12 % off)")
        else:
            found.append((cloud, float(fraction)))
    return tuple(sorted(found))


def _spot(rows: _Rows, row: Mapping[str, Any], path: tuple, ondemand: Optional[float]) -> Optional[float]:
    spot = rows.field(row, path, "price_hour_spot_usd", _positive, required=False)
    if spot is not None and ondemand is not None and spot >= ondemand:
        rows.add(path + ("price_hour_spot_usd",), spot,
                 f"must be below price_hour_ondemand_usd ({ondemand}); omit it when spot is not sold")
        return None
    return spot


def _gpu_row(rows: _Rows, row: Any, path: tuple) -> Optional[Offering]:
    if not isinstance(row, Mapping):
        rows.add(path, row, f"must be a mapping with: {', '.join(GPU_FIELDS)}")
        return None
    before = len(rows.problems)
    rows.unknown_keys(row, path, GPU_FIELDS)
    cloud = rows.field(row, path, "cloud", _one_of(CLOUDS))
    instance_type = rows.field(row, path, "instance_type", _name)
    accelerator = rows.field(row, path, "accelerator", _one_of(sorted(ACCELERATORS)))
    gpus = rows.field(row, path, "accelerator_count", _whole(1))
    vcpus = rows.field(row, path, "vcpus", _whole(1))
    memory = rows.field(row, path, "memory_gib", _positive)
    region = rows.field(row, path, "region", _region)
    ondemand = rows.field(row, path, "price_hour_ondemand_usd", _positive)
    spot = _spot(rows, row, path, ondemand)
    gpu_memory = rows.field(row, path, "accelerator_memory_gib", _positive, required=False)
    accelerator_type = rows.field(row, path, "accelerator_type", _name, required=False)
    if cloud == "gcp" and instance_type and accelerator and accelerator_type is None:
        accelerator_type = GCP_ACCELERATOR_TYPES.get((gcp_machine_family(instance_type), accelerator))
        if accelerator_type is None:
            rows.add(path + ("accelerator_type",), MISSING,
                     f"required for gcp machine family {gcp_machine_family(instance_type)!r} with {accelerator}: "
                     "the GKE/GCE accelerator type, e.g. nvidia-l4")
    elif cloud not in (None, "gcp") and accelerator_type is not None:
        rows.add(path + ("accelerator_type",), accelerator_type, "only used on gcp")
    if len(rows.problems) > before:
        return None
    return Offering(
        cloud=cloud, instance_type=instance_type, accelerator=accelerator, gpus=gpus,
        gpu_memory_gib=float(gpu_memory or ACCELERATORS[accelerator].gpu_memory_gib),
        vcpus=vcpus, memory_gib=float(memory), region=region,
        price_hour_ondemand=float(ondemand), price_hour_spot=None if spot is None else float(spot),
        gpu_attached=cloud == "gcp" and instance_type.startswith(GCP_ATTACHED_GPU_FAMILY_PREFIX),
        accelerator_type=accelerator_type if cloud == "gcp" else None,
    )


def _cpu_row(rows: _Rows, row: Any, path: tuple) -> Optional[CpuMachine]:
    if not isinstance(row, Mapping):
        rows.add(path, row, f"must be a mapping with: {', '.join(CPU_FIELDS)}")
        return None
    before = len(rows.problems)
    rows.unknown_keys(row, path, CPU_FIELDS)
    cloud = rows.field(row, path, "cloud", _one_of(CLOUDS))
    instance_type = rows.field(row, path, "instance_type", _name)
    vcpus = rows.field(row, path, "vcpus", _whole(1))
    memory = rows.field(row, path, "memory_gib", _positive)
    region = rows.field(row, path, "region", _region)
    ondemand = rows.field(row, path, "price_hour_ondemand_usd", _positive)
    spot = _spot(rows, row, path, ondemand)
    if len(rows.problems) > before:
        return None
    return CpuMachine(cloud=cloud, instance_type=instance_type, vcpus=vcpus, memory_gib=float(memory),
                      region=region, price_hour_ondemand=float(ondemand),
                      price_hour_spot=None if spot is None else float(spot))


def _list(rows: _Rows, data: Mapping[str, Any], section: str, read: Callable) -> tuple:
    value = data.get(section)
    if value is None:
        return ()
    if not isinstance(value, list):
        rows.add((section,), value, "must be a list of rows")
        return ()
    read_rows = [read(rows, row, (section, index)) for index, row in enumerate(value)]
    return tuple(row for row in read_rows if row is not None)


def parse_overlay(data: Any, source: str = "<overlay>") -> CatalogOverlay:
    """The overlay described by `data` (the parsed YAML); CatalogOverlayError naming each problem."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise CatalogOverlayError(source, [Problem("", data, f"must be a mapping with: {', '.join(SECTIONS)}")])
    rows = _Rows()
    rows.unknown_keys(data, (), SECTIONS)
    discounts = _discounts(rows, data["discounts"]) if data.get("discounts") is not None else ()
    gpu = _list(rows, data, "gpu_instances", _gpu_row)
    cpu = _list(rows, data, "cpu_instances", _cpu_row)
    if rows.problems:
        raise CatalogOverlayError(source, rows.problems)
    return CatalogOverlay(source=source, gpu_instances=gpu, cpu_instances=cpu, discounts=discounts)


def load_overlay(path: str | Path) -> CatalogOverlay:
    """Read and validate the overlay file at `path`; CatalogOverlayError when it cannot be used."""
    import yaml

    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogOverlayError(source, [f"cannot be read: {error.strerror or error}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise CatalogOverlayError(source, [f"is not valid YAML{line}: {getattr(error, 'problem', None) or error}"]) from None
    return parse_overlay(data, source)
