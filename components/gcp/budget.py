"""The GCP notification channels and billing budget of ``Operations``.

Declares, under the component:

- one Cloud Monitoring ``email`` notification channel per address, and a ``webhook_tokenauth``
  channel for the webhook (its URL carries any token, so it is kept secret in the state);
- with an amount, a ``billing.Budget`` on the model's billing account, filtered on the
  platform's project (``projects/<number>``) and its ``platform`` label (GCP budgets accept one
  label; the project already separates environments), reset every calendar month, with a
  threshold rule per actual (``CURRENT_SPEND``) and forecast (``FORECASTED_SPEND``) percentage,
  notifying the channels (at most five). The default recipients (billing administrators) are
  kept.

Creating a budget needs ``roles/billing.costsManager`` on the billing account, and the Billing
Budget API called with a quota project (``gcp:userProjectOverride: true`` and
``gcp:billingProject`` on the provider when using user credentials).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp.billing as billing
import pulumi_gcp.monitoring as monitoring
import pulumi_gcp.organizations as organizations

from aiscale.gcp import naming
from aiscale.operations_spec import BuiltBudget, NotificationTarget, OperationsBuild

DISPLAY_NAME_MAX = 60
"""Budget display names: up to 60 characters."""
NANOS = 1_000_000_000


@dataclass(frozen=True, kw_only=True)
class ChannelTarget(NotificationTarget):
    """The Cloud Monitoring notification channels that budgets and alert policies notify."""

    channels: list[pulumi.Input[str]]
    """The channels' names (empty when no email or webhook receives notifications)."""


def display_prefix(scope: Any) -> str:
    """``aiscale <platform> <environment>``: the start of every display name declared here."""
    return f"aiscale {scope.platform} {scope.environment}"


def notifications(component: pulumi.ComponentResource, args: OperationsBuild) -> "ChannelTarget":
    """Declare a channel per email and one for the webhook; return their names as targets."""
    scope = args.scope
    name = args.name
    child = pulumi.ResourceOptions(parent=component)
    labels = naming.gcp_labels(scope.tags)
    resources: dict[str, Any] = {}
    for address in args.emails:
        resources[f"channel:{address}"] = monitoring.NotificationChannel(
            f"{name}-email-{naming.stable_suffix(address)}", type="email", project=scope.gcp_project,
            display_name=f"{display_prefix(scope)}: {address}", labels={"email_address": address},
            user_labels=labels, opts=child)
    if args.webhook_url:
        resources["channel:webhook"] = monitoring.NotificationChannel(
            f"{name}-webhook", type="webhook_tokenauth", project=scope.gcp_project,
            display_name=f"{display_prefix(scope)}: webhook",
            labels={"url": pulumi.Output.secret(args.webhook_url)}, user_labels=labels, opts=child)
    channels = [channel.name for channel in resources.values()]
    return ChannelTarget(targets=channels, channels=channels, resources=resources)


def amount(usd: float) -> billing.BudgetAmountSpecifiedAmountArgs:
    """``usd`` as whole units and nanos of USD."""
    units = int(usd)
    return billing.BudgetAmountSpecifiedAmountArgs(currency_code="USD", units=str(units),
                                                   nanos=round((usd - units) * NANOS))


def threshold_rules(actual: Any, forecast: Any) -> list[billing.BudgetThresholdRuleArgs]:
    """One rule per percentage (GCP reads 1.0 as 100 %)."""
    return ([billing.BudgetThresholdRuleArgs(threshold_percent=t / 100, spend_basis="CURRENT_SPEND") for t in actual]
            + [billing.BudgetThresholdRuleArgs(threshold_percent=t / 100, spend_basis="FORECASTED_SPEND")
               for t in forecast])


def budget(component: pulumi.ComponentResource, args: OperationsBuild, target: "ChannelTarget") -> BuiltBudget:
    """Declare the monthly budget on the billing account, scoped to the project and label."""
    scope = args.scope
    project = organizations.get_project_output(project_id=scope.gcp_project,
                                               opts=pulumi.InvokeOutputOptions(parent=component))
    label = naming.gcp_labels({"platform": scope.tags.get("platform", scope.platform)})
    created = billing.Budget(
        f"{args.name}-budget", billing_account=args.gcp_billing_account,
        display_name=f"{display_prefix(scope)} monthly"[:DISPLAY_NAME_MAX],
        amount=billing.BudgetAmountArgs(specified_amount=amount(float(args.amount_usd))),
        budget_filter=billing.BudgetBudgetFilterArgs(
            projects=[project.number.apply(lambda number: f"projects/{number}")],
            labels=label, calendar_period="MONTH"),
        threshold_rules=threshold_rules(args.actual_thresholds, args.forecast_thresholds),
        all_updates_rule=billing.BudgetAllUpdatesRuleArgs(
            monitoring_notification_channels=target.channels, disable_default_iam_recipients=False),
        opts=pulumi.ResourceOptions(parent=component))
    return BuiltBudget(name=created.name, budget=created)
