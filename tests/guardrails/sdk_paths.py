"""Resolve a camelCase input path against the installed provider SDKs' ``*Args`` classes.

The engine sends inputs under their Pulumi names (``vpcConfig.endpointPublicAccess``); the SDKs
declare them as Python properties whose getters carry that name. A path is followed through the
nested ``*Args`` types named in each ``__init__`` annotation (lists, maps and unions unwrapped).
"""

from __future__ import annotations

import importlib
import re
import sys
import typing
from typing import Any

from pulumi._types import input_type_py_to_pulumi_names

_ARGS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*Args\b")


class ArgsResolver:
    """Follows input paths through ``*Args`` classes, caching each package's input namespace."""

    def __init__(self) -> None:
        self._namespaces: dict[str, dict[str, Any]] = {}

    def _namespace(self, cls: type) -> dict[str, Any]:
        module = sys.modules[cls.__module__]
        package = module.__name__.rsplit(".", 1)[0]
        if package not in self._namespaces:
            merged = dict(vars(module))
            try:
                merged.update(vars(importlib.import_module(package + "._inputs")))
            except ImportError:
                pass
            self._namespaces[package] = merged
        return {**self._namespaces[package], **vars(module)}

    def _classes(self, annotation: Any, namespace: dict[str, Any]) -> list[type]:
        if isinstance(annotation, typing.ForwardRef):
            annotation = annotation.__forward_arg__
        if isinstance(annotation, str):
            return [namespace[n] for n in _ARGS_NAME.findall(annotation) if n in namespace]
        if typing.get_origin(annotation) is None:
            return [annotation] if isinstance(annotation, type) else []
        return [c for arg in typing.get_args(annotation) for c in self._classes(arg, namespace)]

    def fields(self, cls: type) -> dict[str, Any]:
        """Pulumi name -> annotation of each input of an ``*Args`` class."""
        annotations = getattr(cls.__init__, "__annotations__", {})
        return {pulumi: annotations.get(python) for python, pulumi in input_type_py_to_pulumi_names(cls).items()}

    def missing(self, class_path: str, path: str) -> str | None:
        """None when `path` exists on the class named by `class_path`, else what is missing."""
        module_name, name = class_path.rsplit(".", 1)
        module = importlib.import_module(module_name)
        # Resource argument classes are renamed *InitArgs where an input type has the same name.
        current = [getattr(module, name[:-4] + "InitArgs", None) or getattr(module, name)]
        for part in path.split("."):
            found, following = False, []
            for cls in current:
                fields = self.fields(cls)
                if part in fields:
                    found = True
                    following += [c for c in self._classes(fields[part], self._namespace(cls))
                                  if c.__module__.startswith("pulumi_")]
            if not found:
                return f"{part} is not an input of {', '.join(sorted({c.__name__ for c in current}))}"
            current = following
        return None
