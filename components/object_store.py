"""``ObjectStore``: one private, encrypted, versioned bucket on AWS, Azure or GCP.

The face is cloud-neutral; the per-cloud builders (``aiscale.aws.storage``,
``aiscale.azure.storage``, ``aiscale.gcp.storage``) are imported only when a store on that
cloud is constructed, so an AWS stack never imports the Azure or GCP SDKs. Arguments are
validated and defaults resolved here, in one place, before any resource is registered.

No ``from __future__ import annotations`` here: Pulumi's component analyzer (``pulumi package
add``) reads the annotations of ``ObjectStoreArgs`` and ``ObjectStore`` as real types.
"""

from collections.abc import Mapping
from typing import Any, Optional, TypedDict

try:
    from typing import Required  # Python 3.11+
except ImportError:  # Python 3.10 (typing_extensions comes with pydantic)
    from typing_extensions import Required

import pulumi

from aiscale import clouds
from aiscale._docs import documented
from aiscale.store_spec import BuiltStore, StoreSpec

__all__ = ["LifecycleArgs", "ObjectStore", "ObjectStoreArgs", "StoreSpec", "BuiltStore"]

TYPE_TOKEN = "aiscale:index:ObjectStore"
CLOUDS = clouds.names()
"""The clouds an ``ObjectStore`` can be declared on."""
ACCESS_LOG_CLOUDS = tuple(a.name for a in clouds.adapters() if a.access_logs_to_bucket)
"""The clouds with bucket access logs written to another bucket (S3 server access logs, GCS
usage logs). The others log through their own services (Azure's diagnostic settings)."""
ENCRYPTIONS = ("customer-managed", "provider-managed")
"""Encryption modes: a key created for the bucket, or the cloud's own managed key."""
LIFECYCLE_FIELDS = ("cool_after_days", "archive_after_days", "expire_after_days")
class LifecycleArgs(TypedDict, total=False):
    """When objects move to cheaper tiers or expire, counted in days since creation."""

    cool_after_days: Optional[int]
    """Move objects to the infrequent-access tier (S3 STANDARD_IA, Azure Cool, GCS NEARLINE)
    after this many days. Omitted or None: objects stay in the standard tier."""
    archive_after_days: Optional[int]
    """Move objects to the archive tier (S3 GLACIER, Azure Archive, GCS ARCHIVE) after this many
    days. Omitted or None: objects are never archived."""
    expire_after_days: Optional[int]
    """Delete objects this many days after creation (with versioning, the current version
    becomes noncurrent and is removed after the retention window). Omitted or None: never."""


class ObjectStoreArgs(TypedDict, total=False):
    """The arguments of :class:`ObjectStore`."""

    cloud: Required[str]
    """``aws``, ``azure`` or ``gcp``. Required."""
    platform: Required[str]
    """The platform name; part of every physical name. Required."""
    environment: Required[str]
    """The environment (``dev``, ``staging``, ``prod``); part of every physical name, and
    ``prod`` selects zone-redundant storage and 30-day retention. Required."""
    bucket: Required[str]
    """The bucket's name in the model (``models``); part of every physical name. Required."""
    region: Required[str]
    """The AWS region, Azure location or GCP region the bucket lives in. Required."""
    gcp_project: Optional[str]
    """GCP only: the project of the bucket and key. Omitted or None: the provider's project."""
    resource_group_name: Optional[pulumi.Input[str]]
    """Azure only, and required there: the resource group of the storage account and vault."""
    versioning: bool
    """Keep previous versions of overwritten and deleted objects. Omitted: True."""
    encryption: str
    """``customer-managed`` (a key is created for the bucket, rotated automatically) or
    ``provider-managed`` (the cloud's own managed key). Omitted: ``customer-managed``."""
    lifecycle: Optional[LifecycleArgs]
    """Tiering and expiry. Omitted or None: no tiering or expiry; noncurrent versions and
    incomplete uploads are still cleaned up."""
    tags: Optional[dict[str, str]]
    """Tags (labels on GCP), sanitised per cloud. Omitted: only ``platform``, ``environment``
    and ``managed-by`` are set."""
    protect: bool
    """Protect the bucket, keys, vault and storage account from deletion, and keep them in
    the cloud when they leave the program (``retain_on_delete``). Omitted: False."""
    name_seed: str
    """Extra text mixed into the uniqueness hash of globally unique names (an organisation
    domain, say), for when another organisation uses the same platform name. Omitted: none.
    Changing it renames, and so replaces, the bucket."""
    allowed_subnet_ids: Optional[list[pulumi.Input[str]]]
    """Azure only: subnet ids let through the storage account firewall (each subnet needs the
    ``Microsoft.Storage`` service endpoint), as a list or as an output holding one (a
    ``Network``'s ``subnet_ids``: ``AiPlatform`` passes its network's, so the AKS nodes and VM
    scale sets reach the buckets they read). Omitted: only trusted Azure services and private
    endpoints reach the data plane. Ignored on AWS and GCP, which gate reads by identity."""
    access_log_bucket: Optional[pulumi.Input[str]]
    """AWS and GCP (refused on Azure): the physical name of the bucket receiving this bucket's
    access logs, e.g. an :class:`AccessLogBucket`'s ``bucket_name`` (on AWS in the same account
    and region). AWS: S3 server access logs under ``<bucket name>/``, keys partitioned by event
    time; GCP: usage logs prefixed with the bucket name. Omitted or None: no access logging."""


def _is_days(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_lifecycle(lifecycle: Any, cloud: Any, problems: list[str]) -> dict[str, Optional[int]]:
    """Validate ``lifecycle``; return the days per field (None when unset)."""
    if lifecycle is None:
        return {}
    if not isinstance(lifecycle, Mapping):
        problems.append(f"lifecycle: got {lifecycle!r}; valid: a mapping with {', '.join(LIFECYCLE_FIELDS)}")
        return {}
    days: dict[str, Optional[int]] = {}
    for key, value in lifecycle.items():
        if key not in LIFECYCLE_FIELDS:
            problems.append(f"lifecycle.{key}: unknown field; valid: {', '.join(LIFECYCLE_FIELDS)}")
        elif value is not None and not _is_days(value):
            problems.append(f"lifecycle.{key}: got {value!r}; valid: a whole number of days > 0, or null")
        else:
            days[key] = value
    cool, archive, expire = (days.get(f) for f in LIFECYCLE_FIELDS)
    if cool and archive and archive <= cool:
        problems.append(f"lifecycle.archive_after_days: got {archive}; valid: more than cool_after_days ({cool})")
    latest = max(d for d in (cool, archive, 0) if d is not None)
    if expire and expire <= latest:
        problems.append(f"lifecycle.expire_after_days: got {expire}; valid: more than {latest} (the last tier change)")
    if cloud in CLOUDS:
        problems.extend(clouds.adapter(cloud).lifecycle_problems(cool, archive))
    return days


def _check_tags(tags: Any, cloud: Any, problems: list[str]) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        problems.append(f"tags: got {tags!r}; valid: a mapping of strings to strings")
        return {}
    if cloud in CLOUDS:
        try:
            clouds.adapter(cloud).sanitise_tags(tags)
        except ValueError as error:
            problems.append(f"tags: {error}")
    return dict(tags)


def _check_log_bucket(value: Any, cloud: Any, problems: list[str]) -> None:
    if value is None:
        return
    if cloud in CLOUDS and cloud not in ACCESS_LOG_CLOUDS:
        problems.append(f"access_log_bucket: not valid on {cloud} (it logs bucket access through its "
                        f"own service); valid on {' and '.join(ACCESS_LOG_CLOUDS)} only")
    elif not isinstance(value, pulumi.Output) and (not isinstance(value, str) or not value.strip()):
        problems.append(f"access_log_bucket: got {value!r}; valid: a bucket name (string or Output), or None")


def _raise_if_any(kind: str, name: str, problems: list[str]) -> None:
    if problems:
        listing = "\n".join(f"  - {kind}Args.{p}" for p in problems)
        raise ValueError(f"invalid arguments for {kind} {name!r}:\n{listing}")


def resolve_args(name: str, args: Mapping[str, Any], kind: str = "ObjectStore") -> StoreSpec:
    """Validate ``args`` and resolve every default; raise one ValueError listing every problem.

    ``kind`` names the component in messages (``AccessLogBucket`` resolves through here too).
    """
    if not isinstance(args, Mapping):
        raise ValueError(f"{kind} {name!r}: args: got {args!r}; valid: an {kind}Args mapping")
    problems: list[str] = []
    known = set(ObjectStoreArgs.__required_keys__) | set(ObjectStoreArgs.__optional_keys__)
    for key in sorted(set(args) - known):
        problems.append(f"{key}: unknown field; valid: {', '.join(sorted(known))}")
    for key in ("cloud", "platform", "environment", "bucket", "region"):
        value = args.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: got {value!r}; valid: a non-empty string")
    cloud = args.get("cloud")
    if isinstance(cloud, str) and cloud not in CLOUDS:
        problems.append(f"cloud: got {cloud!r}; valid: {', '.join(CLOUDS)}")
    encryption = args.get("encryption") or "customer-managed"
    if encryption not in ENCRYPTIONS:
        problems.append(f"encryption: got {encryption!r}; valid: {', '.join(ENCRYPTIONS)}")
    for key in ("versioning", "protect"):
        if key in args and args[key] is not None and not isinstance(args[key], bool):
            problems.append(f"{key}: got {args[key]!r}; valid: true or false")
    for key, meaning in (clouds.adapter(cloud).required_store_args.items() if cloud in CLOUDS else ()):
        if args.get(key) in (None, ""):
            problems.append(f"{key}: got None; valid: {meaning} (required on {cloud})")
    seed = args.get("name_seed") or ""
    if not isinstance(seed, str):
        problems.append(f"name_seed: got {seed!r}; valid: a string")
    subnets = args.get("allowed_subnet_ids") or ()
    if not isinstance(subnets, (list, tuple, pulumi.Output)):
        problems.append(f"allowed_subnet_ids: got {subnets!r}; valid: a list of subnet ids (or an output of one)")
    days = _check_lifecycle(args.get("lifecycle"), cloud, problems)
    tags = _check_tags(args.get("tags"), cloud, problems)
    _check_log_bucket(args.get("access_log_bucket"), cloud, problems)
    _raise_if_any(kind, name, problems)
    defaults = {"platform": args["platform"], "environment": args["environment"], "managed-by": "aiscale"}
    return StoreSpec(
        cloud=cloud, platform=args["platform"], environment=args["environment"],
        bucket=args["bucket"], region=args["region"],
        versioning=args.get("versioning", True) is not False,
        customer_managed=encryption == "customer-managed",
        protect=bool(args.get("protect", False)),
        cool_after_days=days.get("cool_after_days"),
        archive_after_days=days.get("archive_after_days"),
        expire_after_days=days.get("expire_after_days"),
        tags={**defaults, **tags}, gcp_project=args.get("gcp_project"),
        resource_group_name=args.get("resource_group_name"), name_seed=seed,
        allowed_subnet_ids=subnets if isinstance(subnets, pulumi.Output) else tuple(subnets),
        access_log_bucket=args.get("access_log_bucket"),
    )


@documented("Declare a private, encrypted, versioned bucket on one cloud.", ObjectStoreArgs)
class ObjectStore(pulumi.ComponentResource):
    """A private, encrypted, versioned bucket with lifecycle rules, on one cloud.

    AWS: an S3 bucket (+ KMS key). Azure: a storage account with one blob container (+ Key
    Vault key and the identity that reads it). GCP: a GCS bucket (+ Cloud KMS key ring and key).
    Public access is blocked, TLS is required and encryption at rest uses a customer-managed,
    automatically rotated key unless ``encryption`` is ``provider-managed``.
    """

    bucket_name: pulumi.Output[str]
    """The physical name: S3 or GCS bucket name, or the Azure blob container name."""
    bucket_url: pulumi.Output[str]
    """``s3://<bucket>``, ``https://<account>.blob.core.windows.net/<container>`` or ``gs://<bucket>``."""
    key_id: pulumi.Output[Optional[str]]
    """The KMS key ARN, Key Vault key URI or Cloud KMS CryptoKey id; None when provider-managed."""

    def __init__(self, name: str, args: ObjectStoreArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        spec = resolve_args(name, args)  # before super().__init__: bad args register nothing
        super().__init__(TYPE_TOKEN, name, None, opts)
        spec = spec.with_component_options(opts)
        built = self._build(name, spec)
        self._resources = built.resources
        self.bucket_name = pulumi.Output.from_input(built.bucket_name)
        self.bucket_url = pulumi.Output.from_input(built.bucket_url)
        self.key_id = pulumi.Output.from_input(built.key_id)
        self.register_outputs({"bucket_name": self.bucket_name, "bucket_url": self.bucket_url,
                               "key_id": self.key_id})

    @property
    def resources(self) -> dict[str, pulumi.Resource]:
        """The child resources by role (``bucket``, ``key``, ``account``, ...): the escape hatch."""
        return dict(self._resources)

    def _build(self, name: str, spec: StoreSpec) -> BuiltStore:
        """Dispatch to the cloud's builder, imported only now."""
        return clouds.adapter(spec.cloud).builder("storage").build(self, name, spec)
