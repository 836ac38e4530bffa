"""Building on Azure imports no other cloud's SDK (a one-cloud stack stays small and fast)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import REPO


def test_azure_build_imports_only_the_azure_sdk():
    script = textwrap.dedent("""
        import json, sys
        from aiscale.preview.engine import run_inline
        from tests.compute.azure.helpers import LOCATION, build_platform, platform_model
        platform = platform_model(
            node_pools=[{"name": "train", "accelerator": "nvidia-t4", "gpus_per_node": 1, "max_nodes": 2}],
            autoscaling_groups=[{"name": "batch", "accelerator": "nvidia-t4", "gpus_per_node": 1,
                                 "max_nodes": 2}])
        result = run_inline(lambda: build_platform(platform), config={"azure-native:location": LOCATION})
        print(json.dumps({
            "types": sorted({r.type for r in result.resources}),
            "loaded": sorted({m.split(".")[0] for m in sys.modules if m.startswith("pulumi_")}),
        }))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    built = {"azure-native:containerservice:AgentPool", "azure-native:compute:VirtualMachineScaleSet",
             "azure-native:network:NatGateway"}
    assert built <= set(report["types"]), "the Azure compute was really built"
    assert "pulumi_azure_native" in report["loaded"]
    assert not {"pulumi_aws", "pulumi_gcp"} & set(report["loaded"])
