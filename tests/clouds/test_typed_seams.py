"""Networks, clusters, VM groups and operations cross the face/builder seam as typed values.

Every cloud's builder of these capabilities reads the seam's ``*Build`` dataclass and returns a
subclass of its ``Built*`` dataclass; node pool builders read an existing cluster through the
same typed node target as a cluster aiscale declares.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from aiscale import clouds
from aiscale.cluster_spec import BuiltCluster, ClusterBuild
from aiscale.network_spec import BuiltNetwork, NetworkBuild
from aiscale.operations_spec import BuiltBudget, NotificationTarget, OperationsBuild
from aiscale.pool_args import ExistingCluster
from aiscale.vm_group_spec import BuiltVmGroup, VmGroupBuild

SEAMS = [("network", NetworkBuild, BuiltNetwork), ("cluster", ClusterBuild, BuiltCluster),
         ("vm_group", VmGroupBuild, BuiltVmGroup)]


@pytest.mark.parametrize("cloud", clouds.names())
@pytest.mark.parametrize("capability, reads, returns", SEAMS, ids=[seam[0] for seam in SEAMS])
def test_builder_reads_the_build_type_and_returns_a_built_subclass(cloud, capability, reads, returns):
    build = clouds.adapter(cloud).builder(capability).build
    hints = typing.get_type_hints(build)
    assert hints["args"] is reads
    result = hints["return"]
    assert issubclass(result, returns) and result is not returns, f"{cloud} {capability}: {result}"
    assert dataclasses.is_dataclass(result) and result.__dataclass_params__.frozen


@pytest.mark.parametrize("cloud, args, expected", [
    ("aws", {"node_role_arn": "arn:aws:iam::1:role/nodes", "subnet_ids": ["subnet-a"]},
     {"name": "ml", "node_role_arn": "arn:aws:iam::1:role/nodes", "subnet_ids": ["subnet-a"],
      "node_dependencies": (), "subnet_zones": None}),
    ("azure", {"resource_group_name": "rg", "nodes_subnet_id": "/subnets/nodes"},
     {"cluster_name": "ml", "resource_group_name": "rg", "nodes_subnet_id": "/subnets/nodes"}),
    ("gcp", {"region": "us-central1", "cluster_location": "us-central1-a"},
     {"cluster_name": "ml", "location": "us-central1-a", "node_service_account_email": None,
      "node_identity_grants": ()}),
])
def test_an_existing_cluster_gives_the_clouds_typed_node_target(cloud, args, expected):
    target = ExistingCluster.from_args({"cloud": cloud, "cluster_name": "ml", **args}).node_target
    declared = typing.get_type_hints(clouds.adapter(cloud).builder("cluster").build)["return"]
    assert type(target) is typing.get_type_hints(declared.node_target)["return"]
    assert dataclasses.asdict(target) == expected


@pytest.mark.parametrize("cloud", clouds.names())
def test_operations_builders_read_the_build_and_return_typed_results(cloud):
    budgets = clouds.adapter(cloud).builder("budget")
    target = typing.get_type_hints(budgets.notifications)
    assert target["args"] is OperationsBuild
    assert issubclass(target["return"], NotificationTarget) and target["return"] is not NotificationTarget
    assert target["return"].__dataclass_params__.frozen
    budget = typing.get_type_hints(budgets.budget)
    assert (budget["args"], budget["target"], budget["return"]) == (OperationsBuild, target["return"], BuiltBudget)
    alerts = typing.get_type_hints(clouds.adapter(cloud).builder("alerts").endpoint_alerts)
    assert (alerts["args"], alerts["target"]) == (OperationsBuild, target["return"])


def test_operations_resolves_omitted_arguments_into_its_build():
    from aiscale.operations import DEFAULTS, resolve
    from aiscale.scope import CloudScope

    scope = CloudScope(cloud="gcp", platform="ml", environment="dev", region="us-central1",
                       parent=None, provider=None, gcp_project="p")
    build = resolve("ops", {"scope": scope, "emails": ["a@example.com"], "webhook_url": None})
    assert build.name == "ops" and build.scope is scope and build.cloud == "gcp"
    assert build.emails == ("a@example.com",) and build.webhook_url is None
    assert build.actual_thresholds == tuple(DEFAULTS["actual_thresholds"])
    assert build.latency_threshold_seconds == DEFAULTS["latency_threshold_seconds"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        build.amount_usd = 5  # type: ignore[misc]
