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
import textwrap
from typing import Callable, TypeVar

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


def constructor_doc(summary: str, args_type: type) -> str:
    """The ``__init__`` docstring: ``summary``, then every argument with its documentation."""
    lines = [summary, "", ":param name: the component's logical name (part of its URN and of",
             "    its children's names).",
             f":param args: a ``{args_type.__name__}`` mapping:", ""]
    for field, doc in field_docs(args_type).items():
        lines.append(f"    ``{field}``")
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
