"""The EKS cluster builder: private or restricted API, encryption, logs, identities, add-ons."""

from __future__ import annotations

import json

import pytest
import yaml

from aiscale.aws.cluster import LOG_TYPES, eks_cluster_name, kubeconfig_document, vpc_config

CLUSTER = "aws:eks/cluster:Cluster"
RELEASE = "kubernetes:helm.sh/v3:Release"
ROLE = "aws:iam/role:Role"


def test_private_api_by_default(aws_stack):
    vpc = aws_stack().one(CLUSTER).inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in vpc


def test_restricted_api_is_public_only_for_authorized_networks(aws_stack):
    result = aws_stack(kubernetes={"api_access": "restricted",
                                   "authorized_networks": ["203.0.113.0/24", "198.51.100.7/32"]})
    vpc = result.one(CLUSTER).inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["endpointPublicAccess"] is True
    assert vpc["publicAccessCidrs"] == ["203.0.113.0/24", "198.51.100.7/32"]


@pytest.mark.parametrize("api_access, networks, message, reason", [
    ("restricted", [], "authorized_networks: got", "a public endpoint open to all is never built"),
    ("public", [], "api_access: got 'public'", "only private and restricted exist"),
])
def test_vpc_config_rejects_unsafe_access(api_access, networks, message, reason):
    with pytest.raises(ValueError, match=message):
        vpc_config(["subnet-1"], api_access, networks)


def test_cluster_hardening(aws_stack):
    result = aws_stack()
    inputs = result.one(CLUSTER).inputs
    assert inputs["accessConfig"] == {"authenticationMode": "API",
                                      "bootstrapClusterCreatorAdminPermissions": True}
    assert inputs["enabledClusterLogTypes"] == list(LOG_TYPES)
    assert set(LOG_TYPES) == {"api", "audit", "authenticator", "controllerManager", "scheduler"}
    key = result.one("aws:kms/key:Key", "secrets")
    assert inputs["encryptionConfig"]["resources"] == ["secrets"]
    assert inputs["encryptionConfig"]["provider"]["keyArn"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    assert inputs["version"] == "1.31"
    assert inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    assert inputs["tags"]["cost-center"] == "cc-1234"


def test_log_group_exists_before_the_cluster(aws_stack):
    result = aws_stack()
    cluster = result.one(CLUSTER)
    group = result.one("aws:cloudwatch/logGroup:LogGroup", "control-plane")
    assert group.inputs["name"] == f"/aws/eks/{cluster.inputs['name']}/cluster"
    assert group.inputs["retentionInDays"] > 0
    assert group.urn in cluster.dependencies


@pytest.mark.parametrize("environment, protected, reason", [
    ("dev", False, "non-prod keys can be destroyed with the stack"),
    ("prod", True, "prod keys and audit logs survive a destroy"),
])
def test_stateful_children_protected_in_prod(aws_stack, environment, protected, reason):
    result = aws_stack(environment=environment)
    for record in (result.one("aws:kms/key:Key", "secrets"),
                   result.one("aws:cloudwatch/logGroup:LogGroup", "control-plane")):
        assert (record.protect, record.retain_on_delete) == (protected, protected), reason
    assert result.one(CLUSTER).inputs["deletionProtection"] is protected


def test_oidc_provider_and_pod_roles(aws_stack):
    result = aws_stack()
    oidc = result.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert oidc.inputs["url"].startswith("https://oidc.eks.us-west-2.amazonaws.com/id/")
    issuer = oidc.inputs["url"].removeprefix("https://")
    for role_name, subject in (("cluster-cluster-autoscaler", "kube-system:cluster-autoscaler"),
                               ("cluster-vpc-cni", "kube-system:aws-node")):
        role = result.one(ROLE, role_name)
        statement, = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Federated": oidc.outputs["arn"]}
        assert statement["Condition"]["StringEquals"][f"{issuer}:sub"] == f"system:serviceaccount:{subject}"


def test_cluster_autoscaler_policy_is_scoped_to_the_cluster(aws_stack):
    result = aws_stack()
    name = result.one(CLUSTER).inputs["name"]
    policy = json.loads(result.one("aws:iam/rolePolicy:RolePolicy", "autoscaler").inputs["policy"])
    scale = next(s for s in policy["Statement"] if s["Sid"] == "ScaleOwnedGroups")
    assert scale["Condition"]["StringEquals"][f"aws:ResourceTag/k8s.io/cluster-autoscaler/{name}"] == "owned"


def test_node_role_is_least_privilege(aws_stack):
    result = aws_stack()
    attached = sorted(r.inputs["policyArn"].rsplit("/", 1)[1]
                      for r in result.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                      if r.inputs["role"].endswith("cluster-node"))
    assert attached == ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy"]
    cni = result.one("aws:eks/addon:Addon", "vpc-cni")
    assert cni.inputs["serviceAccountRoleArn"].endswith("cluster-vpc-cni")


def test_helm_add_ons_run_on_the_cluster(aws_stack):
    result = aws_stack()
    name = result.one(CLUSTER).inputs["name"]
    device_plugin = result.one(RELEASE, "nvidia-device-plugin")
    assert device_plugin.inputs["chart"] == "nvidia-device-plugin"
    autoscaler = result.one(RELEASE, "cluster-autoscaler")
    values = autoscaler.inputs["values"]
    assert values["autoDiscovery"]["clusterName"] == name
    assert values["awsRegion"] == "us-west-2"
    account = values["rbac"]["serviceAccount"]
    assert account["name"] == "cluster-autoscaler"
    assert account["annotations"]["eks.amazonaws.com/role-arn"].endswith("cluster-cluster-autoscaler")
    provider = result.one("pulumi:providers:kubernetes")
    assert autoscaler.provider.startswith(provider.urn) and device_plugin.provider.startswith(provider.urn)
    system = result.one("aws:eks/nodeGroup:NodeGroup", "system")
    assert system.urn in provider.property_dependencies["kubeconfig"], "add-ons wait for nodes"


def test_system_pool(aws_stack):
    system = aws_stack().one("aws:eks/nodeGroup:NodeGroup", "system")
    assert system.inputs["capacityType"] == "ON_DEMAND"
    assert system.inputs["amiType"] == "AL2023_x86_64_STANDARD"
    assert system.inputs["scalingConfig"]["minSize"] >= 2
    assert "taints" not in system.inputs


def test_kubeconfig_is_valid_yaml_for_the_cluster(aws_stack):
    result = aws_stack()
    config = yaml.safe_load(result.outputs["kubeconfig"])
    cluster = result.one(CLUSTER)
    assert config["clusters"][0]["cluster"]["server"] == cluster.outputs["endpoint"]
    exec_args = config["users"][0]["user"]["exec"]["args"]
    assert exec_args[:4] == ["eks", "get-token", "--cluster-name", cluster.inputs["name"]]
    assert config["current-context"] == cluster.inputs["name"]


def test_kubeconfig_document_round_trips():
    text = kubeconfig_document("c1", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1")
    config = yaml.safe_load(text)
    assert config["clusters"][0]["cluster"]["certificate-authority-data"] == "Q0E="
    assert "--region" in config["users"][0]["user"]["exec"]["args"]


@pytest.mark.parametrize("platform, environment, logical, reason", [
    ("acme-ml", "dev", "acme-aws-cluster", "the usual case"),
    ("Acme_ML", "prod", "x", "upper case and underscores are folded"),
    ("a" * 120, "staging", "y", "long names are cut within the EKS limit"),
])
def test_eks_cluster_name(platform, environment, logical, reason):
    name = eks_cluster_name(platform, environment, logical)
    assert len(name) <= 100 and name[0].isalnum(), reason
    assert all(c.isalnum() or c in "-_" for c in name), reason
    assert name == eks_cluster_name(platform, environment, logical), "deterministic"
    assert name != eks_cluster_name(platform, environment, logical + "2"), "unique per component"


ADDON = "aws:eks/addon:Addon"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"


def test_vpc_cni_enforces_network_policies(aws_stack):
    cni = aws_stack().one(ADDON, "vpc-cni")
    assert json.loads(cni.inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}, \
        "the VPC CNI leaves NetworkPolicies unenforced unless told"


def test_ebs_csi_driver_runs_on_its_own_pod_role(aws_stack):
    result = aws_stack()
    addon = result.one(ADDON, "aws-ebs-csi-driver")
    assert addon.inputs["addonName"] == "aws-ebs-csi-driver"
    role = result.one(ROLE, "cluster-ebs-csi")
    assert addon.inputs["serviceAccountRoleArn"] == role.outputs["arn"]
    statement, = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    issuer = result.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs["url"].removeprefix("https://")
    assert statement["Condition"]["StringEquals"][f"{issuer}:sub"] == \
        "system:serviceaccount:kube-system:ebs-csi-controller-sa"
    attached = [r.inputs["policyArn"] for r in result.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.inputs["role"].endswith("cluster-ebs-csi")]
    assert attached == ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]
    system = result.one("aws:eks/nodeGroup:NodeGroup", "system")
    assert system.urn in addon.dependencies, "the controller needs nodes to run on"


def test_default_storage_class_is_encrypted_gp3_on_the_cluster_provider(aws_stack):
    result = aws_stack()
    (storage_class,) = result.by_type(STORAGE_CLASS)
    inputs = storage_class.inputs
    assert inputs["provisioner"] == "ebs.csi.aws.com"
    assert inputs["parameters"]["type"] == "gp3" and inputs["parameters"]["encrypted"] == "true"
    assert inputs["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert inputs["volumeBindingMode"] == "WaitForFirstConsumer"
    provider = result.one("pulumi:providers:kubernetes")
    assert storage_class.provider.startswith(provider.urn)
    addon = result.one(ADDON, "aws-ebs-csi-driver")
    assert addon.urn in storage_class.dependencies
    assert addon.urn in provider.property_dependencies["kubeconfig"], \
        "everything on the cluster (kube-prometheus-stack's volume too) waits for the driver"
