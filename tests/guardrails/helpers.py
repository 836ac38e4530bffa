"""Shared helpers for the guardrail tests: case records, dotted-path patching, contexts, views."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from aiscale.guardrails import Context, ResourceView, get_check
from aiscale.guardrails.registry import NotApplicable
from aiscale.guardrails.runner import run_resource

DELETE = object()
"""Patch value meaning "remove this key"."""


@dataclass
class Case:
    """A compliant baseline for one (check, type token) and mutations that must each fail."""

    check: str
    """The check id."""
    type: str
    """The type token as the engine would send it."""
    baseline: dict
    """Inputs the check accepts."""
    mutations: list = field(default_factory=list)
    """(patch, reason) pairs; each patch turns the baseline into a violation."""
    config: dict = field(default_factory=dict)
    """Config overrides merged over the check's defaults."""
    env: str = "prod"
    """The environment the check runs in."""

    @property
    def id(self) -> str:
        """A readable pytest id."""
        return f"{self.check}:{self.type.rsplit(':', 1)[-1]}"


def patch(props: dict, changes: dict) -> dict:
    """A deep copy of `props` with dotted paths set (numeric segments index lists; DELETE removes)."""
    out = copy.deepcopy(props)
    for path, value in changes.items():
        parts = path.split(".")
        target: Any = out
        for part in parts[:-1]:
            key: Any = int(part) if isinstance(target, list) else part
            if isinstance(target, dict) and key not in target:
                target[key] = {}
            target = target[key]
        last: Any = int(parts[-1]) if isinstance(target, list) else parts[-1]
        if value is DELETE:
            if isinstance(target, dict):
                target.pop(last, None)
            else:
                del target[last]
        else:
            target[last] = copy.deepcopy(value)
    return out


def context(check_id: str, config: Optional[dict] = None, env: str = "prod", **kwargs) -> Context:
    """A Context for `check_id` with its defaults merged with `config`."""
    return Context(config=get_check(check_id).merged_config(config or {}), environment=env, **kwargs)


def run(check_id: str, type_token: str, props: dict, config: Optional[dict] = None, env: str = "prod",
        **kwargs):
    """The outcome of a resource check on one resource."""
    view = ResourceView(type=type_token, urn=f"urn:pulumi:s::p::{type_token}::r", name="r", props=props)
    return run_resource(get_check(check_id), view, context(check_id, config, env, **kwargs))


def view(type_token: str, name: str, props: dict, deps: Optional[dict] = None, **kwargs) -> ResourceView:
    """A ResourceView with a predictable URN (``urn:...::<type>::<name>``)."""
    return ResourceView(type=type_token, urn=urn(type_token, name), name=name, props=props,
                        property_dependencies={k: tuple(v) for k, v in (deps or {}).items()}, **kwargs)


def urn(type_token: str, name: str) -> str:
    """The URN helpers give a resource."""
    return f"urn:pulumi:dev::aiscale::{type_token}::{name}"


def is_na(outcome) -> bool:
    """True when the outcome is NotApplicable."""
    return isinstance(outcome, NotApplicable)


def no_estimator(_resources) -> Callable:
    """An estimator that must not be called."""
    raise AssertionError("the estimator was called")
