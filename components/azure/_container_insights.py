"""Container insights for AKS (SEC-K8S-015): the omsagent add-on with managed-identity auth, and
the data collection rule that routes its logs to the cluster's Log Analytics workspace
(https://learn.microsoft.com/en-us/azure/azure-monitor/containers/kubernetes-monitoring-enable).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native.monitor as monitor

from aiscale.azure import _names
from aiscale.scope import CloudScope

STREAMS = ["Microsoft-ContainerInsights-Group-Default"]
"""The Container insights stream group: container logs, inventory and performance data."""


def addon_profile(workspace_id: Any) -> dict[str, Any]:
    """The cluster's omsagent add-on, writing to `workspace_id` with its managed identity."""
    return {"omsagent": {"enabled": True, "config": {"logAnalyticsWorkspaceResourceID": workspace_id,
                                                      "useAADAuth": "true"}}}


def data_collection(parent: pulumi.Resource, name: str, scope: CloudScope, tags: dict[str, str],
                    workspace_id: Any, cluster: pulumi.Resource) -> dict[str, pulumi.Resource]:
    """The data collection rule of the add-on and its association with the cluster."""
    child = pulumi.ResourceOptions(parent=parent)
    rule = monitor.DataCollectionRule(
        f"{name}-container-insights",
        data_collection_rule_name=_names.resource_name(scope.platform, scope.environment, "aks-insights"),
        resource_group_name=scope.resource_group_name, location=scope.region, tags=tags, kind="Linux",
        data_sources={"extensions": [{"name": "ContainerInsightsExtension", "extension_name": "ContainerInsights",
                                      "streams": STREAMS,
                                      "extension_settings": {"dataCollectionSettings": {
                                          "interval": "1m", "namespaceFilteringMode": "Off",
                                          "enableContainerLogV2": True}}}]},
        destinations={"log_analytics": [{"name": "workspace", "workspace_resource_id": workspace_id}]},
        data_flows=[{"streams": STREAMS, "destinations": ["workspace"]}],
        opts=child)
    association = monitor.DataCollectionRuleAssociation(
        f"{name}-container-insights", association_name="ContainerInsightsExtension",
        resource_uri=cluster.id, data_collection_rule_id=rule.id, opts=child)
    return {"insights_rule": rule, "insights_association": association}
