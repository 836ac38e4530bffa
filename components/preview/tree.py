"""Rendering a preview like ``pulumi preview``: the resource tree and a count summary."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from aiscale.facts.tokens import CLOUD_OF_PACKAGE
from aiscale.preview.engine import PreviewResult


#: The mark of a resource the program reads (``Bucket.get(...)``), as ``pulumi preview`` shows it.
READ_MARK = "> "
#: The note on a remote (multi-language) component, whose insides are not previewed offline.
REMOTE_NOTE = "  [remote: insides not previewed offline]"


def _label(record) -> Text:
    if getattr(record, "read", False):
        label = Text.assemble((READ_MARK, "blue"), (record.type, "cyan"), "  ", (record.name, "bold"),
                              ("  [read]", "blue"))
    else:
        label = Text.assemble(("+ ", "green"), (record.type, "cyan"), "  ", (record.name, "bold"))
    if record.protect:
        label.append("  [protected]", style="yellow")
    if getattr(record, "remote", False):
        label.append(REMOTE_NOTE, style="magenta")
    return label


def resource_tree(result: PreviewResult) -> Tree:
    """The resources nested under their parents, each marked ``+`` (to create) or ``>`` (read);
    components before their resources, each group in URN order."""
    records = [*result.resources, *result.reads]
    if not records:
        return Tree(Text("(no resources)", style="dim"))
    known = {record.urn for record in records}
    children: dict[str | None, list] = {}
    for record in records:
        parent = record.parent if record.parent in known else None
        children.setdefault(parent, []).append(record)

    def attach(node: Tree, urn: str) -> None:
        for child in sorted(children.get(urn, []), key=lambda r: (r.custom, r.read, r.type, r.name)):
            attach(node.add(_label(child)), child.urn)

    roots = children.get(None, [])
    tree = Tree(_label(roots[0]))
    attach(tree, roots[0].urn)
    for orphan in roots[1:]:  # resources whose parent was never registered
        attach(tree.add(_label(orphan)), orphan.urn)
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
