"""Cost checks on model serving and on GPU use inside Kubernetes."""

from __future__ import annotations

from aiscale.facts import tokens
from aiscale.facts.gpu import GPU_TAINT_KEY
from aiscale.facts.kubernetes import POD_SPEC_PATHS

from .. import schema
from ..props import UnknownValue, fmt_number, get, get_number
from ..registry import Check, NotApplicable, Violation
from .endpoints import container_gpus, endpoints
from .pools import pools

NO_SCHEDULE = frozenset({"NO_SCHEDULE", "NoSchedule"})


def replica_caps(resources, ctx):
    """Endpoints scale to at most config max_replicas replicas."""
    cap = float(ctx.config.get("max_replicas", 20))
    found = [e for e in endpoints(resources, ctx) if e.gpus_per_replica != 0]
    if not found:
        return NotApplicable("no model endpoints")
    out = []
    for e in found:
        if e.max_replicas is None:
            out.append(Violation(e.urn, f"endpoint '{e.name}' sets no maximum replica count; set one ≤ {fmt_number(cap)}"))
        elif e.max_replicas > cap:
            out.append(Violation(e.urn, f"endpoint '{e.name}' can scale to {fmt_number(e.max_replicas)} replicas; "
                                        f"the cap is {fmt_number(cap)}"))
    return out


def small_minimum_in_nonprod(resources, ctx):
    """In non-production, endpoints keep at most config max_min_replicas replicas warm."""
    if not ctx.is_nonprod():
        return NotApplicable(f"environment '{ctx.env}' is not non-production")
    limit = float(ctx.config.get("max_min_replicas", 1))
    found = [e for e in endpoints(resources, ctx) if e.gpus_per_replica != 0]
    if not found:
        return NotApplicable("no model endpoints")
    return [Violation(e.urn, f"endpoint '{e.name}' keeps {fmt_number(e.min_replicas)} replicas in '{ctx.env}'; "
                             f"use at most {fmt_number(limit)}")
            for e in found if e.min_replicas is not None and e.min_replicas > limit]


def _namespace_gpus(view) -> float:
    spec = get(view.props, POD_SPEC_PATHS[view.canonical]) or {}
    per_pod = container_gpus(spec)
    if view.canonical in (tokens.K8S_APPS_DEPLOYMENT, tokens.K8S_APPS_STATEFUL_SET, tokens.K8S_APPS_REPLICA_SET):
        replicas = get_number(view.props, "spec.replicas")
        return per_pod * (1.0 if replicas is None else replicas)
    if view.canonical == tokens.K8S_BATCH_JOB:
        parallel = get_number(view.props, "spec.parallelism")
        return per_pod * (1.0 if parallel is None else parallel)
    return per_pod


def namespace_gpu_quota(resources, ctx):
    """GPU requests only in allowed namespaces, and at most max_gpus_per_namespace in each."""
    allowed = [str(n) for n in ctx.config.get("allowed_gpu_namespaces", [])]
    cap = float(ctx.config.get("max_gpus_per_namespace", 32))
    totals: dict[str, float] = {}
    first: dict[str, str] = {}
    out = []
    for view in resources:
        if view.canonical not in POD_SPEC_PATHS or view.canonical == tokens.K8S_APPS_DAEMON_SET:
            continue
        try:
            gpus = _namespace_gpus(view)
            namespace = get(view.props, "metadata.namespace") or "default"
        except UnknownValue:
            continue
        if not gpus:
            continue
        if allowed and namespace not in allowed:
            out.append(Violation(view.urn, f"'{view.name}' requests GPUs in namespace '{namespace}'; "
                                           f"allowed: {', '.join(allowed)}"))
        totals[namespace] = totals.get(namespace, 0.0) + gpus
        first.setdefault(namespace, view.urn)
    if not totals:
        return NotApplicable("no workloads request GPUs")
    out += [Violation(first[ns], f"namespace '{ns}' requests {fmt_number(total)} GPUs; the cap is {fmt_number(cap)}")
            for ns, total in totals.items() if total > cap]
    return out


def gpu_nodes_tainted(resources, ctx):
    """GPU node pools carry a NoSchedule taint so CPU pods do not occupy GPU nodes."""
    key = str(ctx.config.get("gpu_taint_key", GPU_TAINT_KEY))
    gpu_pools = [p for p in pools(resources, ctx) if p.is_gpu and p.taints is not None and p.kind != tokens.GCP_CONTAINER_NODE_POOL]
    if not gpu_pools:
        return NotApplicable("no Kubernetes GPU pools (GKE taints GPU pools itself)")
    return [Violation(p.urn, f"GPU pool '{p.name}' has no {key}:NoSchedule taint; add one")
            for p in gpu_pools if not any(k == key and e in NO_SCHEDULE for k, e in p.taints)]


CHECKS = (
    Check("COST-ML-001", "cost", "Endpoint replica caps",
          "SageMaker variants and scaling targets, Azure ML deployments, Vertex dedicated resources, GPU "
          "Cloud Run services (default maximum 100) and GPU Kubernetes workloads (or their HPA) scale to "
          "at most config max_replicas.", "high", "mandatory",
          "Set the endpoint's maximum replica count at or below the cap.", replica_caps, scope="stack",
          config_schema={"max_replicas": schema.number(20, "Most replicas one endpoint may reach.")}),
    Check("COST-ML-002", "cost", "Small warm pool in non-production",
          "In environments listed in nonprod_envs, endpoints keep at most max_min_replicas replicas "
          "running when idle.", "low", "advisory", "Lower the endpoint's minimum replicas (0 where supported).",
          small_minimum_in_nonprod, scope="stack",
          config_schema={**schema.env_config(),
                         "max_min_replicas": schema.number(1, "Largest accepted minimum replica count.")}),
    Check("COST-K8S-001", "cost", "GPU requests per namespace",
          "Kubernetes workloads request GPUs only in config allowed_gpu_namespaces (empty: any) and at "
          "most max_gpus_per_namespace per namespace (replicas x per-pod GPUs).", "medium", "advisory",
          "Move GPU workloads to an allowed namespace or lower replicas / GPU limits.", namespace_gpu_quota,
          scope="stack", anchors=("CKV_K8S_10", "CKV_K8S_11"),
          config_schema={"allowed_gpu_namespaces": schema.strings([], "Namespaces that may request GPUs."),
                         "max_gpus_per_namespace": schema.number(32, "Most GPUs one namespace may request.")}),
    Check("COST-K8S-002", "cost", "GPU nodes tainted",
          "EKS and AKS GPU pools carry a NoSchedule taint on config gpu_taint_key (GKE adds it itself).",
          "medium", "advisory", "Add the taint nvidia.com/gpu=present:NoSchedule to GPU pools.",
          gpu_nodes_tainted, scope="stack",
          config_schema={"gpu_taint_key": schema.string(GPU_TAINT_KEY, "Taint key GPU pools must carry.")}),
)
"""The serving and Kubernetes-GPU checks of the cost pack."""
