"""examples/consumer-python: a separate Pulumi program that pip-installs aiscale.

It has its own ``components`` package (the name of aiscale's source folder) and imports both;
``aiscale preview --cwd`` runs it offline as ``pulumi preview`` would.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, run_cli

EXAMPLE = REPO / "examples" / "consumer-python"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    """The JSON report of ``aiscale preview --cwd examples/consumer-python``, run from the
    repository root (where aiscale's own components/ folder is on sys.path: the hard case)."""
    out = tmp_path_factory.mktemp("consumer") / "report.json"
    done = run_cli("preview", "--cwd", "examples/consumer-python", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())


def _one(report: dict, type_: str, name: str) -> dict:
    found = [r for r in report["resources"] if r["type"] == type_ and r["name"] == name]
    assert len(found) == 1, f"{type_} {name}"
    return found[0]


# (type, name, reason)
EXPECTED = [
    ("aiscale:index:ObjectStore", "models", "ObjectStore from aiscale"),
    ("aws:s3/bucket:Bucket", "models-bucket", "its S3 bucket"),
    ("aws:kms/key:Key", "models-key", "its customer-managed key"),
    ("aiscale:index:GpuNodePool", "inference", "GpuNodePool from aiscale"),
    ("aws:eks/nodeGroup:NodeGroup", "inference-gpu", "the EKS node group on the existing cluster"),
]


@pytest.mark.parametrize("type_,name,reason", EXPECTED, ids=[e[2] for e in EXPECTED])
def test_preview_declares_the_components(report, type_, name, reason):
    assert _one(report, type_, name)["type"] == type_, reason


def test_preview_is_the_consumers_project(report):
    assert (report["project"], report["stack"]) == ("consumer-python", "dev")
    assert not [v for v in report["policies"]["violations"] if v["enforcement"] == "mandatory"]


def test_pool_joins_the_configured_cluster_with_the_consumers_tags(report):
    group = _one(report, "aws:eks/nodeGroup:NodeGroup", "inference-gpu")["inputs"]
    assert group["clusterName"] == "vision-dev"
    assert group["subnetIds"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    assert group["capacityType"] == "SPOT"
    # From the consumer's own components.naming, merged with aiscale's own tags:
    assert group["tags"]["repository"] == "consumer-python"
    assert group["tags"]["managed-by"] == "aiscale"
    bucket = _one(report, "aws:s3/bucket:Bucket", "models-bucket")["inputs"]
    assert bucket["tags"]["repository"] == "consumer-python"


def test_the_consumers_components_package_and_aiscale_do_not_collide():
    probe = ("import components, components.naming, aiscale, aiscale.multilang; "
             "print(components.__file__); print(aiscale.__file__); "
             "print(hasattr(components, 'ObjectStore'), aiscale.ObjectStore.__name__)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=EXAMPLE, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    components_file, aiscale_file, flags = done.stdout.splitlines()
    assert components_file.startswith(str(EXAMPLE / "components"))
    assert not aiscale_file.startswith(str(EXAMPLE))
    assert flags == "False ObjectStore"
