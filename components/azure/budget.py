"""The Azure action group and consumption budget of ``Operations``.

Declares, under the component:

- an Azure Monitor action group (global) with one email receiver per address and a webhook
  receiver (common alert schema) when there is someone to notify;
- with an amount, a ``Cost`` budget reset ``Monthly``, scoped to the platform's resource group
  (``/subscriptions/<id>/resourceGroups/<rg>``), or, with ``azure_budget_scope:
  subscription``, to the subscription filtered on the ``platform`` and ``environment`` tags
  (this also counts the GPU node VMs that AKS keeps in its node resource group). Each actual
  and forecast threshold emails the addresses and triggers the action group.

The budget starts on the first day of the month it is created in (Azure requires a start in
the current period) and ignores later changes to its start, so an update never moves it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.consumption as consumption
import pulumi_azure_native.monitor as monitor

from aiscale.azure import naming
from aiscale.operations_spec import BuiltBudget, NotificationTarget, OperationsBuild

SHORT_NAME_MAX = 12
"""Action group short names: up to 12 characters (they appear in SMS and emails)."""
BUDGET_TAGS = ("platform", "environment")
"""Tags the subscription-scoped budget filters on (both must match)."""
OPERATOR = "GreaterThan"
"""Budget notifications fire when spend exceeds the threshold."""


@dataclass(frozen=True, kw_only=True)
class ActionGroupTarget(NotificationTarget):
    """The Azure Monitor action group that budgets and alerts notify."""

    action_group_id: pulumi.Input[str] | None
    """The action group's id, or None when no email or webhook receives notifications."""


def resource_prefix(scope: Any) -> str:
    """``aiscale-<platform>-<environment>``: the start of every Azure name declared here."""
    return f"aiscale-{scope.platform}-{scope.environment}"


def notifications(component: pulumi.ComponentResource, args: OperationsBuild) -> "ActionGroupTarget":
    """Declare the action group (when there are receivers); return its id as target."""
    scope = args.scope
    emails = [monitor.MicrosoftCommonEmailReceiverArgs(
        name=f"email-{naming.stable_suffix(address)}", email_address=address, use_common_alert_schema=True)
        for address in args.emails]
    hooks = ([monitor.WebhookReceiverArgs(name="webhook", service_uri=pulumi.Output.secret(args.webhook_url),
                                          use_common_alert_schema=True)] if args.webhook_url else [])
    if not emails and not hooks:
        return ActionGroupTarget(targets=[], action_group_id=None)
    group = monitor.ActionGroup(
        f"{args.name}-action-group", action_group_name=f"{resource_prefix(scope)}-alerts",
        group_short_name=f"{scope.platform}-{scope.environment}"[:SHORT_NAME_MAX].rstrip("-"),
        resource_group_name=scope.resource_group_name, location="Global", enabled=True,
        email_receivers=emails, webhook_receivers=hooks, tags=naming.azure_tags(scope.tags),
        opts=pulumi.ResourceOptions(parent=component))
    return ActionGroupTarget(targets=[group.id], action_group_id=group.id, resources={"action_group": group})


def month_start(today: Optional[datetime.date] = None) -> str:
    """The first day of ``today``'s month (UTC by default) as Azure wants a budget start."""
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    return f"{today.year:04d}-{today.month:02d}-01T00:00:00Z"


def budget_scope(component: pulumi.Resource, args: OperationsBuild) -> pulumi.Output[str]:
    """The resource group's id, or the subscription's for ``azure_budget_scope: subscription``."""
    config = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=component))
    if args.azure_budget_scope == "subscription":
        return config.subscription_id.apply(lambda sub: f"/subscriptions/{sub}")
    return pulumi.Output.all(config.subscription_id, args.scope.resource_group_name).apply(
        lambda v: f"/subscriptions/{v[0]}/resourceGroups/{v[1]}")


def tag_filter(scope: Any) -> consumption.BudgetFilterArgs:
    """Costs of resources tagged with this platform's name and environment (both)."""
    tags = naming.azure_tags(scope.tags)
    values = {"platform": tags.get("platform", scope.platform),
              "environment": tags.get("environment", scope.environment)}
    return consumption.BudgetFilterArgs(and_=[
        consumption.BudgetFilterPropertiesArgs(tags=consumption.BudgetComparisonExpressionArgs(
            name=key, operator="In", values=[values[key]])) for key in BUDGET_TAGS])


def _notification(kind: str, threshold: int, emails: list[str], group: Any) -> consumption.NotificationArgs:
    return consumption.NotificationArgs(
        enabled=True, operator=OPERATOR, threshold=float(threshold), threshold_type=kind,
        contact_emails=emails, contact_groups=[group] if group is not None else [])


def budget(component: pulumi.ComponentResource, args: OperationsBuild, target: "ActionGroupTarget") -> BuiltBudget:
    """Declare the monthly cost budget notifying the emails and the action group."""
    scope = args.scope
    emails, group = list(args.emails), target.action_group_id
    notes = {f"actual_{t}": _notification("Actual", t, emails, group) for t in args.actual_thresholds}
    notes.update({f"forecast_{t}": _notification("Forecasted", t, emails, group) for t in args.forecast_thresholds})
    created = consumption.Budget(
        f"{args.name}-budget", budget_name=f"{resource_prefix(scope)}-monthly",
        scope=budget_scope(component, args), amount=float(args.amount_usd), category="Cost",
        time_grain="Monthly", time_period=consumption.BudgetTimePeriodArgs(start_date=month_start()),
        filter=tag_filter(scope) if args.azure_budget_scope == "subscription" else None,
        notifications=notes,
        opts=pulumi.ResourceOptions(parent=component, ignore_changes=["timePeriod"]))
    return BuiltBudget(name=created.name, budget=created)
