"""Cloud wiring facts: storage firewalls, the images managed runtimes pull, and what scales VM
groups.

- an Azure storage account's firewall (``networkRuleSet``): default action, the subnets its
  virtual network rules let in, public network access;
- the container images of SageMaker models, Cloud Run services and Azure ML environments, and
  the registry host of an image reference;
- the signals of VM-group autoscalers: AWS scaling policies, GCE autoscalers, Azure autoscale
  settings (CPU only or not) and the smallest size they allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import tokens
from .values import Input, as_number, items_at, known_str, value_at

DOCKER_HUB = "docker.io"
"""The registry of an image reference that names no host (``vllm/vllm-openai:v0.6.3``)."""
AZURE_CPU_METRIC = "Percentage CPU"
"""The Azure Monitor metric of a VM scale set's CPU."""
AWS_CPU_METRIC = "ASGAverageCPUUtilization"
"""The predefined target-tracking metric of an Auto Scaling group's CPU."""


@dataclass(frozen=True)
class StorageFirewall:
    """An Azure storage account's network rules."""

    account_name: str
    """``accountName`` ("" when not known)."""
    denies_by_default: bool
    """True when ``networkRuleSet.defaultAction`` is Deny or public network access is off."""
    public_network_disabled: bool
    """True when ``publicNetworkAccess`` is Disabled: only private endpoints get in."""
    allowed_subnets: tuple
    """``networkRuleSet.virtualNetworkRules[].virtualNetworkResourceId`` (lower case)."""


def storage_firewall(inputs: Any) -> StorageFirewall:
    """The firewall of a storage account."""
    default = (known_str(value_at(inputs, "networkRuleSet", "defaultAction")) or "Allow").lower()
    public = (known_str(value_at(inputs, "publicNetworkAccess")) or "").lower()
    rules = items_at(inputs, "networkRuleSet", "virtualNetworkRules")
    subnets = tuple(str(value_at(rule, "virtualNetworkResourceId")).lower() for rule in rules
                    if known_str(value_at(rule, "virtualNetworkResourceId")))
    return StorageFirewall(known_str(value_at(inputs, "accountName")) or "",
                           default == "deny" or public == "disabled", public == "disabled", subnets)


def registry_of(image: str) -> str:
    """The registry host of an image reference, lower case (Docker Hub when none is named)."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return DOCKER_HUB


@dataclass(frozen=True)
class RuntimeImage:
    """One image a managed runtime pulls."""

    runtime: str
    """"sagemaker", "cloud-run" or "azure-ml"."""
    image: str
    """The image reference as written."""
    where: str
    """The input path of the image."""
    private_registry_access: bool = False
    """True when the runtime is told to pull from a private registry in a VPC (SageMaker
    ``imageConfig.repositoryAccessMode: Vpc``)."""


def _sagemaker_images(inputs: Any) -> list[RuntimeImage]:
    out = []
    containers = [("primaryContainer", value_at(inputs, "primaryContainer"))]
    containers += [(f"containers[{i}]", c) for i, c in enumerate(items_at(inputs, "containers"))]
    for where, container in containers:
        image = known_str(value_at(container or {}, "image"))
        if image:
            vpc = (known_str(value_at(container, "imageConfig", "repositoryAccessMode")) or "").lower() == "vpc"
            out.append(RuntimeImage("sagemaker", image, f"{where}.image", vpc))
    return out


def _cloud_run_images(inputs: Any) -> list[RuntimeImage]:
    return [RuntimeImage("cloud-run", image, f"template.containers[{i}].image")
            for i, c in enumerate(items_at(inputs, "template", "containers"))
            if (image := known_str(value_at(c, "image")))]


def _azure_ml_images(inputs: Any) -> list[RuntimeImage]:
    image = known_str(value_at(inputs, "properties", "image"))
    return [RuntimeImage("azure-ml", image, "properties.image")] if image else []


_IMAGES = {tokens.AWS_SAGEMAKER_MODEL: _sagemaker_images, tokens.GCP_CLOUDRUNV2_SERVICE: _cloud_run_images,
           tokens.AZURE_MACHINELEARNINGSERVICES_ENVIRONMENT_VERSION: _azure_ml_images}


def runtime_images(type_token: str, inputs: Any) -> list[RuntimeImage]:
    """The images a managed runtime resource pulls ([] for other kinds)."""
    read = _IMAGES.get(tokens.canonical_type(type_token))
    return read(inputs) if read is not None else []


def cloud_run_containers(inputs: Any) -> list[dict]:
    """A Cloud Run service's containers, as written (image, commands, args)."""
    return [c for c in items_at(inputs, "template", "containers") if isinstance(c, dict)]


@dataclass(frozen=True)
class ScalingSignal:
    """What an autoscaler of a VM group scales on, and the smallest size it allows."""

    target: Input
    """The input naming the scaled group (``autoscalingGroupName``, ``target``,
    ``targetResourceUri``)."""
    cpu_only: bool
    """True when CPU utilisation is the only signal that can add machines."""
    minimum: Optional[float]
    """The smallest size the autoscaler allows, when it sets one."""
    describes: str
    """The inputs that say so, for messages."""


def aws_policy(inputs: Any) -> Optional[ScalingSignal]:
    """An Auto Scaling policy that tracks the group's average CPU (None for other policies)."""
    if (known_str(value_at(inputs, "policyType")) or "") != "TargetTrackingScaling":
        return None
    metric = value_at(inputs, "targetTrackingConfiguration", "predefinedMetricSpecification", "predefinedMetricType")
    if metric != AWS_CPU_METRIC:
        return None
    return ScalingSignal(Input.at(inputs, "autoscalingGroupName"), True, None,
                         f"target tracking on {AWS_CPU_METRIC}")


def gce_autoscaler(inputs: Any) -> ScalingSignal:
    """A GCE (regional) autoscaler: CPU only when ``cpuUtilization`` is set (or no signal is,
    CPU being the default) and neither load balancing, metrics nor schedules are."""
    policy = value_at(inputs, "autoscalingPolicy") or {}
    others = [key for key in ("loadBalancingUtilization", "metrics", "scalingSchedules") if value_at(policy, key)]
    minimum = as_number(value_at(policy, "minReplicas"))
    return ScalingSignal(Input.at(inputs, "target"), not others, minimum,
                         "autoscalingPolicy.cpuUtilization")


def azure_autoscale(inputs: Any) -> ScalingSignal:
    """An Azure autoscale setting: CPU only when every scale-out rule reads Percentage CPU;
    the smallest ``profiles[].capacity.minimum``."""
    out_rules, minima = [], []
    for profile in items_at(inputs, "profiles"):
        minimum = as_number(value_at(profile, "capacity", "minimum"))
        if minimum is not None:
            minima.append(minimum)
        out_rules += [r for r in items_at(profile, "rules")
                      if (value_at(r, "scaleAction", "direction") or "") == "Increase"]
    cpu_only = bool(out_rules) and all(value_at(r, "metricTrigger", "metricName") == AZURE_CPU_METRIC
                                       for r in out_rules)
    return ScalingSignal(Input.at(inputs, "targetResourceUri"), cpu_only, min(minima) if minima else None,
                         f"profiles[].rules[] on '{AZURE_CPU_METRIC}'")


_SIGNALS = {tokens.AWS_AUTOSCALING_POLICY: aws_policy, tokens.GCP_COMPUTE_AUTOSCALER: gce_autoscaler,
            tokens.GCP_COMPUTE_REGION_AUTOSCALER: gce_autoscaler,
            tokens.AZURE_MONITOR_AUTOSCALE_SETTING: azure_autoscale}


def scaling_signal(type_token: str, inputs: Any) -> Optional[ScalingSignal]:
    """The signal of a VM-group autoscaler (None for other kinds and non-CPU AWS policies)."""
    read = _SIGNALS.get(tokens.canonical_type(type_token))
    return read(inputs) if read is not None else None
