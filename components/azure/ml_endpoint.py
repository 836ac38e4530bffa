"""The ``managed`` runtime of ``ModelEndpoint`` on Azure: an Azure Machine Learning managed
online endpoint.

Declares the workspace and what it needs (a locked-down storage account, an RBAC key vault, a
Log Analytics workspace and a workspace-based Application Insights), the workspace with a
managed network (private endpoints to its own resources, plus one to the model's storage
account) and public network access disabled unless the endpoint is public; the serving image as
an environment version with its health and scoring routes; the model as a model version; an
``OnlineEndpoint`` (Azure ML token auth, system-assigned identity that may read only the model's
container); a ``ManagedOnlineDeployment`` named ``primary``; and an Azure Monitor autoscale
setting on the deployment.

Autoscaling: scale out when the endpoint's ``RequestsPerMinute`` for the deployment, divided per
instance, exceeds ``target_concurrency x 60`` (Little's law at a 1 s mean latency, as on
SageMaker), and in below half of it, between ``max(1, min_replicas)`` and ``max_replicas``.

Traffic: Azure rejects an endpoint whose traffic names a deployment that does not exist yet, and
the deployment needs the endpoint first, so the endpoint is created without a traffic split.
Callers name the deployment with the header ``azureml-model-deployment: primary``, or route all
traffic once with ``az ml online-endpoint update --traffic primary=100`` (docs/endpoints.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import pulumi
import pulumi_azure_native.applicationinsights as applicationinsights
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.keyvault as keyvault
import pulumi_azure_native.machinelearningservices as ml
import pulumi_azure_native.monitor as monitor
import pulumi_azure_native.operationalinsights as operationalinsights
import pulumi_azure_native.storage as storage

from aiscale.azure import naming
from aiscale.azure.endpoint_identity import model_reader
from aiscale.endpoint_spec import BuiltEndpoint, EndpointBuild

DEPLOYMENT = "primary"
"""The one deployment of every endpoint."""
WORKSPACE_NAME_MAX, ENDPOINT_NAME_MAX = 33, 32
"""Azure ML workspace names (3-33) and online endpoint names (3-32, unique in the region)."""
MEAN_LATENCY_SECONDS = 1.0
"""Assumed mean request latency when turning target_concurrency into requests per minute."""
REQUEST_TIMEOUT = "PT3M"
"""The longest request Azure ML lets a managed online deployment take (3 minutes)."""
PROBE_DELAY = "PT10M"
"""Time allowed to download and load the model before the probes start."""
LOG_RETENTION_DAYS = 30
SKU_BY_ENVIRONMENT = {"prod": "Standard_ZRS"}
"""Zone-redundant workspace storage in prod, locally redundant elsewhere."""
DEFAULT_VAULT_SOFT_DELETE_DAYS, PROD_VAULT_SOFT_DELETE_DAYS = 7, 90
ENDPOINT_METRICS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
"""Metric namespace of online endpoints (RequestsPerMinute, RequestLatency, ...)."""


@dataclass(frozen=True, kw_only=True)
class AzureMlEndpoint(BuiltEndpoint):
    """What the Azure Machine Learning builder returns (resources by role: ``workspace`` and
    what it needs, ``environment``, ``model``, ``endpoint``, ``model_read``, ``deployment``,
    ``autoscale``)."""

    endpoint_name: pulumi.Output[str]
    """The online endpoint's name (known once the endpoint exists)."""
    endpoint_id: pulumi.Output[str]
    """The online endpoint's resource id (the scope of its metric alerts)."""
    workspace_name: pulumi.Output[str]
    """The Azure ML workspace holding the endpoint."""
    deployment_name: str
    """The endpoint's one deployment, ``primary``."""
    request_headers: Mapping[str, str]
    """Headers a caller sends to reach the deployment (no traffic split is declared)."""


def cut_name(readable: str, limit: int, *identity: str) -> str:
    """``readable`` (letters, digits, '-') ending with ``-<hash6>`` of ``identity``, cut to ``limit``."""
    suffix = naming.stable_suffix(*identity)
    slug = re.sub(r"[^a-z0-9-]+", "-", readable.lower()).strip("-")
    if not slug[:1].isalpha():
        slug = f"ml-{slug}"
    return f"{slug[: limit - len(suffix) - 1].rstrip('-')}-{suffix}"


def requests_per_minute_target(target_concurrency: int, latency: float = MEAN_LATENCY_SECONDS) -> float:
    """Requests per instance per minute that keep ``target_concurrency`` requests in flight."""
    return target_concurrency * 60.0 / latency


def _dependencies(name: str, scope: Any, endpoint: Any, tags: dict, stateful: pulumi.ResourceOptions,
                  child: pulumi.ResourceOptions) -> dict[str, Any]:
    """The workspace's storage account, key vault, Log Analytics workspace and App Insights."""
    group, location, prod = scope.resource_group_name, scope.region, scope.environment == "prod"
    identity = (scope.platform, scope.environment, f"ml-{endpoint.name}")
    account = storage.StorageAccount(
        f"{name}-ml-storage", account_name=naming.azure_storage_account_name(*identity),
        resource_group_name=group, location=location, tags=tags, kind="StorageV2",
        sku={"name": SKU_BY_ENVIRONMENT.get(scope.environment, "Standard_LRS")},
        allow_blob_public_access=False, allow_shared_key_access=False,
        allow_cross_tenant_replication=False, default_to_o_auth_authentication=True,
        minimum_tls_version="TLS1_2", enable_https_traffic_only=True,
        network_rule_set={"default_action": "Deny", "bypass": "AzureServices"},
        encryption={"require_infrastructure_encryption": True, "key_source": "Microsoft.Storage",
                    "services": {"blob": {"enabled": True, "key_type": "Account"},
                                 "file": {"enabled": True, "key_type": "Account"}}},
        opts=stateful)
    client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=child.parent))
    vault = keyvault.Vault(
        f"{name}-ml-vault", vault_name=naming.azure_key_vault_name(*identity),
        resource_group_name=group, location=location, tags=tags,
        properties={"tenant_id": client.tenant_id, "sku": {"family": "A", "name": "standard"},
                    "enable_rbac_authorization": True, "enable_soft_delete": True,
                    "soft_delete_retention_in_days": PROD_VAULT_SOFT_DELETE_DAYS if prod else DEFAULT_VAULT_SOFT_DELETE_DAYS,
                    "enable_purge_protection": True if prod else None,
                    "network_acls": {"default_action": "Deny", "bypass": "AzureServices"}},
        opts=stateful)
    logs = operationalinsights.Workspace(
        f"{name}-ml-logs", workspace_name=f"{scope.platform}-{scope.environment}-{endpoint.name}-logs",
        resource_group_name=group, location=location, tags=tags, sku={"name": "PerGB2018"},
        retention_in_days=LOG_RETENTION_DAYS, opts=stateful)
    insights = applicationinsights.Component(
        f"{name}-ml-insights", resource_name_=f"{scope.platform}-{scope.environment}-{endpoint.name}-insights",
        resource_group_name=group, location=location, tags=tags, kind="web", application_type="web",
        workspace_resource_id=logs.id, ingestion_mode="LogAnalytics", opts=child)
    return {"workspace_storage": account, "workspace_vault": vault, "log_workspace": logs,
            "application_insights": insights}


def _workspace(name: str, scope: Any, endpoint: Any, store: Any, deps: dict, tags: dict,
               stateful: pulumi.ResourceOptions) -> ml.Workspace:
    rules = {}
    if store is not None:
        rules["model-store"] = ml.PrivateEndpointOutboundRuleArgs(
            type="PrivateEndpoint", category="UserDefined",
            destination=ml.PrivateEndpointDestinationArgs(
                service_resource_id=store.resources["account"].id, subresource_target="blob",
                spark_enabled=False))
    return ml.Workspace(
        f"{name}-workspace",
        workspace_name=cut_name(f"{scope.platform}-{scope.environment}-{endpoint.name}", WORKSPACE_NAME_MAX,
                                scope.platform, scope.environment, endpoint.name),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags,
        identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
        sku=ml.SkuArgs(name="Basic", tier="Basic"),
        storage_account=deps["workspace_storage"].id, key_vault=deps["workspace_vault"].id,
        application_insights=deps["application_insights"].id,
        public_network_access="Enabled" if endpoint.public else "Disabled",
        allow_public_access_when_behind_vnet=False,
        system_datastores_auth_mode="Identity",
        managed_network=ml.ManagedNetworkSettingsArgs(
            isolation_mode="AllowInternetOutbound", outbound_rules=rules or None),
        provision_network_now=True, v1_legacy_mode=False, hbi_workspace=False,
        opts=stateful)


def _assets(name: str, scope: Any, endpoint: Any, store: Any, workspace: ml.Workspace,
            child: pulumi.ResourceOptions) -> dict[str, Any]:
    """The serving image as an environment version and the model as a model version."""
    from aiscale.store_spec import model_uri

    where = {"resource_group_name": scope.resource_group_name, "workspace_name": workspace.name}
    route = {"path": "/health", "port": endpoint.port}
    image = endpoint.image_for(scope.cloud)
    assets: dict[str, Any] = {"environment": ml.EnvironmentVersion(
        f"{name}-environment", name=f"{endpoint.name}-server",
        version=naming.stable_suffix(image, str(endpoint.port)),  # versions are immutable
        properties=ml.EnvironmentVersionPropertiesArgs(
            image=image, os_type="Linux",
            inference_config=ml.InferenceContainerPropertiesArgs(
                liveness_route=ml.RouteArgs(**route), readiness_route=ml.RouteArgs(**route),
                scoring_route=ml.RouteArgs(path="/", port=endpoint.port))),
        opts=child, **where)}
    if store is not None:
        assets["model"] = ml.ModelVersion(
            f"{name}-model", name=endpoint.name,
            version=naming.stable_suffix(endpoint.model.bucket, endpoint.model.path),
            properties=ml.ModelVersionPropertiesArgs(model_uri=model_uri(store, endpoint),
                                                     model_type="custom_model"),
            opts=child, **where)
    return assets


def _autoscale(name: str, scope: Any, endpoint: Any, live: ml.OnlineEndpoint,
               deployment: ml.OnlineDeployment, tags: dict, child: pulumi.ResourceOptions) -> monitor.AutoscaleSetting:
    target = requests_per_minute_target(endpoint.target_concurrency)

    def rule(direction: str, operator: str, threshold: float, cooldown: str) -> monitor.ScaleRuleArgs:
        return monitor.ScaleRuleArgs(
            metric_trigger=monitor.MetricTriggerArgs(
                metric_name="RequestsPerMinute", metric_namespace=ENDPOINT_METRICS,
                metric_resource_uri=live.id, operator=operator, statistic="Average",
                threshold=threshold, time_aggregation="Average", time_grain="PT1M",
                time_window="PT5M", divide_per_instance=True,
                dimensions=[monitor.ScaleRuleMetricDimensionArgs(
                    dimension_name="deployment", operator="Equals", values=[DEPLOYMENT])]),
            scale_action=monitor.ScaleActionArgs(direction=direction, type="ChangeCount",
                                                 value="1", cooldown=cooldown))

    minimum = str(max(1, endpoint.min_replicas))
    return monitor.AutoscaleSetting(
        f"{name}-autoscale", resource_group_name=scope.resource_group_name, location=scope.region,
        tags=tags, enabled=True, target_resource_uri=deployment.id,
        profiles=[monitor.AutoscaleProfileArgs(
            name="requests-per-instance",
            capacity=monitor.ScaleCapacityArgs(minimum=minimum, maximum=str(endpoint.max_replicas),
                                               default=minimum),
            rules=[rule("Increase", "GreaterThan", target, "PT5M"),
                   rule("Decrease", "LessThan", target / 2, "PT10M")])],
        opts=child)


def build(component: pulumi.ComponentResource, args: EndpointBuild) -> AzureMlEndpoint:
    """Declare the workspace, endpoint, deployment and autoscale setting under ``component``."""
    from aiscale.store_spec import model_uri

    scope, endpoint, store = args.scope, args.endpoint, args.store
    store = store if endpoint.model is not None else None
    name = args.name
    tags = naming.azure_tags(scope.tags)
    child = pulumi.ResourceOptions(parent=component)
    stateful = scope.stateful(component)
    resources = _dependencies(name, scope, endpoint, tags, stateful, child)
    workspace = resources["workspace"] = _workspace(name, scope, endpoint, store, resources, tags, stateful)
    resources.update(_assets(name, scope, endpoint, store, workspace, child))
    where = {"resource_group_name": scope.resource_group_name, "workspace_name": workspace.name}
    endpoint_name = cut_name(f"{scope.platform}-{endpoint.name}", ENDPOINT_NAME_MAX,
                             scope.platform, scope.environment, endpoint.name)
    live = resources["endpoint"] = ml.OnlineEndpoint(
        f"{name}-endpoint", location=scope.region, tags=tags, endpoint_name=endpoint_name,
        identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
        properties=ml.OnlineEndpointPropertiesArgs(
            auth_mode="AMLToken", public_network_access="Enabled" if endpoint.public else "Disabled",
            description=f"Model endpoint {endpoint.name}"),
        opts=child, **where)
    after = []
    if store is not None:
        principal = live.identity.apply(lambda identity: identity.principal_id)
        resources["model_read"] = model_reader(component, f"{name}-model-read", scope, endpoint, store,
                                               principal, "endpoint-model-read")
        after.append(resources["model_read"])
    environment = {**endpoint.env, **({"MODEL_URI": model_uri(store, endpoint)} if store is not None else {})}
    deployment = resources["deployment"] = ml.OnlineDeployment(
        f"{name}-deployment", endpoint_name=live.id.apply(lambda _: endpoint_name),
        deployment_name=DEPLOYMENT,
        location=scope.region, tags=tags,
        sku=ml.SkuArgs(name="Default", capacity=max(1, endpoint.min_replicas)),
        properties=ml.ManagedOnlineDeploymentArgs(
            endpoint_compute_type="Managed", instance_type=args.offering.instance_type,
            environment_id=resources["environment"].id,
            model=resources["model"].id if store is not None else None,
            environment_variables=environment, app_insights_enabled=True,
            scale_settings=ml.DefaultScaleSettingsArgs(scale_type="Default"),
            request_settings=ml.OnlineRequestSettingsArgs(
                max_concurrent_requests_per_instance=2 * endpoint.target_concurrency,
                request_timeout=REQUEST_TIMEOUT),
            liveness_probe=ml.ProbeSettingsArgs(initial_delay=PROBE_DELAY, period="PT30S",
                                                failure_threshold=3, timeout="PT5S"),
            readiness_probe=ml.ProbeSettingsArgs(initial_delay=PROBE_DELAY, period="PT10S",
                                                 failure_threshold=3, timeout="PT5S")),
        opts=pulumi.ResourceOptions(parent=component, depends_on=after), **where)
    resources["autoscale"] = _autoscale(name, scope, endpoint, live, deployment, tags, child)
    # The scoring URI Azure reports, or its documented form before the endpoint exists.
    url = live.properties.apply(lambda p: getattr(p, "scoring_uri", None)
                                or f"https://{endpoint_name}.{scope.region}.inference.ml.azure.com/score")
    return AzureMlEndpoint(url=url, endpoint_name=live.id.apply(lambda _: endpoint_name), endpoint_id=live.id,
                           workspace_name=workspace.name, deployment_name=DEPLOYMENT,
                           request_headers={"azureml-model-deployment": DEPLOYMENT}, resources=resources)
