"""Baselines and failing mutations for the checks added to cover the scanner classes of issue 16:
policy documents, keys, networks and logs, GCE template hardening, AKS, pod hardening.

Baselines are the secure shape a user writes; mutations are the insecure shapes of the Checkov /
KICS fixtures, written with the provider's own input names."""

from __future__ import annotations

import json

from tests.guardrails.cases_compute_ml import GCE_BASE, GCE_TEMPLATES, K8S_TOKENS, POD, workload
from tests.guardrails.helpers import DELETE, Case

ACCOUNT = "arn:aws:iam::111122223333:root"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def policy(*statements) -> str:
    """A policy document's JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action="*", resource="*", **extra) -> dict:
    """One Allow statement."""
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource, **extra}


OWNER_ONLY = {"StringEquals": {"AWS:SourceOwner": "111122223333"}}
SERVICE = {"Service": "budgets.amazonaws.com"}
ADMIN_DOC = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
READ_DOC = json.dumps({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::m/*"}]})

POLICIES = [
    Case("SEC-IAM-001", "aws:s3/bucketPolicy:BucketPolicy", {"policy": policy(allow({"AWS": ACCOUNT}, "s3:GetObject"))},
         [({"policy": policy(allow("*", "s3:GetObject"))}, "Principal *"),
          ({"policy": policy(allow({"AWS": ["*"]}, "s3:*"))}, "Principal AWS *")]),
    Case("SEC-IAM-001", "aws:s3/bucket:Bucket", {"policy": policy(allow("*", "s3:GetObject", Condition={
        "StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))},
         [({"policy": policy(allow("*", "s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}}))},
           "a condition that names nobody")]),
    Case("SEC-IAM-002", "aws:sns/topicPolicy:TopicPolicy", {"policy": policy(allow({"AWS": "*"}, "SNS:Publish", Condition=OWNER_ONLY))},
         [({"policy": policy(allow({"AWS": "*"}, "SNS:Publish"))}, "anyone may publish")]),
    Case("SEC-IAM-002", "aws:sns/topic:Topic", {"policy": policy(allow(SERVICE, "SNS:Publish"))},
         [({"policy": policy(allow("*", "SNS:Subscribe"))}, "anyone may subscribe")]),
    Case("SEC-IAM-003", "aws:iam/role:Role", {"assumeRolePolicy": policy(allow({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole"))},
         [({"assumeRolePolicy": policy(allow({"AWS": "*"}, "sts:AssumeRole"))}, "assumable by any AWS account")]),
    Case("SEC-IAM-004", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
         {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"},
         [({"policyArn": ADMIN_ARN}, "AdministratorAccess"),
          ({"policyArn": "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"}, "AdministratorAccess, GovCloud")]),
    Case("SEC-IAM-004", "aws:iam/role:Role", {"assumeRolePolicy": "{}", "inlinePolicies": [{"name": "read", "policy": READ_DOC}]},
         [({"managedPolicyArns": [ADMIN_ARN]}, "managed AdministratorAccess"),
          ({"inlinePolicies.0.policy": ADMIN_DOC}, "inline *:*")]),
    Case("SEC-IAM-004", "aws:iam/rolePolicy:RolePolicy", {"role": "r", "policy": READ_DOC},
         [({"policy": ADMIN_DOC}, "*:*")]),
    Case("SEC-IAM-004", "aws:iam/policy:Policy", {"policy": READ_DOC}, [({"policy": ADMIN_DOC}, "*:*")]),
    Case("SEC-KMS-001", "aws:kms/key:Key", {"policy": policy(allow({"AWS": ACCOUNT}, "kms:*"))},
         [({"policy": policy(allow({"AWS": "*"}, "kms:*"))}, "wildcard principal")]),
]

KEYS = [
    Case("SEC-KMS-002", "aws:kms/key:Key", {"enableKeyRotation": True},
         [({"enableKeyRotation": False}, "rotation off"), ({"enableKeyRotation": DELETE}, "KMS default: off")]),
    Case("SEC-KMS-002", "gcp:kms/cryptoKey:CryptoKey", {"keyRing": "r", "rotationPeriod": "7776000s"},
         [({"rotationPeriod": DELETE}, "never rotated"), ({"rotationPeriod": "31536000s"}, "a year")]),
    *[Case("SEC-KMS-003", t, base, [(bad, "public key")]) for t, base, bad in (
        ("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", {"member": "serviceAccount:a@p.iam.gserviceaccount.com"}, {"member": "allUsers"}),
        ("gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding", {"members": ["group:ml@example.com"]}, {"members": ["allAuthenticatedUsers"]}),
        ("gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy", {"policyData": json.dumps({"bindings": [{"members": ["user:a@example.com"]}]})},
         {"policyData": json.dumps({"bindings": [{"members": ["allUsers"]}]})}),
        ("gcp:kms/keyRingIAMMember:KeyRingIAMMember", {"member": "user:a@example.com"}, {"member": "allUsers"}),
        ("gcp:kms/keyRingIAMBinding:KeyRingIAMBinding", {"members": ["user:a@example.com"]}, {"members": ["allUsers"]}),
        ("gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy", {"policyData": json.dumps({"bindings": []})},
         {"policyData": json.dumps({"bindings": [{"members": ["allAuthenticatedUsers"]}]})}))],
    Case("SEC-KV-001", "azure-native:keyvault:Vault", {"properties": {"publicNetworkAccess": "Disabled"}},
         [({"properties.publicNetworkAccess": "enabled"}, "SDK default 'enabled', no firewall"),
          ({"properties": {"networkAcls": {"defaultAction": "Allow"}}}, "firewall allows by default")]),
    Case("SEC-KV-001", "azure-native:keyvault:Vault", {"properties": {"networkAcls": {"defaultAction": "Deny"}}},
         [({"properties.networkAcls.defaultAction": "Allow"}, "default action Allow")]),
    Case("SEC-KV-002", "azure-native:keyvault:Vault", {"properties": {"enablePurgeProtection": True, "enableSoftDelete": True}},
         [({"properties.enablePurgeProtection": DELETE}, "purge protection off by default"),
          ({"properties.enableSoftDelete": False}, "no soft delete")]),
    Case("SEC-MSG-001", "aws:sns/topic:Topic", {"kmsMasterKeyId": "alias/alerts"},
         [({"kmsMasterKeyId": DELETE}, "unencrypted")]),
]

NETWORK = [
    Case("SEC-NET-001", "aws:ec2/securityGroup:SecurityGroup",
         {"ingress": [{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["0.0.0.0/0"]},
                      {"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["10.0.0.0/16"]}]},
         [({"ingress.0.fromPort": 22.0, "ingress.0.toPort": 22.0}, "SSH from anywhere"),
          ({"ingress.0.fromPort": 0.0, "ingress.0.toPort": 65535.0}, "every TCP port"),
          ({"ingress.1.cidrBlocks": ["0.0.0.0/0"]}, "all protocols from anywhere"),
          ({"ingress.0": {"protocol": "tcp", "fromPort": 3389.0, "toPort": 3389.0, "ipv6CidrBlocks": ["::/0"]}}, "RDP over IPv6")]),
    Case("SEC-NET-001", "aws:ec2/securityGroupRule:SecurityGroupRule",
         {"type": "ingress", "protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["10.0.0.0/8"], "securityGroupId": "sg"},
         [({"cidrBlocks": ["0.0.0.0/0"]}, "SSH rule from anywhere")]),
    Case("SEC-NET-001", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
         {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0", "securityGroupId": "sg"},
         [({"ipProtocol": "-1", "fromPort": DELETE, "toPort": DELETE}, "every protocol from anywhere"),
          ({"fromPort": 20.0, "toPort": 25.0}, "a range over SSH")]),
    Case("SEC-LOG-001", "aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 90.0, "kmsKeyId": "arn:aws:kms:us-west-2:1:key/k"},
         [({"retentionInDays": DELETE}, "kept forever"), ({"retentionInDays": 0.0}, "0 means forever"),
          ({"kmsKeyId": DELETE}, "service key")]),
]

COMPUTE_EXTRA = [
    Case("SEC-COMPUTE-003", "aws:ebs/volume:Volume", {"availabilityZone": "us-west-2a", "size": 500.0, "encrypted": True},
         [({"encrypted": DELETE}, "unencrypted by default"), ({"encrypted": False}, "unencrypted")]),
    *[Case("SEC-COMPUTE-009", t, GCE_BASE, [({"shieldedInstanceConfig": {"enableIntegrityMonitoring": False}}, "no integrity monitoring"),
                                             ({"shieldedInstanceConfig": {"enableVtpm": False}}, "no vTPM")]) for t in GCE_TEMPLATES],
    *[Case("SEC-COMPUTE-010", t, GCE_BASE, [({"canIpForward": True}, "IP forwarding")]) for t in GCE_TEMPLATES],
    *[Case("SEC-COMPUTE-011", t, GCE_BASE, [({"metadata.serial-port-enable": "true"}, "serial console")]) for t in GCE_TEMPLATES],
    Case("SEC-ML-011", "gcp:cloudrun/iamMember:IamMember", {"member": "serviceAccount:caller@p.iam.gserviceaccount.com"},
         [({"member": "allUsers"}, "v1 service invokable by anyone")]),
    Case("SEC-ML-011", "gcp:cloudrun/iamBinding:IamBinding", {"members": ["group:ml@example.com"]},
         [({"members": ["allAuthenticatedUsers"]}, "any Google account")]),
    Case("SEC-ML-011", "gcp:cloudrun/iamPolicy:IamPolicy", {"policyData": json.dumps({"bindings": [{"role": "roles/run.invoker", "members": ["group:ml@example.com"]}]})},
         [({"policyData": json.dumps({"bindings": [{"role": "roles/run.invoker", "members": ["allUsers"]}]})}, "policy grants allUsers")]),
]

AKS = "azure-native:containerservice:ManagedCluster"
AKS_CASES = [
    Case("SEC-K8S-014", AKS, {"diskEncryptionSetID": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/diskEncryptionSets/d"},
         [({"diskEncryptionSetID": DELETE}, "Microsoft-managed keys")]),
    Case("SEC-K8S-015", AKS, {"addonProfiles": {"omsagent": {"enabled": True, "config": {"logAnalyticsWorkspaceResourceID": "w"}}}},
         [({"addonProfiles.omsagent.enabled": False}, "add-on off"), ({"addonProfiles": DELETE}, "no add-on")]),
]

HARDENED_POD = {**POD, "securityContext": {**POD["securityContext"], "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{**POD["containers"][0], "ports": [{"containerPort": 8000.0}],
                                "env": [{"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf", "key": "token"}}},
                                        {"name": "TOKENIZER_PARALLELISM", "value": "false"}]}]}
C0 = "containers.0"


def _pods(check: str, mutations: list) -> list:
    """One case per workload kind, on the hardened pod; mutation keys are pod-spec relative."""
    from aiscale.facts.kubernetes import POD_SPEC_PATHS

    return [Case(check, token, workload(canonical, HARDENED_POD),
                 [({f"{POD_SPEC_PATHS[canonical]}.{k}": v for k, v in m.items()}, why) for m, why in mutations])
            for canonical, token in K8S_TOKENS.items()]


PODS = [
    *_pods("SEC-WL-009", [({"securityContext.seccompProfile": DELETE}, "seccomp Unconfined by default"),
                          ({f"{C0}.securityContext.seccompProfile": {"type": "Unconfined"}}, "container overrides with Unconfined"),
                          ({f"{C0}.securityContext.appArmorProfile": {"type": "Unconfined"}}, "AppArmor Unconfined")]),
    *_pods("SEC-WL-010", [({f"{C0}.ports.0.hostPort": 8000.0}, "host port")]),
    *_pods("SEC-WL-011", [({f"{C0}.env.0": {"name": "HF_TOKEN", "value": "hf_abcdefghijklmnop"}}, "token in plain text"),
                          ({f"{C0}.env.0": {"name": "db_password", "value": "hunter2"}}, "password in plain text")]),
]

SCANNER_CLASSES = POLICIES + KEYS + NETWORK + COMPUTE_EXTRA + AKS_CASES + PODS
"""Every case of this module."""
