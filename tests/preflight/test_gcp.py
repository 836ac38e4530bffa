"""The GCP pre-flight tests (``gcp_cases``), run in a child pytest process.

google-cloud-compute loads googleapis-common-protos' ``google/rpc/status.proto``, and Pulumi's
provider server (``pulumi.provider.server``, loaded by ``tests/reach``) registers its own copy of
the ``google.rpc.Status`` message: the two cannot load into one process ("duplicate symbol
'google.rpc.Status'"), whichever comes first. `aiscale preflight` never loads the provider
server, so only the test suite needs the separate process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

CASES = Path(__file__).with_name("gcp_cases.py")
EXPECTED = 20
"""The tests in gcp_cases.py: a drop means cases stopped being collected."""


def test_the_gcp_cases_pass_in_their_own_process():
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-W", "ignore::FutureWarning", str(CASES)],
                          capture_output=True, text=True, cwd=CASES.parents[2], env=dict(os.environ),
                          timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed.group(1)) == EXPECTED, done.stdout[-2000:]
