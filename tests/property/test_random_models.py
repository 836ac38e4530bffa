"""Property-based: random valid models preview cleanly with no mandatory security violation;
random invalid models always fail validation naming a field path, and ``aiscale preview``
exits 2 on them with one message and no traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aiscale import AiPlatform, PlatformValidationError, load_platform
from aiscale.cli import app
from aiscale.guardrails import evaluate
from aiscale.preview.compare import STATEFUL_TYPES, canonical_type
from aiscale.preview.engine import PreviewResult, run_inline
from tests.conftest import REPO
from tests.property.strategies import MUTATIONS, invalid_models, valid_models
from tests.schema.test_schema_conformance import schema_problems

#: Each platform-model item becomes one component per target cloud.
COMPONENT_OF_SECTION = {"node_pools": "aiscale:index:GpuNodePool",
                        "autoscaling_groups": "aiscale:index:AutoscalingGroup",
                        "buckets": "aiscale:index:ObjectStore",
                        "endpoints": "aiscale:index:ModelEndpoint"}


def preview(model: dict[str, Any]) -> PreviewResult:
    """Preview `model` with the two lines of this repository's program."""

    def program() -> None:
        platform = load_platform(model)
        AiPlatform(platform.name, {"platform": platform})

    return run_inline(program, project="aiscale", stack=model["environment"],
                      config={"aiscale:platform": model})


@given(valid_models())
def test_a_valid_model_previews_cleanly_with_no_mandatory_security_violation(model):
    platform = load_platform(model)
    result = preview(model)
    for section, component in COMPONENT_OF_SECTION.items():
        expected = sum(len(item.clouds) for item in getattr(platform, section))
        assert len(result.by_type(component)) == expected, f"{section}: one {component} per target cloud"
    findings = evaluate(result.resources, ("security",), environment=platform.environment,
                        stack_config=result.config)
    mandatory = [(f.policy, f.urn, f.message) for f in findings if f.enforcement == "mandatory"]
    assert mandatory == []
    assert schema_problems(result) == [], "every resource matches its SDK input type and the Kubernetes OpenAPI"
    if platform.environment == "prod":
        unguarded = [r.name for r in result.resources
                     if canonical_type(r.type) in STATEFUL_TYPES and not r.protect]
        assert unguarded == [], "prod stateful resources are protected"


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@settings(max_examples=4)
@given(data=st.data())
def test_an_invalid_model_fails_validation_naming_the_field(mutation, data):
    model, path = data.draw(invalid_models(mutation))
    try:
        load_platform(model)
    except PlatformValidationError as error:
        paths = [problem.path for problem in error.problems]
        assert any(p == path or p.startswith((path + ".", path + "[")) for p in paths), (path, paths)
        assert path in str(error)
    else:
        raise AssertionError(f"{mutation}: the model validated")


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@settings(max_examples=2)
@given(data=st.data())
def test_aiscale_preview_exits_2_on_an_invalid_model_with_the_path_and_no_traceback(mutation, data):
    model, path = data.draw(invalid_models(mutation))
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
        (project / "__main__.py").write_text((REPO / "__main__.py").read_text())
        (project / "stacks").mkdir()
        (project / "stacks" / "Pulumi.test.yaml").write_text(yaml.safe_dump({"config": {"aiscale:platform": model}}))
        result = CliRunner().invoke(app, ["preview", "--cwd", str(project), "--stack", "test", "--no-tree"],
                                    catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert "invalid platform model" in result.stderr and path in result.stderr, (path, result.stderr)
    assert result.stdout.count("aiscale:index") == 0, "nothing is previewed"
