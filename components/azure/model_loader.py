"""The model loader on AKS: the Azure CLI under the endpoint's workload identity.

The Azure Workload Identity webhook injects ``AZURE_CLIENT_ID``, ``AZURE_TENANT_ID`` and
``AZURE_FEDERATED_TOKEN_FILE`` into the pod's containers, init containers included; the CLI logs
in with that federated token as the endpoint's managed identity ("Storage Blob Data Reader" on
the model's container, ``aiscale.azure.endpoint_identity``) and downloads the blobs under the
model's path (``download-batch`` keeps the path, so they land in ``<root>/<path>``).
"""

from __future__ import annotations

from typing import Any

from aiscale.model_loading import Loader

IMAGE = "mcr.microsoft.com/azure-cli:2.67.0"
"""The Azure CLI, pinned."""

SCRIPT = (
    'az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" '
    '--federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions '
    '--output none && '
    'az storage blob download-batch --auth-mode login --source "$CONTAINER_URL" '
    '--pattern "$MODEL_PREFIX*" --destination "$DESTINATION" --output none'
)
"""Log in with the projected federated token, then download the model's blobs."""


def loader(bucket_url: Any, path: str, root: str) -> Loader:
    """``az storage blob download-batch`` of ``<container URL>`` blobs under ``path``."""
    prefix = f"{path}/" if path else ""
    return Loader(image=IMAGE, command=["/bin/sh", "-c", SCRIPT], args=[],
                  env={"HOME": "/tmp", "AZURE_CONFIG_DIR": "/tmp/.azure",
                       "CONTAINER_URL": bucket_url, "MODEL_PREFIX": prefix,
                       "DESTINATION": root})
