"""Security checks for AWS policy documents: resource policies open to anyone, trust policies
anyone may assume, and administrator access on roles."""

from __future__ import annotations

import json

from aiscale.facts import tokens

from ..props import get, items
from ..registry import Check, NotApplicable

ADMIN_POLICY_ARN_SUFFIX = ":iam::aws:policy/AdministratorAccess"
"""The AWS-managed AdministratorAccess policy, in any partition (aws, aws-cn, aws-us-gov)."""
NARROWING_CONDITION_KEYS = frozenset(key.lower() for key in (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceVpc",
    "aws:SourceVpce", "aws:SourceIp", "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:PrincipalOrgPaths", "kms:CallerAccount", "kms:ViaService", "sts:ExternalId"))
"""Condition keys that limit a statement with Principal "*" to named accounts, organisations,
sources or networks (the default SNS topic policy is Principal "*" with aws:SourceOwner)."""
_POLICY_DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"


class BadDocument(ValueError):
    """A policy input that is not a JSON policy document."""


def document(value) -> dict:
    """A policy document from its input: JSON text or an object; {} when absent."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError) as error:
        raise BadDocument(str(error)) from error
    if not isinstance(parsed, dict):
        raise BadDocument("not a JSON object")
    return parsed


def statements(doc: dict) -> list:
    """The statements of a policy document (a single statement object counts as a list of one)."""
    found = doc.get("Statement") or []
    return [s for s in (found if isinstance(found, list) else [found]) if isinstance(s, dict)]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def is_anyone(principal) -> bool:
    """True for Principal "*" or {"AWS": "*"} (alone or in a list)."""
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in _as_list(principal.get("AWS"))
    return False


def narrowed(statement: dict) -> bool:
    """True when a condition limits the statement to named accounts, sources or networks."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    keys = {str(key).lower() for operator in condition.values() if isinstance(operator, dict) for key in operator}
    return bool(keys & NARROWING_CONDITION_KEYS)


def open_statements(doc: dict) -> list:
    """Allow statements whose principal is anyone, with no narrowing condition."""
    return [s for s in statements(doc) if s.get("Effect") == "Allow" and is_anyone(s.get("Principal"))
            and not narrowed(s)]


def _sid(statement: dict) -> str:
    return f"statement '{statement['Sid']}'" if statement.get("Sid") else "a statement"


def _open_policy(props, key: str, what: str):
    try:
        doc = document(get(props, key))
    except BadDocument:
        return NotApplicable(f"{key} is not a JSON policy document")
    return [f"{_sid(s)} allows {what} to any principal ('*') without a condition naming accounts or "
            "sources; name the principals" for s in open_statements(doc)]


def bucket_policy_not_public(resource_type, props, ctx):
    """An S3 bucket policy grants nothing to any principal."""
    return _open_policy(props, "policy", "bucket access")


def topic_policy_not_public(resource_type, props, ctx):
    """An SNS topic policy grants nothing to any principal."""
    return _open_policy(props, "policy", "topic actions")


def key_policy_no_wildcard(resource_type, props, ctx):
    """A KMS key policy grants nothing to any principal."""
    return _open_policy(props, "policy", "key use")


def trust_not_public(resource_type, props, ctx):
    """Nobody outside named principals may assume the role."""
    return _open_policy(props, "assumeRolePolicy", "sts:AssumeRole")


def _full_admin(doc: dict) -> bool:
    return any(s.get("Effect") == "Allow" and "*" in _as_list(s.get("Action"))
               and "*" in _as_list(s.get("Resource")) for s in statements(doc))


def _admin_documents(resource_type, props) -> list:
    if resource_type == tokens.AWS_IAM_ROLE:
        return [get(p, "policy") for p in items(props, "inlinePolicies")]
    return [get(props, "policy")]


def no_admin_on_roles(resource_type, props, ctx):
    """Roles get neither AdministratorAccess nor a policy allowing every action on every resource."""
    out = []
    arns = [get(props, "policyArn")] if resource_type == tokens.AWS_IAM_ROLE_POLICY_ATTACHMENT else (
        items(props, "managedPolicyArns") if resource_type == tokens.AWS_IAM_ROLE else [])
    if any(str(arn).endswith(ADMIN_POLICY_ARN_SUFFIX) for arn in arns if arn):
        out.append("attaches AdministratorAccess; grant the actions the workload needs")
    if resource_type == tokens.AWS_IAM_ROLE_POLICY_ATTACHMENT:
        return out
    for text in _admin_documents(resource_type, props):
        try:
            if _full_admin(document(text)):
                out.append("a policy allows Action '*' on Resource '*' (full administrator); scope it")
        except BadDocument:
            continue
    return out


CHECKS = (
    Check("SEC-IAM-001", "security", "S3 bucket policy not open to any principal",
          "Bucket policies (BucketPolicy, or the legacy inline policy) have no Allow statement for "
          "Principal '*' unless a condition names accounts, organisations, sources or networks.",
          "critical", "mandatory", "Name the principals, or add an aws:PrincipalOrgID / aws:SourceArn condition.",
          bucket_policy_not_public, (tokens.AWS_S3_BUCKET_POLICY, tokens.AWS_S3_BUCKET),
          anchors=("CKV_AWS_70",), url=_POLICY_DOCS,
          when_omitted="No bucket policy: only the account's IAM principals have access; new buckets "
          "also block public policies by default (https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
          "access-control-block-public-access.html).", omitted_verdict="pass"),
    Check("SEC-IAM-002", "security", "SNS topic policy not open to any principal",
          "Topic policies have no Allow statement for Principal '*' unless a condition names the "
          "accounts or sources (the default topic policy is Principal '*' limited by AWS:SourceOwner).",
          "critical", "mandatory", "Name the publishing services or accounts, or add an aws:SourceArn condition.",
          topic_policy_not_public, (tokens.AWS_SNS_TOPIC_POLICY, tokens.AWS_SNS_TOPIC),
          anchors=("CKV_AWS_169", "KICS b26d2b7e-60f6-413d-a3a1-a57db24aa2b3"), url=_POLICY_DOCS,
          when_omitted="No policy: SNS applies its default topic policy, which limits every action to the "
          "owning account with an AWS:SourceOwner condition (https://docs.aws.amazon.com/sns/latest/dg/"
          "sns-access-policy-use-cases.html).", omitted_verdict="pass"),
    Check("SEC-IAM-003", "security", "IAM roles not assumable by anyone",
          "Trust policies have no Allow statement for Principal '*' unless a condition names the "
          "accounts, organisation or external id.", "critical", "mandatory",
          "Trust named accounts, services or OIDC providers only.", trust_not_public, (tokens.AWS_IAM_ROLE,),
          anchors=("CKV_AWS_60", "KICS 12b7e704-37f0-4d1e-911a-44bf60c48c21"), url=_POLICY_DOCS,
          when_omitted="assumeRolePolicy is required by IAM; a role without one cannot be created "
          "(https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).", omitted_verdict="pass"),
    Check("SEC-IAM-004", "security", "No administrator access on roles",
          "Roles, role policies, attachments and managed policies grant neither the AWS-managed "
          "AdministratorAccess policy nor Action '*' on Resource '*'.", "high", "mandatory",
          "Grant the actions and resources the workload needs.", no_admin_on_roles,
          (tokens.AWS_IAM_ROLE, tokens.AWS_IAM_ROLE_POLICY, tokens.AWS_IAM_ROLE_POLICY_ATTACHMENT, tokens.AWS_IAM_POLICY),
          anchors=("CKV_AWS_274", "CKV_AWS_62"), url="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
          when_omitted="A role without policies may do nothing (IAM denies by default: "
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).",
          omitted_verdict="pass"),
    Check("SEC-KMS-001", "security", "KMS key policy without a wildcard principal",
          "Key policies have no Allow statement for Principal '*' unless a condition names the accounts "
          "(kms:CallerAccount) or services (kms:ViaService).", "high", "mandatory",
          "Name the key's administrators and users.", key_policy_no_wildcard, (tokens.AWS_KMS_KEY,),
          anchors=("CKV_AWS_33",), url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
          when_omitted="No policy: KMS attaches the default key policy, which trusts only the owning "
          "account's root (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).",
          omitted_verdict="pass"),
)
"""The AWS policy-document checks of the security pack."""
