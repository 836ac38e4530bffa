"""Baselines and failing mutations for the GPU-VM, ML-endpoint and Kubernetes-workload checks."""

from __future__ import annotations

import base64

from aiscale.guardrails.security.workloads import POD_SPEC_PATHS
from tests.guardrails.helpers import DELETE, Case

LT = "aws:ec2/launchTemplate:LaunchTemplate"
EC2 = "aws:ec2/instance:Instance"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
GCE_TEMPLATES = ("gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate")
NIC = "virtualMachineProfile.networkProfile.networkInterfaceConfigurations.0.ipConfigurations.0"
AKIA = "AKIA" + "ABCDEFGHIJKLMNOP"  # the documented shape of an access key id, not a key
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"  # the 40-character shape of AWS's documented example secret key


def b64(text: str) -> str:
    """Base64 of UTF-8 text (user data is sent encoded)."""
    return base64.b64encode(text.encode()).decode()


VMSS_BASE = {"sku": {"name": "Standard_NC4as_T4_v3", "capacity": 0.0}, "virtualMachineProfile": {
    "osProfile": {"customData": b64("#cloud-config\n"), "linuxConfiguration": {"disablePasswordAuthentication": True}},
    "securityProfile": {"encryptionAtHost": True},
    "networkProfile": {"networkInterfaceConfigurations": [{"name": "nic", "ipConfigurations": [{"name": "ip"}]}]}}}

GCE_BASE = {"machineType": "g2-standard-8", "networkInterfaces": [{"network": "default"}],
            "serviceAccount": {"email": "gpu@acme.iam.gserviceaccount.com", "scopes": ["cloud-platform"]},
            "metadata": {"block-project-ssh-keys": "true", "startup-script": "echo ready"}}

COMPUTE = [
    Case("SEC-COMPUTE-001", LT, {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2.0}},
         [({"metadataOptions.httpTokens": "optional"}, "IMDSv1 allowed"), ({"metadataOptions": DELETE}, "defaults to optional"),
          ({"metadataOptions.httpPutResponseHopLimit": 3.0}, "hop limit above 2")]),
    Case("SEC-COMPUTE-001", EC2, {"metadataOptions": {"httpTokens": "required"}},
         [({"metadataOptions.httpTokens": "optional"}, "instance allows IMDSv1")]),
    Case("SEC-COMPUTE-002", LT, {"networkInterfaces": [{"associatePublicIpAddress": "false"}]},
         [({"networkInterfaces.0.associatePublicIpAddress": "true"}, "string 'true' (pulumi-aws)"),
          ({"networkInterfaces.0.associatePublicIpAddress": True}, "boolean true")]),
    Case("SEC-COMPUTE-002", EC2, {"associatePublicIpAddress": False},
         [({"associatePublicIpAddress": True}, "public IP")]),
    Case("SEC-COMPUTE-002", VMSS, VMSS_BASE,
         [({f"{NIC}.publicIPAddressConfiguration": {"name": "pip"}}, "public IP per VM")]),
    *[Case("SEC-COMPUTE-002", t, GCE_BASE, [({"networkInterfaces.0.accessConfigs": [{}]}, "ephemeral external IP")])
      for t in GCE_TEMPLATES],
    Case("SEC-COMPUTE-003", LT, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeSize": 200.0}}]},
         [({"blockDeviceMappings.0.ebs.encrypted": "false"}, "string 'false'"), ({"blockDeviceMappings.0.ebs.encrypted": DELETE}, "unset")]),
    Case("SEC-COMPUTE-003", EC2, {"rootBlockDevice": {"encrypted": True}, "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": True}]},
         [({"rootBlockDevice.encrypted": False}, "root volume"), ({"ebsBlockDevices.0.encrypted": False}, "data volume")]),
    Case("SEC-COMPUTE-004", LT, {"userData": b64("#!/bin/bash\nnvidia-smi\n")},
         [({"userData": b64(f"export AWS_ACCESS_KEY_ID={AKIA}\n")}, "access key id"),
          ({"userData": b64("-----BEGIN RSA PRIVATE KEY-----\n")}, "private key")]),
    Case("SEC-COMPUTE-004", EC2, {"userData": "#!/bin/bash\necho ok\n"},
         [({"userData": f"aws_secret_access_key = {SECRET_KEY}\n"}, "plain-text secret key")]),
    Case("SEC-COMPUTE-004", VMSS, VMSS_BASE,
         [({"virtualMachineProfile.osProfile.customData": b64("DefaultEndpointsProtocol=https;AccountKey=" + "a" * 40)}, "storage key")]),
    *[Case("SEC-COMPUTE-004", t, GCE_BASE, [({"metadata.startup-script": '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE"}'}, "SA key"),
                                             ({"metadataStartupScript": f"echo {AKIA}"}, "key in startup script")])
      for t in GCE_TEMPLATES],
    *[Case("SEC-COMPUTE-005", t, GCE_BASE, [({"serviceAccount.email": "42-compute@developer.gserviceaccount.com"}, "default SA"),
                                             ({"serviceAccount.email": "default"}, "alias default")])
      for t in GCE_TEMPLATES],
    *[Case("SEC-COMPUTE-006", t, GCE_BASE, [({"metadata.block-project-ssh-keys": DELETE}, "project keys accepted"),
                                             ({"metadata.block-project-ssh-keys": "false"}, "explicitly false")])
      for t in GCE_TEMPLATES],
    Case("SEC-COMPUTE-007", VMSS, VMSS_BASE,
         [({"virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication": False}, "password login")]),
    Case("SEC-COMPUTE-008", VMSS, VMSS_BASE,
         [({"virtualMachineProfile.securityProfile": DELETE}, "no host encryption")]),
]

ML = [
    Case("SEC-ML-001", "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
         {"kmsKeyArn": "arn:aws:kms:r:1:key/k", "productionVariants": [{"variantName": "a", "instanceType": "ml.p3.2xlarge"}]},
         [({"kmsKeyArn": DELETE}, "EBS-backed GPU without a key")]),
    Case("SEC-ML-002", "aws:sagemaker/notebookInstance:NotebookInstance", {"directInternetAccess": "Disabled", "subnetId": "subnet-1"},
         [({"directInternetAccess": "Enabled"}, "direct internet"), ({"subnetId": DELETE}, "no VPC")]),
    Case("SEC-ML-003", "aws:sagemaker/notebookInstance:NotebookInstance",
         {"rootAccess": "Disabled", "kmsKeyId": "k", "instanceMetadataServiceConfiguration": {"minimumInstanceMetadataServiceVersion": "2"}},
         [({"rootAccess": "Enabled"}, "root"), ({"instanceMetadataServiceConfiguration": DELETE}, "IMDSv1"), ({"kmsKeyId": DELETE}, "no CMK")]),
    Case("SEC-ML-004", "aws:sagemaker/model:Model", {"enableNetworkIsolation": True},
         [({"enableNetworkIsolation": False}, "container may call out")]),
    Case("SEC-ML-005", "azure-native:machinelearningservices:Workspace", {"publicNetworkAccess": "Disabled"},
         [({"publicNetworkAccess": "Enabled"}, "public workspace")]),
    Case("SEC-ML-006", "azure-native:machinelearningservices:Compute",
         {"properties": {"computeType": "AmlCompute", "disableLocalAuth": True, "properties": {"enableNodePublicIp": False}}},
         [({"properties.disableLocalAuth": False}, "key auth"), ({"properties.properties.enableNodePublicIp": DELETE}, "public IPs by default")]),
    Case("SEC-ML-007", "azure-native:machinelearningservices:OnlineEndpoint", {"properties": {"authMode": "AADToken", "publicNetworkAccess": "Disabled"}},
         [({"properties.authMode": "Key"}, "static keys"), ({"properties.publicNetworkAccess": "Enabled"}, "public endpoint")]),
    Case("SEC-ML-008", "gcp:vertex/aiEndpoint:AiEndpoint",
         {"network": "projects/1/global/networks/ml", "encryptionSpec": {"kmsKeyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}},
         [({"network": DELETE}, "public endpoint"), ({"encryptionSpec": DELETE}, "no CMK")]),
    Case("SEC-ML-008", "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment",
         {"endpointConfig": {"privateServiceConnectConfig": {"enablePrivateServiceConnect": True, "projectAllowlists": ["acme"]}}},
         [({"endpointConfig.privateServiceConnectConfig.enablePrivateServiceConnect": False}, "public garden endpoint")]),
    Case("SEC-ML-009", "gcp:workbench/instance:Instance", {"gceSetup": {"disablePublicIp": True}},
         [({"gceSetup.disablePublicIp": False}, "public IP")]),
    Case("SEC-ML-010", "gcp:cloudrunv2/service:Service", {"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY"},
         [({"ingress": "INGRESS_TRAFFIC_ALL"}, "all traffic"), ({"ingress": DELETE}, "default is all traffic")]),
    Case("SEC-ML-011", "gcp:cloudrunv2/service:Service", {"ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY"},
         [({"invokerIamDisabled": True}, "IAM check off")]),
    Case("SEC-ML-011", "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", {"member": "serviceAccount:gw@acme.iam.gserviceaccount.com", "role": "roles/run.invoker"},
         [({"member": "allUsers"}, "anonymous invoker")]),
    Case("SEC-ML-011", "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding", {"members": ["group:ml@example.com"], "role": "roles/run.invoker"},
         [({"members": ["allAuthenticatedUsers"]}, "any Google account")]),
]

K8S_TOKENS = {
    "kubernetes:apps:Deployment": "kubernetes:apps/v1:Deployment",
    "kubernetes:apps:StatefulSet": "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps:DaemonSet": "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps:ReplicaSet": "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch:Job": "kubernetes:batch/v1:Job",
    "kubernetes:batch:CronJob": "kubernetes:batch/v1:CronJob",
    "kubernetes:core:Pod": "kubernetes:core/v1:Pod",
}
"""Canonical workload token -> the token pulumi-kubernetes registers."""

POD = {
    "serviceAccountName": "model-server", "automountServiceAccountToken": False,
    "securityContext": {"runAsNonRoot": True},
    "containers": [{
        "name": "server", "image": "vllm/vllm-openai:v0.6.3",
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "resources": {"requests": {"cpu": "4", "memory": "16Gi"}, "limits": {"memory": "16Gi", "nvidia.com/gpu": "1"}}}],
    "volumes": [{"name": "cache", "emptyDir": {}}],
}
META = {"name": "chat", "namespace": "serving", "labels": {"team": "ml", "cost-center": "cc-1"}}


def workload(canonical: str, pod: dict = POD) -> dict:
    """A workload of kind `canonical` whose pod spec is `pod`."""
    path = POD_SPEC_PATHS[canonical].split(".")
    body: dict = pod
    for part in reversed(path):
        body = {part: body}
    body.setdefault("metadata", dict(META))
    if canonical in ("kubernetes:apps:Deployment", "kubernetes:apps:StatefulSet"):
        body["spec"]["replicas"] = 1.0
    return body


def _wl(check: str, mutations: list) -> list:
    """One case per workload kind; mutation keys are pod-spec relative, '/'-prefixed keys absolute."""
    cases = []
    for canonical, token in K8S_TOKENS.items():
        prefix = POD_SPEC_PATHS[canonical]
        resolved = [({(k[1:] if k.startswith("/") else f"{prefix}.{k}"): v for k, v in m.items()}, why) for m, why in mutations]
        cases.append(Case(check, token, workload(canonical), resolved))
    return cases


C0 = "containers.0"
WORKLOADS = [
    *_wl("SEC-WL-001", [({f"{C0}.securityContext.privileged": True}, "privileged")]),
    *_wl("SEC-WL-002", [({f"{C0}.securityContext.allowPrivilegeEscalation": DELETE}, "escalation allowed"),
                        ({f"{C0}.securityContext.capabilities.drop": ["CHOWN"]}, "capabilities kept"),
                        *[({f"{C0}.securityContext.capabilities.add": [cap]}, f"ALL dropped, {cap} added back")
                          for cap in ("SYS_ADMIN", "NET_RAW", "IPC_LOCK", "CAP_SYS_PTRACE")]]),
    *_wl("SEC-WL-003", [({"securityContext.runAsNonRoot": False}, "may run as root"),
                        ({"securityContext.runAsUser": 0.0}, "runAsUser 0 wins over runAsNonRoot"),
                        ({"securityContext.runAsNonRoot": DELETE}, "nothing says non-root: the image's user, often root"),
                        ({f"{C0}.securityContext.readOnlyRootFilesystem": False}, "writable root")]),
    *_wl("SEC-WL-004", [({"hostNetwork": True}, "host network"),
                        ({"volumes.0": {"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}}, "runtime socket")]),
    *_wl("SEC-WL-005", [({f"{C0}.image": "vllm/vllm-openai"}, "untagged"), ({f"{C0}.image": "vllm/vllm-openai:latest"}, "latest")]),
    *_wl("SEC-WL-006", [({"/metadata.namespace": "default"}, "default namespace"), ({"serviceAccountName": DELETE}, "default SA"),
                        ({"automountServiceAccountToken": True}, "token mounted")]),
    *_wl("SEC-WL-008", [({f"{C0}.resources.requests": DELETE}, "no requests"), ({f"{C0}.resources.limits.memory": DELETE}, "no memory cap")]),
    Case("SEC-WL-007", "kubernetes:core/v1:Service",
         {"metadata": {"name": "chat", "namespace": "serving",
                       "annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}},
          "spec": {"type": "LoadBalancer", "ports": [{"port": 80.0}]}},
         [({"metadata.annotations": DELETE}, "internet-facing load balancer"),
          ({"metadata.annotations": {}, "spec.loadBalancerSourceRanges": ["0.0.0.0/0"]}, "open source ranges")]),
]
