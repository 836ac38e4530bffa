"""The pod of a Kubernetes model endpoint: GPU-correct placement, probes and a locked-down
container.

Placement: the GPU limit, a node selector on the accelerator label (and the pool's own labels),
tolerations for the GPU taint, the pool's extra taints and, on spot pools, the cloud's spot
taint. Security: non-root user 1000, no privilege escalation, every capability dropped, the
RuntimeDefault seccomp profile and a read-only root filesystem with emptyDir volumes for
``/tmp``, the model cache and ``/dev/shm``. Probes: HTTP GET ``/health`` on the serving port (the
route vLLM, TGI and most OpenAI-compatible servers answer), with a startup probe that allows
for a long model download.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import pulumi
import pulumi_kubernetes.core.v1 as core

from aiscale import clouds
from aiscale.facts import gpu as facts_gpu
from aiscale.gpu_nodes import ACCELERATOR_LABEL, fallback_selector, node_taints

GPU_RESOURCE = facts_gpu.GPU_RESOURCE
"""The extended resource the NVIDIA device plugin advertises."""
SPOT_TAINTS = {a.name: a.spot_taint for a in clouds.adapters()}
"""The ``NoSchedule`` taint each cloud puts on spot nodes (key, value), or None."""
NODE_SHARE = 0.75
"""Part of a node's vCPUs and memory a replica requests for its share of the node's GPUs; the
rest is left to the kubelet, system reservations and DaemonSets."""
DEFAULT_CPU_PER_GPU = 3
"""vCPUs per GPU when no offering is given (fits a 4-vCPU, 16-GiB single-GPU node)."""
DEFAULT_MEMORY_GIB_PER_GPU = 12
"""Memory per GPU, GiB, when no offering is given."""
MIN_CACHE_GIB = 10
"""Smallest model cache (emptyDir) per replica, GiB."""
CACHE_DISK_SHARE = 0.5
"""Part of the replica's share of the node disk its model cache may fill."""
SHM_GIB_PER_GPU = 2
"""Memory-backed ``/dev/shm`` per GPU, GiB (NCCL and tensor-parallel workers use it)."""
RUN_AS = 1000
"""The user, group and fsGroup the container runs as (many serving images default to root)."""
HEALTH_PATH = "/health"
"""The HTTP route every probe calls."""
STARTUP_PERIOD_SECONDS, STARTUP_FAILURES = 10, 180
"""The startup probe allows 30 minutes for the model to download and load."""
CACHE_PATH, TMP_PATH, SHM_PATH = "/cache", "/tmp", "/dev/shm"
"""Writable mounts: model cache, temporary files, shared memory."""


def replica_resources(endpoint: Any, offering: Optional[Any], gpu_slots: Optional[int] = None) -> dict[str, str]:
    """CPU and memory for one replica: its GPU share of the node times :data:`NODE_SHARE`, or
    the per-GPU defaults without an offering. Used as requests and as limits (with the GPU
    limit, the pod gets the Guaranteed QoS class)."""
    gpus = endpoint.gpus_per_replica
    if offering is None:
        cpu, memory = DEFAULT_CPU_PER_GPU * gpus, DEFAULT_MEMORY_GIB_PER_GPU * gpus
    else:
        share = gpus / max(gpu_slots or offering.gpus, 1)  # slots: GPUs x slices on a shared pool
        cpu = max(1, math.floor(offering.vcpus * share * NODE_SHARE))
        memory = max(4, math.floor(offering.memory_gib * share * NODE_SHARE))
    return {"cpu": str(cpu), "memory": f"{memory}Gi"}


def cache_size_gib(endpoint: Any, pool: Any) -> int:
    """The model cache limit: half of the replica's share of the node disk, at least 10 GiB."""
    share = endpoint.gpus_per_replica / max(pool.gpus_per_node, 1)
    return max(MIN_CACHE_GIB, math.floor(pool.disk_gb * share * CACHE_DISK_SHARE))


def tolerations(cloud: str, pool: Any) -> list[core.TolerationArgs]:
    """Tolerate the GPU taint (any value), the pool's extra taints and, on spot, the spot taint."""
    gpu, *extra = node_taints(pool)
    found = [core.TolerationArgs(key=gpu["key"], operator="Exists", effect=gpu["effect"])]
    found += [core.TolerationArgs(key=t["key"], operator="Equal", value=t["value"],
                                  effect=t["effect"]) for t in extra]
    spot = SPOT_TAINTS.get(cloud)
    if getattr(pool, "runs_on_spot", pool.capacity == "spot") and spot is not None:
        found.append(core.TolerationArgs(key=spot[0], operator="Equal", value=spot[1],
                                         effect="NoSchedule"))
    return found


def node_selector(endpoint: Any, pool: Any) -> dict[str, str]:
    """Nodes with the endpoint's accelerator and the pool's own labels."""
    return {**dict(pool.labels or {}), ACCELERATOR_LABEL: endpoint.accelerator}


def _probe(period: int, failures: int, timeout: int) -> core.ProbeArgs:
    return core.ProbeArgs(http_get=core.HTTPGetActionArgs(path=HEALTH_PATH, port="http"),
                          period_seconds=period, failure_threshold=failures,
                          timeout_seconds=timeout)


def container_security_context() -> core.SecurityContextArgs:
    """Non-root, no escalation, no capabilities, read-only root filesystem."""
    return core.SecurityContextArgs(
        run_as_non_root=True, run_as_user=RUN_AS, run_as_group=RUN_AS,
        allow_privilege_escalation=False, privileged=False, read_only_root_filesystem=True,
        capabilities=core.CapabilitiesArgs(drop=["ALL"]),
        seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault"))


def environment(endpoint: Any, uri: Optional[pulumi.Input[str]]) -> list[core.EnvVarArgs]:
    """``MODEL_URI`` (when the model is in a bucket), ``PORT`` and writable cache locations."""
    env = {"PORT": str(endpoint.port), "HOME": TMP_PATH, "XDG_CACHE_HOME": CACHE_PATH,
           "HF_HOME": f"{CACHE_PATH}/huggingface"}
    found = [core.EnvVarArgs(name="MODEL_URI", value=uri)] if uri is not None else []
    return found + [core.EnvVarArgs(name=key, value=value) for key, value in env.items()]


def container(endpoint: Any, offering: Optional[Any], uri: Optional[pulumi.Input[str]],
              gpu_slots: Optional[int] = None) -> core.ContainerArgs:
    """The serving container: image, port, GPU/CPU/memory limits, probes, mounts."""
    sizes = replica_resources(endpoint, offering, gpu_slots)
    limits = {**sizes, GPU_RESOURCE: str(endpoint.gpus_per_replica)}
    return core.ContainerArgs(
        name="server",
        image=endpoint.image,
        image_pull_policy="IfNotPresent",
        ports=[core.ContainerPortArgs(name="http", container_port=endpoint.port, protocol="TCP")],
        env=environment(endpoint, uri),
        resources=core.ResourceRequirementsArgs(requests=dict(limits), limits=limits),
        startup_probe=_probe(STARTUP_PERIOD_SECONDS, STARTUP_FAILURES, 5),
        readiness_probe=_probe(5, 3, 3),
        liveness_probe=_probe(15, 4, 5),
        security_context=container_security_context(),
        volume_mounts=[core.VolumeMountArgs(name="tmp", mount_path=TMP_PATH),
                       core.VolumeMountArgs(name="cache", mount_path=CACHE_PATH),
                       core.VolumeMountArgs(name="shm", mount_path=SHM_PATH)],
    )


def volumes(endpoint: Any, pool: Any) -> list[core.VolumeArgs]:
    """emptyDir volumes behind the writable mounts; ``/dev/shm`` is memory-backed."""
    shm = f"{SHM_GIB_PER_GPU * endpoint.gpus_per_replica}Gi"
    return [
        core.VolumeArgs(name="tmp", empty_dir=core.EmptyDirVolumeSourceArgs(size_limit="1Gi")),
        core.VolumeArgs(name="cache", empty_dir=core.EmptyDirVolumeSourceArgs(
            size_limit=f"{cache_size_gib(endpoint, pool)}Gi")),
        core.VolumeArgs(name="shm", empty_dir=core.EmptyDirVolumeSourceArgs(medium="Memory",
                                                                            size_limit=shm)),
    ]


def pod_spec(cloud: str, endpoint: Any, pool: Any, offering: Optional[Any],
             uri: Optional[pulumi.Input[str]], service_account: str) -> core.PodSpecArgs:
    """The whole pod spec of one replica."""
    return core.PodSpecArgs(
        service_account_name=service_account,
        # Workload identity needs no API token: the EKS and AKS webhooks project their own
        # token volume and GKE answers from its metadata server.
        automount_service_account_token=False,
        enable_service_links=False,
        security_context=core.PodSecurityContextArgs(
            run_as_non_root=True, run_as_user=RUN_AS, run_as_group=RUN_AS, fs_group=RUN_AS,
            seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault")),
        node_selector={**node_selector(endpoint, pool), **fallback_selector(cloud, pool)},
        tolerations=tolerations(cloud, pool),
        containers=[container(endpoint, offering, uri, getattr(pool, "schedulable_gpus_per_node", None))],
        volumes=volumes(endpoint, pool),
        termination_grace_period_seconds=60,
    )
