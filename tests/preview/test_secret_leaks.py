"""Attacks on ``aiscale preview``'s secrecy: each program shape below tries to get a secret's
plaintext onto stdout, stderr, the ``--json`` report or the ``--markdown`` file, with the real CLI
in a subprocess. Two secrets: a config secret (``--secret token=...``) and a secret the program
makes itself (``pulumi.Output.secret("...")``), which only the report's secret pointers know.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.preview.test_secrets_config import run_cli

CONFIG_SECRET = "Zq7-hunter2-secret"
PROGRAM_SECRET = "Lit9-hunter2-literal"
K8S_SECRET = "K8s-plain-Zq7pw"
#: Every text that must never be written: the secrets and their base64 forms.
FORBIDDEN = (CONFIG_SECRET, PROGRAM_SECRET, K8S_SECRET, "hunter2",
             base64.b64encode(CONFIG_SECRET.encode()).decode(), base64.b64encode(PROGRAM_SECRET.encode()).decode())

STACK_FILE = "config:\n  demo:token:\n    secure: v1:AAAAAAAAAAAAAAAA:AAAA\n"

#: One program with every attack that must not stop the run.
ATTACKS = f"""\
import base64
import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

config = pulumi.Config()
token = config.require_secret("token")
plain = config.require("token")
LIT = pulumi.Output.secret("{PROGRAM_SECRET}")
b64 = lambda v: base64.b64encode(v.encode()).decode()

pulumi.CustomResource("test:index:Thing", "listnested", {{
    "items": ["a", token, LIT], "nested": {{"a": {{"b": token, "c": LIT}}}}, "open": "visible"}})
pulumi.CustomResource("test:index:Thing", plain + "-named", {{"x": "y"}})
pulumi.CustomResource("test:index:Thing", "tagkey", {{"tags": {{plain: "v", "k": "v"}}}})
pulumi.CustomResource("test:index:Thing", "concat", {{
    "joined": pulumi.Output.concat("pre-", token, "-post"),
    "joinedLit": pulumi.Output.concat("pre-", LIT, "-post"),
    "applied": LIT.apply(lambda v: "url://" + v)}})
pulumi.CustomResource("test:index:Thing", "b64", {{"enc": LIT.apply(b64), "encTok": token.apply(b64)}})
LIT.apply(lambda v: pulumi.log.warn("literal is " + v))
token.apply(lambda v: pulumi.log.warn("token is " + v))
pulumi.export("nested", {{"a": {{"b": token, "c": LIT}}}})
pulumi.export("plainExport", plain)
pulumi.export("litExport", LIT)
bucket = gcp.storage.Bucket("bkt", location="US")
gcp.storage.BucketIAMMember("member", bucket=bucket.name, role="roles/storage.objectViewer",
                            member=pulumi.Output.secret("allUsers"))
k8s.core.v1.Secret("ks", string_data={{"password": "{K8S_SECRET}"}})
"""

#: A program whose apply warns with a program secret, then raises with it: the error path.
FAILING = f"""\
import pulumi
LIT = pulumi.Output.secret("{PROGRAM_SECRET}")
pulumi.CustomResource("test:index:Thing", "first", {{"p": LIT}})
LIT.apply(lambda v: pulumi.log.warn("about to fail with " + v))
def boom(v):
    raise ValueError("bad value " + v)
pulumi.CustomResource("test:index:Thing", "second", {{"p": LIT.apply(boom)}})
"""

FAILING_ON_CONFIG = """\
import pulumi
def boom(v):
    raise ValueError("bad token " + v)
pulumi.CustomResource("test:index:Thing", "second", {"p": pulumi.Config().require_secret("token").apply(boom)})
"""

#: Reads the ATTACKS stack's outputs through ``--stack-outputs``.
CONSUMER = """\
import pulumi
ref = pulumi.StackReference("org/demo/dev")
pulumi.CustomResource("test:index:Thing", "uses", {"lit": ref.get_output("litExport"),
    "nested": ref.get_output("nested"), "plain": ref.get_output("plainExport")})
ref.get_output("litExport").apply(lambda v: pulumi.log.warn(f"ref value {v}"))
pulumi.export("again", ref.get_output("litExport"))
"""


def _project(folder: Path, program: str, name: str = "demo") -> Path:
    folder.mkdir(parents=True)
    (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (folder / "Pulumi.dev.yaml").write_text(STACK_FILE)
    (folder / "__main__.py").write_text(program)
    return folder


class Run:
    """One CLI run and everything it wrote."""

    def __init__(self, folder: Path, *extra: str, token: str = CONFIG_SECRET) -> None:
        self.json_path, self.markdown_path = folder / "report.json", folder / "report.md"
        self.done = run_cli("preview", "--cwd", str(folder), "--stack", "dev", "--secret", f"token={token}",
                            "--json", str(self.json_path), "--markdown", str(self.markdown_path), *extra)
        self.report_text = self.json_path.read_text() if self.json_path.exists() else ""
        self.markdown = self.markdown_path.read_text() if self.markdown_path.exists() else ""

    @property
    def channels(self) -> dict[str, str]:
        """Every place the run wrote to."""
        return {"stdout": self.done.stdout, "stderr": self.done.stderr, "json": self.report_text,
                "markdown": self.markdown}

    def assert_no_plaintext(self) -> None:
        for channel, text in self.channels.items():
            for forbidden in FORBIDDEN:
                assert forbidden not in text, f"{forbidden!r} leaked in {channel}"

    def resource(self, name_part: str) -> dict:
        return next(r for r in json.loads(self.report_text)["resources"] if name_part in r["name"])


@pytest.fixture(scope="module")
def attacks(tmp_path_factory) -> Run:
    run = Run(_project(tmp_path_factory.mktemp("attacks") / "demo", ATTACKS))
    assert run.done.returncode == 1, run.done.stderr  # the public bucket member is a mandatory finding
    return run


def _outputs(run: Run) -> dict:
    return json.loads(run.report_text)["outputs"]


#: Each attack path, and what proves the program took it (so the no-leak check is not vacuous).
PATHS = {
    "list and nested dict inputs": lambda run: run.resource("listnested")["inputs"] == {
        "items": ["a", "[secret]", "[secret]"], "nested": {"a": {"b": "[secret]", "c": "[secret]"}},
        "open": "visible"},
    "secret in a resource name": lambda run: run.resource("-named")["name"] == "[secret]-named",
    "secret as a tag key": lambda run: run.resource("tagkey")["inputs"]["tags"] == {"[secret]": "v", "k": "v"},
    "Output.concat and apply results": lambda run: set(run.resource("concat")["inputs"].values()) == {"[secret]"},
    "base64 of a secret inside apply": lambda run: run.resource("b64")["inputs"] == {
        "enc": "[secret]", "encTok": "[secret]"},
    "pulumi.log.warn of a program secret": lambda run: "warning: literal is [secret]" in run.done.stdout,
    "pulumi.log.warn of a config secret": lambda run: "warning: token is [secret]" in run.done.stdout,
    "exports under nested keys": lambda run: _outputs(run) == {
        "nested": {"a": {"b": "[secret]", "c": "[secret]"}}, "plainExport": "[secret]",
        "litExport": "[secret]"},
    "policy finding quoting a secret": lambda run: any(
        "grants bucket access to '[secret]'" in v["message"]
        for v in json.loads(run.report_text)["policies"]["violations"]) and "[secret]" in run.markdown,
    "Kubernetes Secret string_data": lambda run: run.resource("ks")["inputs"]["stringData"] == "[secret]",
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_attack_path_is_taken_and_leaks_nothing(attacks, path):
    assert PATHS[path](attacks), f"the program did not take the path {path!r}"
    attacks.assert_no_plaintext()


@pytest.mark.parametrize("program", [FAILING, FAILING_ON_CONFIG], ids=["program-secret", "config-secret"])
def test_program_error_raised_with_a_secret_in_apply_is_masked(tmp_path, program):
    run = Run(_project(tmp_path / "demo", program))
    assert run.done.returncode == 2
    assert "bad value [secret]" in run.done.stderr or "bad token [secret]" in run.done.stderr
    if program is FAILING:
        assert "warning before the failure: about to fail with [secret]" in run.done.stderr
    run.assert_no_plaintext()


def test_compare_with_the_old_report_sees_masked_values_as_unchanged(attacks, tmp_path):
    """The old report (from --json) holds ``[secret]`` where the secret was: the new one must
    be compared in the same form, or a name made from a secret reads as a delete and a create."""
    same = Run(_project(tmp_path / "same", ATTACKS), "--compare", str(attacks.json_path))
    assert "+ 0 to create, ~ 0 to update, +- 0 to replace, - 0 to delete" in same.done.stdout
    same.assert_no_plaintext()
    changed = Run(_project(tmp_path / "changed", ATTACKS), "--compare", str(attacks.json_path),
                  token="Other-Zq7-value2")
    assert "Compared:" in changed.done.stdout
    assert "Other-Zq7-value2" not in changed.done.stdout + changed.report_text + changed.markdown
    changed.assert_no_plaintext()


def test_stack_outputs_holding_secret_stay_secret_in_the_consumer(attacks, tmp_path):
    run = Run(_project(tmp_path / "cons", CONSUMER, name="cons"),
              "--stack-outputs", f"org/demo/dev={attacks.json_path}")
    assert run.done.returncode == 0, run.done.stderr
    assert run.resource("uses")["inputs"] == {"lit": "[secret]", "nested": "[secret]", "plain": "[secret]"}
    assert _outputs(run) == {"again": "[secret]"}
    run.assert_no_plaintext()


WRAPPED_SECRET = "correct horse battery staple Zq7-hunter2-secret-with-a-long-tail"

#: A config secret read as plain text, long and with spaces: in a warning the console wraps, and
#: in a bucket name that a finding quotes in a table cell the console folds.
WRAPPING = """\
import pulumi
import pulumi_aws as aws
plain = pulumi.Config().require("token")
pulumi.log.warn("the value that we were given for this setting is " + plain + " and more")
aws.s3.Bucket(plain)
"""


@pytest.mark.parametrize("columns", ["60", "100"])
def test_a_secret_the_console_wraps_or_folds_is_still_masked(tmp_path, columns):
    folder = _project(tmp_path / "demo", WRAPPING)
    done = run_cli("preview", "--cwd", str(folder), "--stack", "dev", "--secret", f"token={WRAPPED_SECRET}",
                   env={"COLUMNS": columns})
    assert "Policy findings" in done.stdout and "warning: the value" in done.stdout, done.stderr
    assert "[secret]" in done.stdout
    for part in ("horse", "battery", "staple", "hunter2", "long-tail"):
        assert part not in done.stdout + done.stderr, f"{part!r} leaked at {columns} columns"


MARKDOWN_PROGRAM = """\
import pulumi
import pulumi_aws as aws
aws.s3.Bucket(pulumi.Config().require("token"))
"""


@pytest.mark.parametrize("secret", ["Zq7<hunter2>|pipe`tick\\back", "Zq7-hunter2-" + "x" * 240],
                         ids=["escaped-in-a-table-cell", "cut-by-the-message-limit"])
def test_markdown_masks_a_config_secret_before_escaping_or_cutting_it(tmp_path, secret):
    """A finding quoting a bucket named by a config secret: the Markdown escapes `<`, `|` and `\\`
    in table cells and cuts long messages, which the mask of the written file cannot match."""
    run = Run(_project(tmp_path / "demo", MARKDOWN_PROGRAM), token=secret)
    assert "S3 bucket '[secret]'" in run.markdown, run.done.stderr
    for channel, text in run.channels.items():
        assert "hunter2" not in text, f"the secret leaked in {channel}"


CRASHING_PACK = """\
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def check(args, report_violation):
    if args.resource_type == "test:index:Thing":
        raise ValueError("crash with " + str(args.props.get("p")))

PolicyPack(name="leaky", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[ResourceValidationPolicy(name="leaky-check", description="quotes a value", validate=check)])
"""


def test_a_policy_pack_error_quoting_a_secret_input_is_masked(tmp_path):
    pack = tmp_path / "leaky"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(CRASHING_PACK)
    program = f'import pulumi\npulumi.CustomResource("test:index:Thing", "t", {{"p": pulumi.Output.secret("{PROGRAM_SECRET}")}})\n'
    run = Run(_project(tmp_path / "demo", program), "--policy-pack", str(pack))
    assert run.done.returncode == 2
    assert "crash with [secret]" in run.done.stderr, run.done.stderr
    run.assert_no_plaintext()
