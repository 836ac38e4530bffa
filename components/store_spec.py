"""What an ``ObjectStore`` builder reads and returns: the validated spec and the built store.

``aiscale.object_store`` validates the arguments into a :class:`StoreSpec`; each cloud's storage
builder (``aiscale.<cloud>.storage``, ``_access_logs``) reads it and returns a
:class:`BuiltStore`. Both sides import this module, so no builder imports the component.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional, Sequence

import pulumi

from aiscale.inheritance import ChildOptions

RETENTION_DAYS = {"prod": 30}
"""Days deleted data (soft-deleted blobs, noncurrent versions) is kept, by environment."""
DEFAULT_RETENTION_DAYS = 7
"""Retention for every environment not listed in :data:`RETENTION_DAYS`."""
INCOMPLETE_UPLOAD_DAYS = 7
"""Incomplete multipart uploads are aborted after this many days (AWS, GCP)."""


@dataclass(frozen=True)
class StoreSpec:
    """Validated arguments with every default resolved: what the per-cloud builders read."""

    cloud: str
    """``aws``, ``azure`` or ``gcp``."""
    platform: str
    """The platform name."""
    environment: str
    """The environment name."""
    bucket: str
    """The bucket's name in the model."""
    region: str
    """AWS region, Azure location or GCP region."""
    versioning: bool
    """Whether object versioning is on."""
    customer_managed: bool
    """True when a key is created for the bucket (``encryption: customer-managed``)."""
    protect: bool
    """Whether stateful children get ``protect`` and ``retain_on_delete``."""
    cool_after_days: Optional[int] = None
    """Days before the infrequent-access tier, or None."""
    archive_after_days: Optional[int] = None
    """Days before the archive tier, or None."""
    expire_after_days: Optional[int] = None
    """Days before objects expire, or None."""
    tags: dict[str, str] = field(default_factory=dict)
    """Unsanitised tags including the defaults; builders sanitise with ``aiscale.naming``."""
    gcp_project: Optional[str] = None
    """The GCP project, or None for the provider's."""
    resource_group_name: Optional[pulumi.Input[str]] = None
    """The Azure resource group (None elsewhere)."""
    name_seed: str = ""
    """Extra text for the uniqueness hash of globally unique names."""
    allowed_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]] = ()
    """Subnets let through the bucket's network firewall, where the cloud has one (Azure's
    storage account rules): a tuple of ids, or an output holding a list of them."""
    access_log_bucket: Optional[pulumi.Input[str]] = None
    """The bucket receiving access logs, or None for no access logging."""
    inherited: Optional[ChildOptions] = None
    """What the component's own ``ResourceOptions`` add (``protect``, ``retain_on_delete``,
    ``depends_on``); None: only ``protect`` from the arguments."""

    @property
    def child_options(self) -> ChildOptions:
        """The options of the data-holding children: ``protect`` from the arguments (which also
        retains on delete), strengthened by the component's own options."""
        return self.inherited or ChildOptions(protect=self.protect, retain_on_delete=self.protect)

    def with_component_options(self, opts: Optional[pulumi.ResourceOptions]) -> "StoreSpec":
        """This spec with the component's own ``ResourceOptions`` applied to its stateful children."""
        return replace(self, inherited=ChildOptions(protect=self.protect, retain_on_delete=self.protect)
                       .with_options(opts))

    @property
    def is_prod(self) -> bool:
        """True in the ``prod`` environment."""
        return self.environment == "prod"

    @property
    def retention_days(self) -> int:
        """Days soft-deleted data and noncurrent versions are kept (30 in prod, else 7)."""
        return RETENTION_DAYS.get(self.environment, DEFAULT_RETENTION_DAYS)

    def stateful(self, parent: pulumi.Resource, **extra: Any) -> pulumi.ResourceOptions:
        """Options for a stateful child (bucket, key, key ring, vault, account): parented,
        protected, retained and waiting as :attr:`child_options` say."""
        return self.child_options.stateful(parent, **extra)


@dataclass
class BuiltStore:
    """What a per-cloud builder returns to the face."""

    bucket_name: pulumi.Input[str]
    """The physical bucket (or container) name."""
    bucket_url: pulumi.Input[str]
    """The bucket's URL."""
    key_id: Optional[pulumi.Input[str]]
    """The customer-managed key's id, or None."""
    resources: dict[str, pulumi.Resource]
    """The children by role."""


def model_uri(store: Any, endpoint: Any) -> pulumi.Output:
    """The model's location: the bucket URL plus ``endpoint.model.path`` (``s3://b/llama/``)."""
    path = endpoint.model.path.lstrip("/")
    return pulumi.Output.from_input(store.bucket_url).apply(
        lambda url: f"{url.rstrip('/')}/{path}" if path else url)
