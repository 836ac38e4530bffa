"""Declaring IAM roles: a trust policy plus AWS managed policies, as one call."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pulumi
import pulumi_aws.iam as iam

from aiscale.aws import _iam


class Role(NamedTuple):
    """A declared role and its managed-policy attachments (depend on these, not just the role,
    when the permissions must exist first)."""

    role: iam.Role
    """The IAM role."""
    attachments: list[iam.RolePolicyAttachment]
    """One attachment per managed policy."""


def declare(name: str, trust: Any, policies: tuple[str, ...], region: str, tags: dict[str, str],
            parent: pulumi.Resource, description: str) -> Role:
    """An IAM role trusted per ``trust`` (a dict or an Output of one) with ``policies`` (AWS
    managed policy names, with their path where they have one: ``service-role/...``) attached;
    each attachment is named after the policy's last path segment."""
    document = (pulumi.Output.json_dumps(trust) if isinstance(trust, pulumi.Output)
                else json.dumps(trust))
    child = pulumi.ResourceOptions(parent=parent)
    role = iam.Role(name, assume_role_policy=document, description=description, tags=tags,
                    opts=child)
    attachments = [
        iam.RolePolicyAttachment(f"{name}-{policy.rsplit('/', 1)[-1]}", role=role.name,
                                 policy_arn=_iam.managed_policy_arn(policy, region), opts=child)
        for policy in policies
    ]
    return Role(role, attachments)
