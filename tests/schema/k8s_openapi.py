"""Check a Kubernetes object's inputs against the Kubernetes OpenAPI (swagger 2.0) definitions.

``data/kubernetes-openapi-1.34.json`` holds the definitions of the kinds aiscale declares and
everything they reference, cut from the Kubernetes 1.34 ``api/openapi-spec/swagger.json`` (its
``_provenance`` says where from and why that version). A Pulumi type token
``kubernetes:<group>/<version>:<Kind>`` names the definition through its
``x-kubernetes-group-version-kind``; the object is walked through ``properties``, ``$ref``,
``items``, ``additionalProperties``, ``required``, ``enum`` and the primitive types (with
``int-or-string``), and ``apiVersion``/``kind`` must be the definition's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from aiscale.preview.records import UNKNOWN

SPEC_FILE = Path(__file__).parent / "data" / "kubernetes-openapi-1.34.json"
"""The cut of the Kubernetes OpenAPI this module validates against."""


class OpenApiChecker:
    """Validates Kubernetes objects against :data:`SPEC_FILE`."""

    def __init__(self, spec_file: Path = SPEC_FILE) -> None:
        self.definitions: dict[str, Any] = json.loads(spec_file.read_text())["definitions"]
        self._by_gvk: dict[tuple[str, str, str], str] = {}
        for name, definition in self.definitions.items():
            for gvk in definition.get("x-kubernetes-group-version-kind", []):
                self._by_gvk[(gvk["group"], gvk["version"], gvk["kind"])] = name

    def definition_of(self, token: str) -> Optional[str]:
        """The definition name of the type token (None for kinds the cut does not hold)."""
        _, group_version, kind = token.split(":")
        group, _, version = group_version.rpartition("/")
        return self._by_gvk.get(("" if group == "core" else group, version, kind))

    def check(self, token: str, inputs: dict[str, Any]) -> list[str]:
        """Every problem of ``inputs`` for the Kubernetes object ``token``."""
        name = self.definition_of(token)
        if name is None:
            return [f"{token}: no definition in {SPEC_FILE.name}"]
        _, group_version, kind = token.split(":")
        group, _, version = group_version.rpartition("/")
        api_version = version if group == "core" else f"{group}/{version}"
        problems = []
        for key, expected in (("apiVersion", api_version), ("kind", kind)):
            if inputs.get(key) not in (None, expected):
                problems.append(f"{key}: got {inputs[key]!r}; valid: {expected!r}")
        return problems + self._value({"$ref": f"#/definitions/{name}"}, inputs, "")

    def _value(self, schema: dict[str, Any], value: Any, path: str) -> list[str]:
        if value is None or value == UNKNOWN:
            return []
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            return self._value(self.definitions[name], value, path)
        if "enum" in schema and value not in schema["enum"]:
            return [f"{path}: got {value!r}; valid: {', '.join(map(repr, schema['enum']))}"]
        kind = schema.get("type")
        if schema.get("format") == "int-or-string" or schema.get("x-kubernetes-int-or-string"):
            ok = isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool))
            return [] if ok else [f"{path}: got {value!r}; valid: an integer or a string"]
        if kind == "object" or "properties" in schema:
            return self._object(schema, value, path)
        if kind == "array":
            if not isinstance(value, list):
                return [f"{path}: got {type(value).__name__} {value!r}; valid: a list"]
            return [p for i, item in enumerate(value) for p in self._value(schema.get("items", {}), item, f"{path}[{i}]")]
        if kind == "string":
            return [] if isinstance(value, str) else [f"{path}: got {value!r}; valid: a string"]
        if kind == "boolean":
            return [] if isinstance(value, bool) else [f"{path}: got {value!r}; valid: true or false"]
        if kind == "integer":
            whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
            return [] if whole and not isinstance(value, bool) else [f"{path}: got {value!r}; valid: an integer"]
        if kind == "number":
            return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else \
                [f"{path}: got {value!r}; valid: a number"]
        return []  # no type: free-form (RawExtension, JSON)

    def _object(self, schema: dict[str, Any], value: Any, path: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{path or '<object>'}: got {type(value).__name__} {value!r}; valid: an object"]
        prefix = f"{path}." if path else ""
        properties = schema.get("properties")
        if properties is None:
            extra = schema.get("additionalProperties", {})
            return [p for key, item in value.items() for p in self._value(extra, item, f"{prefix}{key}")]
        problems = [f"{prefix}{key}: unknown property; valid: {', '.join(sorted(properties))}"
                    for key in value if key not in properties]
        problems += [f"{prefix}{key}: required and missing" for key in schema.get("required", [])
                     if value.get(key) is None and key not in ("apiVersion", "kind")]
        for key, item in value.items():
            if key in properties:
                problems += self._value(properties[key], item, f"{prefix}{key}")
        return problems
