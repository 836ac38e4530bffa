"""Building on AWS imports no other cloud's SDK (a one-cloud stack stays small and fast)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_aws_build_imports_only_the_aws_sdk():
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(HERE)!r})
        from conftest import BASE, REGION, build_program
        from aiscale.preview.engine import run_inline
        result = run_inline(build_program(BASE), config={{"aws:region": REGION}})
        print(json.dumps({{
            "types": sorted({{r.type for r in result.resources}}),
            "loaded": sorted({{m.split(".")[0] for m in sys.modules if m.startswith("pulumi_")}}),
        }}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "aws:eks/nodeGroup:NodeGroup" in report["types"], "the AWS compute was really built"
    assert "pulumi_aws" in report["loaded"]
    assert not {"pulumi_azure_native", "pulumi_gcp"} & set(report["loaded"])
