"""Reading Pulumi.yaml and stack files the way the Pulumi CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiscale.preview.project import ProjectError, load_project


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_stack_config_dir_namespaces_structured_values_and_secrets(tmp_path):
    _write(tmp_path, {
        "Pulumi.yaml": "name: demo\nruntime:\n  name: python\nstackConfigDir: stacks\n"
                       "config:\n  greeting:\n    default: hello\n  aws:region: us-east-2\n",
        "stacks/Pulumi.dev.yaml": "config:\n  aws:region: eu-west-1\n  demo:size: 3\n"
                                  "  platform: {name: x, list: [1, 2]}\n  token:\n    secure: AAAB\n",
    })
    project = load_project(tmp_path, "dev")
    assert project.name == "demo" and project.stack_file == tmp_path / "stacks/Pulumi.dev.yaml"
    assert project.config["aws:region"] == "eu-west-1", "the stack file overrides project defaults"
    assert project.config["demo:greeting"] == "hello", "project defaults apply when the stack is silent"
    assert project.config["demo:size"] == "3", "numbers reach the program as strings"
    assert json.loads(project.config["demo:platform"]) == {"name": "x", "list": [1, 2]}
    assert project.secret_keys == ("demo:token",)


def test_a_missing_stack_file_is_allowed(tmp_path):
    _write(tmp_path, {"Pulumi.yaml": "name: demo\nruntime: python\n"})
    project = load_project(tmp_path, "qa")
    assert project.stack_file is None and project.config == {}


@pytest.mark.parametrize("files, expected, reason", [
    ({}, "no Pulumi.yaml in", "not a project folder"),
    ({"Pulumi.yaml": "name: demo\nruntime: nodejs\n"}, "runtime is 'nodejs'", "only Python programs run in-process"),
    ({"Pulumi.yaml": "runtime: python\n"}, "'name' is required", "a project needs a name"),
    ({"Pulumi.yaml": "name: [unclosed\n"}, "not valid YAML", "broken YAML is reported with its file"),
    ({"Pulumi.yaml": "- a\n- b\n"}, "expected a mapping", "the top level must be a mapping"),
])
def test_malformed_projects_are_reported_clearly(tmp_path, files, expected, reason):
    _write(tmp_path, files)
    with pytest.raises(ProjectError, match=expected):
        load_project(tmp_path, "dev")


def test_a_virtualenv_inside_the_project_keeps_its_modules_loaded(tmp_path, monkeypatch):
    """A fresh clone runs with .venv inside the project: the SDK modules a preview imported from
    there must not be dropped after the run (a later import would load second copies)."""
    import sys

    from aiscale.preview.engine import _is_program_module

    venv_module = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "pkg" / "mod.py"
    monkeypatch.setattr(sys, "prefix", str(tmp_path / ".venv"))
    assert not _is_program_module(str(venv_module), tmp_path)
    assert _is_program_module(str(tmp_path / "helpers.py"), tmp_path)
    assert not _is_program_module(str(tmp_path.parent / "elsewhere.py"), tmp_path)
    assert not _is_program_module(None, tmp_path)
