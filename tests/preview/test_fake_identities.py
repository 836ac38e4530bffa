"""The fake cloud answers identities as the clouds do, so a report's inputs that come from an
identity (a role assignment's principal, an IAM binding's member, a trust policy's ARN) carry
the value a real deploy would send."""

from __future__ import annotations

import re

import pulumi

from aiscale.preview.engine import run_inline
from aiscale.preview.fake_cloud import AWS_ACCOUNT_ID, AZURE_TENANT_ID

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_azure_system_assigned_identities_get_their_own_principal():
    def program() -> None:
        import pulumi_azure_native.authorization as authorization
        import pulumi_azure_native.compute as compute

        def scale_set(name: str):
            return compute.VirtualMachineScaleSet(name, resource_group_name="rg", vm_scale_set_name=name,
                                                  identity={"type": "SystemAssigned"})

        first, second = scale_set("a"), scale_set("b")
        for vmss in (first, second):
            authorization.RoleAssignment(f"{vmss._name}-reader", scope="/subscriptions/x",
                                         role_definition_id="/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/r",
                                         principal_id=vmss.identity.apply(lambda i: i.principal_id),
                                         principal_type="ServicePrincipal")

    result = run_inline(program, config={"azure-native:location": "eastus"})
    principals = [r.outputs["identity"]["principalId"] for r in result.by_type("azure-native:compute:VirtualMachineScaleSet")]
    assert all(re.fullmatch(GUID, p) for p in principals) and len(set(principals)) == 2, "one principal per resource"
    assert {r.outputs["identity"]["tenantId"] for r in result.by_type("azure-native:compute:VirtualMachineScaleSet")} == {AZURE_TENANT_ID}
    assert sorted(r.inputs["principalId"] for r in result.by_type("azure-native:authorization:RoleAssignment")) == sorted(principals)


def test_gcp_service_accounts_answer_email_and_member():
    def program() -> None:
        import pulumi_gcp as gcp

        account = gcp.serviceaccount.Account("runner", account_id="runner", project="acme-dev")
        gcp.projects.IAMMember("runner-logs", project="acme-dev", role="roles/logging.logWriter",
                               member=account.member)

    result = run_inline(program, config={"gcp:project": "acme-dev", "gcp:region": "us-central1"})
    account = result.one("gcp:serviceaccount/account:Account").outputs
    assert account["email"] == "runner@acme-dev.iam.gserviceaccount.com"
    assert result.one("gcp:projects/iAMMember:IAMMember").inputs["member"] == \
        "serviceAccount:runner@acme-dev.iam.gserviceaccount.com"
    assert re.fullmatch(r"[0-9a-f]{21}", account["uniqueId"])


def test_aws_roles_answer_arn_and_unique_id():
    def program() -> None:
        import pulumi_aws as aws

        role = aws.iam.Role("app", name="app", assume_role_policy="{}")
        pulumi.export("arn", role.arn)

    result = run_inline(program, config={"aws:region": "us-west-2"})
    role = result.one("aws:iam/role:Role").outputs
    assert role["arn"] == f"arn:aws:iam::{AWS_ACCOUNT_ID}:role/app"
    assert re.fullmatch(r"AROA[0-9A-F]{17}", role["uniqueId"])
