"""Hand-written invoke answers, where realism matters more than a value of the right type.

Caller identities, regions and zones agree with the stack's configuration; images and AMIs look
like the cloud's; kubeconfigs are kubeconfigs; keys, SAS tokens and callback URLs are obviously
fake; policy documents render the statements they were asked for. Each answer gives only the
fields that matter: :class:`~aiscale.preview.fake_cloud.FakeCloud` completes it with synthesized
values for the result type's other fields.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable

from aiscale.preview.fake_values import FAKE_SECRET_PREFIX, CloudFacts, digest_of, stable_json

Answer = Callable[[dict], dict]
"""An invoke's arguments -> the fields of its result that are written by hand."""

#: An object id for the caller (the program's own identity) on Azure.
AZURE_CALLER_OBJECT_ID = "22222222-2222-2222-2222-222222222222"
#: A GCP project number.
GCP_PROJECT_NUMBER = "123456789012"
#: A GKE version, where the engine versions are asked for.
GKE_VERSION = "1.31.4-gke.1183000"
#: Base64 of a PEM header: where a certificate is expected.
FAKE_CERTIFICATE = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"


def hand_answers(facts: CloudFacts) -> dict[str, Answer]:
    """Every hand-written answer, by invoke token."""
    return {**_aws(facts), **_azure(facts), **_gcp(facts)}


def _aws(facts: CloudFacts) -> dict[str, Answer]:
    region, account = facts.aws_region, facts.aws_account
    zones = facts.zones("aws")

    def subnet_ids(args: dict) -> list[str]:
        return [f"subnet-{digest_of('subnet', stable_json(args), zone, length=17)}"
                for zone in zones]

    def vpc_id(args: dict) -> str:
        return args.get("id") or f"vpc-{digest_of('vpc', stable_json(args), length=17)}"

    def ami(args: dict) -> str:
        return f"ami-{digest_of('ami', str(args))}"

    return {
        "aws:index/getCallerIdentity:getCallerIdentity": lambda a: {
            "accountId": account, "arn": f"arn:aws:iam::{account}:user/preview",
            "userId": "AIDAPREVIEW", "id": account},
        "aws:index/getRegion:getRegion": lambda a: {
            "name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region},
        "aws:index/getPartition:getPartition": lambda a: {
            "partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"},
        "aws:index/getAvailabilityZones:getAvailabilityZones": lambda a: {
            "names": zones, "zoneIds": [f"use1-az{i}" for i in (1, 2, 3)], "id": region,
            "groupNames": [region], "state": "available", "region": region},
        "aws:ec2/getAmi:getAmi": lambda a: {
            "id": ami(a), "imageId": ami(a), "architecture": "x86_64", "ownerId": "137112412989",
            "name": "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64", "rootDeviceName": "/dev/xvda",
            "rootDeviceType": "ebs", "virtualizationType": "hvm", "state": "available",
            "arn": f"arn:aws:ec2:{region}::image/{ami(a)}"},
        "aws:ec2/getAmiIds:getAmiIds": lambda a: {"ids": [ami(a)], "id": region},
        "aws:ssm/getParameter:getParameter": lambda a: {
            "name": a.get("name", ""), "value": f"ami-{digest_of('ssm', str(a.get('name')))}", "type": "String",
            "arn": f"arn:aws:ssm:{region}:{account}:parameter/{str(a.get('name', '')).lstrip('/')}"},
        "aws:iam/getPolicyDocument:getPolicyDocument": lambda a: {"json": policy_json(a), "minifiedJson": policy_json(a)},
        "aws:ec2/getVpc:getVpc": lambda a: {
            "id": vpc_id(a), "cidrBlock": a.get("cidrBlock") or "172.31.0.0/16", "default": bool(a.get("default")),
            "arn": f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id(a)}", "ownerId": account, "state": "available",
            "region": region, "instanceTenancy": "default", "enableDnsSupport": True, "enableDnsHostnames": True},
        "aws:ec2/getSubnets:getSubnets": lambda a: {"ids": subnet_ids(a), "id": region, "region": region},
        "aws:ec2/getSubnet:getSubnet": lambda a: {
            "id": a.get("id") or subnet_ids(a)[0], "availabilityZone": zones[0], "cidrBlock": "172.31.0.0/20",
            "vpcId": a.get("vpcId") or vpc_id({}), "ownerId": account, "state": "available"},
        "aws:route53/getZone:getZone": lambda a: _route53_zone(a, account),
    }


def _route53_zone(args: dict, account: str) -> dict:
    name = str(args.get("name") or "example.com").rstrip(".") + "."
    zone_id = args.get("zoneId") or "Z" + digest_of("zone", name, length=13).upper()
    return {"id": zone_id, "zoneId": zone_id, "name": name, "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
            "privateZone": bool(args.get("privateZone")), "callerReference": digest_of("ref", name),
            "nameServers": [f"ns-{i}.awsdns-{i:02d}.{tld}" for i, tld in ((512, "net"), (1024, "org"), (1536, "co.uk"), (0, "com"))],
            "primaryNameServer": "ns-512.awsdns-02.net", "resourceRecordSetCount": 2, "comment": "",
            "linkedServiceDescription": "", "linkedServicePrincipal": "", "vpcId": args.get("vpcId") or ""}


def _azure(facts: CloudFacts) -> dict[str, Answer]:
    sub, tenant, location = facts.azure_subscription, facts.azure_tenant, facts.azure_location

    def group_id(args: dict) -> str:
        return f"/subscriptions/{sub}/resourceGroups/{args.get('resourceGroupName', 'rg')}"

    def fake_key(kind: str, args: dict) -> str:
        return f"{FAKE_SECRET_PREFIX}{kind}-{digest_of(kind, stable_json(args), length=32)}"

    def kubeconfigs(user: str) -> Answer:
        return lambda a: {"kubeconfigs": [{"name": user, "value": azure_kubeconfig(a, location, user)}]}

    return {
        "azure-native:authorization:getClientConfig": lambda a: {
            "clientId": AZURE_CALLER_OBJECT_ID, "objectId": AZURE_CALLER_OBJECT_ID,
            "subscriptionId": sub, "tenantId": tenant},
        "azure-native:authorization:getClientToken": lambda a: {"token": f"{FAKE_SECRET_PREFIX}token"},
        "azure-native:containerservice:listManagedClusterUserCredentials": kubeconfigs("clusterUser"),
        "azure-native:containerservice:listManagedClusterAdminCredentials": kubeconfigs("clusterAdmin"),
        "azure-native:resources:getResourceGroup": lambda a: {
            "id": group_id(a), "name": a.get("resourceGroupName", "rg"), "location": location,
            "type": "Microsoft.Resources/resourceGroups", "properties": {"provisioningState": "Succeeded"},
            "tags": {}, "managedBy": ""},
        "azure-native:network:getPublicIPAddress": lambda a: {
            "id": f"{group_id(a)}/providers/Microsoft.Network/publicIPAddresses/{a.get('publicIpAddressName', 'ip')}",
            "name": a.get("publicIpAddressName", "ip"), "location": location, "ipAddress": "203.0.113.10",
            "publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4", "provisioningState": "Succeeded",
            "sku": {"name": "Standard", "tier": "Regional"}, "type": "Microsoft.Network/publicIPAddresses",
            "dnsSettings": {"domainNameLabel": a.get("publicIpAddressName", "ip"),
                            "fqdn": f"{a.get('publicIpAddressName', 'ip')}.{location}.cloudapp.azure.com"}},
        "azure-native:storage:listStorageAccountKeys": lambda a: {"keys": [
            {"keyName": name, "value": fake_key(name, a), "permissions": "FULL",
             "creationTime": "2024-01-01T00:00:00Z"} for name in ("key1", "key2")]},
        "azure-native:storage:listStorageAccountServiceSAS": lambda a: {
            "serviceSasToken": f"sv=2022-11-02&sr=c&sp=r&se=2099-01-01T00%3A00%3A00Z&sig={FAKE_SECRET_PREFIX}sas"},
        "azure-native:storage:listStorageAccountSAS": lambda a: {
            "accountSasToken": f"sv=2022-11-02&ss=b&srt=sco&sp=r&se=2099-01-01T00%3A00%3A00Z&sig={FAKE_SECRET_PREFIX}sas"},
        "azure-native:cosmosdb:listDatabaseAccountKeys": lambda a: {
            key: fake_key(key, a) for key in ("primaryMasterKey", "secondaryMasterKey",
                                              "primaryReadonlyMasterKey", "secondaryReadonlyMasterKey")},
        "azure-native:logic:listWorkflowTriggerCallbackUrl": lambda a: _callback_url(a, location),
        "azure-native:web:listWorkflowTriggerCallbackUrl": lambda a: _callback_url(a, location),
    }


def _callback_url(args: dict, location: str) -> dict:
    workflow, trigger = args.get("workflowName", "workflow"), args.get("triggerName", "manual")
    base = f"https://prod-00.{location}.logic.azure.com/workflows/{digest_of(workflow, length=32)}/triggers/{trigger}/paths/invoke"
    query = {"api-version": "2016-10-01", "sp": f"/triggers/{trigger}/run", "sv": "1.0", "sig": f"{FAKE_SECRET_PREFIX}sig"}
    return {"value": base + "?" + "&".join(f"{k}={v}" for k, v in query.items()), "method": "POST",
            "basePath": base, "queries": {"apiVersion": "2016-10-01", "sp": query["sp"], "sv": "1.0", "sig": query["sig"]},
            "relativePath": "", "relativePathParameters": []}


def _gcp(facts: CloudFacts) -> dict[str, Answer]:
    project, region = facts.gcp_project, facts.gcp_region
    zones = facts.zones("gcp")
    agent = f"service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    return {
        "gcp:organizations/getProject:getProject": lambda a: {
            "projectId": a.get("projectId") or project, "number": GCP_PROJECT_NUMBER,
            "name": a.get("projectId") or project, "id": f"projects/{project}"},
        "gcp:organizations/getClientConfig:getClientConfig": lambda a: {
            "project": project, "region": region, "zone": zones[0],
            "accessToken": f"{FAKE_SECRET_PREFIX}token", "id": project},
        "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": lambda a: {
            "emailAddress": agent, "member": f"serviceAccount:{agent}", "project": a.get("project") or project,
            "id": project},
        "gcp:compute/getZones:getZones": lambda a: {"names": zones, "project": project, "id": project,
                                                    "region": a.get("region") or region},
        "gcp:compute/getImage:getImage": lambda a: _gcp_image(a),
        "gcp:container/getEngineVersions:getEngineVersions": lambda a: {
            "defaultClusterVersion": GKE_VERSION, "latestMasterVersion": GKE_VERSION, "latestNodeVersion": GKE_VERSION,
            "validMasterVersions": [GKE_VERSION], "validNodeVersions": [GKE_VERSION],
            "releaseChannelDefaultVersion": {channel: GKE_VERSION for channel in ("RAPID", "REGULAR", "STABLE")},
            "releaseChannelLatestVersion": {channel: GKE_VERSION for channel in ("RAPID", "REGULAR", "STABLE")},
            "releaseChannelUpgradeTargetVersion": {channel: GKE_VERSION for channel in ("RAPID", "REGULAR", "STABLE")},
            "location": a.get("location") or region, "project": project, "versionPrefix": a.get("versionPrefix") or ""},
    }


def _gcp_image(args: dict) -> dict:
    family = args.get("family") or "debian-12"
    image_project = args.get("project") or "debian-cloud"
    name = args.get("name") or f"{family}-bookworm-v20241210"
    link = f"https://www.googleapis.com/compute/v1/projects/{image_project}/global/images/{name}"
    return {"name": name, "family": family, "project": image_project, "selfLink": link,
            "id": f"projects/{image_project}/global/images/{name}", "status": "READY", "diskSizeGb": 10,
            "imageId": str(int(digest_of("image", name, length=15), 16)), "description": f"{family}, preview image",
            "licenses": [f"https://www.googleapis.com/compute/v1/projects/{image_project}/global/licenses/{family}"]}


def azure_kubeconfig(args: dict, location: str = "eastus", user: str = "clusterUser") -> str:
    """A base64 kubeconfig like AKS returns (``format=exec`` uses kubelogin)."""
    cluster = args.get("resourceName", "aks")
    server = f"https://{cluster}.privatelink.{location}.azmk8s.io:443"
    text = (f"apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n"
            f"    server: {server}\n    certificate-authority-data: {FAKE_CERTIFICATE}\n"
            f"contexts:\n- name: {cluster}\n  context: {{cluster: {cluster}, user: {user}}}\n"
            f"current-context: {cluster}\nusers:\n- name: {user}\n  user:\n    exec:\n"
            f"      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n"
            f"      args: [get-token, --login, azurecli, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]\n")
    return base64.b64encode(text.encode()).decode()


def policy_json(args: dict) -> str:
    """Render an ``aws.iam.getPolicyDocument`` request as the JSON policy AWS would return."""
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
