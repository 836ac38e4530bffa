"""The pre-flight's errors that end the command with exit code 2, whatever the cloud.

Each cloud's pre-flight (``aiscale.preflight.<cloud>``) raises `PreflightCredentialsError` when
no usable credentials are found (the message says which ones are missing and how to provide
them) and a `PreflightCloudError` when a read-only call fails for another reason (a missing
permission, no network); the message names the call and the permission it needs.
"""

from __future__ import annotations


class PreflightCredentialsError(Exception):
    """No usable credentials for the cloud checked (exit code 2)."""


class PreflightCloudError(Exception):
    """A read-only call to the cloud failed for another reason than credentials (exit code 2)."""
