"""Networks, clusters, VM groups, operations and model endpoints cross the face/builder seam as
typed values.

Every cloud's builder of these capabilities reads the seam's ``*Build`` dataclass and returns a
subclass of its ``Built*`` dataclass; node pool builders read an existing cluster through the
same typed node target as a cluster aiscale declares. A source scan keeps string-keyed seams
from coming back: nothing in ``components/`` reads a component's ``details`` escape hatch, and
no builder reads ``args["..."]``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import typing
from pathlib import Path

import pytest

from aiscale import clouds
from aiscale.cluster_spec import BuiltCluster, ClusterBuild
from aiscale.endpoint_spec import (DEFAULT_METRIC, DEFAULT_METRICS_NAMESPACE, NO_POD_IDENTITY, RUNTIMES, BuiltEndpoint,
                                   EndpointBuild, PodIdentity)
from aiscale.model_endpoint import builder_module
from aiscale.network_spec import BuiltNetwork, NetworkBuild
from aiscale.operations_spec import (AlertmanagerIdentity, BuiltBudget, MetricsReader, NotificationTarget,
                                    OperationsBuild, WorkloadIdentity)
from aiscale.pool_args import ExistingCluster
from aiscale.vm_group_spec import BuiltVmGroup, VmGroupBuild
from tests.conftest import REPO

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


def test_observability_identities_are_typed():
    """Alertmanager's identity (where the cloud's alerts declare one) and the metrics reader
    (where the cloud has one) return typed values that ``aiscale.kubernetes.observability`` reads."""
    seen = []
    for cloud in clouds.names():
        adapter = clouds.adapter(cloud)
        alertmanager = getattr(adapter.builder("alerts"), "alertmanager_identity", None)
        if alertmanager is not None:
            hints = typing.get_type_hints(alertmanager)
            assert (hints["args"], hints["return"]) == (OperationsBuild, AlertmanagerIdentity), cloud
            seen.append("alertmanager")
        if "metrics_reader" in adapter.builders:
            hints = typing.get_type_hints(adapter.builder("metrics_reader").build)
            assert hints["args"] is OperationsBuild and issubclass(hints["return"], MetricsReader), cloud
            seen.append("metrics_reader")
    assert {"alertmanager", "metrics_reader"} <= set(seen), "some cloud declares each identity"
    for kind in (AlertmanagerIdentity, MetricsReader):
        assert issubclass(kind, WorkloadIdentity) and kind.__dataclass_params__.frozen


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


# --- model endpoints -------------------------------------------------------------------------

ENDPOINT_DETAILS = {
    ("kubernetes", "aws"): {"namespace", "service_name", "service_account", "autoscaling_metric", "role_arn"},
    ("kubernetes", "azure"): {"namespace", "service_name", "service_account", "autoscaling_metric", "client_id"},
    ("kubernetes", "gcp"): {"namespace", "service_name", "service_account", "autoscaling_metric",
                            "google_service_account"},
    ("managed", "aws"): {"endpoint_name", "instance_type"},
    ("managed", "azure"): {"endpoint_name", "endpoint_id", "workspace_name", "deployment_name", "request_headers"},
    ("managed", "gcp"): {"service_name", "service_account"},
}
"""The keys of ``ModelEndpoint.details`` (besides ``resources``) per runtime and cloud: the names
the builders returned in their dicts before the seam was typed (``endpoint_id`` is new)."""


def _frozen_subclass(result: type, base: type) -> bool:
    return (issubclass(result, base) and result is not base and dataclasses.is_dataclass(result)
            and result.__dataclass_params__.frozen)


@pytest.mark.parametrize("cloud", clouds.names())
def test_endpoint_builders_read_the_build_and_return_typed_results(cloud):
    identity = typing.get_type_hints(clouds.adapter(cloud).builder("endpoint_identity").build)
    assert identity["args"] is EndpointBuild
    assert _frozen_subclass(identity["return"], PodIdentity), identity["return"]
    for runtime in RUNTIMES:
        hints = typing.get_type_hints(importlib.import_module(builder_module(runtime, cloud)).build)
        assert hints["args"] is EndpointBuild, (runtime, cloud)
        assert _frozen_subclass(hints["return"], BuiltEndpoint), (runtime, cloud, hints["return"])


@pytest.mark.parametrize("cloud", clouds.names())
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_model_endpoint_keeps_its_typed_result_and_derives_details_from_it(monkeypatch, cloud, runtime):
    from aiscale.model_endpoint import ModelEndpoint
    from aiscale.preview.engine import run_inline
    from tests.endpoints.helpers import CONFIG, endpoint_program

    built = []
    declare = ModelEndpoint.__init__
    monkeypatch.setattr(ModelEndpoint, "__init__",
                        lambda self, *a, **k: (declare(self, *a, **k), built.append(self))[0])
    run_inline(endpoint_program(cloud, endpoint={"runtime": runtime}), config=CONFIG[cloud])
    [component] = built
    result = component.built
    builder = importlib.import_module(builder_module(runtime, cloud)).build
    assert type(result) is typing.get_type_hints(builder)["return"]
    details = component.details
    assert set(details) == ENDPOINT_DETAILS[(runtime, cloud)] | {"resources"}
    assert details["resources"] == dict(result.resources) and result.resources
    for key in ENDPOINT_DETAILS[(runtime, cloud)] & {f.name for f in dataclasses.fields(result)}:
        assert details[key] is getattr(result, key), key
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.url = "elsewhere"  # type: ignore[misc]


def test_model_endpoint_resolves_its_args_into_the_build():
    from types import SimpleNamespace

    from aiscale.model_endpoint import resolve
    from aiscale.scope import CloudScope
    from tests.endpoints.helpers import platform

    scope = CloudScope(cloud="gcp", platform="acme-ml", environment="dev", region="us-central1",
                       parent=None, provider=None, gcp_project="acme-ml-dev")
    tgi = platform("gcp", endpoint={"server": "tgi"}).endpoints[0]
    store, cluster = SimpleNamespace(), SimpleNamespace(kubernetes_provider=object(),
                                                        built=SimpleNamespace(workload_pool=None))
    pool = platform("gcp").node_pools[0]
    build = resolve("chat", {"scope": scope, "endpoint": tgi, "store": store, "cluster": cluster,
                             "pool": pool, "metrics_namespace": None})
    assert (build.name, build.scope, build.endpoint, build.store, build.cluster, build.pool) == (
        "chat", scope, tgi, store, cluster, pool)
    assert build.autoscaling_metric == "tgi_batch_current_size" != DEFAULT_METRIC  # the server's gauge
    assert build.metrics_namespace == DEFAULT_METRICS_NAMESPACE  # None is omitted
    assert build.offering is None and build.network is None and build.has_model
    given = resolve("chat", {"scope": scope, "endpoint": tgi, "store": store, "cluster": cluster,
                             "pool": pool, "autoscaling_metric": "queue_depth"})
    assert given.autoscaling_metric == "queue_depth"
    with pytest.raises(dataclasses.FrozenInstanceError):
        build.store = None  # type: ignore[misc]


def test_every_model_endpoint_argument_is_a_field_of_the_build():
    """The face resolves each ``ModelEndpointArgs`` key into the same-named ``EndpointBuild``
    field, so an argument added to one and not the other fails here, not in a user's program."""
    from aiscale.model_endpoint import ModelEndpointArgs

    arguments = set(ModelEndpointArgs.__required_keys__) | set(ModelEndpointArgs.__optional_keys__)
    assert arguments == {f.name for f in dataclasses.fields(EndpointBuild)} - {"name"}


def test_kubernetes_endpoint_details_put_the_identity_fields_in_place_of_identity():
    from aiscale.aws.endpoint_identity import EksPodIdentity
    from aiscale.kubernetes.serving import KubernetesEndpoint

    identity = EksPodIdentity(role_arn="arn:aws:iam::1:role/pods", resources={"role": "r"})
    result = KubernetesEndpoint(url="http://chat", namespace="ns", service_name="svc", service_account="sa",
                                autoscaling_metric="m", identity=identity, resources={"service": "s"})
    assert result.as_details() == {"namespace": "ns", "service_name": "svc", "service_account": "sa",
                                   "autoscaling_metric": "m", "role_arn": "arn:aws:iam::1:role/pods",
                                   "resources": {"service": "s"}}
    bare = KubernetesEndpoint(url="u", namespace="ns", service_name="svc", service_account="sa",
                              autoscaling_metric="m")
    assert bare.identity is NO_POD_IDENTITY and set(bare.as_details()) == {
        "namespace", "service_name", "service_account", "autoscaling_metric", "resources"}


# --- no string-keyed seams come back ---------------------------------------------------------

COMPONENTS = REPO / "components"
BUILDER_FOLDERS = (*clouds.names(), "kubernetes")
"""The per-cloud builder folders and the Kubernetes builders: they read typed ``*Build`` values."""
TYPED_FACES = ("model_endpoint.py", "gpu_node_pool.py")
"""Faces that resolve their ``TypedDict`` args once (into a ``*Build`` or ``PoolSpec``) and then
read only the typed value."""


def _is_named(node: ast.AST, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name)


def string_keyed_reads(source: str, name: str) -> list[int]:
    """Lines where ``source`` reads the mapping called ``name`` by key: ``name["key"]``,
    ``x.name[...]``, ``name.get(...)`` / ``.pop(...)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_named(node.value, name):
            found.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("get", "pop") and _is_named(node.func.value, name)):
            found.append(node.lineno)
    return sorted(found)


def details_reads(source: str) -> list[int]:
    """Lines where ``source`` reads a component's ``details`` escape hatch: a ``details[...]``
    or ``details.get(...)`` look-up, any ``x.details`` value (``(x.details or {})...``), or
    ``getattr(x, "details")``. Defining it (``def details``, ``self.details = ...``) and calling a
    ``details()`` method (gRPC errors) are not reads."""
    tree = ast.parse(source)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found = set(string_keyed_reads(source, "details"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr == "details" and isinstance(node.ctx, ast.Load)
                and id(node) not in called):
            found.add(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "details"):
            found.add(node.lineno)
    return sorted(found)


def _modules(*folders_or_files: str) -> list[Path]:
    paths = []
    for entry in folders_or_files:
        path = COMPONENTS / entry
        paths.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return paths


def test_no_component_reads_another_ones_details():
    """Builders, faces and checks read typed results (``.built``, ``node_target``); ``details``
    is only the escape hatch users read."""
    offenders = {path.relative_to(COMPONENTS).as_posix(): lines for path in _modules(".")
                 if "venv" not in path.parts and (lines := details_reads(path.read_text()))}
    assert not offenders, f"read the typed result (.built) instead of details: {offenders}"


def test_builders_and_typed_faces_read_no_string_keyed_args():
    offenders = {path.relative_to(COMPONENTS).as_posix(): lines
                 for path in _modules(*BUILDER_FOLDERS, *TYPED_FACES)
                 if (lines := string_keyed_reads(path.read_text(), "args"))}
    assert not offenders, f"read the typed *Build's attributes instead of args[...]: {offenders}"


@pytest.mark.parametrize("source, expected", [
    ('x = cluster.details["oidc_issuer_url"]', [1]),
    ('x = (args.cluster.details or {}).get("workload_pool")', [1]),
    ('x = getattr(cluster, "details", None)', [1]),
    ('d = details.get("k")', [1]),
    ('class C:\n    @property\n    def details(self):\n        return {}\n', []),
    ('self.details = {"resources": r}', []),
    ('raise E(error.details())', []),
])
def test_the_details_scan_sees_every_kind_of_read(source, expected):
    assert details_reads(source) == expected


def test_the_args_scan_sees_subscripts_and_gets():
    assert string_keyed_reads('a = args["scope"]\nb = args.get("store")\nc = args.scope\n', "args") == [1, 2]
