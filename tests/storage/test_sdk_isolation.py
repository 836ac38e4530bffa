"""A store on one cloud imports only that cloud's SDK; physical names ignore declaration order."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from aiscale.object_store import ObjectStore

from .helpers import S3_BUCKET, store_args

SDKS = {"aws": "pulumi_aws", "azure": "pulumi_azure_native", "gcp": "pulumi_gcp"}

PROBE = textwrap.dedent("""
    import json, sys
    from aiscale.object_store import ObjectStore
    from aiscale.preview.engine import run_inline
    args = json.loads(sys.argv[1])
    result = run_inline(lambda: ObjectStore("models", args))
    count = sum(1 for r in result.resources if r.custom)
    print(json.dumps({"count": count, "loaded": sorted(m for m in sys.modules if m.startswith("pulumi_"))}))
""")


@pytest.mark.parametrize("cloud", sorted(SDKS))
def test_constructing_a_store_imports_only_its_cloud_sdk(cloud):
    # On Azure the customer-managed account needs the conftest's fake-cloud workaround, which a
    # subprocess does not get; the provider-managed variant imports the same SDK.
    args = store_args(cloud, encryption="provider-managed" if cloud == "azure" else "customer-managed")
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["count"] > 0, "the store declared resources"
    loaded = {m.split(".")[0] for m in report["loaded"]}
    assert SDKS[cloud] in loaded
    assert loaded.isdisjoint(set(SDKS.values()) - {SDKS[cloud]}), loaded


def test_reordering_buckets_keeps_every_physical_name(preview):
    def program(order):
        return lambda: [ObjectStore(f"store-{b}", store_args("aws", bucket=b)) for b in order]

    def names(result):
        return {r.name: r.inputs["bucket"] for r in result.by_type(S3_BUCKET)}

    forward = names(preview(program(["models", "checkpoints", "datasets"])))
    backward = names(preview(program(["datasets", "checkpoints", "models"])))
    assert forward == backward and len(set(forward.values())) == 3
