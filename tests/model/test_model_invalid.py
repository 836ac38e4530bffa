"""Invalid platform models: each problem is reported at its exact path, naming what is valid.

Each case changes the valid model (conftest.VALID) in one way, states why that is invalid, and
expects exactly the listed problem paths, with every expected fragment in the message of the
problem at the first path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from aiscale.model import MISSING, PlatformValidationError, load_platform

DELETE = object()
"""Marks a change that removes the key."""
_STEP = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")


def _apply(raw: dict[str, Any], changes: dict[str, Any]) -> None:
    """Set (or DELETE) each dotted path, e.g. "node_pools[0].max_nodes", in `raw`."""
    for path, value in changes.items():
        steps = [int(i) if i else name for name, i in _STEP.findall(path)]
        target = raw
        for step in steps[:-1]:
            target = target[step]
        if value is DELETE:
            del target[steps[-1]]
        else:
            target[steps[-1]] = value


@dataclass(frozen=True)
class Case:
    """One invalid model."""

    reason: str
    changes: dict[str, Any]
    paths: tuple[str, ...]
    expect: tuple[str, ...] = ()
    value: Any = field(default=None)


SUBSCRIPTION = "/subscriptions/00000000-1111-2222-3333-444444444444"

CASES = [
    Case("accelerator unknown to the catalog", {"node_pools[0].accelerator": "nvidia-a999"},
         ("node_pools[0].accelerator",), ("unknown accelerator", "nvidia-l4", "nvidia-h100-80gb")),
    Case("nvidia-l4 is not offered on azure", {"autoscaling_groups[0].clouds": ["azure"]},
         ("autoscaling_groups[0].accelerator",), ("not offered on azure", "aws, gcp")),
    Case("H100 x8 exists on azure only in eastus, not westus2",
         {"clouds.azure.location": "westus2", "autoscaling_groups[0].accelerator":
          "nvidia-h100-80gb", "autoscaling_groups[0].gpus_per_node": 8,
          "autoscaling_groups[0].clouds": ["azure"]},
         ("autoscaling_groups[0].accelerator",),
         ("the catalog has no data for nvidia-h100-80gb on azure in region westus2",
          "catalog overlay", "has it in: eastus")),
    Case("no 3-GPU A100 machine on aws or gcp", {"node_pools[0].gpus_per_node": 3},
         ("node_pools[0].gpus_per_node", "node_pools[0].gpus_per_node"), ("3 GPUs", "8")),
    Case("cheapest placement still needs the GPU count offered",
         {"node_pools[2].gpus_per_node": 3},
         ("node_pools[2].gpus_per_node",), ("placement cheapest", "offered: 1")),
    Case("min_nodes above max_nodes", {"node_pools[1].min_nodes": 5},
         ("node_pools[1].max_nodes",), ("must be >= min_nodes (5)",)),
    Case("min_replicas above max_replicas", {"endpoints[0].min_replicas": 9},
         ("endpoints[0].max_replicas",), ("must be >= min_replicas (9)",)),
    Case("negative min_nodes", {"node_pools[0].min_nodes": -1},
         ("node_pools[0].min_nodes",), (">= 0",), -1),
    Case("zero gpus_per_node", {"autoscaling_groups[0].gpus_per_node": 0},
         ("autoscaling_groups[0].gpus_per_node",), (">= 1",), 0),
    Case("zero max_replicas", {"endpoints[0].max_replicas": 0},
         ("endpoints[0].max_replicas",), (">= 1",), 0),
    Case("negative gpus_per_replica", {"endpoints[0].gpus_per_replica": -2},
         ("endpoints[0].gpus_per_replica",), (">= 1",), -2),
    Case("node count is a whole number", {"node_pools[0].max_nodes": "many"},
         ("node_pools[0].max_nodes",), ("whole number",), "many"),
    Case("platform name with uppercase and '_'", {"name": "Acme_ML"},
         ("name",), ("3-22 characters", "lowercase"), "Acme_ML"),
    Case("platform name too short", {"name": "ab"}, ("name",), ("3-22",), "ab"),
    Case("name is required", {"name": DELETE}, ("name",), ("required",), MISSING),
    Case("node pool name starting with a digit", {"node_pools[0].name": "1train"},
         ("node_pools[0].name",), ("starting with a letter",), "1train"),
    Case("bucket name too long", {"buckets[0].name": "m" * 23},
         ("buckets[0].name",), ("3-22 characters",)),
    Case("two node pools named train", {"node_pools[1].name": "train"},
         ("node_pools[1].name",), ("duplicate name", "node_pools[0]"), "train"),
    Case("two buckets named models", {"buckets[1].name": "models",
                                      "endpoints[1].model.bucket": "models"},
         ("buckets[1].name",), ("duplicate name", "buckets[0]"), "models"),
    Case("unknown cloud key", {"clouds.oracle": {"region": "us-ashburn-1"}},
         ("clouds.oracle",), ("unknown cloud", "aws, azure, gcp")),
    Case("no cloud at all", {"clouds": {}}, ("clouds",), ("at least one cloud", "aws, azure, gcp")),
    Case("clouds must be a mapping", {"clouds": ["aws"]}, ("clouds",), ("aws, azure, gcp",)),
    Case("bucket on a cloud that is not configured",
         {"clouds.azure": DELETE, "buckets[0].clouds": ["aws", "azure"]},
         ("buckets[0].clouds[1]",), ("not configured", "valid: aws, gcp"), "azure"),
    Case("a cloud listed twice", {"node_pools[0].clouds": ["aws", "aws"]},
         ("node_pools[0].clouds[1]",), ("listed twice",), "aws"),
    Case("an empty clouds list", {"node_pools[0].clouds": []},
         ("node_pools[0].clouds",), ("at least one cloud", "omit clouds"), []),
    Case("unknown cloud in a section's clouds", {"buckets[0].clouds": ["aws", "oci"]},
         ("buckets[0].clouds[1]",), ("aws, azure, gcp",), "oci"),
    Case("placement together with clouds", {"node_pools[0].placement": "cheapest"},
         ("node_pools[0].placement",), ("exclusive",), "cheapest"),
    Case("endpoint model in a bucket that does not exist",
         {"endpoints[0].model.bucket": "weights"},
         ("endpoints[0].model.bucket",), ("weights", "valid: models, datasets"), "weights"),
    Case("endpoint's bucket not on the endpoint's cloud", {"buckets[0].clouds": ["gcp"]},
         ("endpoints[0].model.bucket",), ("not on aws", "buckets[0].clouds")),
    Case("endpoint without a node pool of its accelerator",
         {"endpoints[0].accelerator": "nvidia-t4"},
         ("endpoints[0].accelerator",),
         ("add a node pool with accelerator nvidia-t4 and gpus_per_node >= 1 on aws",)),
    Case("endpoint needs more GPUs than any matching pool has",
         {"endpoints[0].gpus_per_replica": 2},
         ("endpoints[0].gpus_per_replica",), ("serve (1)", "gpus_per_node >= 2 on aws"), 2),
    Case("Cloud Run cannot serve a T4", {"endpoints[1].accelerator": "nvidia-t4"},
         ("endpoints[1].accelerator",), ("Cloud Run", "nvidia-l4", "runtime: kubernetes")),
    Case("Cloud Run attaches one GPU", {"endpoints[1].gpus_per_replica": 2},
         ("endpoints[1].gpus_per_replica",), ("<= 1", "runtime: kubernetes")),
    Case("SageMaker cannot scale to zero", {"endpoints[1].clouds": ["aws"]},
         ("endpoints[1].min_replicas",), ("SageMaker", "min_replicas >= 1"), 0),
    Case("Azure ML has no A10G", {"endpoints[1].clouds": ["azure"],
                                  "endpoints[1].min_replicas": 1,
                                  "endpoints[1].accelerator": "nvidia-a10g"},
         ("endpoints[1].accelerator",), ("Azure Machine Learning", "offered on: aws")),
    Case("restricted API without networks", {"kubernetes.api_access": "restricted"},
         ("kubernetes.authorized_networks",), ("at least one CIDR", "restricted")),
    Case("networks with a private API", {"kubernetes.authorized_networks": ["203.0.113.0/24"]},
         ("kubernetes.authorized_networks",), ("only used when api_access is restricted",)),
    Case("API open to the whole IPv4 internet",
         {"kubernetes.api_access": "restricted", "kubernetes.authorized_networks":
          ["203.0.113.0/24", "0.0.0.0/0"]},
         ("kubernetes.authorized_networks[1]",), ("whole internet",), "0.0.0.0/0"),
    Case("API open to the whole IPv6 internet",
         {"kubernetes.api_access": "restricted", "kubernetes.authorized_networks": ["::/0"]},
         ("kubernetes.authorized_networks[0]",), ("whole internet",), "::/0"),
    Case("authorized network with host bits", {"kubernetes.api_access": "restricted",
                                               "kubernetes.authorized_networks": ["10.1.2.3/8"]},
         ("kubernetes.authorized_networks[0]",), ("10.0.0.0/8",)),
    Case("unquoted Kubernetes version read as a number", {"kubernetes.version": 1.3},
         ("kubernetes.version",), ('"1.31"', "quoted"), 1.3),
    Case("api_access not a known mode", {"kubernetes.api_access": "public"},
         ("kubernetes.api_access",), ("private, restricted",), "public"),
    Case("public network range", {"network.cidr": "8.8.0.0/16"},
         ("network.cidr",), ("10.0.0.0/8", "192.168.0.0/16")),
    Case("network too small", {"network.cidr": "10.40.0.0/24"},
         ("network.cidr",), ("/16 to /20",)),
    Case("AWS VPC id of the wrong shape",
         {"network.existing": {"aws": {"vpc_id": "vpc-xyz", "subnet_ids": ["subnet-0123abcd"]}}},
         ("network.existing.aws.vpc_id",), ("vpc- followed by 8 or 17 hex digits",), "vpc-xyz"),
    Case("AWS subnet id of the wrong shape",
         {"network.existing": {"aws": {"vpc_id": "vpc-0123abcd", "subnet_ids": ["sn-1"]}}},
         ("network.existing.aws.subnet_ids[0]",), ("subnet- followed by",), "sn-1"),
    Case("Azure subnet id of the wrong shape",
         {"network.existing": {"azure": {"subnet_id": f"{SUBSCRIPTION}/resourceGroups/rg/hub"}}},
         ("network.existing.azure.subnet_id",),
         ("/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/",)),
    Case("GCP subnetwork of the wrong shape",
         {"network.existing": {"gcp": {"network": "shared", "subnetwork": "ml-subnet"}}},
         ("network.existing.gcp.subnetwork",),
         ("projects/<project>/regions/<region>/subnetworks/<subnetwork>",), "ml-subnet"),
    Case("GCP subnetwork in another region",
         {"network.existing": {"gcp": {"network": "shared", "subnetwork":
                                       "projects/acme-ml-dev/regions/us-east4/subnetworks/ml"}}},
         ("network.existing.gcp.subnetwork",), ("us-east4", "us-central1")),
    Case("existing network on a cloud that is not configured",
         {"clouds.azure": DELETE, "buckets[1].clouds": ["aws", "gcp"], "network.existing": {
             "azure": {"subnet_id": f"{SUBSCRIPTION}/resourceGroups/rg/providers/"
                                    "Microsoft.Network/virtualNetworks/v/subnets/s"}}},
         ("network.existing.azure",), ("cloud azure is not configured", "valid: aws, gcp")),
    Case("AWS region of the wrong shape", {"clouds.aws.region": "uswest2"},
         ("clouds.aws.region",), ("AWS region code",), "uswest2"),
    Case("zone outside the AWS region", {"clouds.aws.zones": ["us-west-2a", "us-east-1b"]},
         ("clouds.aws.zones[1]",), ("zone of region us-west-2",), "us-east-1b"),
    Case("GCP project id with uppercase", {"clouds.gcp.project": "Acme-ML"},
         ("clouds.gcp.project",), ("GCP project id",), "Acme-ML"),
    Case("unknown field in a cloud", {"clouds.gcp.zone": "us-central1-a"},
         ("clouds.gcp.zone",), ("unknown field", "project, region")),
    Case("lifecycle stages out of order", {"buckets[0].lifecycle.archive_after_days": 20},
         ("buckets[0].lifecycle.archive_after_days",), ("cool_after_days (30)",), 20),
    Case("S3 needs 30 days before Standard-IA", {"buckets[0].lifecycle.cool_after_days": 7},
         ("buckets[0].lifecycle.cool_after_days",), (">= 30", "aws"), 7),
    Case("zero lifecycle days", {"buckets[0].lifecycle.expire_after_days": 0},
         ("buckets[0].lifecycle.expire_after_days",), (">= 1",), 0),
    Case("encryption mode unknown", {"buckets[0].encryption": "none"},
         ("buckets[0].encryption",), ("customer-managed, provider-managed",), "none"),
    Case("image without a tag", {"endpoints[0].image": "vllm/vllm-openai"},
         ("endpoints[0].image",), ("no tag or digest",), "vllm/vllm-openai"),
    Case("image on the moving latest tag", {"endpoints[0].image": "vllm/vllm-openai:latest"},
         ("endpoints[0].image",), ("latest",)),
    Case("runtime unknown", {"endpoints[0].runtime": "vertex"},
         ("endpoints[0].runtime",), ("kubernetes, managed",), "vertex"),
    Case("port out of range", {"endpoints[0].port": 70000},
         ("endpoints[0].port",), ("<= 65535",), 70000),
    Case("capacity unknown", {"node_pools[0].capacity": "preemptible"},
         ("node_pools[0].capacity",), ("on-demand, spot",), "preemptible"),
    Case("disk too small", {"node_pools[0].disk_gb": 10},
         ("node_pools[0].disk_gb",), (">= 20",), 10),
    Case("CPU target above 100 percent", {"autoscaling_groups[0].target_cpu_utilization": 101},
         ("autoscaling_groups[0].target_cpu_utilization",), ("<= 100",), 101),
    Case("taint with an unknown effect", {"node_pools[0].taints": ["gpu=a100:Never"]},
         ("node_pools[0].taints[0]",), ("NoSchedule, PreferNoSchedule, NoExecute",)),
    Case("the GPU taint is added by aiscale", {"node_pools[0].taints":
                                               ["nvidia.com/gpu=present:NoSchedule"]},
         ("node_pools[0].taints[0]",), ("always added",)),
    Case("label key with a reserved prefix",
         {"node_pools[0].labels": {"kubernetes.io/role": "gpu"}},
         ('node_pools[0].labels["kubernetes.io/role"]',), ("reserved",), "kubernetes.io/role"),
    Case("label value with a space", {"node_pools[0].labels": {"workload": "big training"}},
         ("node_pools[0].labels.workload",), ("label value",), "big training"),
    Case("tag key that is no GCP label", {"tags.Team": "ml"},
         ("tags.Team",), ("GCP label key",), "Team"),
    Case("invalid email", {"operations.notifications.emails": ["ml-oncall", "a@example.com"]},
         ("operations.notifications.emails[0]",), ("email address",), "ml-oncall"),
    Case("budget without any email", {"operations.notifications.emails": []},
         ("operations.notifications.emails",), ("at least one email",)),
    Case("webhook over plain http",
         {"operations.notifications.webhook_url": "http://hooks.example.com/x"},
         ("operations.notifications.webhook_url",), ("https://",)),
    Case("threshold 0", {"operations.budget.actual_thresholds": [0, 50]},
         ("operations.budget.actual_thresholds[0]",), (">= 1",), 0),
    Case("threshold 1001", {"operations.budget.forecast_thresholds": [1001]},
         ("operations.budget.forecast_thresholds[0]",), ("<= 1000",), 1001),
    Case("threshold repeated", {"operations.budget.actual_thresholds": [50, 50]},
         ("operations.budget.actual_thresholds[1]",), ("listed twice",), 50),
    Case("negative budget", {"operations.budget.monthly_usd": -5},
         ("operations.budget.monthly_usd",), ("> 0",), -5),
    Case("GCP budget without a billing account", {"operations.gcp_billing_account": DELETE},
         ("operations.gcp_billing_account",), ("billing account", "012345-6789AB-CDEF01"),
         MISSING),
    Case("billing account of the wrong shape", {"operations.gcp_billing_account": "12345"},
         ("operations.gcp_billing_account",), ("six uppercase hex digits",), "12345"),
    Case("unknown top-level field", {"nodepools": []},
         ("nodepools",), ("unknown field", "node_pools", "endpoints"), []),
    Case("unknown field in a node pool", {"node_pools[0].gpus": 8},
         ("node_pools[0].gpus",), ("gpus_per_node",), 8),
    Case("wrong environment", {"environment": "production"},
         ("environment",), ("dev, staging, prod",), "production"),
    Case("node_pools must be a list", {"node_pools": {"train": {}}},
         ("node_pools",), ("must be a list",)),
]


@pytest.mark.parametrize("case", CASES, ids=[case.reason for case in CASES])
def test_invalid_model_reports_path_and_valid_choices(valid_raw, case: Case):
    _apply(valid_raw, case.changes)

    with pytest.raises(PlatformValidationError) as caught:
        load_platform(valid_raw)

    problems = caught.value.problems
    assert [p.path for p in problems] == list(case.paths), str(caught.value)
    first = problems[0]
    for fragment in case.expect:
        assert fragment in first.message, f"{fragment!r} not in {first.message!r}"
    if case.value is not None:
        assert first.value == case.value
    assert "Input should" not in str(caught.value), "no pydantic jargon"


def test_table_is_large_enough():
    assert len(CASES) >= 30
