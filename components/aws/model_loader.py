"""The model loader on EKS: the AWS CLI's ``s3 sync`` under the endpoint's IRSA role.

The EKS Pod Identity webhook injects ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE`` into
every container of the pod, init containers included, so the CLI assumes the endpoint's role,
which may list the model's prefix and get its objects (``aiscale.aws.endpoint_identity``).
"""

from __future__ import annotations

from typing import Any

from aiscale.model_loading import Loader

IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.22.10"
"""AWS CLI v2 from the ECR Public gallery (no Docker Hub rate limit), pinned."""


def loader(bucket_url: Any, path: str, root: str) -> Loader:
    """``aws s3 sync s3://<bucket>/<path> <root>/<path>``: only the model's prefix."""
    destination = f"{root}/{path}" if path else root
    source = bucket_url.apply(lambda url: f"{url.rstrip('/')}/{path}/" if path else url)
    return Loader(image=IMAGE, command=["aws"],
                  args=["s3", "sync", source, destination, "--no-progress", "--only-show-errors"],
                  env={"HOME": "/tmp", "AWS_CONFIG_FILE": "/tmp/.aws/config"})
