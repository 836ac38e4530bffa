"""Plausible values for any field of an SDK output type, chosen by the field's type and name.

:func:`synthesize` walks a ``@pulumi.output_type`` class (an invoke's result, or a nested output
type) and gives every field a value of its declared type: a nested object is filled field by
field, a list gets one element, a map one entry, an enum its first member. Strings are shaped by
the field's name and the cloud: ``arn`` is an ARN in the stack's region and account, ``vpcId`` a
``vpc-`` id, Azure ``id`` a ``/subscriptions/...`` resource id, ``selfLink`` a GCP self link,
``cidrBlock`` a CIDR, ``zone`` a zone of the configured region, and keys, passwords and tokens are
obviously fake. An argument of the invoke with the same name as a result field is echoed (asking
``get_vpc(id="vpc-1")`` answers ``id="vpc-1"``). Values are derived from the token, the
arguments and the field's path only, so the same program always gets the same answers.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import typing
from collections import abc
from dataclasses import dataclass
from typing import Any, Optional

from pulumi import _types

#: The deepest nesting filled; deeper (recursive schemas such as Kubernetes' JSONSchemaProps) is left out.
MAX_DEPTH = 6
#: Every fake secret starts with this, so nobody mistakes it for a real one.
FAKE_SECRET_PREFIX = "preview-fake-"
#: A fixed instant for timestamps.
FAKE_TIME = "2024-01-01T00:00:00Z"

_EC2_PREFIXES = {"vpc": "vpc", "subnet": "subnet", "securitygroup": "sg", "ami": "ami", "image": "ami",
                 "instance": "i", "internetgateway": "igw", "natgateway": "nat", "routetable": "rtb",
                 "networkinterface": "eni", "vpcendpoint": "vpce", "volume": "vol", "snapshot": "snap",
                 "launchtemplate": "lt", "keypair": "key", "prefixlist": "pl", "transitgateway": "tgw",
                 "eip": "eipalloc", "networkacl": "acl", "dhcpoptions": "dopt"}
_SECRET_NAME = re.compile(r"(password|secret|token|connectionstring|privatekey|primarykey|secondarykey|"
                          r"masterkey|accesskey|sharedkey|apikey|signature|^key$|sas$|sasurl)")
#: Functions whose plain ``value`` fields hold keys or secrets (``listStorageAccountKeys``, ...).
_SECRET_FUNCTION = re.compile(r"(key|secret|credential|password|token|sas)", re.IGNORECASE)
_TIME_NAME = re.compile(r"(time|timestamp|date|createdat|updatedat|expiry|expiration)$")


@dataclass(frozen=True)
class CloudFacts:
    """The identities and places every synthesized value agrees with."""

    aws_region: str
    """The AWS region (``aws:region``)."""
    aws_account: str
    """The fake AWS account id."""
    azure_location: str
    """The Azure location (``azure-native:location``)."""
    azure_subscription: str
    """The fake Azure subscription id."""
    azure_tenant: str
    """The fake Azure tenant id."""
    gcp_project: str
    """The GCP project (``gcp:project``)."""
    gcp_region: str
    """The GCP region (``gcp:region``)."""

    def zones(self, package: str) -> list[str]:
        """Three zones of the configured region, shaped as the cloud names them."""
        if package == "gcp":
            return [f"{self.gcp_region}-{suffix}" for suffix in "abc"]
        if package == "azure-native":
            return ["1", "2", "3"]
        return [f"{self.aws_region}{suffix}" for suffix in "abc"]


def digest_of(*parts: str, length: int = 12) -> str:
    """A short, stable hex digest of ``parts``: the seed of every deterministic fake value."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _kebab(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", camel).lower()


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes")):
        return name[:-2]
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def stable_json(value: Any) -> str:
    """``value`` as sorted JSON; values JSON cannot hold (unknowns, resources) by their type name,
    never by their address, so digests of it are the same in every run."""
    return json.dumps(value, sort_keys=True, default=lambda item: type(item).__name__)


@dataclass(frozen=True)
class Place:
    """Where a value is being synthesized: which cloud, which service and resource noun."""

    facts: CloudFacts
    """The stack's identities and places."""
    package: str
    """The provider: ``aws``, ``azure-native``, ``gcp``, ``kubernetes``."""
    service: str
    """The token's module: ``ec2``, ``storage``, ``compute``."""
    noun: str
    """What the invoke reads: ``Vpc`` for ``getVpc``, ``StorageAccountKeys`` for ``listStorageAccountKeys``."""
    seed: str
    """The token and its arguments: every value derived from it is the same in every run."""


def place_of(token: str, facts: CloudFacts, args: Optional[dict] = None) -> Place:
    """The place of an invoke: ``aws:ec2/getVpc:getVpc`` is service ``ec2``, noun ``Vpc``."""
    package, module, function = token.split(":")
    service = module.split("/")[0]
    noun = re.sub(r"^(get|list)", "", function)
    return Place(facts, package, service, noun or service, token + stable_json(args or {}))


def synthesize(typ: Any, place: Place, echo: Optional[dict] = None, path: str = "") -> Any:
    """A plausible value of ``typ`` (an output type, a primitive, a list or map of them)."""
    return _value(typ, _name_of(path), place, echo if isinstance(echo, dict) else None, path, 0, ())


def _name_of(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def _value(typ: Any, name: str, place: Place, echo: Any, path: str, depth: int, seen: tuple) -> Any:
    typ = _types.unwrap_optional_type(typ) if typ is not None else typ
    origin = typing.get_origin(typ)
    if origin is typing.Union:
        members = [member for member in typing.get_args(typ) if member is not type(None)]
        typ, origin = members[0], typing.get_origin(members[0])
    if typ is Any or typ is None:  # a free-form object in the provider's schema
        return echo if echo is not None else {}
    if isinstance(typ, type) and _types.is_output_type(typ):
        if depth >= MAX_DEPTH or typ in seen:
            return None
        return _object(typ, place, echo if isinstance(echo, dict) else None, path, depth, seen + (typ,))
    if origin in (list, abc.Sequence, typing.Sequence) or typ in (list,):
        (element,) = typing.get_args(typ) or (Any,)
        items = echo if isinstance(echo, list) and echo else [None]
        return [_value(element, _singular(name), place, item, f"{path}[{index}]", depth + 1, seen)
                for index, item in enumerate(items)]
    if origin in (dict, abc.Mapping, typing.Mapping) or typ is dict:
        if isinstance(echo, dict):
            return echo
        args = typing.get_args(typ)
        if len(args) != 2 or args[1] is Any:
            return {}
        return {"preview": _value(args[1], name, place, None, f"{path}.preview", depth + 1, seen)}
    if isinstance(typ, type) and issubclass(typ, enum.Enum):
        return next(iter(typ)).value
    if typ is bool:
        return echo if isinstance(echo, bool) else False
    if typ is int:
        return echo if isinstance(echo, int) and not isinstance(echo, bool) else _integer(name)
    if typ is float:
        return float(echo) if isinstance(echo, (int, float)) and not isinstance(echo, bool) else 1.0
    if isinstance(echo, str) and echo:
        return echo
    return string_for(name, place, path)


def _object(typ: type, place: Place, echo: Optional[dict], path: str, depth: int, seen: tuple) -> dict:
    answer = {}
    for field, field_type in _types.output_type_types(typ).items():
        given = (echo or {}).get(field)
        value = _value(field_type, field, place, given, f"{path}.{field}" if path else field, depth + 1, seen)
        if value is not None:
            answer[field] = value
    return answer


def _integer(name: str) -> int:
    lowered = name.lower()
    if "port" in lowered:
        return 443
    if lowered.endswith(("gb", "size", "sizegb")):
        return 10
    if "timeout" in lowered or "seconds" in lowered:
        return 30
    return 1


def string_for(name: str, place: Place, path: str = "") -> str:
    """A string shaped like what the cloud returns in a field called ``name``."""
    lowered = name.lower()
    digest = digest_of(place.seed, path or name)
    secret_value = lowered == "value" and _SECRET_FUNCTION.search(place.noun)
    if secret_value or _SECRET_NAME.search(lowered) and not lowered.endswith(("id", "name", "uri", "url", "type")):
        return f"{FAKE_SECRET_PREFIX}{_kebab(name)}-{digest[:8]}"
    if lowered.endswith("apiversion"):
        return "2024-01-01"
    if lowered.endswith(("numericid", "number")):
        return str(int(digest, 16))[:12]
    if lowered == "arn" or lowered.endswith("arn"):
        return aws_arn(place, name, digest)
    if _TIME_NAME.search(lowered):
        return FAKE_TIME
    shaped = {"aws": _aws_string, "azure-native": _azure_string, "gcp": _gcp_string}.get(place.package)
    found = shaped(lowered, name, place, digest) if shaped else None
    if found is not None:
        return found
    if "cidr" in lowered or lowered in ("addressprefix", "iprange", "ipcidrrange"):
        return "2600:1f18:1234:5600::/56" if "ipv6" in lowered else "10.0.0.0/16"
    if "ipv6" in lowered and ("address" in lowered or lowered.endswith("ip")):
        return "2600:1f18:1234:5600::10"
    if "ip" in lowered and "address" in lowered or lowered.endswith(("ip", "ipv4")):
        return "203.0.113.10" if "public" in lowered or "external" in lowered else "10.0.0.4"
    if lowered in ("url", "uri", "endpoint") or lowered.endswith(("url", "uri", "endpoint")):
        return f"https://{_kebab(place.noun)}-{digest[:8]}.preview.example.com/"
    if lowered in ("fqdn", "dnsname", "domainname", "domain", "hostname"):
        return f"{_kebab(place.noun)}-{digest[:8]}.preview.example.com"
    if lowered in ("state", "status", "provisioningstate", "lifecyclestate"):
        return {"azure-native": "Succeeded", "gcp": "READY"}.get(place.package, "available")
    if lowered in ("json", "policy", "document") or lowered.endswith(("json", "policy")):
        return "{}"
    if lowered.endswith("version"):
        return "1.0.0"
    if lowered.endswith(("etag", "fingerprint", "hash", "checksum")):
        return digest
    if lowered in ("name", "id") or lowered.endswith(("name", "id")):
        return f"{_kebab(place.noun)}-{digest[:8]}"
    return f"{_kebab(name)}-{digest[:8]}"


def aws_arn(place: Place, name: str, digest: str) -> str:
    """``arn:aws:<service>:<region>:<account>:<noun>/<name>`` (IAM and S3 are global)."""
    facts = place.facts
    service = place.service if place.package == "aws" and place.service != "index" else "iam"
    region = "" if service in ("iam", "s3", "route53", "cloudfront") else facts.aws_region
    account = "" if service == "s3" else facts.aws_account
    stem = name[:-3] if name.lower().endswith("arn") and len(name) > 3 else place.noun
    noun = _kebab(stem or place.noun).strip("-") or service
    return f"arn:aws:{service}:{region}:{account}:{noun}/{noun}-{digest[:8]}"


def _aws_string(lowered: str, name: str, place: Place, digest: str) -> Optional[str]:
    facts = place.facts
    if lowered in ("ownerid", "accountid", "owner"):
        return facts.aws_account
    if lowered in ("region", "regionname"):
        return facts.aws_region
    if lowered in ("availabilityzone", "zone", "zonename"):
        return facts.zones("aws")[0]
    if lowered in ("availabilityzoneid",) or (lowered == "zoneid" and place.service == "ec2"):
        return "use1-az1"
    if place.service == "route53" and lowered in ("zoneid", "id", "hostedzoneid"):
        return "Z" + digest.upper()[:13]
    stem = lowered[:-2] if lowered.endswith("id") and lowered != "id" else (place.noun.lower() if lowered == "id" else "")
    prefix = _EC2_PREFIXES.get(stem) or _EC2_PREFIXES.get(_singular(stem))
    if prefix:
        return f"{prefix}-{digest_of(place.seed, name, length=17)}"
    if lowered in ("keyid", "kmskeyid"):
        return _guid(digest)
    if lowered in ("url", "endpoint") or lowered.endswith(("url", "endpoint")):
        return f"https://{place.service}.{facts.aws_region}.amazonaws.com/{digest[:8]}"
    return None


def azure_resource_id(place: Place, name: str, group: str = "preview-rg", kind: str = "") -> str:
    """``/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.<Service>/<kinds>/<name>``."""
    service = place.service[0].upper() + place.service[1:]
    kind = kind or (place.noun[0].lower() + place.noun[1:])
    return (f"/subscriptions/{place.facts.azure_subscription}/resourceGroups/{group}"
            f"/providers/Microsoft.{service}/{kind}s/{name}")


def _guid(digest: str) -> str:
    full = digest_of(digest, length=32)
    return f"{full[:8]}-{full[8:12]}-{full[12:16]}-{full[16:20]}-{full[20:32]}"


def _azure_string(lowered: str, name: str, place: Place, digest: str) -> Optional[str]:
    facts = place.facts
    if lowered == "tenantid":
        return facts.azure_tenant
    if lowered == "subscriptionid":
        return facts.azure_subscription
    if lowered in ("principalid", "objectid", "clientid", "applicationid", "appid", "guid"):
        return _guid(digest)
    if lowered in ("location", "region"):
        return facts.azure_location
    if lowered in ("zone",):
        return facts.zones("azure-native")[0]
    if lowered == "id" or lowered.endswith("resourceid"):
        return azure_resource_id(place, f"{_kebab(place.noun)}-{digest[:6]}")
    if lowered == "type":
        return f"Microsoft.{place.service[0].upper()}{place.service[1:]}/{place.noun[0].lower()}{place.noun[1:]}s"
    if lowered in ("url", "uri", "endpoint") or lowered.endswith(("url", "uri", "endpoint")):
        return f"https://{_kebab(place.noun)}-{digest[:8]}.{place.service}.azure.com/"
    return None


def _gcp_string(lowered: str, name: str, place: Place, digest: str) -> Optional[str]:
    facts = place.facts
    resource_name = f"{_kebab(place.noun)}-{digest[:8]}"
    kind = place.noun[0].lower() + place.noun[1:]
    if lowered in ("project", "projectid"):
        return facts.gcp_project
    if lowered in ("region",):
        return facts.gcp_region
    if lowered in ("location",):
        return facts.gcp_region
    if lowered in ("zone", "zonename"):
        return facts.zones("gcp")[0]
    if lowered in ("selflink", "selflinkunique", "selflinkwithid"):
        return f"https://www.googleapis.com/{place.service}/v1/projects/{facts.gcp_project}/global/{kind}s/{resource_name}"
    if lowered == "id":
        return f"projects/{facts.gcp_project}/global/{kind}s/{resource_name}"
    if lowered in ("email", "serviceaccountemail") or lowered.endswith("email"):
        return f"preview-{digest[:6]}@{facts.gcp_project}.iam.gserviceaccount.com"
    if lowered in ("number", "projectnumber"):
        return "123456789012"
    if lowered in ("url", "uri", "endpoint") or lowered.endswith(("url", "uri")):
        return f"https://{place.service}.googleapis.com/v1/projects/{facts.gcp_project}/{kind}s/{resource_name}"
    return None
