"""`aiscale preview --cwd` on a program that does not use aiscale, and the exit codes."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_previews_a_plain_pulumi_aws_program(repo, tmp_path):
    report_file = tmp_path / "plain.json"
    done = run_cli("preview", "--cwd", "examples/plain-aws", "--json", str(report_file))
    assert done.returncode == 0, done.stderr
    report = json.loads(report_file.read_text())
    types = [r["type"] for r in report["resources"]]
    assert types[0] == "pulumi:pulumi:Stack"
    assert sorted(types[1:]) == ["aws:ec2/vpc:Vpc", "aws:s3/bucket:Bucket",
                                 "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
    bucket = next(r for r in report["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    assert bucket["inputs"]["bucket"] == "demo-data-123456789012", "the caller-identity invoke was answered"
    assert set(report) >= {"project", "stack", "resources", "cost", "policies"}
    assert "aws:s3/bucket:Bucket" in done.stdout and "4 to create" in done.stdout


def test_a_failing_program_exits_2_with_one_message_and_no_traceback(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi\nraise RuntimeError('boom')\n")
    done = run_cli("preview", "--cwd", str(tmp_path))
    assert done.returncode == 2
    assert "program error: RuntimeError: boom" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_folder_without_a_project_exits_2(tmp_path):
    done = run_cli("preview", "--cwd", str(tmp_path))
    assert done.returncode == 2 and "no Pulumi.yaml" in done.stderr
    assert "Traceback" not in done.stderr
