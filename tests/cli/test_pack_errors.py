"""A policy that raises is reported with its pack, its policy, the exception type and the line:
over the Analyzer protocol (a pack folder) and in process (a bundled check)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aiscale.cli import app
from aiscale.guardrails.catalogue import checks_for_pack
from tests.conftest import REPO

PLAIN_AWS = REPO / "examples" / "plain-aws"
CRASHING_PACK = Path(__file__).parent / "fixtures" / "crashing_pack"


def _line_of(path: Path, marker: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text)


def _preview(*args: str):
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"}).invoke(
        app, ["preview", "--cwd", str(PLAIN_AWS), *args], catch_exceptions=False)


def test_a_pack_folder_whose_policy_raises_names_pack_policy_type_and_line():
    result = _preview("--policy-pack", str(CRASHING_PACK))
    assert result.exit_code == 2
    error = " ".join(result.stderr.split())
    line = _line_of(CRASHING_PACK / "__main__.py", "CRASH-LINE")
    assert ("policy 'crashes-on-buckets' of pack 'crashing-pack' raised KeyError: 'nope' "
            f"at __main__.py:{line} (in _crash)") in error
    assert "aws:s3/bucket:Bucket::data" in error, "the resource being checked"
    assert "Traceback" not in result.stderr + result.stdout


def _crashing_rule(*args, **kwargs):
    budget = {}
    return budget["limit"] / 0  # BUNDLED-CRASH-LINE


def test_a_bundled_check_that_raises_in_process_names_pack_policy_type_and_line():
    check = next(c for c in checks_for_pack("security") if "aws:s3/bucket:Bucket" in c.types)
    original = check.rule
    object.__setattr__(check, "rule", _crashing_rule)  # a frozen dataclass: restored below
    try:
        result = _preview("--policy-pack", "security")
    finally:
        object.__setattr__(check, "rule", original)
    assert result.exit_code == 2
    error = " ".join(result.stderr.split())
    line = _line_of(Path(__file__), "BUNDLED-CRASH-LINE")
    assert f"policy '{check.id}' of pack 'aiscale-security' raised KeyError: 'limit'" in error
    assert f"test_pack_errors.py:{line} (in _crashing_rule)" in error
    assert "aws:s3/bucket:Bucket::data" in error
    assert "Traceback" not in result.stderr + result.stdout
