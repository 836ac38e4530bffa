"""The interface every cloud adapter implements: everything that differs by cloud, in one place.

An adapter is data plus a few functions; it never imports its provider SDK at module level (its
builders, ``aiscale.<cloud>.<capability>``, do, and are imported only when a component is built
on that cloud). The neutral modules (the component faces, ``platform``, ``model``, ``plan``,
``operations``) ask the registry (``aiscale.clouds.adapter(name)``) instead of naming a cloud.

The guardrails read resources through the facts layer (``aiscale.facts``, one reader module per
cloud) and take what they need of a cloud's vocabulary from here.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from types import MappingProxyType
from typing import Any, ClassVar, Mapping, Optional

from aiscale.clouds._regions import RegionTable, region_table

#: The capabilities every adapter builds, by the name the neutral code dispatches on.
CAPABILITIES = ("network", "cluster", "node_pool", "vm_group", "storage", "managed_endpoint",
                "endpoint_identity", "budget", "alerts", "provider")


class CloudAdapter(ABC):
    """One cloud: its name, vocabulary, rules and builders."""

    name: ClassVar[str]
    """The cloud's id in the model (``clouds:`` keys, ``clouds: [...]`` lists)."""
    title: ClassVar[str]
    """How messages name the cloud's managed Kubernetes and services, e.g. ``AWS``."""
    region_field: ClassVar[str] = "region"
    """The model field that holds the cloud's region (``location`` on Azure)."""
    builders: ClassVar[Mapping[str, str]]
    """Capability -> the module that builds it (``aiscale.<cloud>.<module>``)."""
    sdk_modules: ClassVar[tuple[str, ...]]
    """The top-level provider SDK modules a platform on this cloud imports, besides Kubernetes'
    (installed by the install extra named like the cloud: ``aiscale[<name>]``)."""
    extra_modules: ClassVar[tuple[str, ...]] = ()
    """Other top-level modules only this cloud's extra installs (e.g. boto3 for preflight)."""
    preflight_module: ClassVar[Optional[str]] = None
    """The module of the cloud's read-only pre-flight (``aiscale preflight --cloud <name>``), with
    ``preflight(platform, plan, reader_factory=None)``; None when the cloud has none."""
    spot_taint: ClassVar[Optional[tuple[str, str]]] = None
    """The ``NoSchedule`` taint (key, value) the cloud puts on spot nodes, or None."""
    managed_runtime: ClassVar[str]
    """What ``runtime: managed`` means on this cloud (for messages and docs)."""
    managed_service: ClassVar[str]
    """The managed serving service's short name (``SageMaker``)."""
    managed_scales_to_zero: ClassVar[bool] = False
    """Whether a managed endpoint may run zero instances."""
    managed_needs_network: ClassVar[bool] = False
    """Whether a managed endpoint runs inside the platform's private network."""
    managed_needs_offering: ClassVar[bool] = True
    """Whether a managed endpoint's machine comes from the catalog."""
    managed_image_registries: ClassVar[tuple[str, ...]] = ()
    """Registry hosts (regular expressions, matched whole) the managed runtime can pull a
    serving image from; empty: any registry not in :attr:`managed_refused_registries`."""
    managed_refused_registries: ClassVar[tuple[str, ...]] = ()
    """Registry hosts (regular expressions) the managed runtime can never pull from."""
    managed_image_hint: ClassVar[str] = ""
    """Where to put an image the managed runtime cannot pull (for validation messages)."""
    metrics_namespace: ClassVar[str] = "monitoring"
    """The namespace whose Prometheus scrapes serving pods."""
    access_logs_to_bucket: ClassVar[bool] = False
    """Whether buckets log access to a separate access-log bucket (else: the cloud's own logs)."""
    access_log_encryption: ClassVar[str] = "customer-managed"
    """Encryption of the access-log bucket (S3 delivers server access logs to SSE-S3 only)."""
    required_store_args: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """``ObjectStoreArgs`` fields the cloud cannot do without, with what they are."""
    scope_fields: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """``CloudScope`` fields the cloud's components cannot do without, with what they are."""
    managed_prometheus: ClassVar[bool] = False
    """Whether the cluster's metrics go to the cloud's managed Prometheus (else a self-managed
    kube-prometheus-stack in the cluster)."""
    dcgm_hostname_label: ClassVar[Optional[str]] = None
    """The label that holds the node name in the DCGM series when it is not ``node``."""
    existing_cluster_args: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """``GpuNodePoolArgs`` fields that describe an existing cluster on this cloud only: the
    keyword arguments of its node pool builder's ``existing_target``."""
    required_existing_cluster_args: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """Of those, the ones the cloud cannot do without, with what they are."""
    model_paths: ClassVar[tuple[tuple[str, str], ...]] = ()
    """Where a platform-model problem under ``clouds.<name>`` points in ``GpuNodePoolArgs``."""
    node_pool_label: ClassVar[str]
    """The node label that names a node's pool (used by alert rules)."""
    pool_takes_several_machine_types: ClassVar[bool] = False
    """Whether one GPU node pool accepts a list of machine types (spot pools are diversified
    over every catalog type that fits; ``node_pools[].machine_types.<cloud>`` may list several)."""
    capacity_class_label: ClassVar[Optional[str]] = None
    """The node label a workload selects to join a pool's capacity class (GKE ComputeClass), on
    a cloud that orders spot and on-demand pools by class instead of the autoscaler's priority
    expander; None elsewhere."""
    unsupported_pool_features: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """Node pool features this cloud's builders refuse, as ``{feature: reason}`` (features:
    ``sharing.mig``)."""
    public_service_annotations: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """Annotations of a public ``LoadBalancer`` Service on the cloud's Kubernetes."""
    internal_service_annotations: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """Annotation -> value (lower-case), any one of which makes a ``LoadBalancer`` Service
    internal on the cloud's Kubernetes (read by the guardrails' public load balancer check)."""
    cluster_identity_details: ClassVar[tuple[str, ...]] = ()
    """Fields of the cloud's built cluster (``KubernetesCluster.built``) that pod identity needs."""
    max_budget_notifications: ClassVar[Optional[int]] = None
    """Most notifications one budget may have, or None for no limit."""
    provider_package: ClassVar[str]
    """The Pulumi provider package of the cloud's resources: the first part of their type tokens
    (``aws:s3/bucket:Bucket``) and of their stack config keys (``aws:region``)."""
    facts_reader: ClassVar[str]
    """The module that reads this cloud's resources into facts (``aiscale.facts.<cloud>``: its
    ``MACHINES``, ``NODE_POOLS``, ``BUCKETS``... tables, dispatched by ``aiscale.facts.reader``)."""
    cost_pricer: ClassVar[str]
    """The module that prices this cloud's resources (``aiscale.cost._<cloud>``): its ``PRICERS``
    (type token -> pricer) and the cloud's region look-up, imported only when cost is estimated."""

    @abstractmethod
    def sanitise_tags(self, tags: Mapping[str, str]) -> dict[str, str]:
        """``tags`` as this cloud accepts them (keys, values, counts); ValueError when impossible."""

    @abstractmethod
    def bucket_name(self, platform: str, environment: str, bucket: str, seed: str = "") -> str:
        """The physical name of a model bucket on this cloud (stable: never from list positions)."""

    # Model rules that hold on this cloud only. ``ctx`` is the model's cross-check context
    # (``aiscale.model.crosscheck.Context``): ``ctx.add(path, value, message)`` reports.

    def check_buckets(self, ctx: Any) -> None:
        """Problems of the model's buckets on this cloud (none by default)."""

    def check_existing_network(self, ctx: Any, existing: Any) -> None:
        """Problems of ``network.existing.<cloud>`` (none by default)."""

    def check_tags(self, ctx: Any, tags: Mapping[str, str]) -> None:
        """Problems of the model's tags when this cloud is configured (none by default)."""

    def check_budget(self, ctx: Any, operations: Any) -> None:
        """Problems of ``operations`` with a budget when this cloud is configured (none)."""

    def check_managed_endpoint(self, ctx: Any, item: tuple, endpoint: Any) -> bool:
        """Problems of a managed endpoint on this cloud; True when the cloud does not size it
        from the catalog (so the catalog check is skipped). Default: False, nothing found."""
        return False

    def model_settings(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The model's ``clouds.<name>`` entry for a ``GpuNodePool`` given plain arguments."""
        return {self.region_field: args.get("region")}

    def budget_problems(self, args: Mapping[str, Any]) -> list[str]:
        """Problems with ``OperationsArgs`` that only this cloud's budgets have (none by default)."""
        return []

    @property
    def region_table(self) -> RegionTable:
        """The cloud's known regions and zones (``clouds/data/<name>_regions.csv``)."""
        return region_table(self.name)

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region the cloud is known to have (public regions; see ``clouds/data/REGIONS.md``)."""
        return self.region_table.regions

    def zones(self, region: str) -> tuple[str, ...]:
        """The availability zones of ``region`` as the cloud names them (``us-west-2a``,
        ``us-central1-a``; ``1``, ``2``, ``3`` on Azure); ``()`` for a known region without zones.
        An unknown region raises :class:`aiscale.clouds.UnknownRegionError` (a ``ValueError``
        whose message names the closest known regions)."""
        return self.region_table.zones(region)

    def region_of(self, settings: Any) -> str:
        """The region of the model's ``clouds.<name>`` settings."""
        return getattr(settings, self.region_field)

    def lifecycle_problems(self, cool: Optional[int], archive: Optional[int]) -> list[str]:
        """Lifecycle rules the cloud's object storage refuses (none by default)."""
        return []

    def managed_machine_type(self, offering: Any) -> str:
        """The managed serving service's instance type for a catalog offering (by default the
        offering's own machine type)."""
        return offering.instance_type

    def cost_module(self) -> Any:
        """This cloud's :attr:`cost_pricer` module, imported now: its ``PRICERS``, and what the
        neutral pricing asks of each cloud (``KUBERNETES_CLUSTERS``, ``LOAD_BALANCER_SERVICE``,
        ``EGRESS_PRICE``)."""
        return importlib.import_module(self.cost_pricer)

    def cost_pricers(self) -> Mapping[str, Any]:
        """Type token -> pricer of this cloud's resources (its :attr:`cost_pricer` module, imported now)."""
        return self.cost_module().PRICERS

    def builder(self, capability: str) -> Any:
        """The module that builds ``capability`` on this cloud, imported now (with its SDK)."""
        module = self.builders.get(capability)
        if module is None:
            raise ValueError(f"{self.name} has no builder for {capability!r}; "
                             f"it builds: {', '.join(sorted(self.builders))}")
        return importlib.import_module(f"aiscale.{self.name}.{module}")

    def open_scope(self, *args: Any, **kwargs: Any) -> Any:
        """Declare the cloud's explicit provider (and its per-cloud grouping); return the scope."""
        return self.builder("provider").open_scope(*args, **kwargs)


