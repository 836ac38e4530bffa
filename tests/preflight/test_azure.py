"""The Azure pre-flight against recorded answers: ``ResourceSku`` and ``Usage`` objects of
azure-mgmt-compute behind a fake client (no network), the checks, and its credentials errors."""

from __future__ import annotations

from dataclasses import replace

import pytest
from azure import identity as azure_identity
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

from aiscale.preflight import azure
from aiscale.preflight.errors import PreflightCloudError, PreflightCredentialsError
from aiscale.preflight.findings import FAIL, OK, WARN
from aiscale.preflight.plan import Fleet
from tests.preflight.cloud_fakes import (
    T4_FAMILY,
    T4_SIZE,
    azure_reader,
    azure_sku,
    azure_usage,
    location_restriction,
    zone_restriction,
)
from tests.preflight.helpers import endpoint, fleet, plan


def t4(name: str = "serve", *, zones: tuple[str, ...] = (), **kwargs) -> Fleet:
    """An AKS pool of Standard_NC4as_T4_v3 (1 T4, 4 vCPUs)."""
    return replace(fleet(name, T4_SIZE, accelerator="nvidia-t4", **{"vcpus": 4, **kwargs}), zones=zones)


def _plan(*fleets, endpoints=()):
    return plan(*fleets, endpoints=endpoints, region="eastus", zones=None)


def _run(the_plan, skus=(azure_sku(),), usages=()):
    reader = azure_reader(skus=skus, usages=usages)
    findings = azure.run_checks(the_plan, azure.gather_facts(the_plan, reader))
    return [(f.check, f.resource, f.status) for f in findings], findings, reader


ENOUGH = (azure_usage(T4_FAMILY, 24, 0, "Standard NCASv3_T4 Family vCPUs"),
          azure_usage("cores", 100, 10, "Total Regional vCPUs"),
          azure_usage("lowPriorityCores", 100, 0, "Total Regional Low-priority vCPUs"))


def test_offered_unrestricted_and_quota_enough():
    rows, findings, reader = _run(_plan(t4(max_nodes=3)), usages=ENOUGH)
    resource = f"node pool serve ({T4_SIZE}, on-demand)"
    assert rows == [
        ("offered in location", resource, OK),
        ("not restricted", resource, OK),
        ("vCPU quota", f"Standard NCASv3_T4 Family vCPUs ({T4_FAMILY})", OK),
        ("vCPU quota", "Total Regional vCPUs (cores)", OK),
    ]
    assert "needs 12 vCPUs at max size (node pool serve: 3 x Standard_NC4as_T4_v3 (4 vCPUs))" in findings[2].detail
    assert "the quota is 100, 10 in use, 90 free" in findings[3].detail
    assert reader._compute.calls == [("resource_skus.list", "location eq 'eastus'"), ("usage.list", "eastus")]


def test_not_offered_fails_and_is_left_out_of_the_quotas():
    rows, findings, _ = _run(_plan(t4()), skus=(), usages=ENOUGH)
    assert rows == [("offered in location", f"node pool serve ({T4_SIZE}, on-demand)", FAIL)]
    assert "not offered in eastus" in findings[0].detail
    assert "aiscale catalog --cloud azure --accelerator nvidia-t4" in findings[0].detail


@pytest.mark.parametrize("reason", ["NotAvailableForSubscription", "QuotaId"])
def test_a_size_restricted_for_the_subscription_fails(reason):
    rows, findings, _ = _run(_plan(t4()), skus=(azure_sku(restrictions=(location_restriction(reason=reason),)),),
                             usages=ENOUGH)
    assert rows[1][0] == "not restricted" and rows[1][2] == FAIL
    assert f"restricted in eastus for this subscription ({reason})" in findings[1].detail


@pytest.mark.parametrize("sku, zones, status, words", [
    (azure_sku(), ("eastus-1", "eastus-2"), OK, ["offered in zones 1, 2"]),
    (azure_sku(zones=("1", "2")), ("eastus-2", "eastus-3"), WARN, ["usable in zones 2 but not in 3"]),
    (azure_sku(zones=("1",)), ("eastus-2", "eastus-3"), FAIL, ["usable in none of the zones used", "2, 3"]),
    (azure_sku(restrictions=(zone_restriction("2", "3"),)), ("eastus-2", "eastus-3"), FAIL,
     ["usable in none", "restricted in 2, 3"]),
], ids=["in every zone", "one zone missing: warn", "zone missing: fail", "zones restricted: fail"])
def test_zones_of_a_pool_that_names_them(sku, zones, status, words):
    _, findings, _ = _run(_plan(t4(zones=zones)), skus=(sku,), usages=ENOUGH)
    zone = [f for f in findings if f.check == "offered in zones"]
    assert [f.status for f in zone] == [status]
    assert all(word in zone[0].detail for word in words), zone[0].detail


def test_a_pool_without_zones_gets_no_zone_check():
    rows, _, _ = _run(_plan(t4()), skus=(azure_sku(zones=()),), usages=ENOUGH)
    assert "offered in zones" not in [check for check, _, _ in rows]


@pytest.mark.parametrize("pools, usages, expected", [
    ([t4(max_nodes=3), t4("batch", max_nodes=3)], (azure_usage(T4_FAMILY, 24, 1), azure_usage("cores", 100)),
     [(T4_FAMILY, FAIL), ("cores", OK)]),
    ([t4(max_nodes=3)], (azure_usage(T4_FAMILY, 24), azure_usage("cores", 20, 10)),
     [(T4_FAMILY, OK), ("cores", FAIL)]),
    ([t4(max_nodes=3, capacity="spot")], (azure_usage("lowPriorityCores", 11),),
     [("lowPriorityCores", FAIL)]),
    ([t4(max_nodes=3, capacity="spot")], (azure_usage("lowPriorityCores", 12),),
     [("lowPriorityCores", OK)]),
    ([t4(max_nodes=3)], (), [(T4_FAMILY, WARN), ("cores", WARN)]),
], ids=["family quota short for two pools sharing it", "regional total short",
        "spot counts against lowPriorityCores: short", "spot: exactly enough", "usage missing: warn"])
def test_vcpu_quotas(pools, usages, expected):
    facts = azure.AzureFacts("eastus", skus={T4_SIZE: azure.sku_facts(azure_sku(), "eastus")},
                             usages={u.name.value: azure.Usage(u.name.value, u.name.value, u.limit, u.current_value)
                                     for u in usages})
    findings = azure.check_vcpu_quotas(pools, facts.skus, facts.usages)
    got = [(f.resource.split("(")[-1].rstrip(")") if "(" in f.resource else f.resource, f.status)
           for f in findings]
    assert got == expected, findings


def test_the_sku_vcpus_win_over_the_catalog():
    findings = azure.check_vcpu_quotas([t4(max_nodes=2, vcpus=4)],
                                       {T4_SIZE: azure.sku_facts(azure_sku(vcpus=8), "eastus")},
                                       {"cores": azure.Usage("cores", "Total", 15, 0)})
    assert "needs 16 vCPUs" in findings[-1].detail and findings[-1].status == FAIL


def test_managed_endpoints_are_reported_as_not_checked():
    rows, _, _ = _run(_plan(t4(), endpoints=(endpoint(),)), usages=ENOUGH)
    assert ("Azure ML quota", "endpoint chat", WARN) in rows


def test_rejected_credentials_and_missing_permissions_raise_the_preflight_errors():
    the_plan = _plan(t4())
    denied = azure_reader(error=HttpResponseError(message="AuthorizationFailed: no skus/read"))
    with pytest.raises(PreflightCloudError, match="the caller needs Microsoft.Compute/skus/read"):
        azure.gather_facts(the_plan, denied)
    rejected = azure_reader(error=ClientAuthenticationError(message="token expired"))
    with pytest.raises(PreflightCredentialsError, match="Azure rejected the credentials"):
        azure.gather_facts(the_plan, rejected)


def test_no_subscription_is_a_credentials_error(monkeypatch):
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    with pytest.raises(PreflightCredentialsError, match="AZURE_SUBSCRIPTION_ID is not set"):
        azure.default_reader()


def test_no_credential_in_the_chain_is_a_credentials_error(monkeypatch):
    class NoCredential:
        def get_token(self, *scopes):
            raise azure_identity.CredentialUnavailableError(
                message="DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
                        "Attempted credentials:\n"
                        "\tEnvironmentCredential: EnvironmentCredential authentication unavailable. "
                        "Environment variables are not fully configured.\n"
                        "\tAzureCliCredential: Azure CLI not found on path\n"
                        "To mitigate this issue, please refer to the troubleshooting guidelines.")

    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000")
    monkeypatch.setattr(azure_identity, "DefaultAzureCredential", NoCredential)
    with pytest.raises(PreflightCredentialsError) as caught:
        azure.default_reader()
    assert "no Azure credentials found by DefaultAzureCredential" in str(caught.value)
    assert ("tried EnvironmentCredential: EnvironmentCredential authentication unavailable; "
            "AzureCliCredential: Azure CLI not found on path") in str(caught.value)
    assert "az login" in str(caught.value)
