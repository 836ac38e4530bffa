"""A dedicated service account with a short list of project roles (no default compute account)."""

from __future__ import annotations

from typing import NamedTuple, Sequence

import pulumi
import pulumi_gcp.projects as projects
import pulumi_gcp.serviceaccount as serviceaccount


class ServiceIdentity(NamedTuple):
    """A service account and its project role grants."""

    account: serviceaccount.Account
    """The service account."""
    grants: list[projects.IAMMember]
    """One project IAM member per role; depend on these before starting machines."""

    @property
    def email(self) -> pulumi.Output[str]:
        """The account's e-mail address."""
        return self.account.email


def service_identity(name: str, *, account_id: str, display_name: str, project: str,
                     roles: Sequence[str], parent: pulumi.Resource) -> ServiceIdentity:
    """Declare ``account_id`` and grant it ``roles`` on ``project``."""
    opts = pulumi.ResourceOptions(parent=parent)
    account = serviceaccount.Account(f"{name}-sa", account_id=account_id, display_name=display_name,
                                     project=project, opts=opts)
    member = account.email.apply(lambda email: f"serviceAccount:{email}")
    grants = [
        projects.IAMMember(f"{name}-{role.rsplit('/', 1)[-1].replace('.', '-')}", project=project,
                           role=role, member=member, opts=opts)
        for role in roles
    ]
    return ServiceIdentity(account=account, grants=grants)
