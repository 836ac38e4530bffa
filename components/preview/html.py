"""The preview as one self-contained HTML page (``aiscale preview --html FILE``): the verdict and
summary, the platform diagram and the cost per cloud drawn as inline SVG, the policy findings and
the resource tree. No script, no stylesheet or font from elsewhere: the file opens offline, in a
CI artifact or attached to a ticket, and shows the same thing everywhere.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from aiscale.preview.diagram import LEVELS, PlatformGraph, node_text, platform_graph

CLOUD_COLOURS = {"aws": "#ff9900", "azure": "#0078d4", "gcp": "#34a853"}
"""Each cloud's colour in the diagram and the cost chart (others: OTHER_COLOUR)."""
OTHER_COLOUR = "#7a7a7a"
BOX_WIDTH, BOX_HEIGHT, COLUMN_GAP, ROW_GAP, LINE_HEIGHT = 215, 62, 40, 16, 16
"""The diagram's geometry, in pixels."""
CHAR_WIDTH = 7.4
"""The widest a 12 px character is taken to be: a longer line is fitted to its box (textLength)."""
BAR_HEIGHT, BAR_GAP, CHART_LABEL_WIDTH, CHART_BAR_WIDTH = 26, 14, 90, 520
"""The cost chart's geometry, in pixels."""
SEVERITY_COLOURS = {"critical": "#8b0000", "high": "#c62828", "medium": "#b26a00", "low": "#1565c0"}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1280px;
color:#1b1b1b;padding:0 1rem;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.verdict{padding:.5rem .8rem;border-radius:6px;display:inline-block;font-weight:600}
.passed{background:#e6f4ea;color:#1e4620}.blocked{background:#fdecea;color:#611a15}
.summary{color:#444}.figure{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f5f5f5}code{font-size:.85em}
.tree ul{list-style:none;padding-left:1.2rem;margin:0}.tree li{margin:.1rem 0}
.tree .type{color:#00695c}.tree .count{color:#777}.tree summary{cursor:pointer}
"""


def _colour(cloud: str) -> str:
    return CLOUD_COLOURS.get(cloud, OTHER_COLOUR)


def diagram_svg(graph: PlatformGraph) -> str:
    """The graph as an SVG: one column per level, a box per node (its cloud's colour on the
    left edge), a curve per edge."""
    columns = [graph.at(level) for level in LEVELS]
    used = [index for index, column in enumerate(columns) if column]
    place: dict[str, tuple[int, int]] = {}
    for slot, index in enumerate(used):
        for row, node in enumerate(columns[index]):
            place[node.key] = (slot * (BOX_WIDTH + COLUMN_GAP), row * (BOX_HEIGHT + ROW_GAP))
    width = max(1, len(used)) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP + 2
    height = max((len(column) for column in columns), default=1) * (BOX_HEIGHT + ROW_GAP) + 24
    parts = [f'<svg id="diagram" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="-1 -1 {width + 2} {height}" style="max-width:100%;height:auto" role="img" '
             f'aria-label="Platform diagram">']
    for level, index in zip([LEVELS[i] for i in used], range(len(used))):
        parts.append(f'<text x="{index * (BOX_WIDTH + COLUMN_GAP)}" y="{height - 6}" font-size="12" '
                     f'fill="#777">{escape(level)}s</text>')
    for source, target in graph.edges:
        if source in place and target in place:
            (x1, y1), (x2, y2) = place[source], place[target]
            start, end = (x1 + BOX_WIDTH, y1 + BOX_HEIGHT // 2), (x2, y2 + BOX_HEIGHT // 2)
            middle = (start[0] + end[0]) // 2
            parts.append(f'<path class="edge" d="M{start[0]},{start[1]} C{middle},{start[1]} {middle},{end[1]} '
                         f'{end[0]},{end[1]}" fill="none" stroke="#9e9e9e" stroke-width="1.5"/>')
    for node in graph.nodes:
        x, y = place[node.key]
        parts.append(f'<g class="node" data-level="{node.level}" data-cloud="{escape(node.cloud)}">'
                     f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="8" fill="#fff" '
                     f'stroke="#bdbdbd"/><rect x="{x}" y="{y}" width="6" height="{BOX_HEIGHT}" rx="3" '
                     f'fill="{_colour(node.cloud)}"/>')
        for line, text in enumerate(node_text(node)):
            weight = ' font-weight="600"' if line == 0 else ""
            parts.append(f'<text x="{x + 14}" y="{y + 20 + line * LINE_HEIGHT}" font-size="12"{weight} '
                         f'textLength="{BOX_WIDTH - 22}" lengthAdjust="spacingAndGlyphs">'
                         f'{escape(text)}</text>' if len(text) * CHAR_WIDTH > BOX_WIDTH - 22 else
                         f'<text x="{x + 14}" y="{y + 20 + line * LINE_HEIGHT}" font-size="12"{weight}>'
                         f'{escape(text)}</text>')
        parts.append("</g>")
    return "".join(parts) + "</svg>"


def cost_chart_svg(graph: PlatformGraph) -> str:
    """The monthly cost per cloud as horizontal bars: the light bar is the largest scale, the
    dark one the smallest, both to the same scale."""
    clouds = [node for node in graph.at("cloud") if node.cost_max is not None]
    top = max((node.cost_max for node in clouds), default=0.0) or 1.0
    height = len(clouds) * (BAR_HEIGHT + BAR_GAP) + 10
    width = CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 180
    parts = [f'<svg id="cost-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="Monthly cost per cloud">']
    for row, node in enumerate(clouds):
        y = row * (BAR_HEIGHT + BAR_GAP)
        high = round(CHART_BAR_WIDTH * node.cost_max / top)
        low = round(CHART_BAR_WIDTH * (node.cost_min or 0.0) / top)
        parts.append(f'<text x="0" y="{y + BAR_HEIGHT - 8}" font-size="13">{escape(node.label)}</text>'
                     f'<rect class="bar-max" data-cloud="{escape(node.cloud)}" x="{CHART_LABEL_WIDTH}" y="{y}" '
                     f'width="{max(high, 1)}" height="{BAR_HEIGHT}" fill="{_colour(node.cloud)}" fill-opacity="0.45"/>'
                     f'<rect class="bar-min" x="{CHART_LABEL_WIDTH}" y="{y}" width="{low}" height="{BAR_HEIGHT}" '
                     f'fill="{_colour(node.cloud)}"/>'
                     f'<text x="{CHART_LABEL_WIDTH + max(high, 1) + 8}" y="{y + BAR_HEIGHT - 8}" font-size="13">'
                     f'${node.cost_min or 0:,.2f} - ${node.cost_max:,.2f}</text>')
    return "".join(parts) + "</svg>"


def _findings(violations: Sequence[Any], packs: Sequence[Any]) -> str:
    if not packs:
        return "<p>No policy pack was run.</p>"
    if not violations:
        return f"<p id=\"no-findings\">No findings from {escape(', '.join(p.name for p in packs))}.</p>"
    from aiscale.preview.findings import SEVERITIES

    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = sorted(violations, key=lambda v: (v.enforcement != "mandatory", rank.get(v.severity, 9), v.sort_key()))
    body = "".join(
        f'<tr class="finding {escape(v.enforcement)}"><td style="color:{SEVERITY_COLOURS.get(v.severity, "#555")}">'
        f'{escape(v.severity)}</td><td>{escape(v.enforcement)}</td><td><code>{escape(v.policy)}</code></td>'
        f'<td>{escape(v.urn.rsplit("::", 1)[-1] if v.urn else "(stack)")}</td>'
        f'<td>{escape((v.message or "").strip().splitlines()[-1] if (v.message or "").strip() else "")}</td></tr>'
        for v in rows)
    return ('<table id="findings"><thead><tr><th>severity</th><th>enforcement</th><th>policy</th>'
            f'<th>resource</th><th>message</th></tr></thead><tbody>{body}</tbody></table>')


def _tree(result: Any) -> str:
    records = [*result.resources, *result.reads]
    known = {record.urn for record in records}
    children: dict[Optional[str], list] = {}
    for record in records:
        children.setdefault(record.parent if record.parent in known else None, []).append(record)

    def held(urn: str) -> int:
        return sum((1 if c.custom else 0) + held(c.urn) for c in children.get(urn, []))

    def item(record: Any, depth: int) -> str:
        label = (f'<span class="type">{escape(record.type)}</span> <b>{escape(record.name)}</b>'
                 + (" [read]" if getattr(record, "read", False) else "")
                 + (" [protected]" if record.protect else ""))
        kids = sorted(children.get(record.urn, []), key=lambda r: (r.custom, r.type, r.name))
        if not kids:
            return f"<li>{label}</li>"
        inner = "".join(item(kid, depth + 1) for kid in kids)
        opened = " open" if depth < 2 else ""
        return (f'<li><details{opened}><summary>{label} <span class="count">({held(record.urn)} '
                f'resources)</span></summary><ul>{inner}</ul></details></li>')

    roots = children.get(None, [])
    return f'<div class="tree" id="resources"><ul>{"".join(item(r, 0) for r in roots)}</ul></div>'


def render_html(outcome: Any, findings: Optional[Sequence[Any]] = None, hide: Callable[[str], str] = str) -> str:
    """The page of a ``PreviewOutcome``; `findings` are the violations to list (their secrets
    redacted; default the outcome's), `hide` replaces config secrets in the finished page."""
    from aiscale.preview.screen import headline

    result, cost = outcome.result, outcome.cost
    findings = outcome.violations if findings is None else findings
    graph = platform_graph(result, cost)
    mandatory = sum(1 for v in outcome.violations if v.enforcement == "mandatory")
    verdict = (f'<p class="verdict blocked">Blocked: {mandatory} mandatory policy violation'
               f'{"" if mandatory == 1 else "s"} (exit {outcome.exit_code})</p>' if mandatory else
               f'<p class="verdict passed">Passed (exit {outcome.exit_code})</p>')
    title = f"aiscale preview: {result.project} / {result.stack}"
    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
        f'<body><h1>{escape(title)}</h1>{verdict}<p class="summary">{escape(headline(outcome))}</p>'
        f'<h2>Platform</h2><div class="figure">{diagram_svg(graph)}</div>'
        f'<h2>Estimated monthly cost</h2><p>${cost.monthly_min:,.2f} to ${cost.monthly_max:,.2f} per month '
        f'({escape(cost.currency)} list prices, smallest to largest scale): {len(cost.items)} priced, '
        f'{len(cost.unpriced)} unpriced.</p><div class="figure">{cost_chart_svg(graph)}</div>'
        f'<h2>Policy findings</h2>{_findings(findings, outcome.packs)}'
        f'<h2>Resources</h2>{_tree(result)}</body></html>\n')
    return hide(page)


def write_html(outcome: Any, path: Path, findings: Optional[Sequence[Any]] = None,
               hide: Callable[[str], str] = str) -> None:
    """Write :func:`render_html` to `path` (UTF-8), creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(outcome, findings, hide), encoding="utf-8")
