"""Object storage: buckets on S3, Azure Blob Storage and Cloud Storage."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

from ._base import ProblemCollector, SpecModel, matches
from .compute import TargetClouds

BUCKET_NAME = r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$"
BucketName = matches(BUCKET_NAME, "3-22 characters: lowercase letters, digits and '-', "
                     "starting with a letter and ending with a letter or digit")

_STAGES = ("cool_after_days", "archive_after_days", "expire_after_days")


class Lifecycle(SpecModel):
    """When objects move to cheaper storage classes and when they are deleted.

    Days count from object creation; each stage that is set must come after the earlier ones.
    """

    cool_after_days: Optional[int] = Field(None, ge=1)
    """Move objects to the infrequent-access class (S3 Standard-IA, Azure Cool, GCS Nearline)
    after this many days (at least 30 when the bucket is on AWS). Omitted: never."""
    archive_after_days: Optional[int] = Field(None, ge=1)
    """Move objects to the archive class (S3 Glacier Flexible Retrieval, Azure Archive, GCS
    Archive) after this many days. Omitted: never."""
    expire_after_days: Optional[int] = Field(None, ge=1)
    """Delete objects after this many days. Omitted: never."""

    @model_validator(mode="after")
    def _in_order(self) -> "Lifecycle":
        problems = ProblemCollector()
        earlier: tuple[str, int] | None = None
        for stage in _STAGES:
            days = getattr(self, stage)
            if days is None:
                continue
            if earlier is not None and days <= earlier[1]:
                problems.add((stage,), days,
                             f"must be greater than {earlier[0]} ({earlier[1]}): stages run "
                             "in the order cool, archive, expire")
            else:
                earlier = (stage, days)
        problems.raise_if_any()
        return self


class Bucket(SpecModel):
    """An object-storage bucket on each target cloud: private, TLS-only, encrypted."""

    name: BucketName
    """Unique among buckets; part of the bucket's cloud name. Required."""
    versioning: bool = True
    """Keep earlier versions of overwritten and deleted objects. Omitted: true."""
    encryption: Literal["customer-managed", "provider-managed"] = "customer-managed"
    """customer-managed (a key is created in the cloud's key service) or provider-managed.
    Omitted: customer-managed."""
    lifecycle: Lifecycle = Lifecycle()
    """Storage-class transitions and expiry. Omitted: objects stay in the standard class and
    never expire."""
    expected_size_gb: Optional[float] = Field(None, gt=0)
    """Expected stored data, GB, used only by the cost estimate. Omitted: no size is assumed,
    so the estimate cannot price the stored data."""
    clouds: TargetClouds = ()
    """Clouds to create the bucket on, each a configured cloud. Omitted: every configured
    cloud. After validation: the resolved clouds, in the order aws, azure, gcp."""
