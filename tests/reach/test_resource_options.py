"""Standard ``pulumi.ResourceOptions`` on ``GpuNodePool`` and ``AiPlatform`` reach the children."""

from __future__ import annotations

import pulumi
import pytest

from aiscale.gpu_node_pool import GpuNodePool
from aiscale.model import load_platform
from aiscale.platform import AiPlatform

from .helpers import AGENT_POOL, GKE_POOL, NODE_GROUP, platform_model, pool_args, records_of

POOL_RESOURCE = {"aws": NODE_GROUP, "azure": AGENT_POOL, "gcp": GKE_POOL}
#: Types of data-holding resources of ``platform_model()`` on AWS (bucket, keys, control-plane logs).
STATEFUL_AWS = {"aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}


def _data_holding(records):
    """The records prod protects (the same model in prod): the data-holding ones."""
    prod = records_of(lambda: AiPlatform("vision", {"platform": load_platform(
        platform_model(environment="prod"))}))
    protected = {r.urn for r in prod if r.protect}
    found = [r for r in records if r.urn in protected]
    assert {r.type for r in found} >= STATEFUL_AWS
    return found


def _gate_and(component):
    """A program declaring a gate component and ``component(gate)``; returns the records."""
    def program() -> None:
        gate = pulumi.CustomResource("test:index:Gate", "gate")
        component(gate)

    records = records_of(program)
    return next(r for r in records if r.type == "test:index:Gate"), records


@pytest.mark.parametrize("cloud", sorted(POOL_RESOURCE))
def test_pool_options_reach_the_node_pool(cloud):
    gate, records = _gate_and(lambda gate: GpuNodePool("infer", pool_args(cloud), pulumi.ResourceOptions(
        protect=True, retain_on_delete=True, depends_on=[gate])))
    pool = next(r for r in records if r.type == POOL_RESOURCE[cloud])
    assert (pool.protect, pool.retain_on_delete) == (True, True)
    assert gate.urn in pool.dependencies


@pytest.mark.parametrize("cloud", sorted(POOL_RESOURCE))
def test_pool_without_options_is_neither_protected_nor_retained(cloud):
    records = records_of(lambda: GpuNodePool("infer", pool_args(cloud)))
    pool = next(r for r in records if r.type == POOL_RESOURCE[cloud])
    assert (pool.protect, pool.retain_on_delete) == (False, False)


def test_pool_help_shows_its_own_arguments():
    doc = GpuNodePool.__init__.__doc__
    assert "``cluster_name``" in doc and "``gpus_per_node``" in doc
    assert ":param str t:" not in doc


def _platform(opts):
    return lambda *_: AiPlatform("vision", {"platform": load_platform(platform_model())}, opts)


def test_platform_protect_reaches_every_data_holding_resource_in_dev():
    records = records_of(_platform(pulumi.ResourceOptions(protect=True)))
    for record in _data_holding(records):
        assert record.protect is True, (record.type, record.name)


def test_platform_retain_on_delete_reaches_the_data():
    records = records_of(_platform(pulumi.ResourceOptions(retain_on_delete=True)))
    for record in _data_holding(records):
        assert record.retain_on_delete is True, (record.type, record.name)


def test_platform_depends_on_holds_back_the_provider_and_the_data():
    gate, records = _gate_and(lambda gate: _platform(pulumi.ResourceOptions(depends_on=[gate]))())
    provider = next(r for r in records if r.type == "pulumi:providers:aws")
    assert gate.urn in provider.dependencies, "every AWS resource waits for its provider"
    for record in _data_holding(records):
        assert gate.urn in record.dependencies, (record.type, record.name)


def test_platform_without_options_leaves_dev_data_unprotected():
    records = records_of(_platform(None))
    for record in _data_holding(records):
        assert (record.protect, record.retain_on_delete) == (False, False), (record.type, record.name)


def test_platform_help_shows_its_own_arguments():
    doc = AiPlatform.__init__.__doc__
    assert "``platform``" in doc and ":param str t:" not in doc
