"""Issue 5 at the stack level: the dev stack's monthly cost range, checked against the catalog."""

from __future__ import annotations

import json

import pytest

from aiscale import catalog
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def dev_run(tmp_path_factory):
    report_file = tmp_path_factory.mktemp("dev") / "dev.json"
    done = run_cli("preview", "--stack", "dev", "--json", str(report_file), "--no-tree")
    return done, json.loads(report_file.read_text())


def test_the_total_is_the_sum_of_the_items_and_is_printed(dev_run):
    done, report = dev_run
    cost = report["cost"]
    assert cost["items"], "the dev stack has priced GPU capacity"
    assert cost["monthly_min"] == pytest.approx(sum(item["monthly_min"] for item in cost["items"]), abs=0.001)
    assert cost["monthly_max"] == pytest.approx(sum(item["monthly_max"] for item in cost["items"]), abs=0.001)
    assert f"${cost['monthly_max']:,.2f}" in done.stdout


def test_the_aws_l4_pool_is_priced_by_hand_from_the_catalog(dev_run):
    _, report = dev_run
    (item,) = [i for i in report["cost"]["items"] if "nodeGroup" in i["urn"] and "serve" in i["urn"]]
    from aiscale.catalog._services import service_price

    offering = catalog.resolve("aws", "nvidia-l4", 1, "us-west-2")
    disk = 100 * service_price("aws", "ebs", "gp3", "us-west-2").price_usd  # 100 GB gp3 root volume a month
    node = offering.price_hour_spot * 730 + disk  # spot, 730 hours a month
    assert item["monthly_min"] == pytest.approx(1 * node, abs=0.01), \
        "min_nodes 0, but endpoint chat's min_replicas 1 keeps one node up (issue 14)"
    assert item["monthly_max"] == pytest.approx(3 * node, abs=0.01)  # max_nodes 3
    assert offering.instance_type in item["basis"]


def test_dev_has_no_mandatory_finding(dev_run):
    done, report = dev_run
    assert done.returncode == 0
    assert not [v for v in report["policies"]["violations"] if v["enforcement"] == "mandatory"]


def test_dev_has_no_finding_at_all_and_prod_none_either(dev_run):
    """Issue 5: secure and frugal by default: not even an advisory finding on either stack
    (the wiring pack's included: issue 13's faults of the stacks are fixed)."""
    from aiscale.preview.pipeline import run_preview
    from aiscale.preview.project import load_project
    from tests.conftest import REPO

    _, report = dev_run
    prod = run_preview(load_project(REPO, "prod"))
    found = [("dev", v) for v in report["policies"]["violations"]] + [("prod", v.to_report()) for v in prod.violations]
    assert found == [] and prod.exit_code == 0
    assert {"security", "cost", "wiring"} <= {run.name for run in prod.packs}


class _Recording(dict):
    """The service price table, remembering every key the estimate looked up and found."""

    def __init__(self, table):
        super().__init__(table)
        self.found: set = set()

    def get(self, key, default=None):
        value = super().get(key, default)
        if value is not None:
            self.found.add(key)
        return value


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_service_price_the_bundled_stacks_use_was_checked_against_a_source(stack, request, monkeypatch):
    """Cost truth for the stacks a user previews first: each service price row their estimate
    reads is marked verified (or verified against a third-party copy) in the sources file;
    an unverified row reaching dev or prod fails here."""
    from aiscale.catalog import _services
    from aiscale.catalog._data import _read_rows
    from aiscale.cost import estimate

    result = request.getfixturevalue(stack)
    recording = _Recording(_services._table())
    monkeypatch.setattr(_services, "_table", lambda: recording)
    estimate(result.resources, result.config)
    assert len(recording.found) >= 10, recording.found
    checked = {(r["cloud"], r["service"], r["sku"], r["region"]): r["checked"]
               for r in _read_rows(_services.SERVICE_PRICES_SOURCES_FILE)}
    unchecked = {key: checked[key] for key in recording.found
                 if not checked[key].startswith(("verified:", "verified (third-party):"))}
    assert not unchecked


def test_the_estimate_reads_each_gpu_workload_once_not_once_per_pool(dev, monkeypatch):
    """Pinning a pool's minimum reads the preview's GPU workloads once per estimate and matches
    each pool against them (reading them again for every pool made the estimate grow with pools
    x workloads: 12 s at 3,000 resources)."""
    from aiscale.cost import _pinned, estimate
    from aiscale.facts import tokens

    reads = []
    real = _pinned.kubernetes.pod_spec
    monkeypatch.setattr(_pinned.kubernetes, "pod_spec", lambda kind, inputs: reads.append(kind) or real(kind, inputs))
    def of(*kinds):
        wanted = {tokens.canonical_type(kind) for kind in kinds}
        return [r for r in dev.resources if r.custom and tokens.canonical_type(r.type) in wanted]

    workloads = of(tokens.K8S_APPS_DEPLOYMENT, tokens.K8S_APPS_STATEFUL_SET)
    pools = of(tokens.AWS_EKS_NODE_GROUP, tokens.GCP_CONTAINER_NODE_POOL, tokens.AZURE_CONTAINERSERVICE_AGENT_POOL)
    cost = estimate(dev.resources, dev.config)
    assert len(pools) > 2 and workloads
    assert len(reads) == len(workloads)
    assert any("minimum 1, not 0" in item.basis for item in cost.items), "a pool is still pinned"
