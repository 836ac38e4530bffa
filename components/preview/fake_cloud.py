"""A fake cloud for Pulumi's mock runtime: realistic ids, ARNs, names and invoke answers.

Every registration gets a deterministic id derived from its type and name (so two previews of
the same program are identical), plus the computed outputs real programs commonly read (ARNs,
endpoints, self links, e-mail addresses); during preview, whatever the fake leaves unset in an
object it answers is unknown, as in a real preview (:mod:`aiscale.preview.unset_outputs`).

Every invoke declared by an installed provider SDK gets an answer of the SDK's own result type:
hand-written where realism matters (:mod:`aiscale.preview.invoke_answers`: caller identity,
regions, zones, images, kubeconfigs, keys), completed or else wholly synthesized from the result
type (:mod:`aiscale.preview.fake_values`); :attr:`FakeCloud.synthesized_invokes` lists the
latter. An invoke no installed SDK declares gets an empty answer and a warning.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from typing import Any, Callable, Mapping, Optional

import pulumi

from aiscale.preview import sdk_index
from aiscale.preview.fake_values import CloudFacts, place_of, string_for, synthesize
from aiscale.preview.invoke_answers import GCP_PROJECT_NUMBER, Answer, hand_answers
from aiscale.preview.unset_outputs import unknown_where_unset

#: Fake identities, consistent across every answer of one preview.
AWS_ACCOUNT_ID = "123456789012"
AZURE_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
AZURE_TENANT_ID = "11111111-1111-1111-1111-111111111111"
AZURE_OBJECT_ID = "22222222-2222-2222-2222-222222222222"
__all__ = ["AWS_ACCOUNT_ID", "AZURE_OBJECT_ID", "AZURE_SUBSCRIPTION_ID", "AZURE_TENANT_ID", "FakeCloud",
           "GCP_PROJECT_NUMBER"]

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


_PROVIDER_PLACE_FIELDS: Mapping[str, Mapping[str, str]] = {
    "aws": {"region": "aws_region"},
    "azure-native": {"location": "azure_location"},
    "gcp": {"region": "gcp_region", "project": "gcp_project"},
}
"""An explicit provider's inputs that say where its resources are -> the fact each sets."""


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def system_principal_id(typ: str, name: str) -> str:
    """The object id Azure gives the system-assigned identity of one resource: a GUID of its
    own (deterministic here), unlike the shared :data:`AZURE_OBJECT_ID` of the deployer."""
    digest = _digest(typ, name, "system-identity", length=32)
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


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
        self._synthesized: set[str] = set()
        self._lock = threading.Lock()
        self._answers: dict[CloudFacts, dict[str, Answer]] = {}
        self._provider_places: dict[str, dict[str, str]] = {}

    @property
    def synthesized_invokes(self) -> list[str]:
        """The invoke tokens answered only from the SDK's result type (no hand-written answer),
        sorted and unique: the answers a reader should trust least."""
        with self._lock:
            return sorted(self._synthesized)

    @property
    def facts(self) -> CloudFacts:
        """The identities and places of this preview, as every answer states them."""
        return CloudFacts(aws_region=self.aws_region, aws_account=AWS_ACCOUNT_ID,
                          azure_location=self.azure_location, azure_subscription=AZURE_SUBSCRIPTION_ID,
                          azure_tenant=AZURE_TENANT_ID, gcp_project=self.gcp_project, gcp_region=self.gcp_region)

    def facts_for(self, provider: Optional[str]) -> CloudFacts:
        """The facts of a registration or invoke made through ``provider`` (a ``urn::id``
        reference): an explicit provider's own ``region`` / ``location`` / ``project`` win over
        the stack's configuration, as they do in the cloud."""
        place = self._provider_places.get((provider or "").rsplit("::", 1)[-1])
        return dataclasses.replace(self.facts, **place) if place else self.facts

    def _remember_provider(self, typ: str, resource_id: str, inputs: Mapping[str, Any]) -> None:
        """Keep where an explicit cloud provider points, by its id."""
        fields = _PROVIDER_PLACE_FIELDS.get(typ.rsplit(":", 1)[-1], {})
        place = {field: inputs[key] for key, field in fields.items() if isinstance(inputs.get(key), str)}
        if place:
            with self._lock:
                self._provider_places[resource_id] = place

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
        facts = self.facts_for(args.provider)
        builder = {
            "aws": self._aws,
            "azure-native": self._azure,
            "gcp": self._gcp,
            "kubernetes": self._kubernetes,
        }.get(package)
        if builder is None:
            resource_id = f"{args.name}-{_digest(args.typ, args.name, length=8)}"
            if args.typ.startswith("pulumi:providers:"):
                self._remember_provider(args.typ, resource_id, inputs)
            return resource_id, inputs
        resource_id, state = builder(args.typ, args.name, inputs, facts)
        if pulumi.runtime.is_dry_run():
            state = unknown_where_unset(args.typ, set(args.inputs), state)
        return resource_id, state

    def _aws(self, typ: str, name: str, inputs: dict, facts: CloudFacts) -> tuple[str, dict]:
        module, kind = typ.split(":")[1].split("/")[0], typ.rsplit(":", 1)[1]
        region, account = facts.aws_region, AWS_ACCOUNT_ID
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

    def _azure(self, typ: str, name: str, inputs: dict, facts: CloudFacts) -> tuple[str, dict]:
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
        inputs.setdefault("location", facts.azure_location)
        inputs["azureApiVersion"] = "2024-01-01"
        identity = inputs.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            # Inputs list the identity ids; Azure answers with a map of id -> identity details.
            inputs["identity"] = {**identity, "principalId": AZURE_OBJECT_ID, "tenantId": AZURE_TENANT_ID,
                                  "userAssignedIdentities": {
                                      str(ref): {"principalId": AZURE_OBJECT_ID, "clientId": AZURE_OBJECT_ID}
                                      for ref in identity["userAssignedIdentities"]}}
        elif isinstance(identity, dict) and "SystemAssigned" in str(identity.get("type", "")):
            # A system-assigned identity is a service principal of its own, made with the resource.
            inputs["identity"] = {**identity, "principalId": system_principal_id(typ, name),
                                  "tenantId": AZURE_TENANT_ID}
        if kind == "StorageAccount":
            inputs["primaryEndpoints"] = _storage_endpoints(physical, inputs.get("routingPreference"))
        elif kind == "Vault":
            inputs["properties"] = {**inputs.get("properties", {}), "vaultUri": f"https://{physical}.vault.azure.net/"}
        elif kind == "Key":
            uri = f"https://vault.vault.azure.net/keys/{physical}"
            inputs.update(keyUri=uri, keyUriWithVersion=f"{uri}/{_digest(typ, name, length=32)}")
        elif kind == "UserAssignedIdentity":
            inputs.update(principalId=AZURE_OBJECT_ID, clientId=AZURE_OBJECT_ID, tenantId=AZURE_TENANT_ID)
        elif kind == "ManagedCluster":
            inputs.update(fqdn=f"{physical}.privatelink.{facts.azure_location}.azmk8s.io",
                          oidcIssuerProfile={**inputs.get("oidcIssuerProfile", {}),
                                             "issuerURL": f"https://{facts.azure_location}.oic.prod-aks.azure.com/{AZURE_TENANT_ID}/"},
                          identityProfile={"kubeletidentity": {
                              "objectId": AZURE_OBJECT_ID, "clientId": AZURE_OBJECT_ID,
                              "resourceId": f"{sub}/resourceGroups/MC_{group}_{physical}_{facts.azure_location}/providers"
                                            f"/Microsoft.ManagedIdentity/userAssignedIdentities/{physical}-agentpool"}})
        return resource_id, inputs

    def _gcp(self, typ: str, name: str, inputs: dict, facts: CloudFacts) -> tuple[str, dict]:
        module, kind = typ.split(":")[1].split("/")[0], typ.rsplit(":", 1)[1]
        project = _first_str(inputs, "project") or facts.gcp_project
        physical = _first_str(inputs, "name", "accountId", "serviceId") or f"{name}-{_digest(typ, name, length=7)}"
        location = _first_str(inputs, "location", "region", "zone") or facts.gcp_region
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
            declared = inputs.get("masterAuth") if isinstance(inputs.get("masterAuth"), dict) else {}
            # GKE answers empty client certificate fields when none is issued (the default).
            inputs.update(endpoint="10.0.0.2", masterAuth={
                "clientCertificateConfig": {"issueClientCertificate": False}, **declared,
                "clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", "clientCertificate": "", "clientKey": ""})
        if module == "cloudrunv2" and kind == "Service":
            inputs.setdefault("uri", f"https://{physical}-{_digest(typ, name, length=10)}-uc.a.run.app")
        return resource_id, inputs

    def _kubernetes(self, typ: str, name: str, inputs: dict, facts: CloudFacts) -> tuple[str, dict]:
        metadata = inputs.get("metadata") if isinstance(inputs.get("metadata"), dict) else {}
        physical = metadata.get("name") or f"{name}-{_digest(typ, name, length=8)}"
        namespace = metadata.get("namespace")
        inputs["metadata"] = {**metadata, "name": physical}
        if typ.startswith("kubernetes:helm.sh/v3:Release"):
            inputs.setdefault("status", {
                "status": "deployed", "name": inputs.get("name", name), "revision": 1,
                "namespace": inputs.get("namespace") or "default",
                **{key: inputs[key] for key in ("chart", "version") if isinstance(inputs.get(key), str)}})
        return (f"{namespace}/{physical}" if namespace else physical), inputs

    # -- invokes -----------------------------------------------------------------------------
    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        """Answer an invoke by its SDK's result type, hand-written where realism matters; an
        invoke that no installed SDK declares gets an empty answer and a warning."""
        facts = self.facts_for(args.provider)
        hand = self._hand_answers(facts).get(args.token)
        signature = sdk_index.invoke_signature(args.token)
        if hand is None and signature is None:
            self._warn(f"invoke {args.token} is not known to the offline fake cloud; it returned an empty result")
            return {}
        answer = self._synthesized_answer(signature, args.args, facts) if signature is not None else {}
        if hand is not None:
            answer.update(hand(args.args))
        else:
            with self._lock:
                self._synthesized.add(args.token)
        return answer

    def _synthesized_answer(self, signature: sdk_index.InvokeSignature, arguments: dict,
                            facts: CloudFacts) -> dict:
        place = place_of(signature.token, facts, arguments)
        result_type = signature.result_type()
        if result_type is None:  # a single-value function: the runtime takes the only value
            return {"result": string_for(signature.token.rsplit(":", 1)[1], place)}
        return synthesize(result_type, place, echo=arguments)

    def _hand_answers(self, facts: CloudFacts) -> dict[str, Answer]:
        with self._lock:
            if facts not in self._answers:
                self._answers[facts] = {**hand_answers(facts), "kubernetes:yaml:decode": _decode_yaml}
            return self._answers[facts]


def _storage_endpoints(account: str, routing: Any) -> dict:
    """A StorageV2 account's primary endpoints; the routing-preference ones only when published."""
    endpoints = {service: f"https://{account}.{service}.core.windows.net/"
                 for service in ("blob", "dfs", "file", "queue", "table")}
    endpoints["web"] = f"https://{account}.z13.web.core.windows.net/"
    routing = routing if isinstance(routing, dict) else {}
    for flag, suffix, services in (("publishInternetEndpoints", "internet", ("blob", "dfs", "file", "web")),
                                   ("publishMicrosoftEndpoints", "microsoft", ("blob", "dfs", "file", "queue",
                                                                               "table", "web"))):
        endpoints[f"{suffix}Endpoints"] = (
            {service: endpoints[service].replace(f"{account}.", f"{account}-{suffix}.") for service in services}
            if routing.get(flag) is True else None)
    return endpoints


def _decode_yaml(args: dict) -> dict:
    """``kubernetes:yaml:decode``: the manifests of a YAML text, as the provider decodes them."""
    import yaml

    return {"result": [document for document in yaml.safe_load_all(args.get("text") or "") if document]}
