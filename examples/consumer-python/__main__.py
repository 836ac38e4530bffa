"""A consumer of aiscale: a model bucket and a GPU pool for the team's existing EKS cluster.

aiscale is installed with pip (requirements.txt); this repository's own ``components`` package
sits beside this file and is imported too: the two never collide, because aiscale installs as
the package ``aiscale`` only.
"""

import pulumi

from aiscale import ObjectStore
from aiscale.multilang import GpuNodePool
from components.naming import team_tags

config = pulumi.Config()
region = pulumi.Config("aws").require("region")
platform = config.require("platform")
environment = pulumi.get_stack()
tags = team_tags(config.require("team"), config.require("costCenter"))

models = ObjectStore("models", {
    "cloud": "aws",
    "platform": platform,
    "environment": environment,
    "bucket": "models",
    "region": region,
    "lifecycle": {"cool_after_days": 30, "archive_after_days": 180},
    "tags": tags,
})

inference = GpuNodePool("inference", {
    "cloud": "aws",
    "platform": platform,
    "environment": environment,
    "region": region,
    "cluster_name": config.require("clusterName"),
    "node_role_arn": config.require("nodeRoleArn"),
    "subnet_ids": config.require_object("subnetIds"),
    "pool": "inference",
    "accelerator": "nvidia-l4",
    "gpus_per_node": 1,
    "min_nodes": 0,
    "max_nodes": 4,
    "capacity": "spot",
    "labels": {"workload": "inference"},
    "tags": tags,
})

pulumi.export("models_bucket", models.bucket_url)
pulumi.export("inference_pool", inference.pool_name)
pulumi.export("inference_machine_type", inference.machine_type)
