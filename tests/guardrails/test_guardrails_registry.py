"""The check registry: ids, counts, metadata, and code defaults equal to schema defaults."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil

import pytest

import aiscale.guardrails as guardrails
from aiscale.guardrails import all_checks, checks_for_pack, get_check
from aiscale.guardrails.registry import ENFORCEMENTS, ID_PATTERN, SEVERITIES, Check

CHECKS = all_checks()
RULE_PACKAGES = ("aiscale.guardrails.security", "aiscale.guardrails.cost", "aiscale.guardrails.wiring")


def test_ids_are_unique_and_stable_format():
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) for i in ids)
    prefixes = {"security": "SEC-", "cost": "COST-", "wiring": "WIRE-"}
    assert all(c.id.startswith(prefixes[c.pack]) for c in CHECKS)


def test_pack_sizes():
    assert len(checks_for_pack("security")) >= 35
    assert len(checks_for_pack("cost")) >= 12


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_every_check_is_fully_described(check):
    assert check.severity in SEVERITIES
    assert check.enforcement in ENFORCEMENTS
    for text in (check.title, check.description, check.remediation):
        assert text.strip() and text.strip()[-1] not in ",;"
    assert check.rule.__doc__, f"{check.id}: the rule function needs a docstring"
    assert check.scope == "stack" or check.types
    json.dumps(check.config_schema)  # the engine receives it as JSON


@pytest.mark.parametrize("check", [c for c in CHECKS if c.pack == "security"], ids=lambda c: c.id)
def test_security_enforcement_follows_severity(check):
    expected = "mandatory" if check.severity in ("critical", "high") else "advisory"
    assert check.enforcement == expected


def test_a_malformed_check_is_refused_naming_the_problem():
    with pytest.raises(ValueError, match="severity 'urgent'.*no default"):
        Check("SEC-X-001", "security", "t", "d", "urgent", "mandatory", "r", lambda *a: [], ("aws:s3/bucket:Bucket",),
              config_schema={"n": {"type": "number"}})


def test_get_check_names_valid_ids_when_missing():
    with pytest.raises(KeyError, match="SEC-STORAGE-001"):
        get_check("SEC-NOPE-001")


def test_merged_config_overlays_given_values_and_drops_enforcement_level():
    check = get_check("COST-GPU-002")
    merged = check.merged_config({"max_gpus_per_pool": 8.0, "enforcementLevel": "advisory"})
    assert merged == {"max_gpus_per_pool": 8.0}
    assert check.merged_config(None) == {"max_gpus_per_pool": 64}


def _normalize(value):
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _config_reads(module):
    """(key, fallback) for every ``<x>.config.get(key[, fallback])`` in `module` (as_bool's
    second argument is the fallback when it wraps the read)."""
    tree = ast.parse(inspect.getsource(module))
    namespace = vars(module)
    wrapped = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "as_bool" and len(node.args) == 2:
            wrapped[id(node.args[0])] = node.args[1]
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        if (isinstance(func, ast.Attribute) and func.attr == "get" and isinstance(func.value, ast.Attribute)
                and func.value.attr == "config" and node.args and isinstance(node.args[0], ast.Constant)):
            fallback = node.args[1] if len(node.args) > 1 else wrapped.get(id(node))
            value = eval(compile(ast.Expression(fallback), "<fallback>", "eval"), namespace) if fallback else None
            yield node.args[0].value, value


def _rule_modules():
    modules = [importlib.import_module("aiscale.guardrails.context")]
    for package in RULE_PACKAGES:
        pkg = importlib.import_module(package)
        modules += [importlib.import_module(f"{package}.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)]
    return modules


def test_code_fallbacks_equal_schema_defaults():
    mismatches, reads = [], 0
    for module in _rule_modules():
        owners = getattr(module, "CHECKS", None) or CHECKS
        for key, fallback in _config_reads(module):
            reads += 1
            for check in owners:
                if key in check.config_schema:
                    default = check.config_schema[key]["default"]
                    same = _normalize(default) == _normalize(fallback) or (not default and not fallback)
                    if not same:
                        mismatches.append((module.__name__, check.id, key, default, fallback))
    assert reads >= 20, "the scan found too few config reads: the pattern changed?"
    assert mismatches == []


def test_every_config_key_read_is_declared():
    declared = {k for c in CHECKS for k in c.config_schema}
    read = {key for module in _rule_modules() for key, _ in _config_reads(module)}
    assert read <= declared


def test_public_api_is_exported():
    for name in guardrails.__all__:
        assert getattr(guardrails, name) is not None


NONPROD_MANDATORY = {"COST-GPU-004", "COST-SCALE-001"}


@pytest.mark.parametrize("check", [c for c in CHECKS if c.pack == "cost"], ids=lambda c: c.id)
def test_cost_enforcement_follows_severity_except_nonprod_checks(check):
    expected = "mandatory" if check.severity in ("critical", "high") or check.id in NONPROD_MANDATORY else "advisory"
    assert check.enforcement == expected
    if check.id in NONPROD_MANDATORY:
        assert "nonprod_envs" in check.config_schema
