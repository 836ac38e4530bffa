"""Rendering a preview like ``pulumi preview``: the resource tree and a count summary.

Two trees (``--tree``): ``resources``, every resource under its parent, and ``components``, the
compact one: the components only, each with the number of resources it holds, plus the
resources that belong to no component (a plain program's). Type tokens are whole on a wide
console and shortened as ``pulumi preview`` shows them on a narrow one
(:func:`aiscale.terminal.display_type`); a label wraps between the type and the name, never
inside a token.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from aiscale.facts.tokens import CLOUD_OF_PACKAGE
from aiscale.preview.engine import PreviewResult
from aiscale.terminal import PLAIN_WIDTH, display_type


#: The mark of a resource the program reads (``Bucket.get(...)``), as ``pulumi preview`` shows it.
READ_MARK = "> "
#: The note on a remote (multi-language) component, whose insides are not previewed offline.
REMOTE_NOTE = "  [remote: insides not previewed offline]"
#: The values of ``--tree``.
TREE_VIEWS = ("components", "resources", "none")


def _label(record, width: int = PLAIN_WIDTH, held: int | None = None) -> Text:
    kind = display_type(record.type, width)
    if getattr(record, "read", False):
        label = Text.assemble((READ_MARK, "blue"), (kind, "cyan"), "  ", (record.name, "bold"),
                              ("  [read]", "blue"))
    else:
        label = Text.assemble(("+ ", "green"), (kind, "cyan"), "  ", (record.name, "bold"))
    if held:
        label.append(f"  ({held} resource{'' if held == 1 else 's'})", style="dim")
    if record.protect:
        label.append("  [protected]", style="yellow")
    if getattr(record, "remote", False):
        label.append(REMOTE_NOTE, style="magenta")
    return label


def resource_tree(result: PreviewResult, view: str = "resources", width: int = PLAIN_WIDTH) -> Tree:
    """The resources nested under their parents, each marked ``+`` (to create) or ``>`` (read);
    components before their resources, each group in URN order. ``view="components"`` keeps
    the components (each with the count of resources inside it, at any depth) and the resources
    outside every component; `width` is the console's (type tokens shorten below 120)."""
    records = [*result.resources, *result.reads]
    if not records:
        return Tree(Text("(no resources)", style="dim"))
    known = {record.urn for record in records}
    children: dict[str | None, list] = {}
    for record in records:
        parent = record.parent if record.parent in known else None
        children.setdefault(parent, []).append(record)
    component = {record.urn for record in records if not record.custom}
    stack = next((r.urn for r in records if r.parent is None and not r.custom), None)

    def held(urn: str) -> int:
        return sum((1 if child.custom else 0) + held(child.urn) for child in children.get(urn, []))

    def shown(record, parent: str) -> bool:
        return view != "components" or not record.custom or parent == stack or parent not in component

    def label(record) -> Text:
        counted = view == "components" and not record.custom and record.urn != stack
        return _label(record, width, held(record.urn) if counted else None)

    def attach(node: Tree, urn: str) -> None:
        for child in sorted(children.get(urn, []), key=lambda r: (r.custom, r.read, r.type, r.name)):
            if shown(child, urn):
                attach(node.add(label(child)), child.urn)

    roots = children.get(None, [])
    tree = Tree(label(roots[0]))
    attach(tree, roots[0].urn)
    for orphan in roots[1:]:  # resources whose parent was never registered
        attach(tree.add(label(orphan)), orphan.urn)
    return tree


def cloud_counts(result: PreviewResult) -> Counter:
    """Custom resources per cloud (``other`` for packages outside the three clouds)."""
    return Counter(CLOUD_OF_PACKAGE.get(r.package, "other") for r in result.resources if r.custom)


def summary(result: PreviewResult) -> Group:
    """``Resources: + N to create`` with a breakdown per cloud and the component count."""
    counts = cloud_counts(result)
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right")
    table.add_column()
    for cloud in sorted(counts):
        table.add_row(str(counts[cloud]), f"{cloud} resources")
    components = sum(1 for r in result.resources if not r.custom)
    table.add_row(str(components), "components (including the stack)")
    headline = Text.assemble("Resources:\n    ", ("+ ", "green"),
                             f"{len(result.resources)} to create")
    if result.reads:
        headline.append_text(Text.assemble("\n    ", (READ_MARK, "blue"),
                                           f"{len(result.reads)} to read (existing, not managed)"))
    return Group(headline, table)
