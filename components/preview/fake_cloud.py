"""A fake cloud for Pulumi's mock runtime: realistic ids, ARNs, names and invoke answers.

Every registration gets a deterministic id derived from its type and name (so two previews of
the same program are identical), plus the computed outputs real programs commonly read (ARNs,
endpoints, self links, e-mail addresses). Invokes that programs commonly make (caller identity,
region, zones, client config, project) get answers consistent with the stack's configuration;
an unknown invoke gets an empty answer and a warning.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Mapping, Optional

import pulumi

#: Fake identities, consistent across every answer of one preview.
AWS_ACCOUNT_ID = "123456789012"
AZURE_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
AZURE_TENANT_ID = "11111111-1111-1111-1111-111111111111"
AZURE_OBJECT_ID = "22222222-2222-2222-2222-222222222222"
GCP_PROJECT_NUMBER = "123456789012"

#: Defaults when the stack configures no region for a provider.
DEFAULT_AWS_REGION = "us-east-1"
DEFAULT_AZURE_LOCATION = "eastus"
DEFAULT_GCP_PROJECT = "preview-project"
DEFAULT_GCP_REGION = "us-central1"

#: EC2-style id prefixes by the resource's type name (the part after the last colon).
_AWS_ID_PREFIXES = {
    "Vpc": "vpc", "Subnet": "subnet", "SecurityGroup": "sg", "InternetGateway": "igw",
    "NatGateway": "nat", "Eip": "eipalloc", "RouteTable": "rtb", "LaunchTemplate": "lt",
    "Instance": "i", "NetworkInterface": "eni", "VpcEndpoint": "vpce", "Volume": "vol",
}


#: Azure resources whose own name input is not ``<kind>Name``.
_AZURE_NAME_KEYS = {"BlobContainer": ("containerName",), "ManagedCluster": ("resourceName",),
                    "VirtualMachineScaleSet": ("vmScaleSetName",), "AutoscaleSetting": ("autoscaleSettingName",)}
#: Name inputs that usually name a parent (vault, account, VNet, workspace): used only as a last resort.
_AZURE_PARENT_NAME_KEYS = ("accountName", "vaultName", "virtualNetworkName", "workspaceName",
                           "endpointName", "clusterName", "deploymentName", "scaleSetName",
                           "roleAssignmentName", "actionGroupName", "budgetName")


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _first_str(inputs: Mapping[str, Any], *keys: str) -> Optional[str]:
    for key in keys:
        value = inputs.get(key)
        if isinstance(value, str) and value:
            return value
    return None


class FakeCloud(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes like AWS, Azure, GCP and Kubernetes would."""

    def __init__(self, config: Mapping[str, str], warn: Callable[[str], None]) -> None:
        self._config = config
        self._warn = warn

    # -- configuration ---------------------------------------------------------------------
    @property
    def aws_region(self) -> str:
        """The AWS region of the stack (``aws:region``)."""
        return self._config.get("aws:region", DEFAULT_AWS_REGION)

    @property
    def azure_location(self) -> str:
        """The Azure location of the stack (``azure-native:location``)."""
        return self._config.get("azure-native:location", DEFAULT_AZURE_LOCATION)

    @property
    def gcp_project(self) -> str:
        """The GCP project of the stack (``gcp:project``)."""
        return self._config.get("gcp:project", DEFAULT_GCP_PROJECT)

    @property
    def gcp_region(self) -> str:
        """The GCP region of the stack (``gcp:region``)."""
        return self._config.get("gcp:region", DEFAULT_GCP_REGION)

    # -- registrations -----------------------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict]:
        """Return a deterministic id and the state: the inputs plus typical computed outputs."""
        inputs = dict(args.inputs)
        if args.resource_id:  # a read or an import keeps the id it was given
            return args.resource_id, inputs
        package = args.typ.split(":", 1)[0]
        builder = {
            "aws": self._aws,
            "azure-native": self._azure,
            "gcp": self._gcp,
            "kubernetes": self._kubernetes,
        }.get(package)
        if builder is None:
            return f"{args.name}-{_digest(args.typ, args.name, length=8)}", inputs
        return builder(args.typ, args.name, inputs)

    def _aws(self, typ: str, name: str, inputs: dict) -> tuple[str, dict]:
        module, kind = typ.split(":")[1].split("/")[0], typ.rsplit(":", 1)[1]
        region, account = self.aws_region, AWS_ACCOUNT_ID
        if module == "s3" and kind in ("Bucket", "BucketV2"):
            bucket = _first_str(inputs, "bucket") or f"{name}-{_digest(typ, name, length=7)}"
            inputs.update(bucket=bucket, arn=f"arn:aws:s3:::{bucket}",
                          bucketDomainName=f"{bucket}.s3.amazonaws.com",
                          bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com",
                          region=region)
            return bucket, inputs
        if module == "s3":
            return _first_str(inputs, "bucket") or name, inputs
        prefix = _AWS_ID_PREFIXES.get(kind)
        if prefix and module in ("ec2", "vpc"):
            resource_id = f"{prefix}-{_digest(typ, name)}"
        elif module == "kms" and kind == "Key":
            digest = _digest(typ, name, length=32)
            resource_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
            inputs["keyId"] = resource_id
        else:
            resource_id = _first_str(inputs, "name", "clusterName", "nodeGroupName") or name
        arn_kind = "key" if module == "kms" else kind[0].lower() + kind[1:]
        arn_region = "" if module == "iam" else region
        inputs.setdefault("arn", f"arn:aws:{module}:{arn_region}:{account}:{arn_kind}/{resource_id}")
        inputs.setdefault("name", _first_str(inputs, "name") or resource_id)
        if module == "eks" and kind == "Cluster":
            inputs.update(
                endpoint=f"https://{_digest(typ, name, length=32).upper()}.gr7.{region}.eks.amazonaws.com",
                certificateAuthority={"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"},
                identities=[{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{_digest(typ, name, length=32).upper()}"}]}],
            )
        if module == "iam" and kind == "Role":
            inputs.setdefault("uniqueId", f"AROA{_digest(typ, name, length=17).upper()}")
        if module == "ec2" and kind == "LaunchTemplate":
            inputs.setdefault("latestVersion", 1)
        if module == "autoscaling" and kind == "Group":
            inputs.setdefault("name", resource_id)
        return resource_id, inputs

    def _azure(self, typ: str, name: str, inputs: dict) -> tuple[str, dict]:
        module, kind = typ.split(":")[1].split("/")[0], typ.rsplit(":", 1)[1]
        own_key = f"{kind[0].lower()}{kind[1:]}Name"  # subnetName, keyName, agentPoolName, ...
        physical = _first_str(
            inputs, own_key, *_AZURE_NAME_KEYS.get(kind, ()), "resourceName", "name",
            "resourceGroupName" if kind == "ResourceGroup" else "",
            *(key for key in _AZURE_PARENT_NAME_KEYS if key != own_key),
        ) or f"{name}{_digest(typ, name, length=6)}"
        sub = f"/subscriptions/{AZURE_SUBSCRIPTION_ID}"
        if kind == "ResourceGroup":
            resource_id = f"{sub}/resourceGroups/{physical}"
        else:
            group = inputs.get("resourceGroupName") if isinstance(inputs.get("resourceGroupName"), str) else "rg"
            provider = f"Microsoft.{module[0].upper()}{module[1:]}"
            resource_id = f"{sub}/resourceGroups/{group}/providers/{provider}/{kind[0].lower()}{kind[1:]}s/{physical}"
        inputs.setdefault("name", physical)
        inputs.setdefault("location", self.azure_location)
        inputs["azureApiVersion"] = "2024-01-01"
        identity = inputs.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            # Inputs list the identity ids; Azure answers with a map of id -> identity details.
            inputs["identity"] = {**identity, "principalId": AZURE_OBJECT_ID, "tenantId": AZURE_TENANT_ID,
                                  "userAssignedIdentities": {
                                      str(ref): {"principalId": AZURE_OBJECT_ID, "clientId": AZURE_OBJECT_ID}
                                      for ref in identity["userAssignedIdentities"]}}
        if kind == "StorageAccount":
            inputs["primaryEndpoints"] = {"blob": f"https://{physical}.blob.core.windows.net/"}
        elif kind == "Vault":
            inputs["properties"] = {**inputs.get("properties", {}), "vaultUri": f"https://{physical}.vault.azure.net/"}
        elif kind == "Key":
            uri = f"https://vault.vault.azure.net/keys/{physical}"
            inputs.update(keyUri=uri, keyUriWithVersion=f"{uri}/{_digest(typ, name, length=32)}")
        elif kind == "UserAssignedIdentity":
            inputs.update(principalId=AZURE_OBJECT_ID, clientId=AZURE_OBJECT_ID, tenantId=AZURE_TENANT_ID)
        elif kind == "ManagedCluster":
            inputs.update(fqdn=f"{physical}.privatelink.{self.azure_location}.azmk8s.io",
                          oidcIssuerProfile={**inputs.get("oidcIssuerProfile", {}),
                                             "issuerURL": f"https://{self.azure_location}.oic.prod-aks.azure.com/{AZURE_TENANT_ID}/"},
                          identityProfile={"kubeletidentity": {"objectId": AZURE_OBJECT_ID, "clientId": AZURE_OBJECT_ID}})
        return resource_id, inputs

    def _gcp(self, typ: str, name: str, inputs: dict) -> tuple[str, dict]:
        module, kind = typ.split(":")[1].split("/")[0], typ.rsplit(":", 1)[1]
        project = _first_str(inputs, "project") or self.gcp_project
        physical = _first_str(inputs, "name", "accountId", "serviceId") or f"{name}-{_digest(typ, name, length=7)}"
        location = _first_str(inputs, "location", "region", "zone") or self.gcp_region
        if module == "kms" and kind == "CryptoKey":
            ring = inputs.get("keyRing") if isinstance(inputs.get("keyRing"), str) else f"projects/{project}/locations/{location}/keyRings/ring"
            resource_id = f"{ring}/cryptoKeys/{physical}"
        elif module == "kms" and kind == "KeyRing":
            resource_id = f"projects/{project}/locations/{location}/keyRings/{physical}"
        elif module == "serviceaccount" and kind == "Account":
            email = f"{physical}@{project}.iam.gserviceaccount.com"
            resource_id = f"projects/{project}/serviceAccounts/{email}"
            inputs.update(email=email, member=f"serviceAccount:{email}", uniqueId=_digest(typ, name, length=21))
        elif module == "storage" and kind == "Bucket":
            resource_id = physical
            inputs["url"] = f"gs://{physical}"
        else:
            resource_id = f"projects/{project}/locations/{location}/{kind[0].lower()}{kind[1:]}s/{physical}"
        inputs.setdefault("name", physical)
        inputs.setdefault("project", project)
        inputs.setdefault("selfLink", f"https://www.googleapis.com/{module}/v1/{resource_id}")
        if module == "container" and kind == "Cluster":
            inputs.update(endpoint="10.0.0.2", masterAuth={"clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"})
        if module == "cloudrunv2" and kind == "Service":
            inputs.setdefault("uri", f"https://{physical}-{_digest(typ, name, length=10)}-uc.a.run.app")
        return resource_id, inputs

    def _kubernetes(self, typ: str, name: str, inputs: dict) -> tuple[str, dict]:
        metadata = inputs.get("metadata") if isinstance(inputs.get("metadata"), dict) else {}
        physical = metadata.get("name") or f"{name}-{_digest(typ, name, length=8)}"
        namespace = metadata.get("namespace")
        inputs["metadata"] = {**metadata, "name": physical}
        if typ.startswith("kubernetes:helm.sh/v3:Release"):
            inputs.setdefault("status", {"status": "deployed", "name": inputs.get("name", name)})
        return (f"{namespace}/{physical}" if namespace else physical), inputs

    # -- invokes -----------------------------------------------------------------------------
    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        """Answer the common invokes; anything else gets an empty answer and a warning."""
        answer = self._invoke_answers().get(args.token)
        if answer is None:
            self._warn(f"invoke {args.token} is not known to the offline fake cloud; it returned an empty result")
            return {}
        return answer(args.args)

    def _invoke_answers(self) -> dict[str, Callable[[dict], dict]]:
        region, project = self.aws_region, self.gcp_project
        zones = [f"{region}{suffix}" for suffix in "abc"]
        gcp_zones = [f"{self.gcp_region}-{suffix}" for suffix in "abc"]
        return {
            "aws:index/getCallerIdentity:getCallerIdentity": lambda a: {
                "accountId": AWS_ACCOUNT_ID, "arn": f"arn:aws:iam::{AWS_ACCOUNT_ID}:user/preview",
                "userId": "AIDAPREVIEW", "id": AWS_ACCOUNT_ID},
            "aws:index/getRegion:getRegion": lambda a: {
                "name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
                "description": region},
            "aws:index/getPartition:getPartition": lambda a: {
                "partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"},
            "aws:index/getAvailabilityZones:getAvailabilityZones": lambda a: {
                "names": zones, "zoneIds": [f"use1-az{i}" for i in (1, 2, 3)], "id": region},
            "aws:ec2/getAmi:getAmi": lambda a: {"id": f"ami-{_digest('ami', str(a))}", "imageId": f"ami-{_digest('ami', str(a))}"},
            "aws:ssm/getParameter:getParameter": lambda a: {
                "name": a.get("name", ""), "value": f"ami-{_digest('ssm', str(a.get('name')))}", "type": "String"},
            "aws:iam/getPolicyDocument:getPolicyDocument": lambda a: {"json": _policy_json(a)},
            "azure-native:authorization:getClientConfig": lambda a: {
                "clientId": AZURE_OBJECT_ID, "objectId": AZURE_OBJECT_ID,
                "subscriptionId": AZURE_SUBSCRIPTION_ID, "tenantId": AZURE_TENANT_ID},
            "azure-native:authorization:getClientToken": lambda a: {"token": "preview-token"},
            "azure-native:containerservice:listManagedClusterUserCredentials": lambda a: {
                "kubeconfigs": [{"name": "clusterUser", "value": _azure_kubeconfig(a)}]},
            "gcp:organizations/getProject:getProject": lambda a: {
                "projectId": a.get("projectId") or project, "number": GCP_PROJECT_NUMBER,
                "name": a.get("projectId") or project, "id": f"projects/{project}"},
            "gcp:organizations/getClientConfig:getClientConfig": lambda a: {
                "project": project, "region": self.gcp_region, "zone": gcp_zones[0],
                "accessToken": "preview-token", "id": project},
            "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": lambda a: {
                "emailAddress": f"service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com",
                "member": f"serviceAccount:service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com",
                "project": a.get("project") or project, "id": project},
            "gcp:compute/getZones:getZones": lambda a: {"names": gcp_zones, "project": project, "id": project},
        }


def _azure_kubeconfig(args: dict) -> str:
    """A base64 kubeconfig like AKS returns (``format=exec`` uses kubelogin)."""
    import base64

    cluster = args.get("resourceName", "aks")
    server = f"https://{cluster}.privatelink.eastus.azmk8s.io:443"
    text = (f"apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n"
            f"    server: {server}\n    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n"
            f"contexts:\n- name: {cluster}\n  context: {{cluster: {cluster}, user: clusterUser}}\n"
            f"current-context: {cluster}\nusers:\n- name: clusterUser\n  user:\n    exec:\n"
            f"      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n"
            f"      args: [get-token, --login, azurecli, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]\n")
    return base64.b64encode(text.encode()).decode()


def _policy_json(args: dict) -> str:
    """Render an ``aws.iam.getPolicyDocument`` request as the JSON policy AWS would return."""
    import json

    statements = []
    for statement in args.get("statements") or []:
        rendered: dict[str, Any] = {"Effect": statement.get("effect", "Allow")}
        if statement.get("actions"):
            rendered["Action"] = statement["actions"]
        if statement.get("resources"):
            rendered["Resource"] = statement["resources"]
        for principal in statement.get("principals") or []:
            rendered.setdefault("Principal", {})[principal.get("type")] = principal.get("identifiers")
        statements.append(rendered)
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
