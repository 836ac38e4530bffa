"""runtime managed on Azure: Azure ML workspace, online endpoint, deployment and autoscaling."""

from __future__ import annotations

import re

import pytest

from aiscale.azure.ml_endpoint import ENDPOINT_NAME_MAX, WORKSPACE_NAME_MAX, cut_name

ML = "azure-native:machinelearningservices:"
MANAGED = {"runtime": "managed"}


@pytest.mark.parametrize("public,access,reason", [
    (False, "Disabled", "private by default"),
    (True, "Enabled", "public: true is the explicit opt-in"),
])
def test_online_endpoint_auth_and_network(endpoint_preview, public, access, reason):
    result = endpoint_preview("azure", endpoint={**MANAGED, "public": public})
    endpoint = result.one(ML + "OnlineEndpoint").inputs
    assert endpoint["properties"]["authMode"] == "AMLToken"
    assert endpoint["properties"]["publicNetworkAccess"] == access, reason
    assert endpoint["identity"] == {"type": "SystemAssigned"}
    assert "traffic" not in endpoint["properties"], "a split naming a missing deployment is refused"
    workspace = result.one(ML + "Workspace").inputs
    assert workspace["publicNetworkAccess"] == access, reason
    assert workspace["managedNetwork"]["isolationMode"] != "Disabled"


def test_managed_online_deployment(endpoint_preview):
    result = endpoint_preview("azure", endpoint={**MANAGED, "min_replicas": 2, "max_replicas": 5})
    deployment = result.one(ML + "OnlineDeployment").inputs
    properties = deployment["properties"]
    assert properties["endpointComputeType"] == "Managed"
    assert properties["instanceType"] == "Standard_NC4as_T4_v3"
    assert deployment["sku"]["capacity"] == 2
    assert deployment["deploymentName"] == "primary"
    assert deployment["endpointName"] == result.one(ML + "OnlineEndpoint").inputs["endpointName"]
    environment = result.one(ML + "EnvironmentVersion")
    assert properties["environmentId"] == environment.id
    assert environment.inputs["properties"]["image"] == "vllm/vllm-openai:v0.6.3"
    routes = environment.inputs["properties"]["inferenceConfig"]
    assert routes["livenessRoute"] == {"path": "/health", "port": 8000}
    model = result.one(ML + "ModelVersion")
    assert properties["model"] == model.id
    assert model.inputs["properties"]["modelUri"].endswith(".blob.core.windows.net/models/llama-3-8b/")
    assert properties["requestSettings"]["requestTimeout"] == "PT3M"


def test_autoscale_setting_targets_the_deployment(endpoint_preview):
    result = endpoint_preview("azure", endpoint={**MANAGED, "min_replicas": 1, "max_replicas": 6,
                                                 "target_concurrency": 2})
    setting = result.one("azure-native:monitor:AutoscaleSetting").inputs
    assert setting["targetResourceUri"] == result.one(ML + "OnlineDeployment").id
    (profile,) = setting["profiles"]
    assert profile["capacity"] == {"minimum": "1", "maximum": "6", "default": "1"}
    out, back = profile["rules"]
    assert out["scaleAction"]["direction"] == "Increase" and back["scaleAction"]["direction"] == "Decrease"
    assert out["metricTrigger"]["metricName"] == "RequestsPerMinute"
    assert out["metricTrigger"]["threshold"] == 120, "2 in flight x 60 s / 1 s latency"
    assert back["metricTrigger"]["threshold"] == 60
    assert out["metricTrigger"]["metricResourceUri"] == result.one(ML + "OnlineEndpoint").id
    assert out["metricTrigger"]["dividePerInstance"] is True


def test_endpoint_identity_reads_only_the_model_container(endpoint_preview):
    result = endpoint_preview("azure", endpoint=MANAGED)
    assignment = result.one("azure-native:authorization:RoleAssignment", "chat").inputs
    assert assignment["roleDefinitionId"].endswith("/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
    assert assignment["scope"] == result.one("azure-native:storage:BlobContainer").id
    rule = result.one(ML + "Workspace").inputs["managedNetwork"]["outboundRules"]["model-store"]
    account = result.one("azure-native:storage:StorageAccount", "models")
    assert rule["destination"] == {"serviceResourceId": account.id, "subresourceTarget": "blob",
                                   "sparkEnabled": False}


def test_workspace_dependencies_are_locked_down(endpoint_preview):
    result = endpoint_preview("azure", endpoint=MANAGED)
    storage = result.one("azure-native:storage:StorageAccount", "ml-storage").inputs
    assert storage["allowBlobPublicAccess"] is False and storage["allowSharedKeyAccess"] is False
    assert storage["minimumTlsVersion"] == "TLS1_2"
    assert storage["networkRuleSet"]["defaultAction"] == "Deny"
    vault = result.one("azure-native:keyvault:Vault", "ml-vault").inputs["properties"]
    assert vault["enableRbacAuthorization"] is True
    insights = result.one("azure-native:applicationinsights:Component").inputs
    assert insights["workspaceResourceId"] == result.one("azure-native:operationalinsights:Workspace").id
    workspace = result.one(ML + "Workspace").inputs
    assert workspace["storageAccount"] == result.one("azure-native:storage:StorageAccount", "ml-storage").id
    assert workspace["systemDatastoresAuthMode"] == "Identity"


@pytest.mark.parametrize("environment,protect", [("dev", False), ("prod", True)])
def test_stateful_children_protected_in_prod(endpoint_preview, environment, protect):
    result = endpoint_preview("azure", endpoint=MANAGED, environment=environment)
    for token, name in ((ML + "Workspace", "chat"), ("azure-native:storage:StorageAccount", "ml-storage"),
                        ("azure-native:keyvault:Vault", "ml-vault")):
        assert result.one(token, name).protect is protect, token


def test_url_is_the_scoring_uri(endpoint_preview):
    result = endpoint_preview("azure", endpoint=MANAGED)
    name = result.one(ML + "OnlineEndpoint").inputs["endpointName"]
    assert result.outputs["url"] == f"https://{name}.eastus.inference.ml.azure.com/score"


@pytest.mark.parametrize("readable,limit", [
    ("acme-ml-dev-chat", WORKSPACE_NAME_MAX),
    ("a-very-long-platform-x-staging-a-long-endpoint-name", WORKSPACE_NAME_MAX),
    ("9lives-chat", ENDPOINT_NAME_MAX),
])
def test_names_fit_their_limits(readable, limit):
    name = cut_name(readable, limit, readable)
    assert len(name) <= limit
    assert re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", name), name


def test_the_endpoints_system_identity_has_a_principal_the_role_assignment_sends(endpoint_preview):
    """The fake cloud answers a system-assigned identity with its own principal id, as Azure does,
    so the role assignment's required principalId carries a value in the report."""
    from aiscale.preview.fake_cloud import AZURE_OBJECT_ID, AZURE_TENANT_ID

    result = endpoint_preview("azure", endpoint=MANAGED)
    identity = result.one(ML + "OnlineEndpoint").outputs["identity"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", identity["principalId"])
    assert identity["principalId"] != AZURE_OBJECT_ID and identity["tenantId"] == AZURE_TENANT_ID
    assignment = result.one("azure-native:authorization:RoleAssignment", "chat").inputs
    assert assignment["principalId"] == identity["principalId"]
