"""The thin boto3 layer of the pre-flight: read-only calls (EC2 ``Describe*``, Service Quotas
``Get*``/``List*``) turned into `aiscale.preflight.facts` values.

IAM permissions used: ec2:DescribeInstanceTypeOfferings, ec2:DescribeInstanceTypes,
ec2:DescribeAvailabilityZones, ec2:DescribeSubnets (only with an existing network),
servicequotas:GetServiceQuota, servicequotas:GetAWSDefaultServiceQuota,
servicequotas:ListServiceQuotas and servicequotas:ListAWSDefaultServiceQuotas.

Failures: missing or rejected credentials raise `PreflightCredentialsError`; an EC2 call that
fails otherwise (a missing permission, no network) raises `PreflightAwsError`; a quota that
cannot be read becomes a `Quota` with an ``error`` (the checks warn about it).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Optional, Sequence

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from aiscale.preflight.errors import PreflightCloudError, PreflightCredentialsError
from aiscale.preflight.facts import AwsFacts, GpuSpec, InstanceFacts, Quota
from aiscale.preflight.plan import CloudPlan, cloud_plan
from aiscale.preflight.tables import (
    DEFAULT_ZONE_COUNT,
    EC2_SERVICE_CODE,
    SAGEMAKER_SERVICE_CODE,
    QuotaRef,
    sagemaker_quota_name,
    vcpu_quota,
)

CLOUD = "aws"
"""The cloud this pre-flight checks."""
AwsPlan = CloudPlan
"""The AWS part of a platform (``cloud_plan`` for AWS)."""


def aws_plan(platform, plan=None) -> Optional[CloudPlan]:
    """The AWS part of a validated ``aiscale.model.Platform`` (see ``aiscale.preflight.plan``),
    or None when AWS is not one of its clouds."""
    return cloud_plan(platform, CLOUD, plan)


AUTH_ERROR_CODES = frozenset({
    "AuthFailure", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature",
    "InvalidClientTokenId", "InvalidSignatureException", "MissingAuthenticationToken",
    "RequestExpired", "SignatureDoesNotMatch", "UnrecognizedClientException",
})
"""Error codes meaning the credentials are missing, wrong or expired (not a missing permission)."""
DESCRIBE_TYPES_BATCH = 100
"""Most instance types one DescribeInstanceTypes request accepts."""
CREDENTIALS_HINT = ("set AWS_PROFILE (after `aws sso login` where SSO is used) or "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; pre-flight only reads "
                    "(ec2:Describe*, servicequotas:Get*/List*)")
"""How to provide credentials, quoted in every credentials error."""


class PreflightAwsError(PreflightCloudError):
    """An EC2 call failed for another reason than credentials (exit code 2); the message names
    the call, the IAM permission and AWS's answer."""


def preflight(platform, plan: CloudPlan, reader_factory=None) -> list:
    """Every finding of the AWS pre-flight of `plan` (`platform`'s AWS part), asking AWS through
    `reader_factory(region)` (default: ``aiscale.preflight.runner.default_reader``)."""
    from importlib import import_module

    runner = import_module("aiscale.preflight.runner")  # the loaded module, as tests patch it
    return runner.run_preflight(plan, reader_factory)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def _aws_call(operation: str, permission: str) -> Iterator[None]:
    """Turn credential problems and failed EC2 calls into the pre-flight's own errors."""
    try:
        yield
    except NoCredentialsError:
        raise PreflightCredentialsError(f"no AWS credentials found: {CREDENTIALS_HINT}") from None
    except ClientError as error:
        if _error_code(error) in AUTH_ERROR_CODES:
            raise PreflightCredentialsError(
                f"AWS rejected the credentials ({_error_code(error)}: "
                f"{error.response['Error'].get('Message', '')}); {CREDENTIALS_HINT}") from None
        raise PreflightAwsError(f"{operation} failed: {error}; the caller needs {permission}") from None
    except BotoCoreError as error:
        raise PreflightAwsError(f"{operation} failed: {error}") from None


class AwsReader:
    """Read-only questions to one AWS account and region, over boto3 clients.

    Build it with `from_session` (a boto3 Session and the model's region), or pass clients
    directly (tests use moto's EC2 and a botocore Stubber on Service Quotas).
    """

    def __init__(self, ec2: Any, service_quotas: Any) -> None:
        """`ec2` and `service_quotas` are boto3 clients for the same region."""
        self._ec2 = ec2
        self._quotas = service_quotas

    @classmethod
    def from_session(cls, session: Any, region: str) -> "AwsReader":
        """Clients for `region` from a boto3 Session."""
        return cls(session.client("ec2", region_name=region),
                   session.client("service-quotas", region_name=region))

    def _offerings(self, location_type: str, types: Sequence[str]) -> list[dict]:
        if not types:
            return []
        pages = self._ec2.get_paginator("describe_instance_type_offerings").paginate(
            LocationType=location_type,
            Filters=[{"Name": "instance-type", "Values": sorted(types)}])
        with _aws_call("ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypeOfferings"):
            return [offer for page in pages for offer in page.get("InstanceTypeOfferings", [])]

    def region_offerings(self, types: Sequence[str]) -> frozenset[str]:
        """The types, among `types`, offered in the region."""
        return frozenset(o["InstanceType"] for o in self._offerings("region", types))

    def zone_offerings(self, types: Sequence[str]) -> dict[str, frozenset[str]]:
        """Zone name -> the types, among `types`, offered there (zones offering none left out)."""
        zones: dict[str, set[str]] = {}
        for offer in self._offerings("availability-zone", types):
            zones.setdefault(offer["Location"], set()).add(offer["InstanceType"])
        return {zone: frozenset(zones[zone]) for zone in sorted(zones)}

    def default_zones(self, count: int = DEFAULT_ZONE_COUNT) -> tuple[str, ...]:
        """The zones the network builder picks when the model names none: the first `count`
        available zones that need no opt-in, by name."""
        with _aws_call("ec2:DescribeAvailabilityZones", "ec2:DescribeAvailabilityZones"):
            answer = self._ec2.describe_availability_zones(
                Filters=[{"Name": "state", "Values": ["available"]}])
        names = sorted(zone["ZoneName"] for zone in answer.get("AvailabilityZones", [])
                       if zone.get("OptInStatus", "opt-in-not-required") == "opt-in-not-required"
                       and zone.get("ZoneType", "availability-zone") == "availability-zone")
        return tuple(names[:count])

    def subnet_zones(self, subnet_ids: Sequence[str]) -> tuple[str, ...]:
        """The distinct zones of existing subnets, by name."""
        with _aws_call("ec2:DescribeSubnets", "ec2:DescribeSubnets"):
            pages = self._ec2.get_paginator("describe_subnets").paginate(SubnetIds=list(subnet_ids))
            return tuple(sorted({s["AvailabilityZone"] for page in pages for s in page.get("Subnets", [])}))

    def instance_facts(self, types: Sequence[str]) -> dict[str, InstanceFacts]:
        """Type -> vCPUs and GPUs, for `types` (each must be offered in the region)."""
        facts: dict[str, InstanceFacts] = {}
        wanted = sorted(types)
        for start in range(0, len(wanted), DESCRIBE_TYPES_BATCH):
            with _aws_call("ec2:DescribeInstanceTypes", "ec2:DescribeInstanceTypes"):
                pages = self._ec2.get_paginator("describe_instance_types").paginate(
                    InstanceTypes=wanted[start:start + DESCRIBE_TYPES_BATCH])
                described = [t for page in pages for t in page.get("InstanceTypes", [])]
            for item in described:
                gpus = tuple(GpuSpec(name=g.get("Name", ""), manufacturer=g.get("Manufacturer", ""),
                                     count=int(g.get("Count", 0)))
                             for g in item.get("GpuInfo", {}).get("Gpus", []))
                facts[item["InstanceType"]] = InstanceFacts(
                    instance_type=item["InstanceType"],
                    vcpus=int(item.get("VCpuInfo", {}).get("DefaultVCpus", 0)), gpus=gpus)
        return facts

    def _quota_error(self, error: ClientError, permission: str) -> str:
        if _error_code(error) in AUTH_ERROR_CODES:
            raise PreflightCredentialsError(
                f"AWS rejected the credentials ({_error_code(error)}); {CREDENTIALS_HINT}") from None
        message = error.response.get("Error", {}).get("Message", "")
        return f"{_error_code(error)}: {message} (the caller needs {permission})"

    def ec2_quota(self, ref: QuotaRef) -> Quota:
        """The applied value of an EC2 quota (the AWS default where none was applied)."""
        try:
            try:
                answer = self._quotas.get_service_quota(ServiceCode=EC2_SERVICE_CODE, QuotaCode=ref.code)
            except ClientError as error:
                if _error_code(error) != "NoSuchResourceException":
                    raise
                answer = self._quotas.get_aws_default_service_quota(
                    ServiceCode=EC2_SERVICE_CODE, QuotaCode=ref.code)
        except ClientError as error:
            return Quota(ref.code, ref.name, error=self._quota_error(error, "servicequotas:GetServiceQuota"))
        except NoCredentialsError:
            raise PreflightCredentialsError(f"no AWS credentials found: {CREDENTIALS_HINT}") from None
        except BotoCoreError as error:
            return Quota(ref.code, ref.name, error=str(error))
        return Quota(ref.code, answer["Quota"].get("QuotaName", ref.name), value=float(answer["Quota"]["Value"]))

    def _quotas_named(self, operation: str, names: set[str]) -> dict[str, Quota]:
        found: dict[str, Quota] = {}
        pages = self._quotas.get_paginator(operation).paginate(ServiceCode=SAGEMAKER_SERVICE_CODE)
        for page in pages:
            for item in page.get("Quotas", []):
                if item.get("QuotaName") in names and item["QuotaName"] not in found:
                    found[item["QuotaName"]] = Quota(item.get("QuotaCode", ""), item["QuotaName"],
                                                     value=float(item["Value"]))
        return found

    def sagemaker_quotas(self, instance_types: Sequence[str]) -> dict[str, Quota]:
        """SageMaker type -> its "<type> for endpoint usage" quota, found by name among the
        applied quotas, then the AWS defaults; a type with neither is left out."""
        names = {sagemaker_quota_name(t): t for t in instance_types}
        try:
            found = self._quotas_named("list_service_quotas", set(names))
            missing = set(names) - set(found)
            if missing:
                found.update(self._quotas_named("list_aws_default_service_quotas", missing))
        except ClientError as error:
            reason = self._quota_error(error, "servicequotas:ListServiceQuotas")
            return {t: Quota("", name, error=reason) for name, t in sorted(names.items())}
        except NoCredentialsError:
            raise PreflightCredentialsError(f"no AWS credentials found: {CREDENTIALS_HINT}") from None
        except BotoCoreError as error:
            return {t: Quota("", name, error=str(error)) for name, t in sorted(names.items())}
        return {names[name]: quota for name, quota in sorted(found.items())}


def _zones(plan: AwsPlan, reader: AwsReader) -> tuple[tuple[str, ...], str]:
    if plan.zones:
        return plan.zones, "clouds.aws.zones"
    if plan.subnet_ids:
        return reader.subnet_zones(plan.subnet_ids), "network.existing.aws.subnet_ids"
    return reader.default_zones(), f"default: first {DEFAULT_ZONE_COUNT} available zones"


def gather_facts(plan: AwsPlan, reader: AwsReader) -> AwsFacts:
    """Ask AWS everything the checks of `plan` need, with as few read-only calls as possible."""
    fleet_types = sorted({f.instance_type for f in plan.fleets})
    all_types = sorted(set(fleet_types) | {e.machine_type for e in plan.endpoints})
    region_types = reader.region_offerings(all_types)
    zone_types: dict[str, frozenset[str]] = {}
    zones: tuple[str, ...] = ()
    source = "no fleets"
    if fleet_types:
        zone_types = reader.zone_offerings(fleet_types)
        zones, source = _zones(plan, reader)
    described = reader.instance_facts([t for t in all_types if t in region_types])
    refs: dict[str, QuotaRef] = {}
    for fleet in plan.fleets:
        ref: Optional[QuotaRef] = vcpu_quota(fleet.instance_type, fleet.capacity)
        if ref is not None:
            refs[ref.code] = ref
    ec2_quotas = {code: reader.ec2_quota(refs[code]) for code in sorted(refs)}
    sagemaker = (reader.sagemaker_quotas(sorted({e.instance_type for e in plan.endpoints}))
                 if plan.endpoints else {})
    return AwsFacts(region=plan.region, region_types=region_types, zone_types=zone_types,
                    zones=zones, zone_source=source, instance_facts=described,
                    ec2_quotas=ec2_quotas, sagemaker_quotas=sagemaker)
