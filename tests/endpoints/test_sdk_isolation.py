"""A stack on one cloud imports no other cloud's SDK when it builds an endpoint."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SDKS = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "pulumi_kubernetes")


def imported_sdks(cloud: str, runtime: str) -> set[str]:
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(REPO)!r})
        from aiscale.preview.engine import run_inline
        from tests.endpoints.helpers import CONFIG, endpoint_program
        run_inline(endpoint_program({cloud!r}, endpoint={{"runtime": {runtime!r}}}),
                   config=CONFIG[{cloud!r}])
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {SDKS!r})))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in json.loads(done.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize("cloud,runtime,expected", [
    ("gcp", "managed", {"pulumi_gcp"}),
    ("aws", "kubernetes", {"pulumi_aws", "pulumi_kubernetes"}),
])
def test_only_the_clouds_sdk_is_imported(cloud, runtime, expected):
    assert imported_sdks(cloud, runtime) == expected
