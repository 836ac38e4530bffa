"""Bad arguments get one clear error naming the argument, the value and what is valid, and
register nothing."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from aiscale.preview.engine import PreviewError, run_inline

from .helpers import BILLING_ACCOUNT, CONFIG, operations_program


class Case(NamedTuple):
    reason: str
    cloud: str
    overrides: dict[str, Any]
    expected: tuple[str, ...]


CASES = [
    Case("negative budget", "aws", {"amount_usd": -5.0}, ("OperationsArgs.amount_usd", "got -5.0", "must be > 0")),
    Case("threshold below 1", "aws", {"actual_thresholds": [0, 80]}, ("actual_thresholds[0]", "got 0", ">= 1")),
    Case("threshold above 1000", "azure", {"forecast_thresholds": [1001]}, ("forecast_thresholds[0]", "<= 1000")),
    Case("malformed email", "gcp", {"emails": ["ml-oncall", "ok@example.com"]},
         ("emails[0]", 'got "ml-oncall"', "email address")),
    Case("webhook not https", "aws", {"webhook_url": "http://hooks.example.com"}, ("webhook_url", "https://")),
    Case("gcp budget without billing account", "gcp", {"gcp_billing_account": None},
         ("gcp_billing_account: got None", "billing account")),
    Case("malformed billing account", "gcp", {"gcp_billing_account": "abc"}, ("gcp_billing_account", 'got "abc"', "six uppercase hex digits")),
    Case("budget without emails", "aws", {"emails": []}, ("emails: got []", "at least one email")),
    Case("six budget notifications on aws", "aws", {"actual_thresholds": [10, 20, 30, 40, 50]},
         ("got 6 thresholds", "at most 5")),
    Case("six channels on a gcp budget", "gcp", {"emails": [f"u{i}@example.com" for i in range(6)]},
         ("got 7 notification targets", "at most 5 channels")),
    Case("kubernetes endpoint without cluster", "aws", {"cluster": None, "node_pools": []},
         ("cluster: got None", "'chat' runs on Kubernetes")),
    Case("unknown azure budget scope", "azure", {"azure_budget_scope": "tenant"},
         ('azure_budget_scope: got "tenant"', "resource-group, subscription")),
    Case("unknown argument", "aws", {"budget_usd": 5}, ("budget_usd: unknown argument", "amount_usd")),
    Case("latency not positive", "aws", {"latency_threshold_seconds": 0}, ("latency_threshold_seconds: got 0",)),
    Case("error share above 100", "gcp", {"error_threshold_percent": 150}, ("error_threshold_percent: got 150",)),
]


@pytest.mark.parametrize("case", CASES, ids=[case.reason for case in CASES])
def test_bad_arguments_fail_with_a_clear_message(case):
    with pytest.raises(PreviewError) as raised:
        run_inline(operations_program(case.cloud, overrides=case.overrides), config=CONFIG[case.cloud])
    message = str(raised.value)
    assert "invalid arguments for Operations 'acme-" in message
    for fragment in case.expected:
        assert fragment in message, f"{case.reason}: {fragment!r} not in {message}"
    assert not [r for r in raised.value.resources if r.type.startswith(("aiscale:index:Operations",))
                or "-operations-" in r.name], "nothing of Operations is registered"


def test_every_problem_is_reported_at_once():
    overrides = {"amount_usd": -1.0, "emails": ["bad"], "gcp_billing_account": None}
    with pytest.raises(PreviewError) as raised:
        run_inline(operations_program("gcp", overrides=overrides), config=CONFIG["gcp"])
    message = str(raised.value)
    assert "amount_usd" in message and "emails[0]" in message
    assert message.count("  - OperationsArgs.") >= 2


def test_args_must_be_a_mapping():
    from aiscale.operations import problems_of

    assert problems_of(["not", "a", "mapping"]) == ["args: got ['not', 'a', 'mapping']; valid: an OperationsArgs mapping"]


def test_valid_arguments_have_no_problems():
    from types import SimpleNamespace

    from aiscale.operations import problems_of

    scope = SimpleNamespace(cloud="gcp", resource_group_name=None)
    assert problems_of({"scope": scope, "emails": ["a@example.com"], "amount_usd": 10.0,
                        "gcp_billing_account": BILLING_ACCOUNT}) == []


@pytest.mark.parametrize("monthly,estimate,expected,reason", [
    (1500, 900.0, 1500, "the model's monthly_usd wins"),
    (None, 900.0, 900.0, "no monthly_usd: the cost estimate's upper bound"),
])
def test_args_from_model_resolves_the_budget(monthly, estimate, expected, reason):
    from types import SimpleNamespace

    from aiscale.operations import args_from_model, problems_of

    from .helpers import EMAILS, platform

    budget = {"monthly_usd": monthly} if monthly is not None else {}
    model = platform("gcp", operations={"notifications": {"emails": EMAILS}, "budget": budget,
                                        "gcp_billing_account": BILLING_ACCOUNT})
    scope = SimpleNamespace(cloud="gcp", resource_group_name=None)
    args = args_from_model(model, scope, estimate_usd=estimate)
    assert args["amount_usd"] == expected, reason
    assert (args["emails"], args["gcp_billing_account"], args["forecast_thresholds"]) == (EMAILS, BILLING_ACCOUNT, [100])
    assert problems_of(args) == []


def test_args_from_model_without_a_figure_is_an_error():
    from aiscale.operations import args_from_model

    from .helpers import EMAILS, platform

    model = platform("aws", operations={"notifications": {"emails": EMAILS}, "budget": {}})
    with pytest.raises(ValueError, match="monthly_usd: omitted, and no cost estimate"):
        args_from_model(model, object())


def test_args_from_model_without_operations_has_no_budget():
    from aiscale.operations import args_from_model

    from .helpers import platform

    model = platform("aws", operations={})
    args = args_from_model(model, object())
    assert "amount_usd" not in args and args["kubernetes_version"] == "1.31"
