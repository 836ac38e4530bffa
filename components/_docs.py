"""The constructor documentation of every component, written from its args ``TypedDict``.

``help(aiscale.ObjectStore)`` would otherwise show, for ``__init__``, the docstring that
``inspect.getdoc`` inherits from ``pulumi.ComponentResource.__init__`` (the type token, the
``props`` and ``remote`` parameters), which the user never passes. :func:`constructor_doc` writes
the component's own: its arguments, each with the docstring under the field in the ``TypedDict``
(the same text Pulumi's component analyzer puts in the package schema).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import typing
from typing import Any, Callable, TypeVar

Component = TypeVar("Component", bound=type)


def field_docs(args_type: type) -> dict[str, str]:
    """``{field: docstring}`` of a ``TypedDict`` (and its bases), from its source."""
    docs: dict[str, str] = {}
    for klass in reversed(args_type.__mro__):
        if klass is dict or klass is object:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for statement, following in zip(body, body[1:]):
            if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                    and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)):
                docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


def model_choices() -> dict[str, Any]:
    """``{argument name: Literal type}`` for arguments that take one of the platform model's
    closed sets of values (``cloud``, ``capacity``, ``environment``...), so that help() shows
    the values an argument annotated ``str`` accepts."""
    from aiscale.model import _base, endpoints, platform, sections, storage

    hints = lambda model, field: model.model_fields[field].annotation  # noqa: E731 - a lookup
    return {"cloud": _base.CloudName, "capacity": _base.Capacity,
            "environment": hints(platform.Platform, "environment"),
            "encryption": hints(storage.Bucket, "encryption"),
            "runtime": hints(endpoints.Endpoint, "runtime"),
            "api_access": hints(sections.KubernetesSettings, "api_access")}


def type_text(hint: Any) -> str:
    """A type as a reader writes it: ``Literal['aws', 'azure', 'gcp']``, ``Optional[int]``,
    ``Input[str]`` for ``pulumi.Input[str]`` (``typing.`` and module paths dropped)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        present = tuple(arg for arg in args if arg is not type(None))
        if len(present) < len(args):
            inner = present[0] if len(present) == 1 else typing.Union[present]
            return f"Optional[{type_text(inner)}]"
        if any("Output" in repr(arg) for arg in args):
            return f"Input[{type_text(args[0])}]"
    if origin in (list, dict, tuple, set) and args:
        return f"{origin.__name__}[{', '.join(type_text(arg) for arg in args)}]"
    text = hint.__name__ if isinstance(hint, type) and not args else repr(hint)
    return re.sub(r"\b(?:typing|typing_extensions|builtins|collections\.abc|aiscale\.[\w.]+)\.", "", text)


def field_types(args_type: type) -> dict[str, str]:
    """``{field: type text}`` of a ``TypedDict`` (and its bases), as annotated (``Required``
    dropped), or for a plain ``str`` that takes one of the model's closed sets of values, that
    set as a ``Literal``."""
    choices = model_choices()
    found: dict[str, str] = {}
    for klass in reversed(args_type.__mro__):
        for name, hint in vars(klass).get("__annotations__", {}).items():
            if typing.get_origin(hint) in (typing.Required, typing.NotRequired):
                hint = typing.get_args(hint)[0]
            found[name] = type_text(choices[name] if hint is str and name in choices else hint)
    return found


def constructor_doc(summary: str, args_type: type) -> str:
    """The ``__init__`` docstring: ``summary``, then every argument with its documentation."""
    lines = [summary, "", ":param name: the component's logical name (part of its URN and of",
             "    its children's names).",
             f":param args: a ``{args_type.__name__}`` mapping:", ""]
    types = field_types(args_type)
    for field, doc in field_docs(args_type).items():
        lines.append(f"    ``{field}``" + (f": {types[field]}" if field in types else ""))
        lines.extend(f"        {line}" for line in doc.splitlines())
    lines += ["", ":param opts: standard ``pulumi.ResourceOptions``; ``protect``,",
              "    ``retain_on_delete`` and ``depends_on`` reach the data-holding children,",
              "    providers and aliases reach every child through ``parent``."]
    return "\n".join(lines)


def documented(summary: str, args_type: type) -> Callable[[Component], Component]:
    """Class decorator: give the component's ``__init__`` :func:`constructor_doc`."""

    def decorate(component: Component) -> Component:
        component.__init__.__doc__ = constructor_doc(summary, args_type)
        return component

    return decorate
