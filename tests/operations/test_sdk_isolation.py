"""A stack on one cloud imports no other cloud's SDK when it builds its Operations."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SDKS = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "pulumi_kubernetes")


@pytest.mark.parametrize("cloud,expected", [
    ("gcp", {"pulumi_gcp", "pulumi_kubernetes"}),
    ("azure", {"pulumi_azure_native", "pulumi_kubernetes"}),
])
def test_only_the_clouds_sdk_is_imported(cloud, expected):
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(REPO)!r})
        from aiscale.preview.engine import run_inline
        from tests.operations.helpers import CONFIG, operations_program
        run_inline(operations_program({cloud!r}), config=CONFIG[{cloud!r}])
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {SDKS!r})))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    imported = {name.split(".")[0] for name in json.loads(done.stdout.strip().splitlines()[-1])}
    assert imported == expected
