"""The AWS builder of ``KubernetesCluster``: a hardened EKS cluster with a small CPU system pool.

Declares, under the component:

- a KMS key (yearly rotation) and alias for envelope encryption of Kubernetes secrets;
- the control-plane log group ``/aws/eks/<cluster>/cluster`` (created first, so it has a
  retention) and control-plane logs api, audit, authenticator, controllerManager, scheduler;
- the cluster role (AmazonEKSClusterPolicy plus use of the secrets key only);
- ``aws.eks.Cluster``: private API endpoint; a public endpoint only for ``api_access:
  restricted``, limited to ``authorized_networks``; access entries only (``authentication_mode
  "API"``, the deploying identity gets cluster-admin so the add-ons can be installed); standard
  support (EKS upgrades the control plane when standard support ends, no extended-support
  charge); deletion protection in prod;
- the IAM OIDC provider of the cluster (pod roles, IRSA);
- the node role (AmazonEKSWorkerNodePolicy + AmazonEC2ContainerRegistryPullOnly only);
- EKS add-ons vpc-cni (with its own pod role holding AmazonEKS_CNI_Policy, and NetworkPolicy
  enforcement on), kube-proxy, coredns and aws-ebs-csi-driver (with its own pod role holding
  AmazonEBSCSIDriverPolicy), managed by EKS;
- the system node group: ``SYSTEM_POOL`` on-demand CPU nodes, IMDSv2, encrypted gp3 disks;
- the NVIDIA device plugin and the cluster autoscaler (with its own pod role), see ``_addons``;
- a kubeconfig (``aws eks get-token``) and a ``pulumi_kubernetes.Provider`` for it, which waits
  for the system nodes, CoreDNS and the EBS CSI driver;
- the default StorageClass ``gp3-encrypted`` (EKS 1.30 and later have none, and a
  PersistentVolumeClaim without one stays Pending).

Reads a ``ClusterBuild``; returns an :class:`AwsCluster`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws.cloudwatch as cloudwatch
import pulumi_aws.eks as eks
import pulumi_aws.iam as iam
import pulumi_aws.kms as kms

from aiscale.aws._log_key import log_key
from aiscale.aws import naming
from aiscale.aws import _addons, _iam, _nodes, _roles
from aiscale.aws.node_pool import EksNodeTarget
from aiscale.cluster_spec import BuiltCluster, ClusterBuild

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
"""Control-plane log types sent to CloudWatch Logs."""
LOG_RETENTION_DAYS = {"prod": 365}
"""Days control-plane logs are kept, by environment."""
DEFAULT_LOG_RETENTION_DAYS = 90
"""Days control-plane logs are kept in every other environment."""
KMS_DELETION_WINDOW_DAYS = {"prod": 30}
"""Days a scheduled deletion of the secrets key can be cancelled, by environment."""
DEFAULT_KMS_DELETION_WINDOW_DAYS = 7
"""Deletion window in every other environment (the shortest AWS allows)."""
SUPPORT_TYPE = "STANDARD"
"""EKS upgrade policy: stay on standard support (auto-upgraded at its end, no extended fee)."""


@dataclass(frozen=True, kw_only=True)
class AwsCluster(BuiltCluster):
    """What the EKS builder returns: the outputs plus what node pools, endpoints and operations
    read (resources by role: ``cluster``, ``node_role``, ``secrets_key``, ``system_node_group``,
    the add-ons, ...)."""

    name: str
    """The cluster name as a plain string (for tag keys)."""
    version: str
    """The Kubernetes minor version."""
    node_role_arn: pulumi.Output[str]
    """The role the nodes run as."""
    oidc_provider_arn: pulumi.Output[str]
    """The IAM OIDC provider of the cluster (pod roles trust it)."""
    oidc_provider_url: pulumi.Output[str]
    """The cluster's OIDC issuer URL, with ``https://``."""
    secrets_key_arn: pulumi.Output[str]
    """The KMS key encrypting Kubernetes secrets."""
    cluster_security_group_id: pulumi.Output[str]
    """The security group EKS created for the cluster."""
    subnet_ids: pulumi.Input[list[str]]
    """The private subnets of the cluster and its nodes."""
    node_dependencies: tuple[pulumi.Resource, ...] = ()
    """Resources a node group must wait for: the CNI and kube-proxy add-ons, the node role's
    policies."""
    subnet_zones: Optional[pulumi.Output[list[str]]] = None
    """The zone of each subnet in ``subnet_ids``; None for an existing network."""

    def node_target(self) -> EksNodeTarget:
        """What a node group reads of this cluster."""
        return EksNodeTarget(name=self.name, node_role_arn=self.node_role_arn, subnet_ids=self.subnet_ids,
                             node_dependencies=self.node_dependencies, subnet_zones=self.subnet_zones)


class SystemPool:
    """The small on-demand CPU node group for cluster services (CoreDNS, autoscaler, ...)."""

    instance_type = "m6i.large"
    """2 vCPU, 8 GiB: enough for CoreDNS, the autoscaler and the device-plugin controller."""
    min_nodes = 2
    """Two nodes, in different zones, keep CoreDNS available through a node loss."""
    max_nodes = 4
    """Room for the cluster autoscaler to add system capacity."""
    disk_gb = 50
    """Root volume size, GB."""
    ami_type = "AL2023_x86_64_STANDARD"
    """Amazon Linux 2023, the EKS-optimised image."""


def eks_cluster_name(platform: str, environment: str, logical_name: str) -> str:
    """``<platform>-<environment>-<hash6 of the logical name>``: stable, unique per component,
    within the EKS limit (100 characters of letters, digits, '-' and '_')."""
    slugs = (re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in (platform, environment))
    readable = "-".join(part for part in slugs if part)
    return f"{readable[:90].rstrip('-') or 'eks'}-{naming.stable_suffix(logical_name)}"


def kubeconfig_document(cluster_name: str, endpoint: str, ca_data: str, region: str) -> str:
    """A kubeconfig (YAML) that authenticates with ``aws eks get-token`` as the caller."""
    import yaml

    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name,
                      "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "preferences": {},
        "users": [{"name": cluster_name, "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "aws",
            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region,
                     "--output", "json"],
            "interactiveMode": "Never",
        }}}],
    }
    return yaml.safe_dump(document, sort_keys=False)


def vpc_config(subnet_ids: Any, api_access: str, authorized_networks: list[str]) -> dict[str, Any]:
    """The API endpoint settings: always private; public only when restricted to CIDRs."""
    config: dict[str, Any] = {"subnet_ids": subnet_ids, "endpoint_private_access": True,
                              "endpoint_public_access": False}
    if api_access == "restricted":
        if not authorized_networks:
            raise ValueError("kubernetes.authorized_networks: got []; a restricted API needs "
                             "at least one CIDR (or use api_access: private)")
        config.update(endpoint_public_access=True, public_access_cidrs=list(authorized_networks))
    elif api_access != "private":
        raise ValueError(f"kubernetes.api_access: got {api_access!r}; valid: private, restricted")
    return config


def _secrets_key(name: str, scope: Any, cluster_name: str, tags: dict[str, str],
                 parent: pulumi.Resource) -> tuple[kms.Key, kms.Alias]:
    stateful = scope.stateful(parent)
    key = kms.Key(
        f"{name}-secrets-key",
        description=f"Encrypts Kubernetes secrets of EKS cluster {cluster_name}",
        enable_key_rotation=True,
        key_usage="ENCRYPT_DECRYPT",
        customer_master_key_spec="SYMMETRIC_DEFAULT",
        deletion_window_in_days=KMS_DELETION_WINDOW_DAYS.get(scope.environment, DEFAULT_KMS_DELETION_WINDOW_DAYS),
        tags=tags,
        opts=stateful,
    )
    alias = kms.Alias(f"{name}-secrets-key", name=f"alias/aiscale/{cluster_name}-eks-secrets",
                      target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=parent))
    return key, alias


def _key_use_policy(key_arn: str) -> str:
    """Inline policy letting the cluster role use the secrets key, and only that key."""
    return json.dumps({"Version": _iam.POLICY_VERSION, "Statement": [{
        "Effect": "Allow",
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        "Resource": key_arn,
    }]})


def _system_pool(name: str, cluster: eks.Cluster, node_role: iam.Role, subnet_ids: Any,
                 tags: dict[str, str], parent: pulumi.Resource, depends_on: list) -> eks.NodeGroup:
    template = _nodes.node_launch_template(f"{name}-system", SystemPool.disk_gb, tags, parent,
                                           "EKS system nodes: IMDSv2 only, encrypted gp3 root volume")
    return eks.NodeGroup(
        f"{name}-system",
        cluster_name=cluster.name,
        node_group_name_prefix="system-",
        node_role_arn=node_role.arn,
        subnet_ids=subnet_ids,
        ami_type=SystemPool.ami_type,
        capacity_type="ON_DEMAND",
        instance_types=[SystemPool.instance_type],
        scaling_config={"min_size": SystemPool.min_nodes, "max_size": SystemPool.max_nodes,
                        "desired_size": SystemPool.min_nodes},
        launch_template={"id": template.id, "version": _nodes.template_version(template)},
        labels={"aiscale.io/pool": "system"},
        update_config={"max_unavailable": 1},
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on,
                                    ignore_changes=["scalingConfig.desiredSize"]),
    )


def build(component: pulumi.ComponentResource, args: ClusterBuild) -> AwsCluster:
    """Declare the EKS cluster, its identities, system pool and add-ons under ``component``."""
    import pulumi_kubernetes

    scope, network = args.scope, args.network
    name = args.name
    region = scope.region
    tags = naming.aws_tags(scope.tags)
    cluster_name = eks_cluster_name(scope.platform, scope.environment, name)
    child = pulumi.ResourceOptions(parent=component)
    endpoint = vpc_config(network.subnet_ids, args.api_access, list(args.authorized_networks))

    key, alias = _secrets_key(name, scope, cluster_name, tags, component)
    log_group_name = f"/aws/eks/{cluster_name}/cluster"
    log_group = cloudwatch.LogGroup(
        f"{name}-control-plane-logs", name=log_group_name,
        retention_in_days=LOG_RETENTION_DAYS.get(scope.environment, DEFAULT_LOG_RETENTION_DAYS),
        kms_key_id=log_key(f"{name}-control-plane", scope, log_group_name, tags, component).arn,
        tags=tags, opts=scope.stateful(component))
    cluster_role, cluster_policies = _roles.declare(f"{name}-cluster", _iam.service_trust_policy("eks.amazonaws.com"),
                         _iam.CLUSTER_ROLE_POLICIES, region, tags, component,
                         f"EKS control plane of {cluster_name}")
    key_use = iam.RolePolicy(f"{name}-cluster-secrets-key", role=cluster_role.id,
                             policy=key.arn.apply(_key_use_policy), opts=child)

    cluster = eks.Cluster(
        f"{name}-eks",
        name=cluster_name,
        version=args.version,
        role_arn=cluster_role.arn,
        vpc_config=endpoint,
        access_config={"authentication_mode": "API",
                       "bootstrap_cluster_creator_admin_permissions": True},
        enabled_cluster_log_types=list(LOG_TYPES),
        encryption_config={"provider": {"key_arn": key.arn}, "resources": ["secrets"]},
        upgrade_policy={"support_type": SUPPORT_TYPE},
        deletion_protection=scope.protect,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=component, depends_on=[log_group, key_use, *cluster_policies]),
    )
    issuer_url = cluster.identities.apply(lambda identities: identities[0].oidcs[0].issuer)
    oidc = iam.OpenIdConnectProvider(f"{name}-oidc", url=issuer_url,
                                     client_id_lists=[_iam.OIDC_AUDIENCE], tags=tags, opts=child)

    node_role, node_policies = _roles.declare(f"{name}-node", _iam.service_trust_policy("ec2.amazonaws.com"),
                      _iam.NODE_ROLE_POLICIES, region, tags, component,
                      f"EKS nodes of {cluster_name}")
    cni_role, _ = _roles.declare(f"{name}-vpc-cni",
                     pulumi.Output.all(oidc.arn, issuer_url).apply(
                         lambda a: _iam.pod_trust_policy(a[0], a[1], "kube-system", "aws-node")),
                     _iam.CNI_POD_POLICIES, region, tags, component,
                     f"VPC CNI pods (kube-system/aws-node) of {cluster_name}")
    addons = _managed_addons(name, cluster, cni_role, tags, component)
    node_dependencies = [addons["vpc-cni"], addons["kube-proxy"], *node_policies]
    system = _system_pool(name, cluster, node_role, network.subnet_ids, tags, component,
                          node_dependencies)
    coredns = eks.Addon(f"{name}-coredns", cluster_name=cluster.name, addon_name="coredns",
                        resolve_conflicts_on_create="OVERWRITE",
                        resolve_conflicts_on_update="OVERWRITE", tags=tags,
                        opts=pulumi.ResourceOptions(parent=component, depends_on=[system]))
    addons["coredns"] = coredns
    ebs_role, ebs_policies = _roles.declare(
        f"{name}-ebs-csi",
        pulumi.Output.all(oidc.arn, issuer_url).apply(
            lambda a: _iam.pod_trust_policy(a[0], a[1], _addons.EBS_CSI_NAMESPACE, _addons.EBS_CSI_SERVICE_ACCOUNT)),
        _iam.EBS_CSI_POD_POLICIES, region, tags, component,
        f"EBS CSI controller pods ({_addons.EBS_CSI_NAMESPACE}/{_addons.EBS_CSI_SERVICE_ACCOUNT}) of {cluster_name}")
    # The controller runs on the system nodes, with its permissions in place.
    ebs_csi = eks.Addon(f"{name}-{_addons.EBS_CSI_ADDON}", cluster_name=cluster.name,
                        addon_name=_addons.EBS_CSI_ADDON, service_account_role_arn=ebs_role.arn,
                        resolve_conflicts_on_create="OVERWRITE",
                        resolve_conflicts_on_update="OVERWRITE", tags=tags,
                        opts=pulumi.ResourceOptions(parent=component, depends_on=[system, *ebs_policies]))
    addons[_addons.EBS_CSI_ADDON] = ebs_csi

    # The kubeconfig waits for the system nodes, CoreDNS and the EBS CSI driver, so everything
    # deployed through the provider (the Helm add-ons below, workloads) starts once the cluster
    # can run pods and provision their volumes.
    kubeconfig = pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority.data,
                                   system.id, coredns.id, ebs_csi.id).apply(
        lambda a: kubeconfig_document(a[0], a[1], a[2], region))
    provider = pulumi_kubernetes.Provider(f"{name}-k8s", kubeconfig=kubeconfig, opts=child)
    storage_class = _addons.default_storage_class(f"{name}-default-storage-class", provider, component,
                                                  [ebs_csi])
    helm = _addons.install(component, name=name, cluster_name=cluster_name, region=region,
                           oidc_provider_arn=oidc.arn, issuer_url=issuer_url,
                           provider=provider, tags=tags)

    return AwsCluster(
        cluster_name=cluster.name,
        kubeconfig=kubeconfig,
        kubernetes_provider=provider,
        name=cluster_name,
        version=args.version,
        node_role_arn=node_role.arn,
        oidc_provider_arn=oidc.arn,
        oidc_provider_url=issuer_url,
        secrets_key_arn=key.arn,
        cluster_security_group_id=cluster.vpc_config.cluster_security_group_id,
        subnet_ids=network.subnet_ids,
        node_dependencies=tuple(node_dependencies),
        storage_dependencies=(ebs_csi, storage_class),
        subnet_zones=getattr(getattr(network, "built", network), "zones", None),
        resources={"secrets_key": key, "secrets_key_alias": alias, "log_group": log_group,
                   "cluster_role": cluster_role, "cluster": cluster, "oidc_provider": oidc,
                   "node_role": node_role, "vpc_cni_role": cni_role, "system_node_group": system,
                   "ebs_csi_role": ebs_role, "default_storage_class": storage_class,
                   **{f"addon_{k}": v for k, v in addons.items()}, **helm},
    )


def _managed_addons(name: str, cluster: eks.Cluster, cni_role: iam.Role, tags: dict[str, str],
                    parent: pulumi.Resource) -> dict[str, eks.Addon]:
    """vpc-cni (on its pod role, enforcing NetworkPolicies) and kube-proxy: installed before any
    node joins."""
    common = {"cluster_name": cluster.name, "resolve_conflicts_on_create": "OVERWRITE",
              "resolve_conflicts_on_update": "OVERWRITE", "tags": tags}
    return {
        "vpc-cni": eks.Addon(f"{name}-vpc-cni", addon_name="vpc-cni",
                             service_account_role_arn=cni_role.arn,
                             configuration_values=json.dumps(_addons.VPC_CNI_CONFIGURATION), **common,
                             opts=pulumi.ResourceOptions(parent=parent)),
        "kube-proxy": eks.Addon(f"{name}-kube-proxy", addon_name="kube-proxy", **common,
                                opts=pulumi.ResourceOptions(parent=parent)),
    }
