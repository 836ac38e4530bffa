"""The omitted case of every check: a resource (or stack) that leaves out the property the check
reads, as a user who relies on the provider's default would write it. The expected verdict is
not written here: it is the one the check's registry entry states (``when_omitted`` says what
the cloud does and where that is documented), so the code, the docs and this test agree."""

from __future__ import annotations

from tests.guardrails.helpers import view

S3 = "aws:s3/bucket:Bucket"
GCS = "gcp:storage/bucket:Bucket"
AZ = "azure-native:storage:StorageAccount"
EKS, EKS_POOL = "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"
AKS, AKS_POOL = "azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool"
GKE, GKE_POOL = "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"
LT, EC2 = "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
GCE = "gcp:compute/instanceTemplate:InstanceTemplate"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
ONE_POOL = {"agentPoolProfiles": [{"name": "system", "vmSize": "Standard_D4ds_v5"}]}


def deployment(image: str = "vllm/vllm-openai:v0.6.3") -> dict:
    """A Deployment that states nothing but its container's name and image."""
    return {"spec": {"template": {"spec": {"containers": [{"name": "server", "image": image}]}}}}


# (check, type token, inputs with the property left out)
RESOURCE_OMITTED = [
    ("SEC-STORAGE-001", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {"bucket": "b"}),
    ("SEC-STORAGE-003", S3, {}),
    ("SEC-STORAGE-004", AZ, {"kind": "StorageV2"}),
    ("SEC-STORAGE-005", "azure-native:storage:BlobContainer", {"containerName": "models"}),
    ("SEC-STORAGE-006", GCS, {"location": "US"}),
    ("SEC-STORAGE-007", "gcp:storage/bucketIAMBinding:BucketIAMBinding", {"role": "roles/storage.objectViewer", "members": []}),
    ("SEC-STORAGE-008", GCS, {"location": "US"}),
    ("SEC-STORAGE-010", AZ, {"kind": "StorageV2"}),
    ("SEC-STORAGE-011", AZ, {"kind": "StorageV2"}),
    ("SEC-STORAGE-012", AZ, {"kind": "StorageV2"}),
    *[(check, token, props) for check in ("SEC-K8S-001", "SEC-K8S-002", "SEC-K8S-003")
      for token, props in ((EKS, {"vpcConfig": {"subnetIds": ["subnet-1"]}}), (AKS, {}), (GKE, {}))],
    ("SEC-K8S-004", EKS, {}), ("SEC-K8S-004", GKE, {}),
    ("SEC-K8S-005", AKS, {}), ("SEC-K8S-005", GKE, {}),
    ("SEC-K8S-006", AKS, {}), ("SEC-K8S-006", GKE, {}),
    ("SEC-K8S-007", GKE, {}), ("SEC-K8S-007", GKE_POOL, {"nodeConfig": {}}), ("SEC-K8S-007", AKS, {}),
    ("SEC-K8S-008", AKS, ONE_POOL), ("SEC-K8S-008", AKS_POOL, {}), ("SEC-K8S-008", GKE, {}), ("SEC-K8S-008", GKE_POOL, {}),
    ("SEC-K8S-009", EKS_POOL, {}),
    ("SEC-K8S-010", GKE, {}), ("SEC-K8S-010", GKE_POOL, {}),
    ("SEC-K8S-011", EKS, {}), ("SEC-K8S-011", GKE, {}), ("SEC-K8S-011", GKE_POOL, {}), ("SEC-K8S-011", AKS, {}),
    ("SEC-K8S-012", GKE, {}), ("SEC-K8S-012", GKE_POOL, {}),
    ("SEC-K8S-013", AKS, ONE_POOL), ("SEC-K8S-013", AKS_POOL, {}),
    ("SEC-K8S-014", AKS, {}), ("SEC-K8S-015", AKS, {}),
    ("SEC-COMPUTE-001", LT, {}), ("SEC-COMPUTE-001", EC2, {}),
    ("SEC-COMPUTE-002", LT, {}), ("SEC-COMPUTE-002", EC2, {}), ("SEC-COMPUTE-002", VMSS, {}),
    ("SEC-COMPUTE-002", GCE, {"networkInterfaces": [{"network": "default"}]}),
    ("SEC-COMPUTE-003", LT, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 100.0}}]}),
    ("SEC-COMPUTE-003", EC2, {}), ("SEC-COMPUTE-003", "aws:ebs/volume:Volume", {"size": 500.0}),
    ("SEC-COMPUTE-004", LT, {}),
    ("SEC-COMPUTE-005", GCE, {}), ("SEC-COMPUTE-006", GCE, {}),
    ("SEC-COMPUTE-007", VMSS, {"virtualMachineProfile": {"osProfile": {"linuxConfiguration": {}}}}),
    ("SEC-COMPUTE-008", VMSS, {}),
    ("SEC-COMPUTE-009", GCE, {}), ("SEC-COMPUTE-010", GCE, {}), ("SEC-COMPUTE-011", GCE, {}),
    ("SEC-ML-001", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", {"productionVariants": [{"instanceType": "ml.m5.xlarge"}]}),
    ("SEC-ML-002", "aws:sagemaker/notebookInstance:NotebookInstance", {}),
    ("SEC-ML-003", "aws:sagemaker/notebookInstance:NotebookInstance", {}),
    ("SEC-ML-004", "aws:sagemaker/model:Model", {}),
    ("SEC-ML-005", "azure-native:machinelearningservices:Workspace", {}),
    ("SEC-ML-006", "azure-native:machinelearningservices:Compute", {"properties": {"computeType": "AmlCompute"}}),
    ("SEC-ML-007", "azure-native:machinelearningservices:OnlineEndpoint", {"onlineEndpointProperties": {"authMode": "AADToken"}}),
    ("SEC-ML-008", "gcp:vertex/aiEndpoint:AiEndpoint", {}),
    ("SEC-ML-009", "gcp:workbench/instance:Instance", {}),
    ("SEC-ML-010", "gcp:cloudrunv2/service:Service", {}),
    ("SEC-ML-011", "gcp:cloudrunv2/service:Service", {}),
    *[(check, DEPLOYMENT, deployment()) for check in (
        "SEC-WL-001", "SEC-WL-002", "SEC-WL-003", "SEC-WL-004", "SEC-WL-006", "SEC-WL-008", "SEC-WL-009",
        "SEC-WL-010", "SEC-WL-011")],
    ("SEC-WL-005", DEPLOYMENT, deployment("vllm/vllm-openai")),
    ("SEC-WL-007", "kubernetes:core/v1:Service", {"spec": {"ports": [{"port": 80.0}]}}),
    ("SEC-IAM-001", S3, {}), ("SEC-IAM-002", "aws:sns/topic:Topic", {}),
    ("SEC-IAM-003", "aws:iam/role:Role", {}), ("SEC-IAM-004", "aws:iam/role:Role", {}),
    ("SEC-KMS-001", "aws:kms/key:Key", {}),
    ("SEC-KMS-002", "aws:kms/key:Key", {}), ("SEC-KMS-002", "gcp:kms/cryptoKey:CryptoKey", {"keyRing": "ring"}),
    ("SEC-KMS-003", "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding", {"members": []}),
    ("SEC-KV-001", "azure-native:keyvault:Vault", {"properties": {"tenantId": "t"}}),
    ("SEC-KV-002", "azure-native:keyvault:Vault", {"properties": {"tenantId": "t"}}),
    ("SEC-MSG-001", "aws:sns/topic:Topic", {}),
    ("SEC-NET-001", "aws:ec2/securityGroup:SecurityGroup", {"vpcId": "vpc-1"}),
    ("SEC-LOG-001", "aws:cloudwatch/logGroup:LogGroup", {}),
    ("COST-TAG-001", S3, {}),
    ("COST-TAG-002", "aws:autoscaling/group:Group", {"maxSize": 4.0}),
    ("COST-TAG-002", LT, {}),
]

# (check, the stack, token whose default is judged)
STACK_OMITTED = [
    ("SEC-STORAGE-002", [view(S3, "models", {"bucket": "acme-models"})], S3),
    ("SEC-STORAGE-009", [view(S3, "models", {"bucket": "acme-models"})], S3),
    ("SEC-STORAGE-009", [view(AZ, "acct", {"accountName": "acme"})], AZ),
    ("SEC-STORAGE-009", [view(GCS, "g", {"name": "g"})], GCS),
    ("SEC-STORAGE-013", [view(S3, "models", {"bucket": "acme-models"})], S3),
    ("SEC-STORAGE-013", [view(AZ, "acct", {"accountName": "acme"})], AZ),
    ("SEC-STORAGE-013", [view(GCS, "g", {"name": "g"})], GCS),
    ("SEC-STORAGE-014", [view(S3, "models", {"bucket": "acme-models"})], S3),
    ("SEC-STORAGE-015", [view(GCS, "g", {"name": "g"})], GCS),
    ("SEC-NET-002", [view("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})], "aws:ec2/vpc:Vpc"),
]
