"""EKS pod identity of a model endpoint (IRSA): an IAM role only the endpoint's service account
can assume, allowed to read the model's objects and nothing else.

The role trusts the cluster's OIDC provider for ``system:serviceaccount:<ns>:<sa>`` with the
``sts.amazonaws.com`` audience. Its one inline policy lists the model's prefix and reads its
objects in the model bucket, and, when the bucket has a customer-managed key, decrypts with that
key through S3 only (``kms:ViaService``). The ServiceAccount carries
``eks.amazonaws.com/role-arn``; the EKS pod identity webhook injects the token and variables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import pulumi
import pulumi_aws.iam as iam

from aiscale.aws import naming
from aiscale.aws._iam import POLICY_VERSION, pod_trust_policy
from aiscale.endpoint_spec import EndpointBuild, PodIdentity

if TYPE_CHECKING:
    from aiscale.aws.cluster import AwsCluster

ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
"""The ServiceAccount annotation that binds it to an IAM role."""


@dataclass(frozen=True, kw_only=True)
class EksPodIdentity(PodIdentity):
    """The pods' IAM role (resources by role: ``role``, ``model_read_policy``)."""

    role_arn: pulumi.Output[str]
    """The role the endpoint's ServiceAccount assumes."""


def model_read_policy(bucket_arn: str, path: str, key_arn: Optional[str], region: str) -> dict:
    """Least privilege to read one model: list its prefix, get its objects, decrypt via S3."""
    prefix = path.lstrip("/")
    listing: dict[str, Any] = {"Sid": "ListModel", "Effect": "Allow", "Action": "s3:ListBucket",
                               "Resource": bucket_arn}
    if prefix:
        listing["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
    statements = [listing, {"Sid": "ReadModel", "Effect": "Allow", "Action": "s3:GetObject",
                            "Resource": f"{bucket_arn}/{prefix}*"}]
    if key_arn:
        statements.append({"Sid": "DecryptModel", "Effect": "Allow", "Action": "kms:Decrypt",
                           "Resource": key_arn,
                           "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}})
    return {"Version": POLICY_VERSION, "Statement": statements}


def model_read_document(store: Any, endpoint: Any, region: str) -> pulumi.Output[str]:
    """:func:`model_read_policy` for ``store`` (its bucket and, if any, its key) as JSON."""
    key = store.resources.get("key")
    return pulumi.Output.all(store.resources["bucket"].arn, key.arn if key is not None else None).apply(
        lambda values: json.dumps(model_read_policy(values[0], endpoint.model.path, values[1], region)))


def build(component: pulumi.ComponentResource, args: EndpointBuild, namespace: str,
          service_account: str) -> EksPodIdentity:
    """Declare the pod role and its read policy; return the ServiceAccount annotation."""
    scope, endpoint = args.scope, args.endpoint
    cluster: AwsCluster = args.cluster.built
    name = args.name
    child = pulumi.ResourceOptions(parent=component)
    trust = pulumi.Output.all(cluster.oidc_provider_arn, cluster.oidc_provider_url).apply(
        lambda values: json.dumps(pod_trust_policy(values[0], values[1], namespace, service_account)))
    role = iam.Role(f"{name}-pod-role", assume_role_policy=trust, tags=naming.aws_tags(scope.tags),
                    description=f"Pods of model endpoint {endpoint.name}: read its model",
                    opts=child)
    policy = iam.RolePolicy(f"{name}-model-read", role=role.id,
                            policy=model_read_document(args.store, endpoint, scope.region),
                            opts=child)
    return EksPodIdentity(service_account_annotations={ROLE_ANNOTATION: role.arn}, role_arn=role.arn,
                          resources={"role": role, "model_read_policy": policy})
