"""Security checks for model endpoints and ML platforms: SageMaker, Azure ML, Vertex AI, Cloud Run."""

from __future__ import annotations

import json

from aiscale.facts import tokens

from .. import schema
from ..props import get, get_bool, is_set, items, lower
from ..registry import NOT_APPLICABLE, Check, NotApplicable

PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
TOKEN_AUTH_MODES = frozenset({"amltoken", "aadtoken"})

# SageMaker refuses a volume KMS key on instance types whose storage is local NVMe (hardware
# encrypted), which covers most GPU families; these families are therefore exempt.
NVME_INSTANCE_FAMILIES = frozenset({"g4dn", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en"})


def _public_config():
    return {"allow_public_endpoints": schema.boolean(
        False, "Allow endpoints reachable from the internet (the model's `public: true`).")}


def _family(instance_type) -> str:
    parts = str(instance_type or "").split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "ml" else (parts[0] if parts else "")


def sagemaker_endpoint_kms(resource_type, props, ctx):
    """Endpoint configurations encrypt their ML storage volumes with a KMS key."""
    variants = items(props, "productionVariants")
    types = [get(v, "instanceType") for v in variants]
    if types and all(_family(t) in NVME_INSTANCE_FAMILIES for t in types):
        return NotApplicable("instance storage is local NVMe (hardware-encrypted); SageMaker refuses a KMS key")
    return [] if is_set(props, "kmsKeyArn") else ["kmsKeyArn is not set; set a KMS key for the ML storage volume"]


def sagemaker_notebook_network(resource_type, props, ctx):
    """Notebooks live in a VPC subnet without direct internet access."""
    out = []
    if get(props, "directInternetAccess") != "Disabled":
        out.append("directInternetAccess is not 'Disabled'; disable it and route through the VPC")
    if not is_set(props, "subnetId"):
        out.append("subnetId is not set; place the notebook in a private subnet")
    return out


def sagemaker_notebook_hardening(resource_type, props, ctx):
    """Notebooks run without root, with IMDSv2 and a KMS key."""
    out = []
    if get(props, "rootAccess") != "Disabled":
        out.append("rootAccess is not 'Disabled'; disable it")
    if get(props, "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion") != "2":
        out.append("minimumInstanceMetadataServiceVersion is not '2'; require IMDSv2")
    if not is_set(props, "kmsKeyId"):
        out.append("kmsKeyId is not set; encrypt the notebook volume with a KMS key")
    return out


def sagemaker_model_isolation(resource_type, props, ctx):
    """Model containers run without network access (or at least inside a VPC)."""
    if get_bool(props, "enableNetworkIsolation") is True or is_set(props, "vpcConfig.subnets"):
        return []
    return ["enableNetworkIsolation is not true and no vpcConfig; isolate the container"]


def aml_workspace_private(resource_type, props, ctx):
    """Azure ML workspaces are not reachable from the public internet."""
    if get(props, "publicNetworkAccess") == "Disabled":
        return []
    return ["publicNetworkAccess is not 'Disabled'; use private endpoints"]


def aml_compute_hardening(resource_type, props, ctx):
    """Azure ML compute: no local (key) auth, no public node IPs."""
    out = []
    if get_bool(props, "properties.disableLocalAuth") is not True:
        out.append("properties.disableLocalAuth is not true; use Entra ID auth only")
    if get_bool(props, "properties.properties.enableNodePublicIp") is not False:
        out.append("properties.properties.enableNodePublicIp is not false (it defaults to true); set false")
    return out


def aml_online_endpoint(resource_type, props, ctx):
    """Online endpoints use token auth and, unless allowed, no public network access."""
    out = []
    mode = get(props, "properties.authMode")
    if lower(mode) not in TOKEN_AUTH_MODES:
        out.append(f"properties.authMode is '{mode}'; use 'AADToken' or 'AMLToken' (not static keys)")
    if not ctx.config.get("allow_public_endpoints") and get(props, "properties.publicNetworkAccess") != "Disabled":
        out.append("properties.publicNetworkAccess is not 'Disabled'; disable it or allow public endpoints in config")
    return out


def vertex_endpoint_private(resource_type, props, ctx):
    """Vertex endpoints are private (VPC peering or Private Service Connect) and use a CMK."""
    out = []
    psc_path = "endpointConfig.privateServiceConnectConfig" if resource_type == tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT else "privateServiceConnectConfig"
    private = is_set(props, "network") or get_bool(props, f"{psc_path}.enablePrivateServiceConnect") is True
    if not private and not ctx.config.get("allow_public_endpoints"):
        out.append("the endpoint is public; set network or enable Private Service Connect")
    if resource_type == tokens.GCP_VERTEX_AI_ENDPOINT and not is_set(props, "encryptionSpec.kmsKeyName"):
        out.append("encryptionSpec.kmsKeyName is not set; use a Cloud KMS key")
    return out


def workbench_no_public_ip(resource_type, props, ctx):
    """Workbench instances have no public IP."""
    if get_bool(props, "gceSetup.disablePublicIp") is True:
        return []
    return ["gceSetup.disablePublicIp is not true; disable the public IP"]


def cloud_run_ingress(resource_type, props, ctx):
    """Cloud Run model services take internal traffic only, unless public endpoints are allowed."""
    if ctx.config.get("allow_public_endpoints"):
        return NOT_APPLICABLE
    ingress = get(props, "ingress") or "INGRESS_TRAFFIC_ALL"
    if ingress == "INGRESS_TRAFFIC_ALL":
        return ["ingress is INGRESS_TRAFFIC_ALL (the default); use INGRESS_TRAFFIC_INTERNAL_ONLY or "
                "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"]
    return []


def _policy_members(policy_data) -> list:
    """The members of every binding of an IAM policy's JSON text ([] when it is not JSON)."""
    try:
        policy = json.loads(policy_data or "{}")
    except (TypeError, ValueError):
        return []
    return [m for b in policy.get("bindings", []) if isinstance(b, dict) for m in b.get("members", [])]


def cloud_run_invoker_private(resource_type, props, ctx):
    """Nobody may invoke a Cloud Run service anonymously, unless public endpoints are allowed."""
    if ctx.config.get("allow_public_endpoints"):
        return NOT_APPLICABLE
    if resource_type == tokens.GCP_CLOUDRUNV2_SERVICE:
        return ["invokerIamDisabled is true (anyone may invoke); remove it"] if get_bool(props, "invokerIamDisabled") else []
    if resource_type == tokens.GCP_CLOUDRUN_IAM_POLICY:
        members = _policy_members(get(props, "policyData"))
    elif resource_type in (tokens.GCP_CLOUDRUNV2_SERVICE_IAM_MEMBER, tokens.GCP_CLOUDRUN_IAM_MEMBER):
        members = [get(props, "member")]
    else:
        members = items(props, "members")
    public = [m for m in members if lower(m) in PUBLIC_MEMBERS]
    return [f"grants the service to '{m}'; grant named principals instead" for m in public]


CHECKS = (
    Check("SEC-ML-001", "security", "SageMaker endpoint storage encrypted with KMS",
          "Endpoint configurations set kmsKeyArn, except on instance types whose local NVMe storage "
          "is hardware-encrypted (SageMaker refuses a key there).", "high", "mandatory",
          "Set kmsKeyArn on the endpoint configuration.", sagemaker_endpoint_kms, (tokens.AWS_SAGEMAKER_ENDPOINT_CONFIGURATION,),
          anchors=("CKV_AWS_98",),
          when_omitted=("No kmsKeyArn: SageMaker encrypts the ML storage volume with an AWS managed key "
                        "(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html)."),
          omitted_verdict="fail"),
    Check("SEC-ML-002", "security", "SageMaker notebooks in a VPC without direct internet",
          "Notebook instances set directInternetAccess 'Disabled' and a subnetId.", "high", "mandatory",
          "Disable direct internet access and set a private subnet.", sagemaker_notebook_network,
          (tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE,), anchors=("CKV_AWS_122", "CKV_AWS_306"),
          when_omitted=("directInternetAccess defaults to Enabled "
                        "(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html)."),
          omitted_verdict="fail"),
    Check("SEC-ML-003", "security", "SageMaker notebooks: no root, IMDSv2, KMS",
          "Notebook instances disable root access, require IMDSv2 and encrypt with a KMS key.",
          "medium", "advisory", "Set rootAccess 'Disabled', IMDS version '2' and kmsKeyId.",
          sagemaker_notebook_hardening, (tokens.AWS_SAGEMAKER_NOTEBOOK_INSTANCE,), anchors=("CKV_AWS_307", "CKV_AWS_371", "CKV_AWS_22"),
          when_omitted=("rootAccess defaults to Enabled and the metadata service to version 1 "
                        "(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html)."),
          omitted_verdict="fail"),
    Check("SEC-ML-004", "security", "SageMaker model network isolation",
          "Models enable network isolation or run in a VPC.", "medium", "advisory",
          "Set enableNetworkIsolation true (weights come from S3 through the platform).",
          sagemaker_model_isolation, (tokens.AWS_SAGEMAKER_MODEL,), anchors=("CKV_AWS_370",),
          when_omitted=("enableNetworkIsolation defaults to false "
                        "(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html)."),
          omitted_verdict="fail"),
    Check("SEC-ML-005", "security", "Azure ML workspace not public",
          "Workspaces set publicNetworkAccess 'Disabled'.", "high", "mandatory",
          "Disable public network access and add private endpoints.", aml_workspace_private,
          (tokens.AZURE_MACHINELEARNINGSERVICES_WORKSPACE,), anchors=("CKV_AZURE_144",),
          when_omitted=("publicNetworkAccess of a workspace defaults to Enabled (https://learn.microsoft.com/en-"
                        "us/azure/machine-learning/how-to-configure-private-link)."),
          omitted_verdict="fail"),
    Check("SEC-ML-006", "security", "Azure ML compute: no local auth, no public IPs",
          "Compute sets properties.disableLocalAuth true and enableNodePublicIp false.", "medium", "advisory",
          "Disable local auth and node public IPs.", aml_compute_hardening, (tokens.AZURE_MACHINELEARNINGSERVICES_COMPUTE,),
          anchors=("CKV_AZURE_142",),
          when_omitted=("disableLocalAuth defaults to false and compute nodes get public IPs unless "
                        "enableNodePublicIp is false (https://learn.microsoft.com/en-us/azure/machine-"
                        "learning/how-to-secure-training-vnet)."),
          omitted_verdict="fail"),
    Check("SEC-ML-007", "security", "Azure ML online endpoints: token auth, private",
          "Online endpoints use AAD/AML token auth and disable public network access unless config "
          "allow_public_endpoints.", "high", "mandatory",
          "Set authMode 'AADToken' and publicNetworkAccess 'Disabled'.", aml_online_endpoint,
          (tokens.AZURE_MACHINELEARNINGSERVICES_ONLINE_ENDPOINT,), config_schema=_public_config(),
          when_omitted=("publicNetworkAccess of an online endpoint defaults to Enabled "
                        "(https://learn.microsoft.com/en-us/azure/machine-learning/concept-secure-online-"
                        "endpoint)."),
          omitted_verdict="fail"),
    Check("SEC-ML-008", "security", "Vertex AI endpoints private with a CMK",
          "Vertex endpoints use VPC peering or Private Service Connect (unless config "
          "allow_public_endpoints) and a Cloud KMS key.", "high", "mandatory",
          "Set network or privateServiceConnectConfig, and encryptionSpec.kmsKeyName.",
          vertex_endpoint_private, (tokens.GCP_VERTEX_AI_ENDPOINT, tokens.GCP_VERTEX_AI_ENDPOINT_WITH_MODEL_GARDEN_DEPLOYMENT), anchors=("CKV2_GCP_33", "CKV2_GCP_24"),
          config_schema=_public_config(),
          when_omitted=("A Vertex endpoint without network or Private Service Connect is public, and uses a "
                        "Google-managed key (https://cloud.google.com/vertex-ai/docs/predictions/using-private-"
                        "endpoints)."),
          omitted_verdict="fail"),
    Check("SEC-ML-009", "security", "Vertex Workbench without public IP",
          "Workbench instances set gceSetup.disablePublicIp.", "medium", "advisory",
          "Set gceSetup.disablePublicIp true.", workbench_no_public_ip, (tokens.GCP_WORKBENCH_INSTANCE,), anchors=("CKV2_GCP_28",),
          when_omitted=("disablePublicIp defaults to false (https://cloud.google.com/vertex-"
                        "ai/docs/workbench/instances/create)."),
          omitted_verdict="fail"),
    Check("SEC-ML-010", "security", "Cloud Run model services not open to all traffic",
          "Cloud Run v2 services set ingress to an internal option (the default is all traffic) unless "
          "config allow_public_endpoints.", "high", "mandatory",
          "Set ingress INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER.",
          cloud_run_ingress, (tokens.GCP_CLOUDRUNV2_SERVICE,), config_schema=_public_config(),
          when_omitted=("ingress defaults to INGRESS_TRAFFIC_ALL "
                        "(https://cloud.google.com/run/docs/securing/ingress)."),
          omitted_verdict="fail"),
    Check("SEC-ML-011", "security", "Cloud Run services not invokable anonymously",
          "No allUsers/allAuthenticatedUsers invoker (Cloud Run v2 and v1 IAM members, bindings and "
          "v1 policies) and no invokerIamDisabled, unless config allow_public_endpoints.", "critical", "mandatory",
          "Grant roles/run.invoker to named principals only.", cloud_run_invoker_private,
          (tokens.GCP_CLOUDRUNV2_SERVICE, tokens.GCP_CLOUDRUNV2_SERVICE_IAM_MEMBER, tokens.GCP_CLOUDRUNV2_SERVICE_IAM_BINDING,
           tokens.GCP_CLOUDRUN_IAM_MEMBER, tokens.GCP_CLOUDRUN_IAM_BINDING, tokens.GCP_CLOUDRUN_IAM_POLICY),
          anchors=("CKV_GCP_102",), config_schema=_public_config(),
          when_omitted=("No IAM grant and no invokerIamDisabled: invoking requires IAM "
                        "(https://cloud.google.com/run/docs/securing/managing-access)."),
          omitted_verdict="pass"),
)
"""The model-endpoint and ML-platform checks of the security pack."""
