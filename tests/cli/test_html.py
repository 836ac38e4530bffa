"""`aiscale preview --html FILE` and the Mermaid diagram of `--markdown`: the page is one
self-contained file, and rendered in headless Chromium (Debian's `chromium`) it shows the
diagram inside the page, every box's text inside its box, cost bars to scale, the findings and
the resource tree."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiscale.cli import app
from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE_WIDTH = 1280
#: Loads the page in a same-origin frame and writes what the browser laid out into #out.
PROBE = """<!DOCTYPE html><html><body><iframe id="f" src="%s" width="%d" height="1400"></iframe>
<pre id="out"></pre><script>
window.addEventListener("load", () => {
  const d = document.getElementById("f").contentDocument;
  const box = e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
  document.getElementById("out").textContent = JSON.stringify({
    page: d.documentElement.scrollWidth,
    diagram: box(d.getElementById("diagram")),
    nodes: [...d.querySelectorAll("#diagram g.node")].map(g => ({
      level: g.dataset.level, rect: box(g.querySelector("rect")),
      texts: [...g.querySelectorAll("text")].map(box), text: g.textContent})),
    edges: d.querySelectorAll("#diagram path.edge").length,
    bars: [...d.querySelectorAll("#cost-chart rect.bar-max")].map(r => ({cloud: r.dataset.cloud, box: box(r)})),
    findings: [...d.querySelectorAll("#findings tbody tr")].filter(r => r.getBoundingClientRect().height > 0).length,
    summaries: [...d.querySelectorAll("#resources summary")].filter(s => s.getBoundingClientRect().height > 0)
                 .map(s => s.textContent),
  });
});
</script></body></html>"""


def _preview(tmp_path: Path, *args: str) -> tuple[Path, dict, int]:
    page, report = tmp_path / "page.html", tmp_path / "report.json"
    result = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"}).invoke(
        app, ["preview", *args, "--html", str(page), "--json", str(report), "--tree", "none"],
        catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr
    return page, json.loads(report.read_text()), result.exit_code


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    return _preview(tmp_path_factory.mktemp("html-dev"), "--stack", "dev")


@pytest.fixture(scope="module")
def insecure(tmp_path_factory):
    return _preview(tmp_path_factory.mktemp("html-insecure"), "--cwd", str(REPO / "examples" / "insecure-gpu"))


def _render(page: Path) -> dict:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); the structural tests still run")
    probe = page.parent / "probe.html"
    probe.write_text(PROBE % (page.name, PAGE_WIDTH))
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                           "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                          capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1), done.stderr[-2000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


def test_the_page_is_self_contained(dev):
    text = dev[0].read_text()
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r'(src|href)="(https?:)?//', text), "nothing is fetched from elsewhere"
    assert text.count('<g class="node"') >= 10 and 'id="cost-chart"' in text


def test_the_browser_shows_the_diagram_inside_the_page_with_every_label_in_its_box(dev):
    page, report, _ = dev
    shown = _render(page)
    assert shown["page"] <= PAGE_WIDTH, "no horizontal scrolling"
    x, _, width, height = shown["diagram"]
    assert width > 600 and height > 200 and x + width <= PAGE_WIDTH
    levels = {node["level"] for node in shown["nodes"]}
    assert levels == {"cloud", "cluster", "pool", "endpoint", "bucket"}
    for node in shown["nodes"]:
        rx, ry, rw, rh = node["rect"]
        for tx, ty, tw, th in node["texts"]:
            assert rx <= tx and tx + tw <= rx + rw + 0.5 and ry <= ty and ty + th <= ry + rh + 0.5, node["text"]
    assert shown["edges"] >= len(shown["nodes"]) - 3, "every box but the clouds is reached by an arrow"
    components = {r["name"] for r in report["resources"] if r["type"] == "aiscale:index:ObjectStore"}
    buckets = [node["text"] for node in shown["nodes"] if node["level"] == "bucket"]
    assert len(buckets) == len(components) and all(any(name in text for text in buckets) for name in components)


def test_the_cost_bars_are_to_scale(dev):
    page, report, _ = dev
    bars = {bar["cloud"]: bar["box"][2] for bar in _render(page)["bars"]}
    from aiscale.facts.tokens import cloud_of

    per_cloud: dict[str, float] = {}
    for item in report["cost"]["items"]:
        cloud = cloud_of(item["urn"].split("::")[-2].split("$")[-1])
        per_cloud[cloud] = per_cloud.get(cloud, 0.0) + item["monthly_max"]
    assert set(bars) == set(per_cloud)
    top = max(per_cloud, key=per_cloud.get)
    for cloud, amount in per_cloud.items():
        assert bars[cloud] / bars[top] == pytest.approx(amount / per_cloud[top], abs=0.01), cloud


def test_the_browser_shows_every_finding_and_the_tree(insecure):
    page, report, exit_code = insecure
    shown = _render(page)
    assert exit_code == 1
    assert shown["findings"] == len(report["policies"]["violations"]) > 0
    assert any("pulumi:pulumi:Stack" in summary for summary in shown["summaries"])
    assert "Blocked:" in page.read_text()


def test_markdown_has_the_mermaid_diagram_and_the_cost_per_cloud(tmp_path):
    markdown = tmp_path / "report.md"
    result = CliRunner(env={"COLUMNS": "120"}).invoke(
        app, ["preview", "--stack", "dev", "--no-policies", "--tree", "none", "--markdown", str(markdown)],
        catch_exceptions=False)
    assert result.exit_code == 0
    text = markdown.read_text()
    blocks = re.findall(r"```mermaid\n(.*?)\n```", text, re.S)
    flow, pie = blocks
    assert flow.startswith("flowchart LR")
    assert 'cloud_aws(["AWS<br/>82 resources' in flow or re.search(r'cloud_aws\(\["AWS<br/>\d+ resources', flow)
    assert re.search(r"cluster_acme_ml_aws_k8s --> pool_acme_ml_aws_serve", flow)
    assert re.search(r"pool_acme_ml_aws_serve --> endpoint_acme_ml_aws_chat", flow), "the pool its pods select"
    assert re.search(r"endpoint_acme_ml_aws_chat --> bucket_acme_ml_aws_models", flow), "the bucket it reads"
    assert pie.startswith("pie showData title Monthly cost per cloud")
    assert re.findall(r'"(AWS|Azure|GCP)" : [\d.]+', pie) == ["AWS", "Azure", "GCP"]


def test_a_config_secret_never_reaches_the_page_or_plain_output(tmp_path):
    from tests.preview.test_secrets_config import PASSPHRASE, _encryption_salt, _project, _secure, run_cli

    program = """\
import pulumi
config = pulumi.Config()
token = config.require("token")
pulumi.CustomResource("test:index:Client", f"client-{token}", {"token": config.require_secret("token")})
"""
    folder = _project(tmp_path, {"demo:token": _secure("tok-hunter2-s3cr3t")}, salt=_encryption_salt(), program=program)
    page = tmp_path / "page.html"
    done = run_cli("preview", "--cwd", str(folder), "--no-policies", "--tree", "resources", "--output", "plain",
                   "--html", str(page), env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    assert "client-[secret]" in done.stdout and "client-[secret]" in page.read_text()
    assert "tok-hunter2-s3cr3t" not in done.stdout + done.stderr + page.read_text()
