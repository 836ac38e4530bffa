"""Fixtures of the pre-flight tests: fake AWS credentials and an isolated AWS configuration."""

from __future__ import annotations

import pytest

from tests.preflight.helpers import FAKE_CREDENTIALS

AWS_ENV_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN")


@pytest.fixture
def no_aws_credentials(tmp_path, monkeypatch):
    """No credentials anywhere: env unset, empty config and credentials files, no IMDS."""
    for name in AWS_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, file in (("AWS_CONFIG_FILE", "config"), ("AWS_SHARED_CREDENTIALS_FILE", "credentials")):
        path = tmp_path / f"aws-{file}"
        path.write_text("")
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def fake_aws_credentials(no_aws_credentials, monkeypatch):
    """Fake credentials (for moto and Stubber; nothing reaches AWS)."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
