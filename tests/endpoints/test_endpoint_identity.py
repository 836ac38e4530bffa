"""The pod identity of a kubernetes endpoint on each cloud: bound to exactly the endpoint's
service account, and able to read only the model's bucket."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiscale.aws.endpoint_identity import model_read_policy

from .helpers import SERVICE_ACCOUNT, policy

SUBJECT = "system:serviceaccount:aiscale-chat:chat"


def test_aws_role_trusts_only_the_endpoint_service_account(endpoint_preview):
    result = endpoint_preview("aws")
    trust = policy(result.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"].endswith("oidc.eks.us-west-2.amazonaws.com/id/ABC")
    assert statement["Condition"]["StringEquals"] == {
        "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": SUBJECT,
        "oidc.eks.us-west-2.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
    }
    annotations = result.one(SERVICE_ACCOUNT).inputs["metadata"]["annotations"]
    assert annotations["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam:")


@pytest.mark.parametrize("encryption,decrypt,reason", [
    ("customer-managed", True, "SSE-KMS objects need kms:Decrypt on the bucket's key"),
    ("provider-managed", False, "no customer key, no KMS grant"),
])
def test_aws_read_policy_names_only_the_model_bucket(endpoint_preview, encryption, decrypt, reason):
    result = endpoint_preview("aws", bucket={"encryption": encryption})
    bucket = result.one("aws:s3/bucket:Bucket").inputs["bucket"]
    document = policy(result.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    assert by_sid["ListModel"]["Resource"] == f"arn:aws:s3:::{bucket}"
    assert by_sid["ListModel"]["Condition"] == {"StringLike": {"s3:prefix": ["llama-3-8b/*"]}}
    assert by_sid["ReadModel"] == {"Sid": "ReadModel", "Effect": "Allow", "Action": "s3:GetObject",
                                   "Resource": f"arn:aws:s3:::{bucket}/llama-3-8b/*"}
    assert ("DecryptModel" in by_sid) == decrypt, reason
    if decrypt:
        assert by_sid["DecryptModel"]["Resource"] == result.one("aws:kms/key:Key").outputs["arn"]
        assert by_sid["DecryptModel"]["Condition"]["StringEquals"]["kms:ViaService"] == \
            "s3.us-west-2.amazonaws.com"
    actions = {s["Action"] for s in document["Statement"]}
    assert actions <= {"s3:ListBucket", "s3:GetObject", "kms:Decrypt"}


def test_aws_read_policy_for_the_bucket_root():
    document = model_read_policy("arn:aws:s3:::b", "", None, "us-east-1")
    listing, read = document["Statement"]
    assert "Condition" not in listing
    assert read["Resource"] == "arn:aws:s3:::b/*"


def test_azure_federated_credential_and_container_scoped_reader(endpoint_preview):
    result = endpoint_preview("azure")
    credential = result.one("azure-native:managedidentity:FederatedIdentityCredential").inputs
    assert credential["subject"] == SUBJECT
    assert credential["issuer"] == "https://eastus.oic.prod-aks.azure.com/tenant/issuer/"
    assert credential["audiences"] == ["api://AzureADTokenExchange"]
    identity = result.one("azure-native:managedidentity:UserAssignedIdentity", "chat")
    assert credential["resourceName"] == identity.inputs["resourceName"]
    assignment = result.one("azure-native:authorization:RoleAssignment", "chat").inputs
    assert assignment["roleDefinitionId"].endswith("/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
    container = result.one("azure-native:storage:BlobContainer")
    assert assignment["scope"] == container.id, "the model's container, not the account"
    assert assignment["principalId"] == identity.outputs["principalId"]
    account = result.one(SERVICE_ACCOUNT).inputs["metadata"]["annotations"]
    assert account["azure.workload.identity/client-id"] == identity.outputs["clientId"]
    labels = result.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]["metadata"]["labels"]
    assert labels["azure.workload.identity/use"] == "true"


def test_gcp_workload_identity_and_bucket_viewer(endpoint_preview):
    result = endpoint_preview("gcp")
    account = result.one("gcp:serviceaccount/account:Account", "chat")
    binding = result.one("gcp:serviceaccount/iAMMember:IAMMember").inputs
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == "serviceAccount:acme-ml-dev.svc.id.goog[aiscale-chat/chat]"
    viewer = result.one("gcp:storage/bucketIAMMember:BucketIAMMember", "chat").inputs
    assert viewer["role"] == "roles/storage.objectViewer"
    assert viewer["bucket"] == result.one("gcp:storage/bucket:Bucket").inputs["name"]
    assert viewer["member"] == f"serviceAccount:{account.outputs['email']}"
    assert not result.by_type("gcp:projects/iAMMember:IAMMember"), "no project-wide grant"
    annotations = result.one(SERVICE_ACCOUNT).inputs["metadata"]["annotations"]
    assert annotations["iam.gke.io/gcp-service-account"] == account.outputs["email"]


def test_gcp_workload_pool_falls_back_to_the_project(endpoint_preview):
    def without_pool(args):
        args["cluster"].built = SimpleNamespace(workload_pool=None)
        return args

    binding = endpoint_preview("gcp", extra=without_pool).one("gcp:serviceaccount/iAMMember:IAMMember")
    assert binding.inputs["member"] == "serviceAccount:acme-ml-dev.svc.id.goog[aiscale-chat/chat]"


@pytest.mark.parametrize("platform,endpoint,environment", [
    ("acme-ml", "chat", "dev"),
    ("a-very-long-platform-x", "a-long-endpoint-name", "prod"),
    ("9lives", "ab", "dev"),
])
def test_gcp_account_ids_are_valid(platform, endpoint, environment):
    import re
    from types import SimpleNamespace

    from aiscale.gcp.endpoint_identity import account_id

    scope = SimpleNamespace(platform=platform, environment=environment)
    found = account_id(scope, SimpleNamespace(name=endpoint), "pods")
    assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", found), found
    other = account_id(SimpleNamespace(platform=platform, environment="staging"),
                       SimpleNamespace(name=endpoint), "pods")
    assert other != found, "environments sharing a project get different accounts"
