"""Cost-allocation tags and labels: present on costly resources, and propagated to instances."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from aiscale.facts import reader, tokens
from aiscale.facts.kubernetes import POD_SPEC_PATHS

from .. import schema
from ..props import as_bool, get, is_unknown, items
from ..registry import Check, NotApplicable
from .endpoints import container_gpus

ASG = tokens.AWS_AUTOSCALING_GROUP
DEFAULT_REQUIRED_TAGS = ("team", "cost-center")
"""Tag keys required by default: who owns it and who pays (matched case- and _/- insensitively)."""

TAG_PATHS: Mapping[str, str] = MappingProxyType({
    **{t: "tags" for t in (
        tokens.AWS_S3_BUCKET, tokens.AWS_EKS_CLUSTER, tokens.AWS_EKS_NODE_GROUP,
        tokens.AWS_EC2_LAUNCH_TEMPLATE, tokens.AWS_EC2_INSTANCE, tokens.AWS_KMS_KEY,
        tokens.AWS_SAGEMAKER_MODEL, tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION,
        tokens.AWS_SAGEMAKER_ENDPOINT, tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE,
        tokens.AZURE_STORAGE_STORAGE_ACCOUNT, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER,
        tokens.AZURE_CONTAINERSERVICE_AGENT_POOL, tokens.AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET,
        tokens.AZURE_MACHINELEARNINGSERVICES_WORKSPACE, tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE,
        tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_ENDPOINT,
        tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT)},
    **{t: "labels" for t in (
        tokens.GCP_STORAGE_BUCKET, tokens.GCP_COMPUTE_INSTANCE_TEMPLATE,
        tokens.GCP_COMPUTE_REGION_INSTANCE_TEMPLATE, tokens.GCP_VERTEX_AI_ENDPOINT,
        tokens.GCP_CLOUDRUNV2_SERVICE, tokens.GCP_WORKBENCH_INSTANCE)},
    tokens.GCP_CONTAINER_CLUSTER: "resourceLabels",
    ASG: "tags",
    **{t: "metadata.labels" for t in POD_SPEC_PATHS},
})
"""Canonical token -> where its cost-allocation tags live. GKE node pools inherit the cluster's
resourceLabels; Kubernetes workloads are checked only when they request GPUs."""


def normalize_key(key: Any) -> str:
    """A tag key compared loosely: lower case, '_' read as '-'."""
    return str(key).strip().lower().replace("_", "-")


def _tag_keys(resource_type: str, props, ctx) -> set[str]:
    path = TAG_PATHS[resource_type]
    if resource_type == ASG:
        keys = {get(t, "key") for t in items(props, "tags")}
    else:
        keys = set((get(props, path) or {}).keys())
    keys |= reader.provider_default_tag_keys(ctx.provider_props or {})
    return {normalize_key(k) for k in keys if k and not is_unknown(k)}


def required_tags(resource_type, props, ctx):
    """Costly resources carry every key of config required_tags (provider default tags count)."""
    if resource_type in POD_SPEC_PATHS and not container_gpus(get(props, POD_SPEC_PATHS[resource_type]) or {}):
        return NotApplicable("the workload requests no GPUs")
    wanted = [str(k) for k in ctx.config.get("required_tags", DEFAULT_REQUIRED_TAGS)]
    have = _tag_keys(resource_type, props, ctx)
    missing = [k for k in wanted if normalize_key(k) not in have]
    where = TAG_PATHS[resource_type]
    return [f"missing {where} key(s) {', '.join(missing)}; add them (or the provider's default tags)"] if missing else []


def tags_propagate(resource_type, props, ctx):
    """Instances and volumes launched from ASGs / launch templates inherit the tags."""
    if resource_type == ASG:
        tags = items(props, "tags")
        if not tags:
            return ["the group has no tags to propagate; add tags with propagateAtLaunch true"]
        if any(as_bool(get(t, "propagateAtLaunch")) is True for t in tags):
            return []  # one propagated tag is the usual shape; the rest may stay on the group
        return ["no tag propagates at launch; set propagateAtLaunch true on the cost-allocation tags"]
    kinds = {str(get(s, "resourceType")) for s in items(props, "tagSpecifications")}
    missing = sorted({"instance", "volume"} - kinds)
    return [f"tagSpecifications lack resourceType {', '.join(missing)}; add them"] if missing else []


CHECKS = (
    Check("COST-TAG-001", "cost", "Cost-allocation tags present",
          "Costly resources (clusters, pools, VM groups, buckets, endpoints, GPU workloads) carry every "
          "key of config required_tags as tags / labels; AWS provider defaultTags and GCP provider "
          "defaultLabels count. Keys match case-insensitively with '_' equal to '-'.", "medium", "advisory",
          "Add the missing tags (aiscale: put them in the platform's `tags`).", required_tags,
          tuple(TAG_PATHS), anchors=("CKV_GCP_21", "AVD-GCP-0051"),
          config_schema={"required_tags": schema.strings(DEFAULT_REQUIRED_TAGS, "Tag keys every costly resource needs.")},
          when_omitted=("A resource without tags has none (AWS provider defaultTags and GCP defaultLabels count "
                        "when set)."),
          omitted_verdict="fail"),
    Check("COST-TAG-002", "cost", "Tags propagate to GPU instances and volumes",
          "Auto Scaling groups propagate at least one tag at launch (tags that only describe the group "
          "may stay on it); launch templates tag instances and volumes.",
          "low", "advisory", "Set propagateAtLaunch true / add tagSpecifications for instance and volume.",
          tags_propagate, (ASG, tokens.AWS_EC2_LAUNCH_TEMPLATE), anchors=("CKV_AWS_153",),
          when_omitted=("Auto Scaling group tags do not propagate unless propagateAtLaunch is true; a launch "
                        "template without tagSpecifications tags nothing it launches "
                        "(https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-tagging.html)."),
          omitted_verdict="fail"),
)
"""The tagging checks of the cost pack."""
