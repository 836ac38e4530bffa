"""The model loader on GKE: ``gcloud storage rsync`` under the endpoint's Google service account.

GKE's metadata server answers the pod's token requests as the Google service account its
ServiceAccount is bound to (``aiscale.gcp.endpoint_identity``: ``roles/storage.objectViewer`` on
the model bucket), for init containers as for the server.
"""

from __future__ import annotations

from typing import Any

from aiscale.model_loading import Loader

IMAGE = "gcr.io/google.com/cloudsdktool/google-cloud-cli:502.0.0-slim"
"""The Google Cloud CLI (slim), pinned."""


def loader(bucket_url: Any, path: str, root: str) -> Loader:
    """``gcloud storage rsync --recursive gs://<bucket>/<path> <root>/<path>``."""
    destination = f"{root}/{path}" if path else root
    source = bucket_url.apply(lambda url: f"{url.rstrip('/')}/{path}/" if path else url)
    return Loader(image=IMAGE, command=["gcloud"],
                  args=["storage", "rsync", "--recursive", source, destination],
                  env={"HOME": "/tmp", "CLOUDSDK_CONFIG": "/tmp/gcloud"})
