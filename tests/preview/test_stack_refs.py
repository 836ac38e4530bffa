"""StackReferences read other stacks' outputs from their earlier reports (``--stack-outputs``)."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from aiscale.preview.engine import run_inline
from aiscale.preview.stack_refs import StackName, StackOutputs, StackOutputsError, load_stack_outputs
from tests.conftest import run_cli

NETWORK = """\
import pulumi
vpc = pulumi.CustomResource("test:index:Vpc", "vpc", {"cidr": "10.0.0.0/16", "vpcId": "vpc-0a1b2c"})
pulumi.export("vpcId", vpc.vpcId)
pulumi.export("subnets", ["subnet-1", "subnet-2"])
"""

APP = """\
import pulumi
network = pulumi.StackReference("{reference}")
pulumi.CustomResource("test:index:Server", "server", {{
    "vpcId": network.get_output("vpcId"),
    "subnet": network.require_output("subnets").apply(lambda subnets: subnets[0]),
}})
"""


def _project(folder: Path, name: str, program: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (folder / "Pulumi.prod.yaml").write_text("config: {}\n")
    (folder / "__main__.py").write_text(program)
    return folder


def _server(report: Path) -> dict:
    return next(r for r in json.loads(report.read_text())["resources"] if r["type"] == "test:index:Server")


def test_previews_chain_through_a_report(tmp_path):
    network = _project(tmp_path / "network", "network", NETWORK)
    network_report = tmp_path / "network.json"
    done = run_cli("preview", "--cwd", str(network), "--stack", "prod", "--no-policies", "--json", str(network_report))
    assert done.returncode == 0, done.stderr
    assert json.loads(network_report.read_text())["outputs"]["vpcId"] == "vpc-0a1b2c"

    app = _project(tmp_path / "app", "app", APP.format(reference="acme/network/prod"))
    app_report = tmp_path / "app.json"
    done = run_cli("preview", "--cwd", str(app), "--stack", "prod", "--no-policies", "--json", str(app_report),
                   "--stack-outputs", f"acme/network/prod={network_report}")
    assert done.returncode == 0, done.stderr
    assert _server(app_report)["inputs"] == {"vpcId": "vpc-0a1b2c", "subnet": "subnet-1"}
    warnings = [line for line in done.stdout.splitlines() if line.startswith("warning:")]
    assert not [w for w in warnings if "StackReference" in w], "a matched reference needs no warning"
    assert "> pulumi:pulumi:StackReference  acme/network/prod  [read]" in done.stdout, "shown as a read"


def test_a_reference_without_outputs_stays_unknown_with_a_warning(tmp_path):
    app = _project(tmp_path / "app", "app", APP.format(reference="acme/network/prod"))
    report = tmp_path / "app.json"
    done = run_cli("preview", "--cwd", str(app), "--stack", "prod", "--no-policies", "--json", str(report))
    assert done.returncode == 0, done.stderr
    assert "StackReference acme/network/prod: no --stack-outputs" in done.stdout
    assert _server(report)["inputs"] == {"vpcId": "<unknown>", "subnet": "<unknown>"}, "unknown, not None"


def _read(reference: str, given: dict[str, dict], names=("vpcId", "token", "later")) -> tuple[dict, list[str]]:
    """What the program sees for each output of ``reference``: (value, known, secret)."""
    seen: dict = {}

    def program() -> None:
        ref = pulumi.StackReference(reference)

        async def look() -> None:
            for name in names:
                data = await ref.get_output(name)._data
                seen[name] = (data.value, data.is_known, data.is_secret)

        import asyncio
        asyncio.ensure_future(look())

    outputs = {name: StackOutputs(name, values, Path(f"{name.replace('/', '-')}.json")) for name, values in given.items()}
    result = run_inline(program, project="app", stack="dev", stack_outputs=outputs)
    return seen, result.warnings


def test_secret_and_unknown_outputs_keep_the_others_known(tmp_path):
    seen, warnings = _read("acme/network/prod", {"acme/network/prod": {
        "vpcId": "vpc-1", "token": "[secret]", "later": "<unknown>"}})
    assert seen["vpcId"] == ("vpc-1", True, False)
    assert seen["token"] == ("[secret]", True, True), "a secret stays secret"
    assert seen["later"] == ("<unknown>", True, False)
    assert any("does not hold the values of token ([secret]), later (<unknown>)" in w for w in warnings), warnings


@pytest.mark.parametrize("reference, flag", [
    ("acme/network/prod", "acme/network/prod"),
    ("network/prod", "acme/network/prod"),   # the organization defaults: any matches
    ("prod", "acme/app/prod"),               # STACK: the current project (app)
    ("acme/network/prod", "network/prod"),
])
def test_short_names_resolve_as_the_pulumi_cli_does(reference, flag):
    seen, warnings = _read(reference, {flag: {"vpcId": "vpc-9"}}, names=("vpcId",))
    assert seen["vpcId"] == ("vpc-9", True, False), warnings


@pytest.mark.parametrize("reference, given, expected", [
    ("acme/network/prod", {"other/network/prod": {}}, "no --stack-outputs acme/network/prod=REPORT.json"),
    ("network/prod", {"a/network/prod": {}, "b/network/prod": {}}, "matches several --stack-outputs"),
    ("prod", {"acme/network/prod": {}}, "no --stack-outputs prod="),
])
def test_unmatched_or_ambiguous_references_stay_unknown_with_a_warning(reference, given, expected):
    seen, warnings = _read(reference, given, names=("vpcId",))
    assert seen["vpcId"] == (None, False, False)
    assert any(expected in w for w in warnings), warnings


def test_stack_names():
    assert StackName.parse("acme/net/prod", "app") == StackName("acme", "net", "prod")
    assert StackName.parse("net/prod", "app") == StackName(None, "net", "prod")
    assert StackName.parse("prod", "app") == StackName(None, "app", "prod")
    with pytest.raises(ValueError, match="not a stack name"):
        StackName.parse("a/b/c/d", "app")


def test_load_stack_outputs(tmp_path):
    good = tmp_path / "r.json"
    good.write_text(json.dumps({"project": "n", "outputs": {"x": 1}}))
    assert load_stack_outputs([f"acme/n/prod={good}"])["acme/n/prod"].outputs == {"x": 1}
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "no-outputs.json").write_text("[]")
    for flag, expected in [
        (str(good), "expected NAME=FILE"),
        (f"a/b/c/d={good}", "not a stack name"),
        (f"acme/n/prod={tmp_path / 'missing.json'}", "cannot read"),
        (f"acme/n/prod={tmp_path / 'bad.json'}", "is not JSON"),
        (f"acme/n/prod={tmp_path / 'no-outputs.json'}", "not an aiscale preview --json report"),
    ]:
        with pytest.raises(StackOutputsError, match=expected) as raised:
            load_stack_outputs([flag])
        assert str(raised.value).startswith(f"--stack-outputs {flag}")
    with pytest.raises(StackOutputsError, match="given twice"):
        load_stack_outputs([f"acme/n/prod={good}", f"acme/n/prod={good}"])


def test_cli_rejects_a_malformed_stack_outputs_flag(tmp_path):
    app = _project(tmp_path / "app", "app", APP.format(reference="acme/network/prod"))
    done = run_cli("preview", "--cwd", str(app), "--stack", "prod", "--no-policies",
                   "--stack-outputs", f"acme/network/prod={tmp_path / 'missing.json'}")
    assert done.returncode == 2 and "--stack-outputs acme/network/prod=" in done.stderr and "cannot read" in done.stderr
    assert "Traceback" not in done.stderr
