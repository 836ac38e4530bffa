"""References between resources are followed once, in aiscale.facts.references, for the cost
estimate and for every policy pack: a second follower fails here."""

from __future__ import annotations

import ast

from aiscale.cost._graph import Graph
from aiscale.facts.references import References
from aiscale.guardrails.cost import endpoints, pools
from aiscale.guardrails.wiring.graph import StackGraph
from tests.conftest import REPO

COMPONENTS = REPO / "components"

#: What a resource's dependencies are read through: an attribute or a getattr name.
DEPENDENCY_FIELDS = {"property_dependencies", "dependencies", "depends_on"}

#: Modules that only copy dependencies into a view or a record for the follower to read.
BUILDERS = {
    "facts/references.py": "the follower itself",
    "guardrails/context.py": "declares ResourceView's fields",
    "guardrails/evaluate.py": "builds views from preview records",
    "guardrails/pack.py": "builds views from pulumi_policy resources",
    "guardrails/cost/budget.py": "builds records from views for the estimator",
}


def test_the_cost_estimate_and_the_packs_follow_references_with_the_one_follower():
    assert issubclass(Graph, References), "cost's Graph must be the facts layer's follower"
    assert issubclass(StackGraph, References), "the wiring pack's graph must be the facts layer's follower"
    assert pools.References is References and endpoints.References is References


def _reads_dependencies(path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in DEPENDENCY_FIELDS:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Constant) and node.value in DEPENDENCY_FIELDS:
            found.append((node.lineno, node.value))
    return found


def test_no_other_module_of_cost_facts_or_the_packs_reads_dependencies():
    offenders = {}
    for folder in ("cost", "facts", "guardrails"):
        for path in sorted((COMPONENTS / folder).rglob("*.py")):
            relative = path.relative_to(COMPONENTS).as_posix()
            if relative not in BUILDERS and (found := _reads_dependencies(path)):
                offenders[relative] = found
    assert not offenders, ("these modules read resource dependencies themselves; follow references "
                           f"with aiscale.facts.references instead: {offenders}")


def test_the_scan_sees_a_dependency_read(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def linked(view, urn):\n    return urn in view.property_dependencies.get('x', ())\n")
    assert _reads_dependencies(sneaky) == [(2, "property_dependencies")]
