"""Check a registered resource's inputs against the installed provider SDK's input types.

Every provider SDK declares a resource's inputs as an ``@pulumi.input_type`` class (``ClusterArgs``,
or ``ClusterInitArgs`` where an input type has the same name) whose ``__init__`` annotations give
each input's type, whose getters give its Pulumi (camelCase) name, and whose parameters without a
default are the required inputs. Nested objects are ``*Args`` input types of the same package;
enumerations are ``Literal[...]`` (Kubernetes ``apiVersion``/``kind``) or ``Enum`` classes (Azure;
checked strictly, although Azure accepts values its SDK does not list yet).
This module walks the engine's camelCase inputs through those types and reports every unknown
property, wrong type, value outside an enumeration and missing required input, each with its path.

Values the SDK types as free-form (``Any``, Helm values, custom resources' ``spec``) are not
looked into; unknown values of a preview (:data:`aiscale.preview.records.UNKNOWN`) match any type.
"""

from __future__ import annotations

import collections.abc
import enum
import importlib
import inspect
import sys
import types
import typing
from typing import Any, Optional

import pulumi
from pulumi._types import input_type_py_to_pulumi_names, is_input_type

from aiscale.preview import sdk_index
from aiscale.preview.records import UNKNOWN

NOT_CHECKED = {
    "kubernetes:apiextensions.k8s.io/v1:CustomResource": "a custom resource's schema is its CRD's, not the SDK's",
}
"""Type tokens whose inputs the SDK does not type, and why."""



DOCUMENTED_OPEN_VALUES = {
    # Azure's enumerations are open (``Union[str, Enum]``); a value outside the installed SDK's
    # list passes only when the service documents it, named here with where it is documented.
    # The Container insights stream of an AKS data collection rule, in its data flow and in its
    # ContainerInsights extension data source:
    # https://learn.microsoft.com/azure/azure-monitor/containers/container-insights-data-collection-dcr
    "KnownDataFlowStreams": ("Microsoft-ContainerInsights-Group-Default",),
    "KnownExtensionDataSourceStreams": ("Microsoft-ContainerInsights-Group-Default",),
}
"""Enum class name -> values its service documents that the installed SDK does not list yet."""

def _namespace(cls: type) -> dict[str, Any]:
    """Names an annotation of ``cls`` may refer to: its module, its package's ``_inputs`` and
    ``_enums``, and the typing names the generated code uses."""
    module = sys.modules[cls.__module__]
    names: dict[str, Any] = {"pulumi": pulumi, "Output": pulumi.Output, "Input": pulumi.Input,
                             **{n: getattr(typing, n) for n in typing.__all__}}
    package = module.__name__.rsplit(".", 1)[0]
    for extra in ("_enums", "_inputs"):
        try:
            names.update(vars(importlib.import_module(f"{package}.{extra}")))
        except ImportError:
            pass
    names.update(vars(module))
    return names


def _resolve(annotation: Any, namespace: dict[str, Any]) -> Any:
    """The annotation with its forward references evaluated (``Any`` where one cannot be)."""
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        try:
            return eval(annotation, namespace)  # noqa: S307 - the SDK's own annotation text
        except Exception:
            return Any
    return annotation


class SchemaChecker:
    """Validates inputs against SDK input types; caches each class's fields."""

    def __init__(self) -> None:
        self._fields: dict[type, tuple[dict[str, tuple[str, Any]], frozenset[str]]] = {}
        self._namespaces: dict[type, dict[str, Any]] = {}

    def _namespace(self, cls: type) -> dict[str, Any]:
        if cls not in self._namespaces:
            self._namespaces[cls] = _namespace(cls)
        return self._namespaces[cls]

    def args_class(self, token: str) -> Optional[type]:
        """The ``*Args`` input type of the resource ``token`` (None if no loaded SDK declares it)."""
        resource = sdk_index.resource_class(token)
        if resource is None:
            return None
        module = sys.modules[resource.__module__]
        return getattr(module, f"{resource.__name__}InitArgs", None) or getattr(module, f"{resource.__name__}Args", None)

    def fields(self, cls: type) -> tuple[dict[str, tuple[str, Any]], frozenset[str]]:
        """Pulumi name -> (Python name, annotation) of each input of ``cls``, and the required names."""
        if cls not in self._fields:
            namespace = self._namespace(cls)
            annotations = getattr(cls.__init__, "__annotations__", {})
            parameters = inspect.signature(cls.__init__).parameters
            names = input_type_py_to_pulumi_names(cls)
            declared = {pulumi_name: (python, _resolve(annotations.get(python, Any), namespace))
                        for python, pulumi_name in names.items()}
            required = frozenset(pulumi_name for python, pulumi_name in names.items()
                                 if python in parameters and parameters[python].default is inspect.Parameter.empty)
            self._fields[cls] = (declared, required)
        return self._fields[cls]

    def check(self, token: str, inputs: dict[str, Any]) -> list[str]:
        """Every problem of ``inputs`` for the resource ``token`` (``path: what is wrong``)."""
        cls = self.args_class(token)
        if cls is None:
            return [f"{token}: no installed SDK declares this resource"]
        return self._object(cls, inputs, "")

    def _object(self, cls: type, value: Any, path: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{path or '<inputs>'}: got {type(value).__name__} {value!r}; valid: an object ({cls.__name__})"]
        declared, required = self.fields(cls)
        problems = [f"{path}{key}: unknown property of {cls.__name__}; valid: {', '.join(sorted(declared))}"
                    for key in value if key not in declared]
        problems += [f"{path}{key}: required by {cls.__name__} and missing"
                     for key in sorted(required) if value.get(key) is None]
        for key, item in value.items():
            if key in declared and item is not None:
                problems += self._value(declared[key][1], item, f"{path}{key}", cls)
        return problems

    def _value(self, annotation: Any, value: Any, path: str, owner: type) -> list[str]:
        """Problems of ``value`` against ``annotation`` (the first matching union member wins)."""
        if value == UNKNOWN:
            return []
        namespace = self._namespace(owner)
        options = [_resolve(member, namespace) for member in _members(_resolve(annotation, namespace), namespace)]
        if not options or Any in options:
            return []
        if any(isinstance(o, type) and issubclass(o, enum.Enum) for o in options):
            # ``Union[str, SomeEnum]``: Azure's enumerations are open, but a value the installed
            # SDK does not list is a finding to look at, so only the listed values pass.
            options = [o for o in options if o is not str]
        failures: list[list[str]] = []
        for option in options:
            found = self._one(option, value, path, owner)
            if not found:
                return []
            failures.append(found)
        return min(failures, key=len)

    def _one(self, option: Any, value: Any, path: str, owner: type) -> list[str]:
        origin, args = typing.get_origin(option), typing.get_args(option)
        if origin is typing.Literal:
            return [] if value in args else [f"{path}: got {value!r}; valid: {', '.join(map(repr, args))}"]
        if isinstance(option, type) and issubclass(option, enum.Enum):
            valid = [member.value for member in option] + list(DOCUMENTED_OPEN_VALUES.get(option.__name__, ()))
            return [] if value in valid else [f"{path}: got {value!r}; valid ({option.__name__}): {', '.join(map(str, valid))}"]
        if origin in (list, collections.abc.Sequence, typing.Sequence):
            if not isinstance(value, list):
                return [f"{path}: got {type(value).__name__} {value!r}; valid: a list"]
            item = args[0] if args else Any
            return [p for index, element in enumerate(value) for p in self._value(item, element, f"{path}[{index}]", owner)]
        if origin in (dict, collections.abc.Mapping, typing.Mapping):
            if not isinstance(value, dict):
                return [f"{path}: got {type(value).__name__} {value!r}; valid: a map"]
            item = args[1] if len(args) == 2 else Any
            return [p for key, element in value.items() for p in self._value(item, element, f"{path}.{key}", owner)]
        if isinstance(option, type) and is_input_type(option):
            return self._object(option, value, f"{path}.")
        if option is bool:
            return [] if isinstance(value, bool) else [f"{path}: got {value!r}; valid: true or false"]
        if option is int:
            whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
            return [] if whole and not isinstance(value, bool) else [f"{path}: got {value!r}; valid: an integer"]
        if option is float:
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            return [] if number else [f"{path}: got {value!r}; valid: a number"]
        if option is str:
            return [] if isinstance(value, str) else [f"{path}: got {type(value).__name__} {value!r}; valid: a string"]
        return []  # resources, assets and other forms the engine sends as references


def _members(annotation: Any, namespace: dict[str, Any]) -> list[Any]:
    """The value types ``annotation`` admits: unions flattened, forward references resolved;
    None, awaitables and outputs dropped (the engine sends resolved values)."""
    text = annotation.__forward_arg__ if isinstance(annotation, typing.ForwardRef) else annotation
    if isinstance(text, str) and text.split("[", 1)[0].rsplit(".", 1)[-1] == "Output":
        return []  # ``Input[T]`` spells its output member as the string "Output[T]"
    annotation = _resolve(annotation, namespace)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg, namespace)]
    if annotation is type(None) or origin in (collections.abc.Awaitable, typing.Awaitable):
        return []
    if origin is pulumi.Output or annotation is pulumi.Output:
        return []
    return [annotation]


