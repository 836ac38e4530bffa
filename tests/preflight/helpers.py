"""Builders shared by the pre-flight tests: plans, facts, a stubbed Service Quotas client, a
recording hook for the operations a client calls, and a throwaway Pulumi project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import boto3
from botocore.stub import Stubber

from aiscale.preflight.facts import AwsFacts, GpuSpec, InstanceFacts, Quota
from aiscale.preflight.plan import CloudPlan, Fleet, ManagedEndpoint

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing"}


def fleet(name: str = "serve", instance_type: str = "g6.xlarge", *, accelerator: str = "nvidia-l4",
          gpus: int = 1, vcpus: int = 4, max_nodes: int = 3, capacity: str = "on-demand",
          kind: str = "node pool") -> Fleet:
    """A fleet with L4 defaults."""
    return Fleet(kind=kind, name=name, instance_type=instance_type, accelerator=accelerator,
                 gpus=gpus, vcpus=vcpus, max_nodes=max_nodes, capacity=capacity)


def endpoint(name: str = "chat", ec2_type: str = "g5.xlarge", *, accelerator: str = "nvidia-a10g",
             gpus: int = 1, max_replicas: int = 4) -> ManagedEndpoint:
    """A SageMaker endpoint with A10G defaults."""
    return ManagedEndpoint(name=name, instance_type=f"ml.{ec2_type}", machine_type=ec2_type,
                             accelerator=accelerator, gpus=gpus, max_replicas=max_replicas)


def plan(*fleets: Fleet, endpoints: tuple = (), region: str = "us-west-2",
         zones: Optional[tuple[str, ...]] = ("us-west-2a", "us-west-2b"),
         subnet_ids: tuple[str, ...] = ()) -> CloudPlan:
    """An AWS plan of the fleets and endpoints given."""
    return CloudPlan(region=region, zones=zones, subnet_ids=subnet_ids, fleets=tuple(fleets),
                     endpoints=tuple(endpoints))


def described(instance_type: str, vcpus: int, gpu: str, count: int,
              manufacturer: str = "NVIDIA") -> InstanceFacts:
    """EC2's description of a type with one GPU kind."""
    return InstanceFacts(instance_type, vcpus, (GpuSpec(gpu, manufacturer, count),))


def facts(region_types=(), zone_types=None, zones=("us-west-2a", "us-west-2b"),
          instance_facts=None, ec2_quotas=None, sagemaker_quotas=None) -> AwsFacts:
    """AWS facts for us-west-2."""
    return AwsFacts(region="us-west-2", region_types=frozenset(region_types),
                    zone_types={z: frozenset(t) for z, t in (zone_types or {}).items()},
                    zones=tuple(zones), zone_source="clouds.aws.zones",
                    instance_facts=instance_facts or {}, ec2_quotas=ec2_quotas or {},
                    sagemaker_quotas=sagemaker_quotas or {})


def quota(code: str, value: Optional[float], name: str = "q", error: Optional[str] = None) -> Quota:
    """A quota value (None with an error: unreadable)."""
    return Quota(code, name, value=value, error=error)


def stubbed_quotas(region: str = "us-west-2") -> tuple[Any, Stubber]:
    """A Service Quotas client whose answers come from a botocore Stubber (activated)."""
    client = boto3.client("service-quotas", region_name=region)
    stubber = Stubber(client)
    stubber.activate()
    return client, stubber


def ec2_quota_answer(stubber: Stubber, code: str, value: float, name: str = "quota") -> None:
    """Queue a GetServiceQuota answer for EC2 quota `code`."""
    stubber.add_response("get_service_quota",
                         {"Quota": {"QuotaCode": code, "QuotaName": name, "Value": value}},
                         {"ServiceCode": "ec2", "QuotaCode": code})


def sagemaker_list_answer(stubber: Stubber, quotas: dict[str, float],
                          operation: str = "list_service_quotas") -> None:
    """Queue one page of SageMaker quotas (name -> value), plus an unrelated one."""
    items = [{"QuotaCode": f"L-SM{index:04d}", "QuotaName": name, "Value": value}
             for index, (name, value) in enumerate(sorted(quotas.items()))]
    items.append({"QuotaCode": "L-SM9999", "QuotaName": "Number of domains", "Value": 5.0})
    stubber.add_response(operation, {"Quotas": items}, {"ServiceCode": "sagemaker"})


def record_operations(client: Any) -> list[str]:
    """The names of the operations `client` is asked to call, appended as they happen."""
    calls: list[str] = []

    def hook(model: Any = None, **_: Any) -> None:
        calls.append(model.name)

    client.meta.events.register("before-parameter-build.*.*", hook)
    return calls


def write_project(directory: Path, platform: Optional[dict], stack: str = "dev") -> Path:
    """A minimal Pulumi Python project with one stack holding `platform` (no key when None)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: preflight-test\nruntime: python\n")
    config = {"aiscale:platform": platform} if platform is not None else {"aws:region": "us-west-2"}
    (directory / f"Pulumi.{stack}.yaml").write_text(json.dumps({"config": config}))
    return directory


def platform_model(**sections: Any) -> dict:
    """A valid dev platform on AWS us-west-2 (zones a and b) plus the sections given."""
    return {"name": "acme-ml", "environment": "dev",
            "clouds": {"aws": {"region": "us-west-2", "zones": ["us-west-2a", "us-west-2b"]}},
            **sections}
