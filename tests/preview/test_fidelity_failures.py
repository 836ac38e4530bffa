"""Every failure of `aiscale preview` is one message and a documented exit code, never a
traceback; a program error names the user's own line and the warnings that came before it."""

from __future__ import annotations

import json
import textwrap

import pulumi
import pytest
from typer.testing import CliRunner

from aiscale.preview.engine import PreviewError, run_inline
from aiscale.preview.report import build_report, dumps
from tests.conftest import run_cli


def test_an_error_inside_an_apply_callback_names_the_callbacks_line_and_the_warnings_before_it():
    def program() -> None:
        import pulumi_aws as aws

        pulumi.log.warn("subnets came back empty")
        bucket = aws.s3.Bucket("b")
        bucket.arn.apply(lambda arn: arn.split(":")[99])  # the failing line

    with pytest.raises(PreviewError) as caught:
        run_inline(program)
    error = caught.value
    assert error.message.startswith("program error: IndexError: list index out of range (at ")
    assert __file__ in error.message and 'arn.split(":")[99]' in error.message
    assert "asyncio" not in error.message and "site-packages" not in error.message
    assert error.warnings == ["subnets came back empty"]
    assert str(error).endswith("\n  warning before the failure: subnets came back empty")


def _project(folder, program: str):
    (folder / "Pulumi.yaml").write_text("name: failing\nruntime: python\n")
    (folder / "__main__.py").write_text(textwrap.dedent(program))
    return folder


def test_cli_program_error_exit_2_with_the_program_line_and_the_warnings(tmp_path):
    _project(tmp_path, """
        import pulumi
        import pulumi_aws as aws

        pulumi.log.warn("no VPC found; using none")
        bucket = aws.s3.Bucket("b")
        bucket.arn.apply(lambda arn: arn.split(":")[99])
    """)
    done = run_cli("preview", "--cwd", str(tmp_path), "--json", str(tmp_path / "r.json"))
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path / '__main__.py'}:7" in done.stderr
    assert "warning before the failure: no VPC found; using none" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "asyncio" not in done.stderr
    assert not (tmp_path / "r.json").exists()


def test_cli_stalled_program_exit_2_naming_the_last_resource(tmp_path):
    _project(tmp_path, """
        import asyncio
        import pulumi
        import pulumi_aws as aws

        aws.s3.Bucket("last-one")
        never = asyncio.get_event_loop().create_future()
        pulumi.export("never", pulumi.Output.from_input(never))
    """)
    done = run_cli("preview", "--cwd", str(tmp_path), "--timeout", "1")
    assert done.returncode == 2, done.stderr
    assert "no progress for 1 s" in done.stderr
    assert "urn:pulumi:dev::failing::aws:s3/bucket:Bucket::last-one" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_invalid_timeout_exit_2(tmp_path):
    _project(tmp_path, "import pulumi\n")
    done = run_cli("preview", "--cwd", str(tmp_path), "--timeout", "0")
    assert done.returncode == 2
    assert "positive number of seconds" in done.stderr and "--timeout" in done.stderr


def test_an_unexpected_error_of_the_preview_itself_exits_2_without_a_traceback(monkeypatch, tmp_path):
    from aiscale import cli
    from aiscale.preview import pipeline

    def broken(*args, **kwargs):
        raise TypeError("Object of type Gizmo is not JSON serializable")

    monkeypatch.setattr(pipeline, "run_preview", broken)
    _project(tmp_path, "import pulumi\n")
    done = CliRunner().invoke(cli.app, ["preview", "--cwd", str(tmp_path)])
    assert done.exit_code == 2, done.output
    assert "TypeError: Object of type Gizmo is not JSON serializable" in done.output
    assert "bug in aiscale preview" in done.output
    assert not isinstance(done.exception, TypeError)


def test_the_report_never_fails_on_a_value_json_cannot_hold():
    class Gizmo:
        def __repr__(self) -> str:
            return "Gizmo(bytes=SECRET-BYTES)"

    text = dumps({"value": Gizmo()})
    assert json.loads(text) == {"value": "<Gizmo>"} and "SECRET-BYTES" not in text


def test_secret_text_is_redacted_from_finding_messages():
    def program() -> None:
        import pulumi_aws as aws

        aws.ssm.Parameter("p", type="SecureString", value=pulumi.Output.secret("hunter2-param"))

    result = run_inline(program)
    violation = {"pack": "p", "policy": "X-1", "enforcement": "advisory", "severity": "low",
                 "urn": None, "message": "value hunter2-param is a hard-coded credential"}
    report = build_report(result, violations=[violation])
    assert report["policies"]["violations"][0]["message"] == "value [secret] is a hard-coded credential"
    assert "hunter2" not in dumps(report)


def test_a_program_error_quoting_a_registered_secret_does_not_show_its_text():
    """Only secrets registered before the failure are known to the preview."""
    def program() -> None:
        import pulumi_aws as aws

        parameter = aws.ssm.Parameter("p", type="SecureString", value=pulumi.Output.secret("hunter2-db"))
        parameter.value.apply(lambda text: int(text))  # after the registration: ValueError quoting the text

    with pytest.raises(PreviewError) as caught:
        run_inline(program)
    assert "invalid literal for int()" in str(caught.value)
    assert "hunter2" not in str(caught.value) and "'[secret]'" in str(caught.value)


def test_a_report_path_that_cannot_be_written_exits_2_naming_it(tmp_path):
    _project(tmp_path, "import pulumi\n")
    (tmp_path / "taken").mkdir()
    done = run_cli("preview", "--cwd", str(tmp_path), "--no-policies", "--json", str(tmp_path / "taken"))
    assert done.returncode == 2
    assert str(tmp_path / "taken") in done.stderr and "Is a directory" in done.stderr
    assert "Traceback" not in done.stderr and "bug in aiscale" not in done.stderr


def test_a_thread_the_program_blocks_for_good_does_not_keep_the_cli_from_exiting(tmp_path):
    import subprocess
    import sys
    import time

    _project(tmp_path, """
        import asyncio, time
        import pulumi

        blocked = asyncio.get_event_loop().run_in_executor(None, time.sleep, 3600)
        pulumi.export("never", pulumi.Output.from_input(blocked))
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "aiscale", "preview", "--cwd", str(tmp_path), "--no-policies",
                           "--timeout", "1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no progress for 1 s" in done.stderr
    assert time.monotonic() - started < 60
