"""Operations: budgets and the notification targets that budget and alert messages go to."""

from __future__ import annotations

import re
from typing import Annotated, Optional
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from ._base import ProblemCollector, SpecModel, check_each, matches, no_duplicates

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
MAX_EMAIL = 254
"""Longest email address accepted (RFC 5321 path limit)."""
GCP_BILLING_ACCOUNT = r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$"
GcpBillingAccount = matches(GCP_BILLING_ACCOUNT, "a GCP billing account id: three groups of "
                            "six uppercase hex digits, e.g. 012345-6789AB-CDEF01")

MIN_THRESHOLD = 1
"""Lowest budget alert threshold, percent of the budget."""
MAX_THRESHOLD = 1000
"""Highest budget alert threshold, percent of the budget."""


def _email_problem(address: str) -> str | None:
    if len(address) <= MAX_EMAIL and _EMAIL.fullmatch(address):
        return None
    return "must be an email address such as ml-oncall@example.com"


def _check_webhook(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise ValueError("must be an https:// URL, e.g. https://hooks.example.com/aiscale")
    return url


def _sorted(values: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(values))


Thresholds = Annotated[
    tuple[Annotated[int, Field(ge=MIN_THRESHOLD, le=MAX_THRESHOLD)], ...],
    AfterValidator(no_duplicates),
    AfterValidator(_sorted),
]
"""Percentages of the budget (1-1000), without repeats; kept sorted ascending."""


class Notifications(SpecModel):
    """Where budget and alert notifications go."""

    emails: Annotated[
        tuple[str, ...], check_each(_email_problem), AfterValidator(no_duplicates)
    ] = ()
    """Email addresses to notify; a budget needs at least one. Omitted: none."""
    webhook_url: Optional[Annotated[str, AfterValidator(_check_webhook)]] = None
    """An https:// URL that receives alert notifications as JSON (treat it as a secret if it
    embeds a token). Omitted: none."""


class Budget(SpecModel):
    """A monthly cost budget on each configured cloud, alerting at the given thresholds."""

    monthly_usd: Optional[float] = Field(None, gt=0)
    """Monthly budget, USD. Omitted: the upper bound of the platform's cost estimate."""
    actual_thresholds: Thresholds = (50, 80, 100)
    """Alert when actual spend reaches these percentages of the budget. Omitted: 50, 80, 100."""
    forecast_thresholds: Thresholds = (100,)
    """Alert when forecast spend reaches these percentages of the budget ([] turns forecast
    alerts off). Omitted: 100."""


class Operations(SpecModel):
    """Budgets, notification targets and alerting."""

    notifications: Notifications = Notifications()
    """Notification targets. Omitted: none (then no budget can be set)."""
    budget: Optional[Budget] = None
    """A monthly budget with alerts (needs at least one email in notifications; with GCP
    configured, also `gcp_billing_account`). Omitted: no budget."""
    gcp_billing_account: Optional[GcpBillingAccount] = None
    """GCP billing account id that GCP budgets are created on, e.g. "012345-6789AB-CDEF01".
    Omitted: none (required for a budget when GCP is configured)."""

    @model_validator(mode="after")
    def _budget_has_recipients(self) -> "Operations":
        problems = ProblemCollector()
        if self.budget is not None and not self.notifications.emails:
            problems.add(("notifications", "emails"), list(self.notifications.emails),
                         "a budget needs at least one email address to notify")
        problems.raise_if_any()
        return self
