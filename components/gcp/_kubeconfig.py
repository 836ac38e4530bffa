"""A kubeconfig for a GKE cluster that authenticates with ``gke-gcloud-auth-plugin``.

No static credential is written: the plugin mints a short-lived token from the caller's Google
credentials (``gcloud auth`` or application default credentials), as ``gcloud container
clusters get-credentials`` configures it.
"""

from __future__ import annotations

import json

AUTH_PLUGIN = "gke-gcloud-auth-plugin"
"""The exec credential plugin GKE requires since Kubernetes 1.26."""
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"
"""The exec credential API version the plugin speaks."""
INSTALL_HINT = ("Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin "
                "(https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl)")


def context_name(project: str, location: str, cluster: str) -> str:
    """The context name gcloud uses: ``gke_<project>_<location>_<cluster>``."""
    return f"gke_{project}_{location}_{cluster}"


def render(*, project: str, location: str, cluster: str, endpoint: str, ca_certificate: str) -> str:
    """The kubeconfig YAML for one cluster (scalars quoted as JSON strings, valid YAML)."""
    name = json.dumps(context_name(project, location, cluster))
    q = json.dumps
    return "\n".join([
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        f"- name: {name}",
        "  cluster:",
        f"    certificate-authority-data: {q(ca_certificate)}",
        f"    server: {q('https://' + endpoint)}",
        "contexts:",
        f"- name: {name}",
        "  context:",
        f"    cluster: {name}",
        f"    user: {name}",
        f"current-context: {name}",
        "preferences: {}",
        "users:",
        f"- name: {name}",
        "  user:",
        "    exec:",
        f"      apiVersion: {q(EXEC_API_VERSION)}",
        f"      command: {q(AUTH_PLUGIN)}",
        f"      installHint: {q(INSTALL_HINT)}",
        "      provideClusterInfo: true",
        "      interactiveMode: \"Never\"",
        "",
    ])
