"""Security checks for Kubernetes workloads (pod specs) and Services."""

from __future__ import annotations

from types import MappingProxyType

from aiscale import clouds
from aiscale.facts import tokens
from aiscale.facts.kubernetes import POD_SPEC_PATHS

from .. import schema
from ..props import as_bool, get, get_bool, get_number, items, lower
from ..registry import Check


WORKLOADS = tuple(POD_SPEC_PATHS)
DEFAULT_EXEMPT_NAMESPACES = ("kube-system", "gpu-operator")
DANGEROUS_HOST_PATHS = ("/var/run/docker.sock", "/run/containerd/containerd.sock", "/")
INTERNAL_LB_ANNOTATIONS = MappingProxyType(
    {key: value for cloud in clouds.adapters() for key, value in cloud.internal_service_annotations.items()})
"""Annotation -> value (lower-case) that makes a LoadBalancer Service internal: every cloud's
(its adapter's ``internal_service_annotations``)."""
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
ALLOWED_ADDED_CAPABILITIES = ("NET_BIND_SERVICE",)
"""The one capability the restricted Pod Security Standard lets a container add back."""
_PSS_DOCS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"


def _exempt_config():
    return {"exempt_namespaces": schema.strings(
        DEFAULT_EXEMPT_NAMESPACES, "Namespaces exempt (GPU device plugin, DCGM, GPU operator).")}


def pod_spec(resource_type, props):
    """The pod spec of a workload ({} when absent)."""
    return get(props, POD_SPEC_PATHS[resource_type]) or {}


def containers(spec) -> list:
    """Containers and init containers of a pod spec."""
    return items(spec, "containers") + items(spec, "initContainers")


def _name(container) -> str:
    return str(get(container, "name") or "?")


def _exempt(props, ctx) -> bool:
    namespace = get(props, "metadata.namespace")
    return namespace in set(ctx.config.get("exempt_namespaces", DEFAULT_EXEMPT_NAMESPACES))


def no_privileged(resource_type, props, ctx):
    """No privileged containers outside the exempt namespaces."""
    if _exempt(props, ctx):
        return []
    return [f"container '{_name(c)}' is privileged; drop privileged (GPUs need only the device plugin)"
            for c in containers(pod_spec(resource_type, props))
            if get_bool(c, "securityContext.privileged") is True]


def no_escalation(resource_type, props, ctx):
    """allowPrivilegeEscalation false and capabilities dropped."""
    if _exempt(props, ctx):
        return []
    out = []
    for c in containers(pod_spec(resource_type, props)):
        if get_bool(c, "securityContext.allowPrivilegeEscalation") is not False:
            out.append(f"container '{_name(c)}' does not set allowPrivilegeEscalation false")
        dropped = {_cap(cap) for cap in items(c, "securityContext.capabilities.drop")}
        if not dropped & {"ALL", "NET_RAW"}:
            out.append(f"container '{_name(c)}' does not drop ALL capabilities")
        allowed = {_cap(cap) for cap in ctx.config.get("allowed_added_capabilities", ALLOWED_ADDED_CAPABILITIES)}
        added = sorted({_cap(cap) for cap in items(c, "securityContext.capabilities.add")} - allowed)
        if added:
            out.append(f"container '{_name(c)}' adds back {', '.join(added)}; add none (only "
                       f"{', '.join(sorted(allowed)) or 'nothing'} is allowed)")
    return out


def _cap(name) -> str:
    """A capability name compared loosely: upper case, without the CAP_ prefix."""
    text = str(name).upper()
    return text[4:] if text.startswith("CAP_") else text


def _runs_as_non_root(spec, container) -> bool:
    """True when the container cannot run as root: a non-zero runAsUser, or runAsNonRoot true
    without runAsUser 0 (container settings override the pod's)."""
    def setting(key, read):
        own = read(container, f"securityContext.{key}")
        return own if own is not None else read(spec, f"securityContext.{key}")

    user = setting("runAsUser", get_number)
    if user is not None:
        return user > 0
    return setting("runAsNonRoot", get_bool) is True


def non_root_read_only(resource_type, props, ctx):
    """Containers run as non-root with a read-only root filesystem."""
    spec = pod_spec(resource_type, props)
    out = []
    for c in containers(spec):
        if not _runs_as_non_root(spec, c):
            out.append(f"container '{_name(c)}' may run as root; set runAsNonRoot true or a non-zero runAsUser")
        if get_bool(c, "securityContext.readOnlyRootFilesystem") is not True:
            out.append(f"container '{_name(c)}' has a writable root filesystem; set readOnlyRootFilesystem "
                       "true and mount an emptyDir for caches")
    return out


def no_host_access(resource_type, props, ctx):
    """No host network, PID or IPC namespace, and no hostPath volumes."""
    if _exempt(props, ctx):
        return []
    spec = pod_spec(resource_type, props)
    out = [f"{flag} is true; remove it" for flag in ("hostNetwork", "hostPID", "hostIPC")
           if get_bool(spec, flag) is True]
    for volume in items(spec, "volumes"):
        path = get(volume, "hostPath.path")
        if path is not None:
            note = " (container runtime socket)" if path in DANGEROUS_HOST_PATHS else ""
            out.append(f"volume '{get(volume, 'name')}' mounts hostPath {path}{note}; use a PVC or CSI volume")
    return out


def _image_problem(image, require_digest: bool):
    if not image:
        return "has no image"
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image '{image}' has no tag (means latest); pin a version or digest"
    if last.rsplit(":", 1)[1] == "latest":
        return f"image '{image}' uses :latest; pin a version or digest"
    return f"image '{image}' is not pinned by digest" if require_digest else None


def image_pinned(resource_type, props, ctx):
    """Images are pinned to a version (or digest, with config require_digest)."""
    require_digest = bool(as_bool(ctx.config.get("require_digest"), False))
    out = []
    for c in containers(pod_spec(resource_type, props)):
        problem = _image_problem(get(c, "image"), require_digest)
        if problem:
            out.append(f"container '{_name(c)}' {problem}")
    return out


def dedicated_namespace_and_account(resource_type, props, ctx):
    """Workloads avoid the default namespace and service account and do not mount its token."""
    spec = pod_spec(resource_type, props)
    out = []
    if get(props, "metadata.namespace") in (None, "default"):
        out.append("runs in the default namespace; set metadata.namespace")
    if get(spec, "serviceAccountName") in (None, "default"):
        out.append("uses the default service account; set serviceAccountName")
    if get_bool(spec, "automountServiceAccountToken") is not False:
        out.append("automountServiceAccountToken is not false; disable it unless the pod calls the API")
    return out


def resources_bounded(resource_type, props, ctx):
    """Containers request CPU and memory and cap memory (GPU pods crowd nodes otherwise)."""
    out = []
    for c in containers(pod_spec(resource_type, props)):
        missing = [p for p in ("requests.cpu", "requests.memory", "limits.memory") if get(c, f"resources.{p}") is None]
        if missing:
            out.append(f"container '{_name(c)}' lacks resources.{', resources.'.join(missing)}")
    return out


def _internal(annotations) -> bool:
    return any(lower(annotations.get(key)) == value for key, value in INTERNAL_LB_ANNOTATIONS.items())


def no_public_load_balancer(resource_type, props, ctx):
    """LoadBalancer Services are internal, or limited to named source ranges, unless allowed."""
    if get(props, "spec.type") != "LoadBalancer" or ctx.config.get("allow_public_endpoints"):
        return []
    if _internal(get(props, "metadata.annotations") or {}):
        return []
    ranges = [str(r) for r in items(props, "spec.loadBalancerSourceRanges")]
    if ranges and not OPEN_CIDRS & set(ranges):
        return []
    return ["a public LoadBalancer; add the cloud's internal-load-balancer annotation, restrict "
            "loadBalancerSourceRanges, or allow public endpoints in config"]


CHECKS = (
    Check("SEC-WL-001", "security", "No privileged containers",
          "Pods run no privileged containers, except in config exempt_namespaces (GPU operator, "
          "device plugin).", "critical", "mandatory",
          "Remove securityContext.privileged; request GPUs through nvidia.com/gpu limits.",
          no_privileged, WORKLOADS, anchors=("CKV_K8S_16",), url=_PSS_DOCS, config_schema=_exempt_config(),
          when_omitted=("privileged defaults to false (https://kubernetes.io/docs/tasks/configure-pod-"
                        "container/security-context/)."),
          omitted_verdict="pass"),
    Check("SEC-WL-002", "security", "No privilege escalation; capabilities dropped",
          "Containers set allowPrivilegeEscalation false, drop ALL capabilities and add none back "
          "except config allowed_added_capabilities (NET_BIND_SERVICE, as the restricted Pod Security "
          "Standard allows).", "high", "mandatory",
          "Set allowPrivilegeEscalation false and capabilities.drop ['ALL'], and add no capability back.",
          no_escalation, WORKLOADS,
          anchors=("CKV_K8S_20", "CKV_K8S_25", "CKV_K8S_28", "CKV_K8S_37", "CKV_K8S_39"), url=_PSS_DOCS,
          config_schema={**_exempt_config(), "allowed_added_capabilities": schema.strings(
              ALLOWED_ADDED_CAPABILITIES, "Capabilities a container may add back after dropping ALL.")},
          when_omitted=("allowPrivilegeEscalation defaults to true and the runtime's default capabilities stay "
                        "(https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)."),
          omitted_verdict="fail"),
    Check("SEC-WL-003", "security", "Non-root, read-only root filesystem",
          "Containers run as non-root (runAsNonRoot true, or a non-zero runAsUser, on the container "
          "or the pod) with a read-only root filesystem. Any non-zero UID passes: the check does not "
          "demand the high UID (>= 10000) of CKV_K8S_40.", "medium", "advisory",
          "Set runAsNonRoot true (or a non-zero runAsUser) and readOnlyRootFilesystem true (emptyDir for caches).",
          non_root_read_only, WORKLOADS, anchors=("CKV_K8S_22", "CKV_K8S_23"), url=_PSS_DOCS,
          when_omitted=("Without runAsNonRoot or runAsUser the container runs as the image's user, often root, "
                        "with a writable root filesystem (https://kubernetes.io/docs/tasks/configure-pod-"
                        "container/security-context/)."),
          omitted_verdict="fail"),
    Check("SEC-WL-004", "security", "No host namespaces or hostPath volumes",
          "Pods do not share the host's network, PID or IPC namespace and mount no hostPath.",
          "high", "mandatory", "Remove hostNetwork/hostPID/hostIPC and hostPath volumes.",
          no_host_access, WORKLOADS, anchors=("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "CKV_K8S_27"),
          url=_PSS_DOCS, config_schema=_exempt_config(),
          when_omitted=("hostNetwork, hostPID and hostIPC default to false; no volume is a hostPath unless "
                        "declared (https://kubernetes.io/docs/concepts/security/pod-security-standards/)."),
          omitted_verdict="pass"),
    Check("SEC-WL-005", "security", "Images pinned",
          "Container images carry a version tag other than latest (a digest with config require_digest).",
          "medium", "advisory", "Pin images to a version tag or, better, a digest.", image_pinned,
          WORKLOADS, anchors=("CKV_K8S_14", "CKV_K8S_43"),
          config_schema={"require_digest": schema.boolean(False, "Require @sha256 digests.")},
          when_omitted=("An image without a tag means :latest "
                        "(https://kubernetes.io/docs/concepts/containers/images/#image-names)."),
          omitted_verdict="fail"),
    Check("SEC-WL-006", "security", "Dedicated namespace and service account",
          "Workloads set a namespace other than default, their own service account, and do not "
          "automount its token.", "medium", "advisory",
          "Set metadata.namespace, serviceAccountName and automountServiceAccountToken false.",
          dedicated_namespace_and_account, WORKLOADS, anchors=("CKV_K8S_21", "CKV_K8S_38", "CKV_K8S_41"),
          when_omitted=("No namespace means 'default', no serviceAccountName the 'default' account, and its token"
                        " is mounted (https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-"
                        "account/)."),
          omitted_verdict="fail"),
    Check("SEC-WL-007", "security", "No public LoadBalancer for model servers",
          "LoadBalancer Services carry the internal annotation of their cloud or restricted source "
          "ranges, unless config allow_public_endpoints.", "high", "mandatory",
          "Annotate the Service as internal or use ClusterIP behind an ingress.", no_public_load_balancer,
          (tokens.K8S_CORE_SERVICE,), anchors=("compliance kubernetes-core-v1-service-disallow-load-balancer",),
          config_schema={"allow_public_endpoints": schema.boolean(
              False, "Allow internet-facing LoadBalancer Services (the model's `public: true`).")},
          when_omitted=("A Service without type is ClusterIP: not exposed outside the cluster "
                        "(https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-"
                        "service-types)."),
          omitted_verdict="pass"),
    Check("SEC-WL-008", "security", "CPU and memory requests, memory limit",
          "Containers set requests.cpu, requests.memory and limits.memory.", "medium", "advisory",
          "Add resource requests and a memory limit.", resources_bounded, WORKLOADS,
          anchors=("CKV_K8S_10", "CKV_K8S_12", "CKV_K8S_13"),
          when_omitted=("Without resources the container is BestEffort: no request, no memory limit "
                        "(https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/)."),
          omitted_verdict="fail"),
)
"""The Kubernetes-workload checks of the security pack."""
