"""The platform model: one cloud-neutral description of an AI platform, validated completely.

`load_platform(raw)` validates the value of the stack config key `aiscale:platform` (field
shapes, rules across sections, the accelerator catalog), raises one PlatformValidationError
listing every problem, and returns a frozen Platform whose defaults are resolved.
"""

from ._kubernetes_names import Taint
from .compute import AutoscalingGroup, NodePool
from .endpoints import Endpoint, ModelLocation
from .errors import MISSING, PlatformValidationError, Problem
from .loader import load_platform
from .operations import Budget, Notifications, Operations
from .platform import Platform
from .schema import platform_json_schema
from .sections import (
    AwsCloud,
    AwsExistingNetwork,
    AzureCloud,
    AzureExistingNetwork,
    Clouds,
    ExistingNetworks,
    GcpCloud,
    GcpExistingNetwork,
    KubernetesSettings,
    NetworkSettings,
)
from .storage import Bucket, Lifecycle

__all__ = [
    "Problem",
    "PlatformValidationError",
    "load_platform",
    "platform_json_schema",
    "Platform",
    "AwsCloud",
    "AzureCloud",
    "GcpCloud",
    "Clouds",
    "KubernetesSettings",
    "NetworkSettings",
    "NodePool",
    "AutoscalingGroup",
    "Bucket",
    "Lifecycle",
    "Endpoint",
    "ModelLocation",
    "Operations",
    "Budget",
    "Notifications",
    # Also public: nested field types and helpers.
    "AwsExistingNetwork",
    "AzureExistingNetwork",
    "GcpExistingNetwork",
    "ExistingNetworks",
    "Taint",
    "MISSING",
]
