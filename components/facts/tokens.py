"""Every provider type token that cost, the policy packs, the preview and the components read.

A type token names a resource kind as the engine registers it (``aws:eks/nodeGroup:NodeGroup``).
Each constant is named after its token: the package (``AWS``, ``AZURE`` for azure-native, ``GCP``,
``K8S``), the module before any ``/``, then the type in upper snake case. The tokens are the
un-versioned (canonical) spellings; :func:`canonical_type` folds versioned spellings
(``azure-native:storage/v20230101:StorageAccount``, ``kubernetes:apps/v1:Deployment``,
pulumi-aws 6 ``aws:s3/bucketV2:BucketV2``) onto them before comparing.

To read a new resource kind, add its token here first, then use the constant everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import MappingProxyType

# pulumi-aws
AWS_APPAUTOSCALING_TARGET = "aws:appautoscaling/target:Target"
AWS_ALB_LOAD_BALANCER = "aws:alb/loadBalancer:LoadBalancer"
AWS_AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
AWS_CLOUDWATCH_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
AWS_EBS_VOLUME = "aws:ebs/volume:Volume"
AWS_EC2_EIP = "aws:ec2/eip:Eip"
AWS_EC2_FLOW_LOG = "aws:ec2/flowLog:FlowLog"
AWS_EC2_INSTANCE = "aws:ec2/instance:Instance"
AWS_EC2_LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AWS_EC2_NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
AWS_EC2_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
AWS_EC2_SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
AWS_EC2_SUBNET = "aws:ec2/subnet:Subnet"
AWS_EC2_VPC = "aws:ec2/vpc:Vpc"
AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster"
AWS_EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
AWS_IAM_POLICY = "aws:iam/policy:Policy"
AWS_IAM_ROLE = "aws:iam/role:Role"
AWS_IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
AWS_IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
AWS_KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
AWS_KMS_KEY = "aws:kms/key:Key"
AWS_KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
AWS_LB_LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
AWS_S3_BUCKET = "aws:s3/bucket:Bucket"
AWS_S3_BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
AWS_S3_BUCKET_LIFECYCLE_CONFIGURATION = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
AWS_S3_BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
AWS_S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
AWS_S3_BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
AWS_S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
AWS_SNS_TOPIC = "aws:sns/topic:Topic"
AWS_SNS_TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
AWS_S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
AWS_VPC_SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
AWS_S3_BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
AWS_SAGEMAKER_ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
AWS_SAGEMAKER_ENDPOINT_CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
AWS_SAGEMAKER_MODEL = "aws:sagemaker/model:Model"
AWS_SAGEMAKER_NOTEBOOK_INSTANCE = "aws:sagemaker/notebookInstance:NotebookInstance"

# azure-native
AZURE_COMPUTE_VIRTUAL_MACHINE = "azure-native:compute:VirtualMachine"
AZURE_COMPUTE_VIRTUAL_MACHINE_SCALE_SET = "azure-native:compute:VirtualMachineScaleSet"
AZURE_CONTAINERSERVICE_AGENT_POOL = "azure-native:containerservice:AgentPool"
AZURE_CONTAINERSERVICE_MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AZURE_KEYVAULT_KEY = "azure-native:keyvault:Key"
AZURE_KEYVAULT_VAULT = "azure-native:keyvault:Vault"
AZURE_MACHINELEARNINGSERVICES_COMPUTE = "azure-native:machinelearningservices:Compute"
AZURE_MACHINELEARNINGSERVICES_ONLINE_DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment"
AZURE_MACHINELEARNINGSERVICES_ONLINE_ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
AZURE_MACHINELEARNINGSERVICES_WORKSPACE = "azure-native:machinelearningservices:Workspace"
AZURE_MONITOR_AUTOSCALE_SETTING = "azure-native:monitor:AutoscaleSetting"
AZURE_NETWORK_NAT_GATEWAY = "azure-native:network:NatGateway"
AZURE_NETWORK_PUBLIC_IP_ADDRESS = "azure-native:network:PublicIPAddress"
AZURE_OPERATIONALINSIGHTS_WORKSPACE = "azure-native:operationalinsights:Workspace"
AZURE_RESOURCES_RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
AZURE_STORAGE_BLOB_CONTAINER = "azure-native:storage:BlobContainer"
AZURE_STORAGE_BLOB_SERVICE_PROPERTIES = "azure-native:storage:BlobServiceProperties"
AZURE_STORAGE_MANAGEMENT_POLICY = "azure-native:storage:ManagementPolicy"
AZURE_STORAGE_STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"

# pulumi-gcp
GCP_CLOUDRUN_IAM_BINDING = "gcp:cloudrun/iamBinding:IamBinding"
GCP_CLOUDRUN_IAM_MEMBER = "gcp:cloudrun/iamMember:IamMember"
GCP_CLOUDRUN_IAM_POLICY = "gcp:cloudrun/iamPolicy:IamPolicy"
GCP_CLOUDRUNV2_SERVICE = "gcp:cloudrunv2/service:Service"
GCP_CLOUDRUNV2_SERVICE_IAM_BINDING = "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding"
GCP_CLOUDRUNV2_SERVICE_IAM_MEMBER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
GCP_COMPUTE_AUTOSCALER = "gcp:compute/autoscaler:Autoscaler"
GCP_COMPUTE_INSTANCE = "gcp:compute/instance:Instance"
GCP_COMPUTE_INSTANCE_GROUP_MANAGER = "gcp:compute/instanceGroupManager:InstanceGroupManager"
GCP_COMPUTE_INSTANCE_TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
GCP_COMPUTE_REGION_AUTOSCALER = "gcp:compute/regionAutoscaler:RegionAutoscaler"
GCP_COMPUTE_REGION_INSTANCE_GROUP_MANAGER = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
GCP_COMPUTE_REGION_INSTANCE_TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
GCP_COMPUTE_ROUTER_NAT = "gcp:compute/routerNat:RouterNat"
GCP_CONTAINER_CLUSTER = "gcp:container/cluster:Cluster"
GCP_CONTAINER_NODE_POOL = "gcp:container/nodePool:NodePool"
GCP_KMS_CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
GCP_KMS_CRYPTO_KEY_IAM_BINDING = "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding"
GCP_KMS_CRYPTO_KEY_IAM_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
GCP_KMS_CRYPTO_KEY_IAM_POLICY = "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy"
GCP_KMS_KEY_RING = "gcp:kms/keyRing:KeyRing"
GCP_KMS_KEY_RING_IAM_BINDING = "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding"
GCP_KMS_KEY_RING_IAM_MEMBER = "gcp:kms/keyRingIAMMember:KeyRingIAMMember"
GCP_KMS_KEY_RING_IAM_POLICY = "gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy"
GCP_STORAGE_BUCKET = "gcp:storage/bucket:Bucket"
GCP_STORAGE_BUCKET_ACCESS_CONTROL = "gcp:storage/bucketAccessControl:BucketAccessControl"
GCP_STORAGE_BUCKET_ACL = "gcp:storage/bucketACL:BucketACL"
GCP_STORAGE_BUCKET_IAM_BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding"
GCP_STORAGE_BUCKET_IAM_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"
GCP_STORAGE_BUCKET_IAM_POLICY = "gcp:storage/bucketIAMPolicy:BucketIAMPolicy"
GCP_VERTEX_AI_DEPLOYMENT_RESOURCE_POOL = "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool"
GCP_VERTEX_AI_ENDPOINT = "gcp:vertex/aiEndpoint:AiEndpoint"
GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT = "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment"
GCP_WORKBENCH_INSTANCE = "gcp:workbench/instance:Instance"

# pulumi-kubernetes
K8S_APPS_DAEMON_SET = "kubernetes:apps:DaemonSet"
K8S_APPS_DEPLOYMENT = "kubernetes:apps:Deployment"
K8S_APPS_REPLICA_SET = "kubernetes:apps:ReplicaSet"
K8S_APPS_STATEFUL_SET = "kubernetes:apps:StatefulSet"
K8S_AUTOSCALING_HORIZONTAL_POD_AUTOSCALER = "kubernetes:autoscaling:HorizontalPodAutoscaler"
K8S_BATCH_CRON_JOB = "kubernetes:batch:CronJob"
K8S_BATCH_JOB = "kubernetes:batch:Job"
K8S_CORE_POD = "kubernetes:core:Pod"
K8S_CORE_SERVICE = "kubernetes:core:Service"
K8S_HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
K8S_SERVING_INFERENCE_SERVICE = "kubernetes:serving.kserve.io:InferenceService"


# read by the wiring pack (checks across resources)
AWS_AUTOSCALING_POLICY = "aws:autoscaling/policy:Policy"
AWS_EKS_ADDON = "aws:eks/addon:Addon"
AZURE_AUTHORIZATION_ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
AZURE_MACHINELEARNINGSERVICES_ENVIRONMENT_VERSION = "azure-native:machinelearningservices:EnvironmentVersion"
AZURE_MANAGEDIDENTITY_FEDERATED_IDENTITY_CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential"
AZURE_MANAGEDIDENTITY_USER_ASSIGNED_IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
AZURE_NETWORK_PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
AZURE_NETWORK_SUBNET = "azure-native:network:Subnet"
K8S_APIREGISTRATION_API_SERVICE = "kubernetes:apiregistration.k8s.io:APIService"
K8S_CORE_PERSISTENT_VOLUME_CLAIM = "kubernetes:core:PersistentVolumeClaim"
K8S_HELM_SH_RELEASE = "kubernetes:helm.sh:Release"
K8S_KEDA_SCALED_OBJECT = "kubernetes:keda.sh:ScaledObject"
K8S_NETWORKING_NETWORK_POLICY = "kubernetes:networking.k8s.io:NetworkPolicy"
K8S_STORAGE_STORAGE_CLASS = "kubernetes:storage.k8s.io:StorageClass"


K8S_PACKAGE = "kubernetes"
"""The provider package of Kubernetes resources: a runtime on every cloud, not a cloud."""


def _cloud_of_package() -> MappingProxyType[str, str]:
    from aiscale import clouds  # the registry: each adapter names its provider package

    return MappingProxyType({**{cloud.provider_package: cloud.name for cloud in clouds.adapters()},
                             K8S_PACKAGE: K8S_PACKAGE})


CLOUD_OF_PACKAGE = _cloud_of_package()
"""Provider package of a type token -> the cloud (or runtime) it belongs to: each cloud's
adapter's ``provider_package``, and ``kubernetes`` for itself."""


def cloud_of(token: str) -> str:
    """The cloud a type token belongs to ("aws", "azure", "gcp", "kubernetes"), else its package."""
    package = token.split(":", 1)[0]
    return CLOUD_OF_PACKAGE.get(package, package)


_AZURE_VERSION = re.compile(r"^(azure-native:[A-Za-z0-9]+)/v[0-9A-Za-z]+(:.*)$")
_AWS_V2 = re.compile(r"^aws:([A-Za-z0-9]+)/([A-Za-z0-9]+)V2:([A-Za-z0-9]+)V2$")
_K8S = re.compile(r"^kubernetes:([A-Za-z0-9.]+)/(v[0-9A-Za-z]+):([A-Za-z]+)$")


@lru_cache(maxsize=4096)
def canonical_type(token: str) -> str:
    """The version-free form of a type token, used to match rules to resources (a pure function
    of the token, remembered: checks and pricers ask it of every resource many times).

    ``aws:s3/bucketV2:BucketV2`` -> ``aws:s3/bucket:Bucket``;
    ``azure-native:storage/v20230101:StorageAccount`` -> ``azure-native:storage:StorageAccount``;
    ``kubernetes:apps/v1:Deployment`` -> ``kubernetes:apps:Deployment``. Others are unchanged.
    """
    match = _AZURE_VERSION.match(token)
    if match:
        return match.group(1) + match.group(2)
    match = _AWS_V2.match(token)
    if match:
        module, member, kind = match.groups()
        return f"aws:{module}/{member}:{kind}"
    match = _K8S.match(token)
    if match:
        group, _version, kind = match.groups()
        return f"kubernetes:{group}:{kind}"
    return token
