"""Baselines and failing mutations for the object-storage and managed-Kubernetes checks.

SEC-STORAGE-009, -013, -014 and -015 are stack checks: their cases are in cases_storage_logging.py."""

from __future__ import annotations

import json

from tests.guardrails.helpers import DELETE, Case

PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3 = "aws:s3/bucket:Bucket"
S3_ACL = "aws:s3/bucketAcl:BucketAcl"
AZ_ACCOUNT = "azure-native:storage:StorageAccount"
GCS = "gcp:storage/bucket:Bucket"
EKS = "aws:eks/cluster:Cluster"
EKS_POOL = "aws:eks/nodeGroup:NodeGroup"
AKS = "azure-native:containerservice:ManagedCluster"
AKS_POOL = "azure-native:containerservice:AgentPool"
GKE = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
KMS = "arn:aws:kms:us-west-2:111122223333:key/1234"
OPEN = ["0.0.0.0/0"]
OFFICE = ["203.0.113.0/24"]

STORAGE = [
    Case("SEC-STORAGE-001", PAB, {f: True for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")},
         [({"blockPublicPolicy": False}, "one flag off"), ({"ignorePublicAcls": DELETE}, "flag missing"),
          ({"restrictPublicBuckets": "false"}, "string 'false' is coerced")]),
    Case("SEC-STORAGE-003", S3, {"acl": "private"},
         [({"acl": "public-read"}, "public canned ACL"), ({"grants": [{"type": "Group", "uri": ALL_USERS, "permissions": ["READ"]}]}, "grant to AllUsers")]),
    Case("SEC-STORAGE-003", "aws:s3/bucketAclV2:BucketAclV2", {"acl": "private"},
         [({"acl": "public-read-write"}, "v6 token, public ACL"),
          ({"accessControlPolicy": {"grants": [{"grantee": {"type": "Group", "uri": ALL_USERS}, "permission": "READ"}]}}, "grantee AllUsers")]),
    Case("SEC-STORAGE-004", AZ_ACCOUNT, {"allowBlobPublicAccess": False},
         [({"allowBlobPublicAccess": True}, "public blobs allowed")]),
    Case("SEC-STORAGE-004", "azure-native:storage/v20230101:StorageAccount", {"allowBlobPublicAccess": False},
         [({"allowBlobPublicAccess": True}, "versioned token")]),
    Case("SEC-STORAGE-005", "azure-native:storage:BlobContainer", {"publicAccess": "None"},
         [({"publicAccess": "Blob"}, "anonymous blob reads"), ({"publicAccess": "Container"}, "anonymous listing")]),
    Case("SEC-STORAGE-006", GCS, {"publicAccessPrevention": "enforced"},
         [({"publicAccessPrevention": "inherited"}, "inherited"), ({"publicAccessPrevention": DELETE}, "missing means inherited")]),
    Case("SEC-STORAGE-007", "gcp:storage/bucketIAMMember:BucketIAMMember", {"member": "user:a@example.com", "role": "roles/storage.objectViewer"},
         [({"member": "allUsers"}, "anyone")]),
    Case("SEC-STORAGE-007", "gcp:storage/bucketIAMBinding:BucketIAMBinding", {"members": ["group:ml@example.com"]},
         [({"members": ["group:ml@example.com", "allAuthenticatedUsers"]}, "any Google account")]),
    Case("SEC-STORAGE-007", "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
         {"policyData": json.dumps({"bindings": [{"role": "roles/storage.admin", "members": ["user:a@example.com"]}]})},
         [({"policyData": json.dumps({"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]})}, "policy grants allUsers")]),
    Case("SEC-STORAGE-007", "gcp:storage/bucketAccessControl:BucketAccessControl", {"entity": "user-a@example.com", "role": "READER"},
         [({"entity": "allUsers"}, "ACL entity allUsers")]),
    Case("SEC-STORAGE-007", "gcp:storage/bucketACL:BucketACL", {"roleEntities": ["OWNER:user-a@example.com"]},
         [({"roleEntities": ["READER:allUsers"]}, "role entity allUsers"), ({"predefinedAcl": "publicRead"}, "predefined public ACL")]),
    Case("SEC-STORAGE-008", GCS, {"uniformBucketLevelAccess": True},
         [({"uniformBucketLevelAccess": False}, "object ACLs allowed")]),
    Case("SEC-STORAGE-010", AZ_ACCOUNT, {"enableHttpsTrafficOnly": True},
         [({"enableHttpsTrafficOnly": False}, "plain HTTP allowed")]),
    Case("SEC-STORAGE-011", AZ_ACCOUNT, {"minimumTlsVersion": "TLS1_2"},
         [({"minimumTlsVersion": "TLS1_0"}, "TLS 1.0"), ({"minimumTlsVersion": DELETE}, "unset")]),
    Case("SEC-STORAGE-012", AZ_ACCOUNT, {"networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices"}},
         [({"networkRuleSet.defaultAction": "Allow"}, "default allow"), ({"networkRuleSet": DELETE}, "no rule set")]),
]

KUBERNETES = [
    Case("SEC-K8S-001", EKS, {"vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}},
         [({"vpcConfig.endpointPublicAccess": True}, "public with EKS's default 0.0.0.0/0"),
          ({"vpcConfig.endpointPublicAccess": DELETE}, "public access defaults to on")]),
    Case("SEC-K8S-001", EKS, {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": OFFICE}},
         [({"vpcConfig.publicAccessCidrs": OFFICE + OPEN}, "restricted list includes the world")]),
    Case("SEC-K8S-001", AKS, {"apiServerAccessProfile": {"enablePrivateCluster": True}},
         [({"apiServerAccessProfile.enablePrivateCluster": False}, "public, no authorized ranges")]),
    Case("SEC-K8S-001", AKS, {"apiServerAccessProfile": {"enablePrivateCluster": False, "authorizedIPRanges": OFFICE}},
         [({"apiServerAccessProfile.authorizedIPRanges": OPEN}, "authorized 0.0.0.0/0")]),
    Case("SEC-K8S-001", GKE, {"privateClusterConfig": {"enablePrivateEndpoint": True, "enablePrivateNodes": True}},
         [({"privateClusterConfig.enablePrivateEndpoint": False}, "public, no master authorized networks")]),
    Case("SEC-K8S-001", GKE, {"masterAuthorizedNetworksConfig": {}},
         [({"masterAuthorizedNetworksConfig": DELETE}, "authorized networks off")]),
    Case("SEC-K8S-001", GKE, {"masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": OFFICE[0]}]}},
         [({"masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock": "0.0.0.0/0"}, "world authorized"),
          ({"masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled": True}, "all GCP public IPs")]),
    Case("SEC-K8S-002", EKS, {"vpcConfig": {"endpointPublicAccess": False}},
         [({"vpcConfig.endpointPublicAccess": True, "vpcConfig.publicAccessCidrs": OFFICE}, "public even if restricted")]),
    Case("SEC-K8S-002", AKS, {"apiServerAccessProfile": {"enablePrivateCluster": True}},
         [({"apiServerAccessProfile.enablePrivateCluster": DELETE}, "not private")]),
    Case("SEC-K8S-002", GKE, {"privateClusterConfig": {"enablePrivateEndpoint": True}},
         [({"privateClusterConfig": DELETE}, "public endpoint")]),
    Case("SEC-K8S-003", EKS, {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": KMS}}},
         [({"encryptionConfig.provider": DELETE}, "no key"), ({"encryptionConfig.resources": []}, "secrets not listed"),
          ({"encryptionConfig": DELETE}, "no encryption config")]),
    Case("SEC-K8S-003", AKS, {"securityProfile": {"azureKeyVaultKms": {"enabled": True, "keyId": "https://v/keys/k/1"}}},
         [({"securityProfile.azureKeyVaultKms.enabled": False}, "KMS off")]),
    Case("SEC-K8S-003", GKE, {"databaseEncryption": {"state": "ENCRYPTED", "keyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}},
         [({"databaseEncryption.state": "DECRYPTED"}, "application-layer encryption off")]),
    Case("SEC-K8S-004", EKS, {"enabledClusterLogTypes": ["api", "audit", "authenticator", "scheduler"]},
         [({"enabledClusterLogTypes": ["api"]}, "audit missing"), ({"enabledClusterLogTypes": DELETE}, "no logs")]),
    Case("SEC-K8S-004", GKE, {"loggingService": "logging.googleapis.com/kubernetes"},
         [({"loggingService": "none"}, "logging off"), ({"loggingConfig": {"enableComponents": []}}, "no components")]),
    Case("SEC-K8S-005", AKS, {"networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium"}},
         [({"networkProfile.networkPolicy": DELETE}, "no policy engine"), ({"networkProfile.networkPolicy": "none"}, "explicitly none")]),
    Case("SEC-K8S-005", GKE, {"datapathProvider": "ADVANCED_DATAPATH"},
         [({"datapathProvider": "LEGACY_DATAPATH"}, "legacy datapath without network policy")]),
    Case("SEC-K8S-006", AKS, {"enableRBAC": True, "disableLocalAccounts": True},
         [({"enableRBAC": False}, "RBAC off"), ({"disableLocalAccounts": DELETE}, "local admin account kept")]),
    Case("SEC-K8S-006", GKE, {"enableLegacyAbac": False},
         [({"enableLegacyAbac": True}, "legacy ABAC"),
          ({"masterAuth": {"clientCertificateConfig": {"issueClientCertificate": True}}}, "client certificate")]),
    Case("SEC-K8S-007", GKE, {"workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"}},
         [({"workloadIdentityConfig": DELETE}, "no workload identity"),
          ({"nodeConfig": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}}, "default pool exposes the node metadata")]),
    Case("SEC-K8S-007", GKE_POOL, {"nodeConfig": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}},
         [({"nodeConfig.workloadMetadataConfig.mode": "GCE_METADATA"}, "node metadata exposed")]),
    Case("SEC-K8S-007", AKS, {"securityProfile": {"workloadIdentity": {"enabled": True}}, "oidcIssuerProfile": {"enabled": True}},
         [({"securityProfile.workloadIdentity.enabled": False}, "off")]),
    Case("SEC-K8S-008", AKS, {"agentPoolProfiles": [{"name": "system", "mode": "System", "enableNodePublicIP": False}]},
         [({"agentPoolProfiles.0.enableNodePublicIP": True}, "inline pool with public IPs")]),
    Case("SEC-K8S-008", AKS_POOL, {"enableNodePublicIP": False},
         [({"enableNodePublicIP": True}, "public node IPs")]),
    Case("SEC-K8S-008", GKE, {"privateClusterConfig": {"enablePrivateNodes": True}},
         [({"privateClusterConfig.enablePrivateNodes": False}, "public nodes"), ({"privateClusterConfig": DELETE}, "unset")]),
    Case("SEC-K8S-008", GKE_POOL, {"nodeConfig": {"machineType": "g2-standard-8"}},
         [({"networkConfig": {"enablePrivateNodes": False}}, "pool overrides to public")]),
    Case("SEC-K8S-009", EKS_POOL, {"remoteAccess": {"ec2SshKey": "ops", "sourceSecurityGroupIds": ["sg-1"]}},
         [({"remoteAccess.sourceSecurityGroupIds": []}, "SSH open to the world"), ({"remoteAccess.sourceSecurityGroupIds": DELETE}, "unset")]),
    Case("SEC-K8S-010", GKE, {"enableShieldedNodes": True},
         [({"enableShieldedNodes": False}, "shielded nodes off")]),
    Case("SEC-K8S-010", GKE_POOL, {"nodeConfig": {"shieldedInstanceConfig": {"enableSecureBoot": True}}},
         [({"nodeConfig.shieldedInstanceConfig.enableSecureBoot": False}, "no secure boot")]),
    Case("SEC-K8S-011", EKS, {"version": "1.31"},
         [({"version": "1.28"}, "older than the floor")]),
    Case("SEC-K8S-011", AKS, {"kubernetesVersion": "1.31.2", "autoUpgradeProfile": {"upgradeChannel": "patch"}},
         [({"autoUpgradeProfile.upgradeChannel": "none"}, "no upgrade channel"), ({"kubernetesVersion": "1.27.9"}, "old version")]),
    Case("SEC-K8S-011", GKE, {"releaseChannel": {"channel": "REGULAR"}, "minMasterVersion": "1.31.1-gke.100"},
         [({"releaseChannel.channel": "UNSPECIFIED"}, "no channel"), ({"minMasterVersion": "1.27.3-gke.100"}, "old version")]),
    Case("SEC-K8S-011", GKE_POOL, {"management": {"autoRepair": True, "autoUpgrade": True}},
         [({"management.autoUpgrade": False}, "auto-upgrade off"), ({"management.autoRepair": False}, "auto-repair off")]),
    Case("SEC-K8S-012", GKE_POOL, {"nodeConfig": {"serviceAccount": "gpu-nodes@acme.iam.gserviceaccount.com"}},
         [({"nodeConfig.serviceAccount": "123456-compute@developer.gserviceaccount.com"}, "default compute SA"),
          ({"nodeConfig.serviceAccount": DELETE}, "unset means default")]),
    Case("SEC-K8S-012", GKE, {"nodeConfig": {"serviceAccount": "gpu-nodes@acme.iam.gserviceaccount.com"}},
         [({"nodeConfig.serviceAccount": "123456-compute@developer.gserviceaccount.com"}, "default pool on the default SA"),
          ({"nodeConfig": DELETE}, "default pool kept, no nodeConfig: the default compute SA"),
          ({"removeDefaultNodePool": True, "nodeConfig.serviceAccount": "default"}, "removed pool still starts as 'default'")]),
    Case("SEC-K8S-013", AKS_POOL, {"enableEncryptionAtHost": True},
         [({"enableEncryptionAtHost": False}, "off")]),
    Case("SEC-K8S-013", AKS, {"agentPoolProfiles": [{"name": "system", "enableEncryptionAtHost": True}]},
         [({"agentPoolProfiles.0.enableEncryptionAtHost": DELETE}, "inline pool without host encryption")]),
]
