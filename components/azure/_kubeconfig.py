"""Kubeconfig for an AKS cluster with Microsoft Entra ID auth and local accounts disabled.

The API server and its CA come from the cluster's user credentials
(``listManagedClusterUserCredentials``; AKS fills in the private FQDN for a private cluster).
The user entry always runs ``kubelogin get-token --login azurecli``: non-interactive, so the
Pulumi Kubernetes provider works wherever ``az login`` (or the ``azure/login`` CI action) has
run; the credentials' own user entry (device-code login) would block a deployment.

When the credentials answer holds no kubeconfig (the offline preview's fake cloud answers
unknown invokes with nothing) the server is ``https://<fqdn>:443`` and no CA is embedded: a
preview-only shape, never what a real deployment gets.
"""

from __future__ import annotations

import base64
from typing import Any, Optional, Sequence

import yaml

AKS_ENTRA_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
"""The application id of the AKS Microsoft Entra server (the token audience of every AKS API)."""
KUBELOGIN_ARGS = ("get-token", "--login", "azurecli", "--server-id", AKS_ENTRA_SERVER_ID)
"""The non-interactive kubelogin invocation of the user entry."""


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def credentials_endpoint(kubeconfigs: Optional[Sequence[Any]]) -> Optional[tuple[str, Optional[str]]]:
    """``(server, certificate-authority-data)`` from the first credential, or None when the answer
    holds no usable kubeconfig."""
    for credential in kubeconfigs or []:
        encoded = _field(credential, "value")
        if not encoded:
            continue
        document = yaml.safe_load(base64.b64decode(encoded))
        clusters = (document or {}).get("clusters") or []
        if clusters and clusters[0].get("cluster", {}).get("server"):
            cluster = clusters[0]["cluster"]
            return cluster["server"], cluster.get("certificate-authority-data")
    return None


def render(cluster_name: str, server: str, ca_data: Optional[str]) -> str:
    """A kubeconfig YAML with one cluster, one context and a kubelogin exec user."""
    cluster: dict[str, Any] = {"server": server}
    if ca_data:
        cluster["certificate-authority-data"] = ca_data
    user = f"{cluster_name}-user"
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": cluster}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}],
        "current-context": cluster_name,
        "users": [{"name": user, "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "kubelogin",
            "args": list(KUBELOGIN_ARGS),
            "interactiveMode": "Never",
            "provideClusterInfo": False,
        }}}],
    }
    return yaml.safe_dump(document, sort_keys=False)


def build(cluster_name: str, fqdn: Optional[str], kubeconfigs: Optional[Sequence[Any]]) -> str:
    """The kubeconfig: from the credentials when present, else from the cluster FQDN."""
    endpoint = credentials_endpoint(kubeconfigs)
    if endpoint is None:
        if not fqdn:
            raise ValueError(f"cluster {cluster_name}: neither user credentials nor an FQDN to build a kubeconfig from")
        endpoint = (f"https://{fqdn}:443", None)
    return render(cluster_name, *endpoint)
