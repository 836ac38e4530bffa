"""Secure config values reach the program as secrets of the type it asks for, and never in output.

Ciphertexts are made here with hashlib's PBKDF2 and cryptography's AES-GCM directly (not with
aiscale's code), plus two known vectors from Pulumi's own tests.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from aiscale.preview.engine import run_project
from aiscale.preview.project import ProjectError, load_project
from aiscale.preview.secrets import PassphraseCrypter, SecretPlaceholder, SecretsError, env_var_name
from tests.conftest import REPO

PASSPHRASE = "correct horse battery staple"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m aiscale ARGS`` with no secret sources inherited, plus ``env``."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("AISCALE_SECRET_", "PULUMI_CONFIG_PASSPHRASE"))}
    return subprocess.run([sys.executable, "-m", "aiscale", *args], cwd=REPO, capture_output=True, text=True,
                          env={**inherited, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}, timeout=300)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@functools.lru_cache(maxsize=None)
def _key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, 1_000_000, 32)


def _encrypt(plaintext: str, passphrase: str = PASSPHRASE, salt: bytes = b"saltsalt") -> str:
    nonce = os.urandom(12)
    return f"v1:{_b64(nonce)}:{_b64(AESGCM(_key(passphrase, salt)).encrypt(nonce, plaintext.encode(), None))}"


def _encryption_salt(passphrase: str = PASSPHRASE, salt: bytes = b"saltsalt") -> str:
    return f"v1:{_b64(salt)}:{_encrypt('pulumi', passphrase, salt)}"


#: Reads every kind of value and records it as inputs of a resource with no provider.
PROGRAM = """\
import base64
import pulumi

config = pulumi.Config()
pulumi.CustomResource("test:index:Reads", "reads", {
    "port": config.get_int("port"),
    "ratio": config.get_float("ratio"),
    "enabled": config.get_bool("enabled"),
    "settings": config.require_secret_object("settings"),
    "key_bytes": len(base64.b64decode(config.require("signingKey"))),
    "password": config.require_secret("password"),
})
"""


def _project(folder: Path, config: dict, *, salt: str | None = None, program: str = PROGRAM) -> Path:
    (folder / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (folder / "__main__.py").write_text(program)
    stack = ({"encryptionsalt": salt} if salt else {}) | {"config": config}
    (folder / "Pulumi.dev.yaml").write_text(json.dumps(stack))  # JSON is YAML
    return folder


def _secure(plaintext: str, **kwargs) -> dict:
    return {"secure": _encrypt(plaintext, **kwargs)}


SIGNING_KEY = _b64(b"k" * 32)
VALUES = {"port": "5432", "ratio": "0.75", "enabled": "true", "settings": '{"user": "app", "pool": 5}',
          "signingKey": SIGNING_KEY, "password": "hunter2-s3cr3t"}


def _reads(project) -> tuple[dict, list[str]]:
    record = run_project(project).one("test:index:Reads")
    return record.inputs, record.secret_paths


def test_pulumi_known_vectors_decrypt_and_check_the_passphrase(tmp_path):
    """From pulumi/pulumi (commit 1b59498): tests/roundtrip/roundtrip_test.go and
    pkg/secrets/passphrase/manager_test.go."""
    crypter = PassphraseCrypter.from_salt(
        "TestConfigRoundtripComments",
        "v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg==", tmp_path / "Pulumi.test.yaml")
    assert crypter.decrypt("v1:T1ftqhY0hqr+EJK6:+jvd5PMecFx80tcavzuZY4tLatgIfoe/xR72GA==") == "secret-value"
    state = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ=="
    PassphraseCrypter.from_salt("password", state, tmp_path / "s.yaml")
    with pytest.raises(SecretsError, match="incorrect passphrase"):
        PassphraseCrypter.from_salt("password123", state, tmp_path / "s.yaml")


def test_passphrase_decrypts_secure_values_to_typed_secret_reads(tmp_path):
    folder = _project(tmp_path, {f"demo:{k}": _secure(v) for k, v in VALUES.items()}, salt=_encryption_salt())
    project = load_project(folder, "dev", environ={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert project.warnings == ()
    assert set(project.secret_keys) == {f"demo:{k}" for k in VALUES}, "decrypted values stay secret keys"
    inputs, secret_paths = _reads(project)
    assert inputs["port"] == 5432 and inputs["ratio"] == 0.75 and inputs["enabled"] is True
    assert inputs["settings"] == {"user": "app", "pool": 5} and inputs["key_bytes"] == 32
    assert inputs["password"] == "hunter2-s3cr3t"
    assert {"settings", "password"} <= set(secret_paths), "require_secret* keep them secret"


def test_passphrase_file_and_nested_secure_values(tmp_path):
    config = {f"demo:{k}": _secure(v) for k, v in VALUES.items()}
    config["demo:settings"] = {"user": "app", "pool": {"secure": _encrypt("5")}}
    folder = _project(tmp_path, config, salt=_encryption_salt())
    (tmp_path / "phrase.txt").write_text(PASSPHRASE + "\n")
    project = load_project(folder, "dev", environ={"PULUMI_CONFIG_PASSPHRASE_FILE": str(tmp_path / "phrase.txt")})
    assert "demo:settings" in project.secret_keys, "an object holding a secure value is a secret"
    inputs, _ = _reads(project)
    assert inputs["settings"] == {"user": "app", "pool": "5"}


def test_wrong_passphrase_exits_2_naming_the_stack_file(tmp_path):
    folder = _project(tmp_path, {"demo:password": _secure("hunter2-s3cr3t")}, salt=_encryption_salt())
    with pytest.raises(ProjectError, match="incorrect passphrase"):
        load_project(folder, "dev", environ={"PULUMI_CONFIG_PASSPHRASE": "wrong"})
    done = run_cli("preview", "--cwd", str(folder), "--no-policies",
                   env={"PULUMI_CONFIG_PASSPHRASE": "wrong"})
    assert done.returncode == 2
    assert "incorrect passphrase" in done.stderr and "Pulumi.dev.yaml" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_secret_flag_beats_environment_beats_passphrase(tmp_path):
    config = {f"demo:{k}": _secure(v) for k, v in VALUES.items()}
    folder = _project(tmp_path, config, salt=_encryption_salt())
    environ = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, env_var_name("demo:port"): "6000",
               env_var_name("demo:ratio"): "0.5"}
    assert env_var_name("demo:port") == "AISCALE_SECRET_DEMO_PORT"
    project = load_project(folder, "dev", secrets={"port": "7000", "demo:enabled": "false"}, environ=environ)
    inputs, _ = _reads(project)
    assert inputs["port"] == 7000, "--secret (unqualified key = project namespace) wins over the environment"
    assert inputs["ratio"] == 0.5, "the environment wins over the passphrase"
    assert inputs["enabled"] is False and inputs["password"] == "hunter2-s3cr3t"


def test_supplied_values_need_no_passphrase(tmp_path):
    folder = _project(tmp_path, {"demo:port": _secure("1")}, salt=_encryption_salt())
    project = load_project(folder, "dev", environ={"PULUMI_CONFIG_PASSPHRASE": "wrong",
                                                   "AISCALE_SECRET_DEMO_PORT": "8080"})
    assert project.config["demo:port"] == "8080", "nothing left to decrypt: the passphrase is not needed"


def test_without_a_value_the_program_reads_a_typed_placeholder_and_a_warning_says_how_to_supply_it(tmp_path):
    folder = _project(tmp_path, {f"demo:{k}": _secure(v) for k, v in VALUES.items()}, salt=_encryption_salt())
    project = load_project(folder, "dev", environ={})
    assert isinstance(project.config["demo:port"], SecretPlaceholder)
    warning = next(w for w in project.warnings if "demo:port" in w)
    assert "--secret port=VALUE" in warning and "AISCALE_SECRET_DEMO_PORT" in warning
    assert "PULUMI_CONFIG_PASSPHRASE" in warning
    inputs, secret_paths = _reads(project)
    assert (inputs["port"], inputs["ratio"], inputs["enabled"]) == (0, 0.0, False)
    assert inputs["settings"] == {} and inputs["key_bytes"] == 0 and inputs["password"] == "{}"
    assert {"settings", "password"} <= set(secret_paths)


def test_a_secrets_provider_other_than_passphrase_is_named_in_the_warning(tmp_path):
    folder = _project(tmp_path, {})
    (folder / "Pulumi.dev.yaml").write_text("secretsprovider: awskms://alias/pulumi\nencryptedkey: AQICAHh\n"
                                            "config:\n  demo:password:\n    secure: AAABAKMS\n")
    project = load_project(folder, "dev", environ={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert project.secret_keys == ("demo:password",)
    assert any("awskms" in w and "demo:password" in w for w in project.warnings), project.warnings


def test_the_cli_never_prints_or_writes_a_secret(tmp_path):
    program = """\
import pulumi
config = pulumi.Config()
token = config.require("token")              # read as plain text: Pulumi would still mask it
pulumi.log.warn(f"connecting with {token}")
pulumi.CustomResource("test:index:Client", "client", {"token": token, "secret": config.require_secret("token")})
pulumi.export("token", token)
"""
    folder = _project(tmp_path, {"demo:token": _secure("tok-hunter2-s3cr3t")}, salt=_encryption_salt(), program=program)
    report, markdown = tmp_path / "r.json", tmp_path / "r.md"
    done = run_cli("preview", "--cwd", str(folder), "--no-policies", "--json", str(report),
                   "--markdown", str(markdown), env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    written = done.stdout + done.stderr + report.read_text() + markdown.read_text()
    assert "tok-hunter2-s3cr3t" not in written
    assert "connecting with [secret]" in done.stdout, "the warning is shown, the secret masked"
    client = next(r for r in json.loads(report.read_text())["resources"] if r["type"] == "test:index:Client")
    assert client["inputs"] == {"token": "[secret]", "secret": "[secret]"}

    failing = program + "raise RuntimeError(f'cannot use {token}')\n"
    (folder / "__main__.py").write_text(failing)
    done = run_cli("preview", "--cwd", str(folder), "--no-policies", "--secret", "token=tok-hunter2-s3cr3t")
    assert done.returncode == 2 and "cannot use [secret]" in done.stderr
    assert "tok-hunter2-s3cr3t" not in done.stdout + done.stderr


def test_cli_placeholder_warning_and_secret_flag(tmp_path):
    folder = _project(tmp_path, {f"demo:{k}": _secure(v) for k, v in VALUES.items()}, salt=_encryption_salt())
    done = run_cli("preview", "--cwd", str(folder), "--no-policies", "--secret", "demo:port=1234")
    assert done.returncode == 0, done.stderr
    assert "secret config demo:password has no value offline" in done.stdout
    assert "demo:port has no value" not in done.stdout, "--secret supplied it"


@pytest.mark.parametrize("flag, expected", [
    ("password", "--secret given without '='"),
    ("=x", "expected KEY=VALUE"),
    ("a:b:c=x", "--secret a:b:c=...: expected KEY=VALUE"),
])
def test_malformed_secret_flags_exit_2_without_showing_the_value(tmp_path, flag, expected):
    folder = _project(tmp_path, {})
    done = run_cli("preview", "--cwd", str(folder), "--no-policies", "--secret", flag)
    assert done.returncode == 2 and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    if flag == "password":
        assert "password" not in done.stderr, "a value given without a key is not echoed"


def test_a_secret_flag_given_twice_is_an_error(tmp_path):
    folder = _project(tmp_path, {})
    done = run_cli("preview", "--cwd", str(folder), "--no-policies", "--secret", "a=1", "--secret", "a=2")
    assert done.returncode == 2 and "given twice" in done.stderr


def test_a_secret_flag_for_a_key_the_stack_lacks_adds_a_secret_with_a_warning(tmp_path):
    folder = _project(tmp_path, {"demo:region": "eu-west-1"})
    project = load_project(folder, "dev", secrets={"apiKey": "k-123456"}, environ={})
    assert project.config["demo:apiKey"] == "k-123456" and project.secret_keys == ("demo:apiKey",)
    assert any("--secret demo:apiKey" in w and "no secure value" in w for w in project.warnings)
    assert project.secret_mask.text("key k-123456 and \"k-123456\"") == 'key [secret] and "[secret]"'
    assert "k-123456" not in repr(project), "the config is left out of the project's repr"
