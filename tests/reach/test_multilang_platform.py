"""The plain-map AiPlatform: the model validated from a map, and the face's resources inside."""

from __future__ import annotations

import asyncio

import pulumi
import pytest

from aiscale.model import load_platform
from aiscale.multilang.platform import AiPlatform, load_plain_platform
from aiscale.platform import AiPlatform as FaceAiPlatform
from aiscale.preview.engine import run_inline

from .helpers import PLATFORM, named, platform_model, records_of


def _shape(records):
    """Every custom resource as (type, name, inputs): independent of the component nesting."""
    return sorted((r.type, r.name, repr(sorted(r.inputs.items()))) for r in records if r.custom)


def test_same_resources_as_the_python_face():
    model = platform_model()
    plain = records_of(lambda: AiPlatform("vision", {"platform": model}))
    face = records_of(lambda: FaceAiPlatform("vision", {"platform": load_platform(model)}))
    assert _shape(plain) == _shape(face)
    assert AiPlatform is FaceAiPlatform, "one class registers aiscale:index:AiPlatform"
    assert len([r for r in plain if r.type == PLATFORM]) == 1, "no second AiPlatform inside"
    named(plain, PLATFORM, "vision")


def test_numbers_from_the_wire_as_floats_give_the_same_platform():
    model = platform_model(node_pools=[{"name": "train", "accelerator": "nvidia-l4",
                                        "gpus_per_node": 1.0, "max_nodes": 2.0}])
    assert load_plain_platform("vision", model) == load_platform(platform_model())


# (raw platform, text the error must contain, reason)
BAD_MODELS = [
    (platform_model(node_pools=[{"name": "train", "accelerator": "nvidia-l4", "gpus_per_node": 1,
                                 "min_nodes": 3, "max_nodes": 1}]),
     "AiPlatformArgs.platform.node_pools[0].max_nodes: got 1; must be >= min_nodes (3)",
     "model problems keep their path"),
    (platform_model(environment="qa", name="X"), "AiPlatformArgs.platform.environment: got \"qa\"",
     "every problem is listed"),
    ("name: vision", "AiPlatformArgs.platform: got 'name: vision'; valid: a map", "not a map"),
]


@pytest.mark.parametrize("raw,message,reason", BAD_MODELS, ids=[b[2] for b in BAD_MODELS])
def test_invalid_models_raise_one_error_with_paths(raw, message, reason):
    with pytest.raises(ValueError) as error:
        load_plain_platform("vision", raw)
    assert message in str(error.value), reason
    assert str(error.value).startswith("invalid arguments for AiPlatform 'vision'")


def test_values_computed_by_other_resources_are_refused_with_their_path():
    caught = []

    def program():
        team = pulumi.Output.from_input("ml").apply(str.upper)
        try:
            AiPlatform("vision", {"platform": platform_model(tags={"team": team})})
        except ValueError as error:
            caught.append(str(error))

    records = records_of(program)
    assert caught and "AiPlatformArgs.platform.tags.team: got a value another resource computes" in caught[0]
    assert not [r for r in records if r.type != "pulumi:pulumi:Stack"], "nothing registered"


def test_outputs_by_cloud_and_kubeconfigs_are_secret():
    seen = {}

    def program():
        platform = AiPlatform("vision", {"platform": platform_model()})
        pulumi.Output.all(platform.node_pool_names, platform.bucket_names,
                          platform.cluster_names).apply(lambda v: seen.update(values=v))

        async def secret() -> None:
            seen["kubeconfigs_secret"] = await platform.kubeconfigs.is_secret()

        asyncio.ensure_future(secret())

    run_inline(program, dry_run=False)  # an update: the mocks resolve every output
    pools, buckets, clusters = seen["values"]
    assert set(pools) == {"aws"} and set(pools["aws"]) == {"train"}
    assert set(buckets) == {"aws"} and set(buckets["aws"]) == {"checkpoints"}
    assert set(clusters) == {"aws"}
    assert seen["kubeconfigs_secret"] is True


def test_a_plain_map_platform_aliases_its_children_to_the_old_nested_parent():
    """Stacks made when the package nested a second AiPlatform keep their providers and data."""
    from aiscale.platform import _moved_from_the_wrapper

    seen = {}

    def program():
        outer = pulumi.ComponentResource(PLATFORM, "vision")
        alias = _moved_from_the_wrapper("vision", outer)["aliases"][0]
        pulumi.Output.from_input(alias.parent).apply(lambda urn: seen.update(parent=urn))

    run_inline(program, dry_run=False)
    assert seen["parent"] == f"urn:pulumi:dev::test::{PLATFORM}${PLATFORM}::vision"


def test_a_platform_object_adds_no_aliases():
    captured = []

    def program():
        import aiscale.clouds.aws as aws_adapter

        original = aws_adapter.AwsAdapter.open_scope

        def spy(self, *args, **kwargs):
            captured.append(kwargs)
            return original(self, *args, **kwargs)

        aws_adapter.AwsAdapter.open_scope = spy
        try:
            FaceAiPlatform("vision", {"platform": load_platform(platform_model())})
            AiPlatform("plain", {"platform": platform_model(name="plain-map")})
        finally:
            aws_adapter.AwsAdapter.open_scope = original

    records_of(program)
    assert captured[0] == {} and "aliases" in captured[1]
