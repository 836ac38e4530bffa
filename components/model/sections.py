"""The platform sections that describe where it runs: clouds, Kubernetes settings, network."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, ClassVar, Literal, Optional

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from aiscale import clouds

from ._base import CLOUD_ORDER, ProblemCollector, SpecModel, check_each, matches, no_duplicates

AWS_REGION = r"^[a-z]{2}(-gov)?-[a-z]+-\d+$"
AZURE_LOCATION = r"^[a-z][a-z0-9]+$"
GCP_PROJECT = r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$"
GCP_REGION = r"^[a-z]+-[a-z]+\d+$"
KUBERNETES_VERSION = r"^1\.\d{2}$"

AwsRegion = matches(AWS_REGION, "an AWS region code such as us-west-2")
AzureLocation = matches(AZURE_LOCATION, "an Azure location name in lowercase letters and "
                        "digits, such as eastus")
GcpProject = matches(GCP_PROJECT, "a GCP project id: 6-30 characters, lowercase letters, "
                     "digits and '-', starting with a letter, not ending with '-'")
GcpRegion = matches(GCP_REGION, "a GCP region such as us-central1")
KubernetesVersion = matches(KUBERNETES_VERSION, 'a Kubernetes minor version such as "1.31"')


class AwsCloud(SpecModel):
    """Where the platform runs on AWS."""

    region: AwsRegion
    """AWS region code, e.g. "us-west-2". Required."""
    zones: Optional[
        Annotated[tuple[str, ...], Field(min_length=1), AfterValidator(no_duplicates)]
    ] = None
    """Availability zones to use, each in `region` (e.g. "us-west-2a"). Omitted: chosen by the
    network builder among the region's zones."""

    @model_validator(mode="after")
    def _zones_in_region(self) -> "AwsCloud":
        problems = ProblemCollector()
        for index, zone in enumerate(self.zones or ()):
            if not re.fullmatch(re.escape(self.region) + r"[a-z0-9-]*[a-z]", zone):
                problems.add(
                    ("zones", index), zone,
                    f"must be a zone of region {self.region}, e.g. {self.region}a",
                )
        problems.raise_if_any()
        return self


class AzureCloud(SpecModel):
    """Where the platform runs on Azure."""

    location: AzureLocation
    """Azure location (region) name, e.g. "eastus". Required."""


class GcpCloud(SpecModel):
    """Where the platform runs on Google Cloud."""

    project: GcpProject
    """GCP project id, e.g. "acme-ml-dev". Required."""
    region: GcpRegion
    """GCP region, e.g. "us-central1". Required."""


class Clouds(SpecModel):
    """The clouds the platform uses, each with its region; at least one is required."""

    unknown_field_noun: ClassVar[str] = "cloud"

    aws: Optional[AwsCloud] = None
    """AWS settings. Omitted: AWS is not used."""
    azure: Optional[AzureCloud] = None
    """Azure settings. Omitted: Azure is not used."""
    gcp: Optional[GcpCloud] = None
    """Google Cloud settings. Omitted: Google Cloud is not used."""

    @model_validator(mode="after")
    def _at_least_one(self) -> "Clouds":
        if not self.configured:
            problems = ProblemCollector()
            problems.add((), {}, f"at least one cloud is required; valid clouds: "
                         f"{', '.join(CLOUD_ORDER)}")
            problems.raise_if_any()
        return self

    @property
    def configured(self) -> tuple[str, ...]:
        """The configured cloud ids, in the order aws, azure, gcp."""
        return tuple(cloud for cloud in CLOUD_ORDER if getattr(self, cloud) is not None)

    def region_of(self, cloud: str) -> str:
        """The region of a configured cloud (AWS region, Azure location, GCP region)."""
        settings = getattr(self, cloud, None) if cloud in CLOUD_ORDER else None
        if settings is None:
            raise ValueError(
                f"cloud {cloud!r} is not configured; configured clouds: "
                f"{', '.join(self.configured) or 'none'}"
            )
        return clouds.adapter(cloud).region_of(settings)


def _version_is_text(value: object) -> object:
    """YAML reads 1.30 as the number 1.3: insist on a quoted string."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            'must be a quoted string such as "1.31" (YAML reads an unquoted 1.30 as the '
            "number 1.3)"
        )
    return value


_OPEN_TO_ALL = ("0.0.0.0/0", "::/0")


def cidr_problem(value: str) -> str | None:
    """Why `value` is not a network in CIDR notation, or None when it is one."""
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return "must be a network in CIDR notation, such as 203.0.113.0/24"
        return f"has host bits set; the network is {network}"
    return None


def _authorized_network_problem(value: str) -> str | None:
    """Why `value` cannot be an authorized network for the Kubernetes API, or None."""
    problem = cidr_problem(value)
    if problem:
        return problem
    if ipaddress.ip_network(value).prefixlen == 0:
        return ("opens the Kubernetes API to the whole internet; list only the networks that "
                "need access (office, VPN, CI runners)")
    return None


class KubernetesSettings(SpecModel):
    """The managed Kubernetes cluster created on each cloud that needs one (EKS, AKS, GKE)."""

    version: Annotated[KubernetesVersion, BeforeValidator(_version_is_text)] = "1.31"
    """Kubernetes minor version, as a quoted string. Omitted: "1.31"."""
    api_access: Literal["private", "restricted"] = "private"
    """Who can reach the Kubernetes API: `private` (only from inside the network) or
    `restricted` (also from `authorized_networks`). Omitted: private."""
    authorized_networks: Annotated[
        tuple[str, ...], check_each(_authorized_network_problem), AfterValidator(no_duplicates)
    ] = ()
    """CIDR ranges allowed to reach the Kubernetes API; required (non-empty) when `api_access`
    is restricted, not allowed when private. 0.0.0.0/0 and ::/0 are rejected. Omitted: none."""

    @model_validator(mode="after")
    def _networks_match_access(self) -> "KubernetesSettings":
        problems = ProblemCollector()
        if self.api_access == "restricted" and not self.authorized_networks:
            problems.add(("authorized_networks",), list(self.authorized_networks),
                         "must list at least one CIDR when api_access is restricted "
                         "(or use api_access: private)")
        if self.api_access == "private" and self.authorized_networks:
            problems.add(("authorized_networks",), list(self.authorized_networks),
                         "is only used when api_access is restricted; remove it or set "
                         "api_access: restricted")
        problems.raise_if_any()
        return self


_PRIVATE_RANGES = tuple(
    ipaddress.ip_network(text) for text in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
MIN_NETWORK_PREFIX = 16
"""Largest network aiscale creates (/16: room for node, pod and service subnets)."""
MAX_NETWORK_PREFIX = 20
"""Smallest network aiscale creates (/20: still room for subnets in several zones)."""


def _check_network_cidr(value: str) -> str:
    """A private IPv4 range (RFC 1918) of /16 to /20."""
    problem = cidr_problem(value)
    if problem:
        raise ValueError(problem)
    network = ipaddress.ip_network(value)
    if network.version != 4 or not any(network.subnet_of(r) for r in _PRIVATE_RANGES):
        raise ValueError("must be a private IPv4 range inside 10.0.0.0/8, 172.16.0.0/12 or "
                         "192.168.0.0/16")
    if not MIN_NETWORK_PREFIX <= network.prefixlen <= MAX_NETWORK_PREFIX:
        raise ValueError(f"must have a prefix from /{MIN_NETWORK_PREFIX} to "
                         f"/{MAX_NETWORK_PREFIX}, e.g. 10.40.0.0/16")
    return value


_HEX_ID = r"([0-9a-f]{8}|[0-9a-f]{17})"
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_AZ_NAME = r"[A-Za-z0-9][A-Za-z0-9_.()-]*"
AZURE_SUBNET_ID = (
    rf"^/subscriptions/{_GUID}/resourceGroups/{_AZ_NAME}/providers/Microsoft\.Network/"
    rf"virtualNetworks/{_AZ_NAME}/subnets/{_AZ_NAME}$"
)
_GCP_NAME = r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?"
_GCP_PROJECT_PART = GCP_PROJECT[1:-1]
GCP_NETWORK = rf"^(projects/{_GCP_PROJECT_PART}/global/networks/)?{_GCP_NAME}$"
GCP_SUBNETWORK = (
    rf"^projects/{_GCP_PROJECT_PART}/regions/{GCP_REGION[1:-1]}/subnetworks/"
    rf"{_GCP_NAME}$"
)


AwsVpcId = matches(rf"^vpc-{_HEX_ID}$", "an AWS VPC id: vpc- followed by 8 or 17 hex digits")
AzureSubnetId = matches(
    AZURE_SUBNET_ID,
    "an Azure subnet resource id: /subscriptions/<guid>/resourceGroups/<rg>/providers/"
    "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
    re.IGNORECASE,
)
GcpNetworkRef = matches(GCP_NETWORK, "projects/<project>/global/networks/<network> or a "
                        "network name (lowercase letters, digits and '-')")
GcpSubnetworkRef = matches(GCP_SUBNETWORK, "projects/<project>/regions/<region>/subnetworks/"
                           "<subnetwork>")


def _subnet_id_problem(value: str) -> str | None:
    if re.fullmatch(rf"subnet-{_HEX_ID}", value):
        return None
    return "must be an AWS subnet id: subnet- followed by 8 or 17 hex digits"


class AwsExistingNetwork(SpecModel):
    """An existing AWS VPC to use instead of creating one."""

    vpc_id: AwsVpcId
    """VPC id, e.g. "vpc-0a1b2c3d4e5f67890". Required."""
    subnet_ids: Annotated[
        tuple[str, ...], Field(min_length=1), check_each(_subnet_id_problem),
        AfterValidator(no_duplicates),
    ]
    """Private subnets of that VPC for nodes and endpoints (for EKS, in at least two zones).
    Required."""


class AzureExistingNetwork(SpecModel):
    """An existing Azure subnet to use instead of creating a virtual network."""

    subnet_id: AzureSubnetId
    """Resource id of the subnet. Required."""


class GcpExistingNetwork(SpecModel):
    """An existing VPC network and subnetwork on Google Cloud."""

    network: GcpNetworkRef
    """The VPC network: a name or "projects/<project>/global/networks/<network>". Required."""
    subnetwork: GcpSubnetworkRef
    """The subnetwork, in the configured GCP region:
    "projects/<project>/regions/<region>/subnetworks/<subnetwork>". Required."""

    @property
    def subnetwork_region(self) -> str:
        """The region named in `subnetwork`."""
        return self.subnetwork.split("/")[3]


class ExistingNetworks(SpecModel):
    """Existing networks per cloud; a cloud not listed gets a new network from `cidr`."""

    unknown_field_noun: ClassVar[str] = "cloud"

    aws: Optional[AwsExistingNetwork] = None
    """The VPC and subnets to use on AWS. Omitted: a VPC is created from `cidr`."""
    azure: Optional[AzureExistingNetwork] = None
    """The subnet to use on Azure. Omitted: a virtual network is created from `cidr`."""
    gcp: Optional[GcpExistingNetwork] = None
    """The network to use on GCP. Omitted: a VPC network is created from `cidr`."""

    @property
    def clouds(self) -> tuple[str, ...]:
        """The clouds with an existing network, in the order aws, azure, gcp."""
        return tuple(cloud for cloud in CLOUD_ORDER if getattr(self, cloud) is not None)


class NetworkSettings(SpecModel):
    """The private network of each cloud: created from `cidr`, or existing ids per cloud."""

    cidr: Annotated[str, AfterValidator(_check_network_cidr)] = "10.40.0.0/16"
    """Address range of each network aiscale creates: a private IPv4 range (RFC 1918) with a
    prefix from /16 to /20. Omitted: "10.40.0.0/16"."""
    existing: ExistingNetworks = ExistingNetworks()
    """Existing network ids per cloud, used instead of creating a network there. Omitted: a
    network is created on every cloud."""
