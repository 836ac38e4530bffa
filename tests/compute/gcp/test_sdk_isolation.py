"""Building every GCP compute component imports the GCP SDK only, never another cloud's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROGRAM = r"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("gcp_conftest", sys.argv[1])
helpers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helpers)

def body(scope, platform):
    network = helpers.declare_network(scope, platform)
    helpers.declare_pools(scope, platform, helpers.declare_cluster(scope, platform, network))
    helpers.declare_groups(scope, platform, network)

result = helpers.run_gcp(body)
types = sorted({r.type for r in result.resources})
sdks = sorted({name.split(".")[0] for name in sys.modules if name.startswith("pulumi_")})
print(json.dumps({"sdks": sdks, "types": types}))
"""


def test_gcp_build_imports_no_other_cloud_sdk():
    conftest = Path(__file__).with_name("conftest.py")
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(conftest)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pulumi_gcp" in report["sdks"]
    assert "pulumi_aws" not in report["sdks"]
    assert "pulumi_azure_native" not in report["sdks"]
    assert {"gcp:container/nodePool:NodePool", "gcp:compute/regionAutoscaler:RegionAutoscaler"} <= set(report["types"])
