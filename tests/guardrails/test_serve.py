"""The packs are served by the stock, unpatched pulumi_policy: `serve` only builds the policies
and hands them to `PolicyPack`, and no module under components/, policies/ or bench/ assigns
to or reads a private attribute of pulumi_policy (or assigns to any of its attributes)."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import pulumi_policy
import pytest

from aiscale.guardrails import serve as serve_module
from aiscale.guardrails.catalogue import checks_for_pack
from aiscale.guardrails.pack import PACK_NAMES

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("components", "policies", "bench")
SDK = "pulumi_policy"
MANGLED = "_PolicyAnalyzerServicer"


def _root(node: ast.AST) -> str | None:
    """The name an attribute chain (``a.b.c``) starts from."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def sdk_touches(source: str) -> list[str]:
    """Where `source` reaches into pulumi_policy: a private name imported or read, any of its
    attributes assigned or deleted, getattr/setattr of a private name, or the servicer's
    (name-mangled) internals named at all."""
    found = [f"line {n}: names {MANGLED}" for n, line in enumerate(source.splitlines(), 1)
             if MANGLED in line]
    tree = ast.parse(source)
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == SDK:
                    bound.add(alias.asname or SDK)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == SDK:
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"line {node.lineno}: imports private {node.module}.{alias.name}")
                bound.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _root(node) in bound:
            if node.attr.startswith("_"):
                found.append(f"line {node.lineno}: private attribute .{node.attr}")
            elif isinstance(node.ctx, (ast.Store, ast.Del)):
                found.append(f"line {node.lineno}: assigns {SDK}'s .{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "delattr", "hasattr") and node.args
              and _root(node.args[0]) in bound):
            name = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
            if node.func.id in ("setattr", "delattr") or not isinstance(name, str) or name.startswith("_"):
                found.append(f"line {node.lineno}: {node.func.id}() on {SDK}")
    return found


PATCHED = '''
import pulumi_policy.policy as sdk
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy import PolicyPack

servicer = sdk._PolicyAnalyzerServicer
sdk.json_format = object()
PolicyPack.serve = None
policies = getattr(self, "_PolicyAnalyzerServicer__policies")
setattr(sdk, "signature", None)
'''
"""What the guardrails' servicer used to do to the SDK (and a few more ways to do it)."""


def test_the_check_finds_every_way_of_reaching_into_the_sdk():
    found = sdk_touches(PATCHED)
    for words in ("imports private pulumi_policy.policy._NotApplicableError",
                  "private attribute ._PolicyAnalyzerServicer", "assigns pulumi_policy's .json_format",
                  "assigns pulumi_policy's .serve", f"names {MANGLED}", "setattr() on pulumi_policy"):
        assert any(words in problem for problem in found), (words, found)
    assert sdk_touches("from pulumi_policy import PolicyPack\nPolicyPack(name='p', policies=[])\n") == []


def test_no_module_reaches_into_pulumi_policy():
    scanned, users, problems = 0, 0, {}
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            source = path.read_text()
            scanned += 1
            users += SDK in source
            found = sdk_touches(source)
            if found:
                problems[str(path.relative_to(REPO))] = found
    assert scanned > 100 and users >= 3, "the scan reached the packs and the guardrails"
    assert problems == {}


def test_serve_hands_the_pack_s_policies_to_the_stock_policy_pack(monkeypatch):
    served = []

    class Spy:
        def __init__(self, name, policies, **options):
            served.append((name, [p.name for p in policies], options))

    threshold = gc.get_threshold()
    monkeypatch.setattr(pulumi_policy, "PolicyPack", Spy)  # the real one serves until killed
    try:
        serve_module.serve("cost")
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert served == [(PACK_NAMES["cost"], [c.id for c in checks_for_pack("cost")], {})]


@pytest.mark.parametrize("folder", ["policies", "components/policy_packs"])
@pytest.mark.parametrize("pack", ["security", "cost", "wiring"])
def test_each_pack_folder_only_serves_its_pack(folder, pack):
    main = ast.parse((REPO / folder / pack / "__main__.py").read_text())
    calls = [node for node in ast.walk(main) if isinstance(node, ast.Call)]
    assert any(isinstance(c.func, ast.Name) and c.func.id == "serve" for c in calls)
    assert SDK not in ast.unparse(main), "the pack folder leaves the SDK to aiscale.guardrails.serve"


def test_the_collector_is_quieted_and_can_be_restored():
    threshold = gc.get_threshold()
    try:
        serve_module.quiet_collector()
        assert gc.get_threshold()[0] == serve_module.GC_FIRST_GENERATION_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
