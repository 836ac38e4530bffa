"""The plugin entry point: ``python components/ <engine>`` is how Pulumi runs the package.

Pulumi's Python language host runs the folder holding PulumiPlugin.yaml with its __main__.py
and the engine address; ``pulumi package add`` then asks the provider for its schema over gRPC.
These tests do the same, and check ``python -m aiscale`` is still the command line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grpc
import yaml
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from aiscale.multilang.host import package_schema
from tests.conftest import REPO, run_cli

COMPONENTS = REPO / "components"
UNREACHABLE_ENGINE = "127.0.0.1:1"  # GetSchema never calls the engine


def _schema_from_plugin(folder: Path, cwd: Path) -> dict:
    """Start ``python <folder> <engine>`` as the language host does; ask it for its schema."""
    plugin = subprocess.Popen([sys.executable, str(folder), UNREACHABLE_ENGINE], cwd=cwd,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = plugin.stdout.readline().strip()
        assert port.isdigit(), f"plugin printed {port!r} instead of its port: {plugin.stderr.read() if plugin.poll() is not None else ''}"
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            reply = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
        return json.loads(reply.schema)
    finally:
        plugin.terminate()
        plugin.wait(timeout=30)


def test_plugin_serves_the_schema_inferred_in_process(tmp_path):
    assert _schema_from_plugin(COMPONENTS, cwd=tmp_path) == package_schema()


def test_plugin_hosts_its_own_folder_not_the_installed_aiscale(tmp_path):
    """A copy of the folder (as a git clone or an installed wheel would be) serves its own code."""
    copy = tmp_path / "plugin"
    shutil.copytree(COMPONENTS, copy, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    platform_py = copy / "platform.py"
    platform_py.write_text(platform_py.read_text().replace(
        '"""Every resource of one platform model', '"""COPY-MARKER Every resource of one platform model', 1))
    schema = _schema_from_plugin(copy, cwd=tmp_path)
    assert schema["resources"]["aiscale:index:AiPlatform"]["description"].startswith("COPY-MARKER")


def test_python_m_aiscale_is_still_the_command_line():
    done = run_cli("--help")
    assert done.returncode == 0, done.stderr
    assert "preview" in done.stdout and "catalog" in done.stdout


def test_manifest_declares_the_python_runtime_with_a_virtualenv():
    manifest = yaml.safe_load((COMPONENTS / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert manifest["runtime"]["options"]["virtualenv"] == "venv"
    assert (COMPONENTS / "__main__.py").is_file(), "the language host runs __main__.py"


def test_plugin_requirements_are_the_distribution_dependencies():
    """The plugin's virtualenv gets exactly what ``pip install 'aiscale[all]'`` would pull in
    (the package's AiPlatform serves every cloud)."""
    lines = (COMPONENTS / "requirements.txt").read_text().splitlines()
    listed = sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert listed == sorted(project["dependencies"] + project["optional-dependencies"]["all"])
