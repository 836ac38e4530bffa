"""Security checks for what a pod spec exposes besides privileges: syscall and AppArmor
profiles, host ports, and secrets written into environment variables."""

from __future__ import annotations

import re

from .. import schema
from ..props import as_bool, as_number, fmt_number, get, items, lower
from ..registry import Check
from aiscale.facts.kubernetes import POD_SPEC_PATHS

from .workloads import WORKLOADS, _exempt, _exempt_config, _name, containers, pod_spec

CONFINED_SECCOMP = frozenset({"runtimedefault", "localhost"})
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
SECRET_NAME = re.compile(r"(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)(_|$)",
                         re.IGNORECASE)
"""Environment variable names that hold a credential (HF_TOKEN, DB_PASSWORD, OPENAI_API_KEY...)."""
POINTER_SUFFIX = re.compile(r"_(FILE|PATH|DIR|NAME|REF)$", re.IGNORECASE)
"""Names that point at a credential rather than hold it (DB_PASSWORD_FILE=/run/secrets/db)."""


def _literal_secret(name: str, value) -> bool:
    """True when a credential-named variable holds a literal (not a pointer, not a $(VAR) expansion)."""
    if not SECRET_NAME.search(name) or POINTER_SUFFIX.search(name):
        return False
    return isinstance(value, str) and bool(value) and not value.startswith("$(")
_SECCOMP_DOCS = "https://kubernetes.io/docs/tutorials/security/seccomp/"
_APPARMOR_DOCS = "https://kubernetes.io/docs/tutorials/security/apparmor/"
_SECRET_DOCS = "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod"


def _profile(context, key: str) -> str:
    return lower(get(context, f"{key}.type"))


def _pod_annotations(resource_type, props) -> dict:
    """The pod template's annotations (the object's own for a Pod)."""
    path = POD_SPEC_PATHS[resource_type]
    template = path[:-len("spec")]  # "spec.template.spec" -> "spec.template."; "spec" -> ""
    annotations = get(props, f"{template}metadata.annotations")
    return annotations if isinstance(annotations, dict) else {}


def _unconfined_apparmor(resource_type, props, spec, container) -> bool:
    annotations = _pod_annotations(resource_type, props)
    annotated = lower(annotations.get(APPARMOR_ANNOTATION + _name(container)))
    own = _profile(container, "securityContext.appArmorProfile")
    effective = own or _profile(spec, "securityContext.appArmorProfile")
    return effective == "unconfined" or annotated == "unconfined"


def syscall_profiles(resource_type, props, ctx):
    """Every container runs under a RuntimeDefault or Localhost seccomp profile (pod or container
    level) and no AppArmor profile is Unconfined."""
    if _exempt(props, ctx):
        return []
    spec = pod_spec(resource_type, props)
    pod_seccomp = _profile(spec, "securityContext.seccompProfile")
    out = []
    for c in containers(spec):
        seccomp = _profile(c, "securityContext.seccompProfile") or pod_seccomp
        if seccomp not in CONFINED_SECCOMP:
            out.append(f"container '{_name(c)}' runs with seccomp '{seccomp or 'Unconfined (default)'}'; "
                       "set securityContext.seccompProfile.type 'RuntimeDefault'")
        if _unconfined_apparmor(resource_type, props, spec, c):
            out.append(f"container '{_name(c)}' runs AppArmor Unconfined; use RuntimeDefault")
    return out


def no_host_ports(resource_type, props, ctx):
    """Containers bind no host port (it pins pods to nodes and bypasses network policy)."""
    if _exempt(props, ctx):
        return []
    return [f"container '{_name(c)}' binds hostPort {fmt_number(as_number(get(p, 'hostPort')))}; use a Service"
            for c in containers(pod_spec(resource_type, props)) for p in items(c, "ports")
            if get(p, "hostPort") not in (None, 0)]


def no_plain_secrets(resource_type, props, ctx):
    """No credential written as a literal environment value; with config secrets_as_files, no
    Secret read into the environment at all (CKV_K8S_35's stricter rule)."""
    as_files = as_bool(ctx.config.get("secrets_as_files"), False)
    out = []
    for c in containers(pod_spec(resource_type, props)):
        for env in items(c, "env"):
            name = str(get(env, "name") or "")
            if _literal_secret(name, get(env, "value")):
                out.append(f"container '{_name(c)}' sets {name} to a literal value; read it from a Secret "
                           "mounted as a file")
            elif as_files and get(env, "valueFrom.secretKeyRef") is not None:
                out.append(f"container '{_name(c)}' reads Secret into {name}; mount it as a file")
        if as_files and any(get(source, "secretRef") is not None for source in items(c, "envFrom")):
            out.append(f"container '{_name(c)}' loads a Secret into its environment (envFrom); mount it as a file")
    return out


CHECKS = (
    Check("SEC-WL-009", "security", "Seccomp and AppArmor confine containers",
          "Every container runs under a RuntimeDefault or Localhost seccomp profile (set on the pod or "
          "the container) and no AppArmor profile is Unconfined, except in config exempt_namespaces.",
          "medium", "advisory", "Set securityContext.seccompProfile.type 'RuntimeDefault' on the pod.",
          syscall_profiles, WORKLOADS, anchors=("CKV_K8S_31", "KICS f377b83e-bd07-4f48-a591-60c82b14a78b"), url=_SECCOMP_DOCS, config_schema=_exempt_config(),
          when_omitted="Without seccompProfile the kubelet runs containers Unconfined (seccomp-default is off "
          "unless the node enables it: " + _SECCOMP_DOCS + "); without an AppArmor profile the runtime "
          "applies its default profile on AppArmor hosts (" + _APPARMOR_DOCS + ").", omitted_verdict="fail"),
    Check("SEC-WL-010", "security", "No host ports",
          "Containers set no ports[].hostPort, except in config exempt_namespaces.", "medium", "advisory",
          "Expose the port through a Service.", no_host_ports, WORKLOADS, anchors=("CKV_K8S_26",),
          url="https://kubernetes.io/docs/concepts/configuration/overview/#services", config_schema=_exempt_config(),
          when_omitted="A container port without hostPort is reachable only through the pod's IP.",
          omitted_verdict="pass"),
    Check("SEC-WL-011", "security", "No secrets in plain environment variables",
          "No environment variable named like a credential (PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, "
          "PRIVATE_KEY, CREDENTIALS) carries a literal value; with config secrets_as_files, Secrets are "
          "not read into the environment at all.", "medium", "advisory",
          "Keep the credential in a Secret and mount it as a file.", no_plain_secrets, WORKLOADS,
          anchors=("CKV_K8S_35 (with secrets_as_files)", "KICS 3d658f8b-d988-41a0-a841-40043121de1e (with secrets_as_files)"), url=_SECRET_DOCS,
          config_schema={"secrets_as_files": schema.boolean(
              False, "Also refuse Secrets read into environment variables (secretKeyRef, envFrom).")},
          when_omitted="A container without env carries no credential in its spec.", omitted_verdict="pass"),
)
"""The pod-hardening checks of the security pack."""
