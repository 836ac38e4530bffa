"""Operations on the real EKS, AKS and GKE cluster and node-pool builders."""

from __future__ import annotations

import json

import pytest

from .conftest import named, ours


@pytest.mark.parametrize("cloud,rule_type", [
    ("aws", "kubernetes:monitoring.coreos.com/v1:PrometheusRule"),
    ("azure", "kubernetes:monitoring.coreos.com/v1:PrometheusRule"),
    ("gcp", "gcp:monitoring/alertPolicy:AlertPolicy"),
])
def test_rules_and_stack_on_the_real_cluster(ops_preview, cloud, rule_type):
    result = ops_preview(cloud, real=True)
    cluster = result.one("aiscale:index:KubernetesCluster")
    k8s = [r for r in ours(result) if r.type.startswith("kubernetes:")]
    assert k8s and all(r.provider and cluster.urn.split("::")[-1] in r.provider for r in k8s), \
        "everything in the cluster goes through the cluster's provider"
    assert [r for r in ours(result) if r.type == rule_type]


def test_alertmanager_role_trusts_the_real_eks_issuer(ops_preview):
    result = ops_preview("aws", real=True)
    trust = json.loads(named(result, "aws:iam/role:Role", "alertmanager")["assumeRolePolicy"])
    assert trust["Statement"][0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert any(key.endswith(":aud") for key in trust["Statement"][0]["Condition"]["StringEquals"])


def test_gke_rules_name_the_real_cluster_and_pool(ops_preview):
    result = ops_preview("gcp", real=True)
    cluster_name = result.one("gcp:container/cluster:Cluster").inputs["name"]
    query = named(result, "gcp:monitoring/alertPolicy:AlertPolicy", "gpu-idle-serve")["conditions"][0][
        "conditionPrometheusQueryLanguage"]["query"]
    pool_name = next(r.inputs["name"] for r in result.resources if r.type == "gcp:container/nodePool:NodePool"
                     and r.inputs["name"].endswith("serve"))
    assert f'cluster="{cluster_name}"' in query and f'="{pool_name}"' in query
