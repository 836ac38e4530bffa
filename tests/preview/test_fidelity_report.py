"""`aiscale preview` on a program with the shapes of issue 18: assets and archives, secrets at any
depth and in stack outputs, a read resource, a remote component, integer inputs, an explicit
provider and resource references. Run once as a user would (the CLI, --json and --markdown)."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.conftest import run_cli

PROGRAM = '''
import pulumi
import pulumi_aws as aws


class SyncedFolder(pulumi.ComponentResource):
    """Like pulumi-synced-folder: a component whose plugin builds what is inside."""

    def __init__(self, name, opts=None):
        super().__init__("synced-folder:index:S3BucketFolder", name, {"path": "./www"}, opts, remote=True)


east = aws.Provider("east", region="us-east-1")
existing = aws.s3.Bucket.get("existing", "existing-bucket")
aws.s3.Bucket("logs")
aws.ec2.Instance.get("existing-vm", "i-0123456789abcdef0")
aws.ec2.Instance("vm", instance_type="g5.xlarge", ami="ami-0123456789abcdef0")
role = aws.iam.Role("fn-role", assume_role_policy="{}")
aws.lambda_.Function(
    "fn", role=role.arn, runtime="python3.12", handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return 'BYTES-OF-CODE'"),
                              "lib": pulumi.FileArchive("./lib")}),
    environment={"variables": {"TOKEN": pulumi.Output.secret("hunter2-env")}})
aws.lambda_.Function("fn-zip", role=role, runtime="python3.12", handler="h", code=pulumi.FileArchive("./app.zip"))
aws.s3.BucketObject("page", bucket=existing, source=pulumi.FileAsset("./index.html"))
aws.s3.BucketObject("remote-page", bucket=existing, source=pulumi.RemoteAsset("https://example.com/x.html"))
aws.rds.Instance("db", allocated_storage=20, engine="postgres", instance_class="db.t3.micro",
                 password=pulumi.Output.secret("hunter2-db"), skip_final_snapshot=True,
                 tags={"owner": "ml"}, opts=pulumi.ResourceOptions(provider=east, depends_on=[role]))
SyncedFolder("site")
pulumi.export("x", pulumi.Output.secret("hunter2"))
pulumi.export("nested", {"plain": 1, "ratio": 0.5, "key": pulumi.Output.secret("hunter2-out")})
'''


@pytest.fixture(scope="module")
def previewed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fidelity")
    (folder / "Pulumi.yaml").write_text("name: fidelity\nruntime: python\n")
    (folder / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    done = run_cli("preview", "--cwd", str(folder), "--json", str(folder / "report.json"),
                   "--markdown", str(folder / "report.md"), "--timeout", "60")
    assert done.returncode in (0, 1), done.stderr  # 1: the bundled packs' findings on the bare "logs" bucket
    raw = (folder / "report.json").read_text()
    return done, raw, json.loads(raw), (folder / "report.md").read_text()


def _row(report: dict, name: str) -> dict:
    return next(row for row in report["resources"] if row["name"] == name)


def test_no_secret_text_in_the_json_the_markdown_or_the_output(previewed):
    done, raw, report, markdown = previewed
    for where, text in (("json", raw), ("markdown", markdown), ("stdout", done.stdout), ("stderr", done.stderr)):
        assert "hunter2" not in text, where
    assert report["outputs"] == {"x": "[secret]", "nested": {"plain": 1, "ratio": 0.5, "key": "[secret]"}}
    assert _row(report, "db")["inputs"]["password"] == "[secret]"
    assert _row(report, "fn")["inputs"]["environment"] == {"variables": {"TOKEN": "[secret]"}}


def test_assets_and_archives_are_described_never_their_bytes(previewed):
    _, raw, report, _ = previewed
    assert "BYTES-OF-CODE" not in raw
    code = _row(report, "fn")["inputs"]["code"]
    assert code["archive"] == "AssetArchive" and code["assets"]["lib"] == {"archive": "FileArchive", "path": "./lib"}
    assert code["assets"]["index.py"]["asset"] == "StringAsset" and len(code["assets"]["index.py"]["sha256"]) == 64
    assert _row(report, "fn-zip")["inputs"]["code"] == {"archive": "FileArchive", "path": "./app.zip"}
    assert _row(report, "page")["inputs"]["source"] == {"asset": "FileAsset", "path": "./index.html"}
    assert _row(report, "remote-page")["inputs"]["source"] == {"asset": "RemoteAsset", "uri": "https://example.com/x.html"}


def test_integers_stay_integers(previewed):
    _, raw, report, _ = previewed
    assert _row(report, "db")["inputs"]["allocatedStorage"] == 20
    assert '"allocatedStorage": 20,' in raw and "20.0" not in raw


def test_reads_are_rows_marked_read_and_shown_in_the_tree(previewed):
    done, _, report, markdown = previewed
    existing = _row(report, "existing")
    assert existing["read"] is True and existing["type"] == "aws:s3/bucket:Bucket"
    assert sorted(row["name"] for row in report["resources"] if row["read"]) == ["existing", "existing-vm"]
    assert _row(report, "page")["inputs"]["bucket"] == "existing-bucket", "a read's id is known"
    assert "> aws:s3/bucket:Bucket  existing  [read]" in done.stdout
    assert "2 to read" in done.stdout and "2 existing resources read" in markdown
    priced = {item["urn"] for item in report["cost"]["items"]} | set(report["cost"]["unpriced"])
    assert _row(report, "vm")["urn"] in priced and _row(report, "existing-vm")["urn"] not in priced, \
        "a read is not priced"
    checked = {v["urn"] for v in report["policies"]["violations"]}
    assert _row(report, "logs")["urn"] in checked and existing["urn"] not in checked, "a read is not checked"


def test_remote_components_are_marked_with_a_warning(previewed):
    done, _, report, markdown = previewed
    site = _row(report, "site")
    assert site["remote"] is True and not _row(report, "db")["remote"]
    assert "synced-folder:index:S3BucketFolder 'site' is a remote (multi-language) component" in done.stdout
    assert "site  [remote: insides not previewed offline]" in done.stdout
    assert "**Not previewed offline:**" in markdown and "`synced-folder:index:S3BucketFolder` site" in markdown


def test_every_row_has_its_provider_and_dependencies(previewed):
    _, _, report, _ = previewed
    assert all({"provider", "dependencies", "read", "remote", "inputs", "protect"} <= set(row)
               for row in report["resources"])
    db = _row(report, "db")
    assert db["provider"] == "urn:pulumi:dev::fidelity::pulumi:providers:aws::east"
    assert db["dependencies"] == ["urn:pulumi:dev::fidelity::aws:iam/role:Role::fn-role"]
    assert _row(report, "fn-zip")["inputs"]["role"] == "fn-role", "a resource reference is its id"
    assert _row(report, "page")["provider"] is None


def test_compare_ignores_reads_a_newer_program_stops_making(previewed):
    """A read is not managed: dropping it from the program neither deletes nor replaces it."""
    from aiscale.preview.compare import compare_reports

    _, _, report, _ = previewed
    without_reads = {**report, "resources": [row for row in report["resources"] if not row["read"]]}
    comparison = compare_reports(report, without_reads)
    assert comparison.changes == () and comparison.exit_code == 0
    assert comparison.unchanged == len(without_reads["resources"])
