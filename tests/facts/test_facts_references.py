"""The one reference follower (aiscale.facts.references): each kind of reference, on the
cost estimate's preview records and on the policy packs' views, a dangling one and an
ambiguous one."""

from __future__ import annotations

import pytest

from aiscale.facts import tokens
from aiscale.facts.references import References, came_from, named, refers_to, within
from aiscale.guardrails.context import ResourceView
from aiscale.preview.records import UNKNOWN, ResourceRecord

STACK = "urn:pulumi:dev::p::"
SUBNET = "aws:ec2/subnet:Subnet"


def urn(token: str, name: str) -> str:
    return f"{STACK}{token}::{name}"


def record(token: str, name: str, inputs=None, *, id=None, outputs=None, deps=None,
           dependencies=(), provider=None) -> ResourceRecord:
    """A preview record, as the cost estimate reads it."""
    return ResourceRecord(urn=urn(token, name), type=token, name=name, custom=True, inputs=dict(inputs or {}),
                          id=id, outputs=dict(outputs or {}), property_dependencies=dict(deps or {}),
                          dependencies=list(dependencies),
                          provider=f"{provider.urn}::{provider.id}" if provider is not None else None)


def view(token: str, name: str, inputs=None, *, deps=None, dependencies=(), provider=None) -> ResourceView:
    """A policy pack's view: inputs only, no ids or outputs (as under ``pulumi preview``)."""
    return ResourceView(type=token, urn=urn(token, name), name=name, props=dict(inputs or {}),
                        dependencies=tuple(dependencies),
                        property_dependencies={k: tuple(v) for k, v in (deps or {}).items()},
                        provider_urn=provider.urn if provider is not None else None)


# --- each kind of reference -------------------------------------------------------------------

def test_node_group_finds_its_cluster_through_the_property_dependency():
    cluster = record(tokens.AWS_EKS_CLUSTER, "eks", {"name": "gpu"}, id="gpu")
    other = record(tokens.AWS_EKS_CLUSTER, "other", {"name": "other"}, id="other")
    group = record(tokens.AWS_EKS_NODE_GROUP, "ng", {"clusterName": UNKNOWN},
                   deps={"clusterName": [cluster.urn]})
    refs = References([other, cluster, group])
    assert refs.linked(group, "clusterName", tokens.AWS_EKS_CLUSTER) is cluster


def test_node_group_finds_its_launch_template_by_id_inside_a_nested_input():
    template = record(tokens.AWS_EC2_LAUNCH_TEMPLATE, "lt", {}, id="lt-0abc")
    group = record(tokens.AWS_EKS_NODE_GROUP, "ng", {"launchTemplate": {"id": "lt-0abc", "version": "1"}})
    refs = References([template, group])
    assert refs.linked(group, "launchTemplate", tokens.AWS_EC2_LAUNCH_TEMPLATE) is template


def test_instance_group_finds_its_template_by_self_link_and_by_its_last_segment():
    link = "https://compute.googleapis.com/compute/v1/projects/p/global/instanceTemplates/tpl-1"
    by_link = record(tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, "a", outputs={"selfLink": link})
    by_name = record(tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, "b", {"name": "tpl-2"})
    mig_a = record(tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER, "mig-a", {"versions": [{"instanceTemplate": link}]})
    mig_b = record(tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER, "mig-b",
                   {"versions": [{"instanceTemplate": "projects/p/global/instanceTemplates/tpl-2"}]})
    refs = References([by_link, by_name, mig_a, mig_b])
    assert refs.linked(mig_a, "versions", tokens.GCP_COMPUTE_INSTANCE_TEMPLATE) is by_link
    assert refs.linked(mig_b, "versions", tokens.GCP_COMPUTE_INSTANCE_TEMPLATE) is by_name


def test_bucket_policy_finds_its_bucket_by_name_and_by_arn():
    bucket = record(tokens.AWS_S3_BUCKET, "models", {"bucket": "acme-models"},
                    outputs={"arn": "arn:aws:s3:::acme-models"})
    by_name = record("aws:s3/bucketPolicy:BucketPolicy", "by-name", {"bucket": "acme-models"})
    by_arn = record("aws:s3/bucketPolicy:BucketPolicy", "by-arn", {"bucket": "arn:aws:s3:::acme-models"})
    elsewhere = record("aws:s3/bucketPolicy:BucketPolicy", "elsewhere", {"bucket": "acme-logs"})
    assert refers_to(by_name, "bucket", bucket)
    assert refers_to(by_arn, "bucket", bucket)
    assert not refers_to(elsewhere, "bucket", bucket)


def test_a_kind_names_itself_by_its_own_name_input():
    account = view(tokens.AZURE_STORAGE_STORAGE_ACCOUNT, "store", {"accountName": "acmemodels"})
    container = view(tokens.AZURE_STORAGE_BLOB_CONTAINER, "c", {"accountName": "acmemodels"})
    stranger = view(tokens.AZURE_STORAGE_BLOB_CONTAINER, "s", {"accountName": "acmelogs"})
    refs = References([account, container, stranger])
    assert refs.pointing_at(account, "accountName", tokens.AZURE_STORAGE_BLOB_CONTAINER) == [container]


def test_kubernetes_object_runs_on_the_cluster_its_provider_came_from():
    cluster = record(tokens.GCP_CONTAINER_CLUSTER, "gke", {"name": "gpu"}, id="gpu")
    other = record(tokens.GCP_CONTAINER_CLUSTER, "gke2", {"name": "cpu"}, id="cpu")
    provider = record("pulumi:providers:kubernetes", "k8s", {"kubeconfig": UNKNOWN}, id="pid",
                      deps={"kubeconfig": [cluster.urn]})
    workload = record(tokens.K8S_APPS_DEPLOYMENT, "chat", provider=provider)
    refs = References([other, cluster, provider, workload])
    assert refs.provider(workload) is provider
    assert refs.cluster_of(workload, tokens.GCP_CONTAINER_CLUSTER) is cluster


def test_a_provider_without_dependencies_is_placed_by_the_cluster_its_kubeconfig_mentions():
    cluster = view(tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, "aks", {"resourceName": "gpu-aks"})
    other = view(tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER, "aks2", {"resourceName": "cpu-aks"})
    provider = view("pulumi:providers:kubernetes", "k8s", {"kubeconfig": "clusters:\n- name: gpu-aks\n"})
    workload = view(tokens.K8S_APPS_DEPLOYMENT, "chat", provider=provider)
    refs = References([cluster, other, provider, workload])
    assert refs.cluster_of(workload, tokens.AZURE_CONTAINERSERVICE_MANAGED_CLUSTER) is cluster


def test_autoscalers_point_at_their_group_by_dependency_or_by_id():
    group = record(tokens.GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER, "mig", id="projects/p/regions/r/instanceGroupManagers/mig-1")
    by_dep = record(tokens.GCP_COMPUTE_REGION_AUTOSCALER, "a1", {"target": UNKNOWN}, deps={"target": [group.urn]})
    by_id = record(tokens.GCP_COMPUTE_REGION_AUTOSCALER, "a2", {"target": "projects/p/regions/r/instanceGroupManagers/mig-1"})
    other = record(tokens.GCP_COMPUTE_REGION_AUTOSCALER, "a3", {"target": "projects/p/regions/r/instanceGroupManagers/mig-9"})
    refs = References([group, by_dep, by_id, other])
    assert refs.pointing_at(group, "target", tokens.GCP_COMPUTE_REGION_AUTOSCALER) == [by_dep, by_id]


def test_a_horizontal_pod_autoscaler_scales_the_workload_it_names_in_its_namespace():
    chat = view(tokens.K8S_APPS_DEPLOYMENT, "chat", {"metadata": {"name": "chat", "namespace": "serving"}})
    elsewhere = view(tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER, "hpa-x", {
        "metadata": {"namespace": "batch"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "chat"}}})
    wrong_kind = view(tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER, "hpa-s", {
        "spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "chat"}}})
    right = view(tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER, "hpa", {
        "metadata": {"namespace": "serving"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "chat"}}})
    refs = References([chat, elsewhere, wrong_kind, right])
    assert refs.scaler_of(chat, tokens.K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER) is right


def test_a_sagemaker_scaling_target_names_its_endpoint_inside_its_resource_id():
    endpoint = record(tokens.AWS_SAGEMAKER_ENDPOINT, "ep", {"name": "chat-ep"})
    named_variant = record(tokens.AWS_APPAUTOSCALING_TARGET, "t", {"resourceId": "endpoint/chat-ep/variant/main"})
    variant_named_like_it = record(tokens.AWS_APPAUTOSCALING_TARGET, "u", {"resourceId": "endpoint/other/variant/chat-ep"})
    refs = References([endpoint, named_variant, variant_named_like_it])
    assert refs.pointing_at(endpoint, "resourceId", tokens.AWS_APPAUTOSCALING_TARGET) == [named_variant]


def test_an_azure_resource_id_names_its_account_and_a_sub_resource_s_id_too():
    account = view(tokens.AZURE_STORAGE_STORAGE_ACCOUNT, "store", {"accountName": "acmemodels"})
    base = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts"
    assert within(f"{base}/acmemodels", account)
    assert within(f"{base}/ACMEMODELS/blobServices/default/containers/weights", account)
    assert not within(f"{base}/acmemodels2/blobServices/default", account), "a longer name is another account"
    assert not within("acmemodels", account), "a bare name is not an id"
    bucket = view(tokens.AWS_S3_BUCKET, "b", {"bucket": "acmemodels"})
    assert not within(f"{base}/acmemodels", bucket), "a kind without an id collection"


def test_every_subnet_a_cluster_names_by_dependency_else_by_id():
    one = record(SUBNET, "a", id="subnet-1")
    two = record(SUBNET, "b", id="subnet-2")
    three = record(SUBNET, "c", id="subnet-3")
    by_ids = record(tokens.AWS_EKS_CLUSTER, "eks", {"vpcConfig": {"subnetIds": ["subnet-2", "subnet-1", "subnet-gone"],
                                                                 "securityGroupIds": ["sg-1"]}})
    by_deps = record(tokens.AWS_EKS_CLUSTER, "eks2", {"vpcConfig": {"subnetIds": [UNKNOWN, UNKNOWN]}},
                     deps={"vpcConfig": [three.urn, one.urn]})
    refs = References([one, two, three, by_ids, by_deps])
    assert refs.all_linked(by_ids, "vpcConfig", SUBNET) == [two, one]
    assert refs.all_linked(by_deps, "vpcConfig", SUBNET) == [three, one]


def test_records_and_views_of_the_same_stack_are_followed_alike():
    cluster_record = record(tokens.AWS_EKS_CLUSTER, "eks", {"name": "gpu"}, id="gpu")
    group_record = record(tokens.AWS_EKS_NODE_GROUP, "ng", {"clusterName": "gpu"})
    cluster_view = view(tokens.AWS_EKS_CLUSTER, "eks", {"name": "gpu"})
    group_view = view(tokens.AWS_EKS_NODE_GROUP, "ng", {"clusterName": "gpu"})
    assert References([cluster_record, group_record]).linked(group_record, "clusterName", tokens.AWS_EKS_CLUSTER) is cluster_record
    assert References([cluster_view, group_view]).linked(group_view, "clusterName", tokens.AWS_EKS_CLUSTER) is cluster_view


def test_a_view_carrying_its_preview_record_is_named_by_the_record_id():
    cluster = record(tokens.AWS_EKS_CLUSTER, "eks", id="eks-1a2b")
    as_view = ResourceView(type=cluster.type, urn=cluster.urn, name=cluster.name, props={}, record=cluster)
    group = view(tokens.AWS_EKS_NODE_GROUP, "ng", {"clusterName": "eks-1a2b"})
    assert References([as_view, group]).linked(group, "clusterName", tokens.AWS_EKS_CLUSTER) is as_view


# --- dangling, unknown and ambiguous references -------------------------------------------------

def test_a_dangling_reference_finds_nothing():
    template = record(tokens.AWS_EC2_LAUNCH_TEMPLATE, "lt", id="lt-1")
    group = record(tokens.AWS_AUTOSCALING_GROUP, "asg", {"launchTemplate": {"id": "lt-gone"}},
                   deps={"launchTemplate": [urn(tokens.AWS_EC2_LAUNCH_TEMPLATE, "not-in-stack")]})
    orphan = record(tokens.K8S_APPS_DEPLOYMENT, "chat", provider=record("pulumi:providers:kubernetes", "gone", id="x"))
    refs = References([template, group, orphan])
    assert refs.linked(group, "launchTemplate", tokens.AWS_EC2_LAUNCH_TEMPLATE) is None
    assert refs.provider(orphan) is None
    assert refs.cluster_of(orphan, tokens.AWS_EKS_CLUSTER) is None


def test_a_value_not_known_during_preview_names_nothing():
    template = record(tokens.AWS_EC2_LAUNCH_TEMPLATE, "lt", {"name": UNKNOWN}, id=UNKNOWN)
    group = record(tokens.AWS_AUTOSCALING_GROUP, "asg", {"launchTemplate": {"id": UNKNOWN}})
    assert References([template, group]).linked(group, "launchTemplate", tokens.AWS_EC2_LAUNCH_TEMPLATE) is None
    assert not named(UNKNOWN, template)


def test_an_ambiguous_name_finds_nothing_but_a_dependency_settles_it():
    east = record(tokens.GCP_CONTAINER_CLUSTER, "east", {"name": "gpu", "location": "us-east1"})
    west = record(tokens.GCP_CONTAINER_CLUSTER, "west", {"name": "gpu", "location": "us-west1"})
    by_name = record(tokens.GCP_CONTAINER_NODE_POOL, "pool", {"cluster": "gpu"})
    by_dep = record(tokens.GCP_CONTAINER_NODE_POOL, "pool2", {"cluster": "gpu"}, deps={"cluster": [west.urn]})
    refs = References([east, west, by_name, by_dep])
    assert refs.linked(by_name, "cluster", tokens.GCP_CONTAINER_CLUSTER) is None
    assert refs.named_by("gpu", tokens.GCP_CONTAINER_CLUSTER) is None
    assert refs.linked(by_dep, "cluster", tokens.GCP_CONTAINER_CLUSTER) is west


def test_a_whole_name_beats_a_path_segment_and_two_mentioned_clusters_place_nothing():
    link = "projects/p/global/instanceTemplates/tpl"
    exact = record(tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, "exact", outputs={"selfLink": link})
    segment = record(tokens.GCP_COMPUTE_INSTANCE_TEMPLATE, "segment", {"name": "tpl"})
    mig = record(tokens.GCP_COMPUTE_INSTANCE_GROUP_MANAGER, "mig", {"versions": [{"instanceTemplate": link}]})
    refs = References([segment, exact, mig])
    assert refs.linked(mig, "versions", tokens.GCP_COMPUTE_INSTANCE_TEMPLATE) is exact

    one = view(tokens.AWS_EKS_CLUSTER, "one", {"name": "alpha"})
    two = view(tokens.AWS_EKS_CLUSTER, "two", {"name": "beta"})
    provider = view("pulumi:providers:kubernetes", "k8s", {"kubeconfig": "alpha beta"})
    workload = view(tokens.K8S_APPS_DEPLOYMENT, "w", provider=provider)
    assert References([one, two, provider, workload]).cluster_of(workload, tokens.AWS_EKS_CLUSTER) is None


def test_a_dependency_of_another_input_is_not_this_input_s_reference():
    bucket = view(tokens.AWS_S3_BUCKET, "models", {"bucket": "acme-models"})
    policy = view("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "acme-logs", "policy": UNKNOWN},
                  deps={"policy": [bucket.urn]})
    assert came_from(policy, "policy", bucket)
    assert not came_from(policy, "bucket", bucket)
    assert not refers_to(policy, "bucket", bucket)
    assert References([bucket, policy]).source(policy, tokens.AWS_S3_BUCKET) is bucket


@pytest.mark.parametrize("token", ["aws:s3/bucketV2:BucketV2", "AWS:S3/BUCKET:BUCKET"])
def test_types_are_compared_in_canonical_form(token):
    bucket = record(token, "b", {"bucket": "x"})
    assert References([bucket]).of_type(tokens.AWS_S3_BUCKET) == [bucket]


# --- stack-wide readings stay linear in the stack's size ---------------------------------------

class _CountingTuple(tuple):
    """A stack's resources that count how often they are walked whole."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_several_kinds_are_listed_in_order_and_the_stack_is_walked_once_per_set_of_kinds():
    clusters = [record(tokens.AWS_EKS_CLUSTER, "eks", id="a"), record(tokens.GCP_CONTAINER_CLUSTER, "gke", id="b")]
    others = [record(SUBNET, f"s{i}") for i in range(5)]
    refs = References([others[0], clusters[0], *others[1:], clusters[1]])
    refs.resources = _CountingTuple(refs.resources)
    _CountingTuple.walks = 0
    for _ in range(50):  # a pricer or check asks once per resource it looks at
        assert refs.of_type(tokens.AWS_EKS_CLUSTER, tokens.GCP_CONTAINER_CLUSTER) == clusters
    assert _CountingTuple.walks == 1
    assert refs.of_type(tokens.GCP_CONTAINER_CLUSTER, SUBNET) == [*others, clusters[1]]
    assert _CountingTuple.walks == 2


def test_what_an_input_names_is_read_once_per_resource_however_many_targets_ask(monkeypatch):
    from aiscale.facts import references

    groups = [record(tokens.AWS_AUTOSCALING_GROUP, f"g{i}", {"name": f"group-{i}"}) for i in range(20)]
    policies = [record(tokens.AWS_AUTOSCALING_POLICY, f"p{i}", {"autoscalingGroupName": f"group-{i}",
                                                               "policyType": "TargetTrackingScaling"})
                for i in range(20)]
    refs = References([*groups, *policies])
    reads = []
    real = references._tiers
    monkeypatch.setattr(references, "_tiers", lambda node, key: reads.append((node.urn, key)) or real(node, key))
    for index, group in enumerate(groups):
        assert refs.pointing_at(group, "autoscalingGroupName", among=policies) == [policies[index]]
    assert len(reads) == len(policies) == len(set(reads))
