"""The pod of a Kubernetes model endpoint: the model loaded, the server started, GPU-correct
placement, probes and locked-down containers.

Model: an init container (``loader``, the cloud's CLI from ``aiscale.<cloud>.model_loader``)
copies the model's prefix from the bucket into the ``models`` emptyDir under the endpoint's
workload identity; the server reads it read-only at ``/models/<path>``. Server: the command and
arguments of the endpoint's ``server`` (``aiscale.servers``: model directory, served name, port,
GPUs) then the user's ``args``; the user's ``env`` is passed through. Placement: the GPU limit, a
node selector on the accelerator label (and the pool's own labels), tolerations for the GPU
taint, the pool's extra taints and, on spot pools, the cloud's spot taint. Security: non-root
user 1000, no privilege escalation, every capability dropped, the RuntimeDefault seccomp profile
and a read-only root filesystem with emptyDir volumes for ``/tmp``, the model cache, the model
and a memory-backed ``/dev/shm``. Probes: the server's health routes on the serving port, with a
startup probe sized for loading the model (:func:`startup_budget_seconds`).
"""

from __future__ import annotations

import math
from typing import Any, Optional

import pulumi
import pulumi_kubernetes.core.v1 as core

from aiscale import clouds, servers
from aiscale.facts import gpu as facts_gpu
from aiscale.gpu_nodes import ACCELERATOR_LABEL, fallback_selector, node_taints
from aiscale.model_loading import loader

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
"""Part of the replica's share of the node disk its model cache may fill, without a model in a
bucket (the server downloads into the cache)."""
MODEL_DISK_SHARE, LOADED_CACHE_DISK_SHARE = 0.5, 0.2
"""With a model in a bucket: the part of the replica's disk share for the model's files
(``/models``) and for the server's own cache (compiled kernels, tokenizers)."""
SHM_GIB_PER_GPU = 2
"""Memory-backed ``/dev/shm`` per GPU, GiB (NCCL and tensor-parallel workers use it)."""
RUN_AS = 1000
"""The user, group and fsGroup the container runs as (many serving images default to root)."""
STARTUP_PERIOD_SECONDS = 10
"""How often the startup probe calls the server."""
DISK_READ_MIB_PER_SECOND = 100
"""Sustained read rate assumed for the node's disk when the server loads the model: a 100 GiB
pd-balanced, gp3 or Premium SSD OS disk reads at least this fast."""
DOWNLOAD_MIB_PER_SECOND = 50
"""Download rate assumed when the server fetches the model itself (no bucket: the Hub)."""
ENGINE_START_SECONDS = 900
"""Engine start after the weights are read: CUDA context, memory profiling, CUDA graph capture
and kernel compilation take minutes on large models."""
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


def _disk_share_gib(endpoint: Any, pool: Any, part: float) -> int:
    share = endpoint.gpus_per_replica / max(pool.gpus_per_node, 1)
    return max(MIN_CACHE_GIB, math.floor(pool.disk_gb * share * part))


def cache_size_gib(endpoint: Any, pool: Any) -> int:
    """The server's cache limit: half of the replica's share of the node disk without a model in
    a bucket (the server downloads into it), a fifth with one; at least 10 GiB."""
    part = CACHE_DISK_SHARE if endpoint.model is None else LOADED_CACHE_DISK_SHARE
    return _disk_share_gib(endpoint, pool, part)


def model_volume_gib(endpoint: Any, pool: Any) -> int:
    """The ``/models`` limit: half of the replica's share of the node disk, at least 10 GiB.
    The largest model the endpoint can load."""
    return _disk_share_gib(endpoint, pool, MODEL_DISK_SHARE)


def startup_budget_seconds(endpoint: Any, pool: Any) -> int:
    """How long the startup probe lets the server start.

    With a model in a bucket the loader init container has already downloaded it (init
    containers have no probe and no deadline but the Deployment's progress deadline), so the
    server reads at most the ``/models`` volume from local disk, then starts its engine:
    ``model_volume_gib x 1024 / DISK_READ_MIB_PER_SECOND + ENGINE_START_SECONDS`` (a 50 GiB
    volume: 512 + 900 = 1412 s). Without one the server downloads into its cache first, at
    ``DOWNLOAD_MIB_PER_SECOND``, then reads it.
    """
    if endpoint.model is not None:
        size, rate = model_volume_gib(endpoint, pool), DISK_READ_MIB_PER_SECOND
    else:
        size = cache_size_gib(endpoint, pool)
        rate = 1 / (1 / DOWNLOAD_MIB_PER_SECOND + 1 / DISK_READ_MIB_PER_SECOND)
    return math.ceil(size * 1024 / rate) + ENGINE_START_SECONDS


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


def _probe(path: str, period: int, failures: int, timeout: int) -> core.ProbeArgs:
    return core.ProbeArgs(http_get=core.HTTPGetActionArgs(path=path, port="http"),
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
    """``MODEL_URI`` and ``MODEL_DIR`` (when the model is in a bucket), ``PORT``, writable cache
    locations, then the user's ``env``."""
    env = {"PORT": str(endpoint.port), "HOME": TMP_PATH, "XDG_CACHE_HOME": CACHE_PATH,
           "HF_HOME": f"{CACHE_PATH}/huggingface"}
    env.update(servers.SERVERS[endpoint.server].env)
    found = []
    if uri is not None:
        found = [core.EnvVarArgs(name="MODEL_URI", value=uri),
                 core.EnvVarArgs(name="MODEL_DIR", value=endpoint.model_dir())]
    env.update(endpoint.env)
    return found + [core.EnvVarArgs(name=key, value=value) for key, value in env.items()]


def ports(endpoint: Any) -> list[core.ContainerPortArgs]:
    """``http`` on the serving port, and ``metrics`` when the server serves metrics elsewhere."""
    found = [core.ContainerPortArgs(name="http", container_port=endpoint.port, protocol="TCP")]
    metrics_port = servers.SERVERS[endpoint.server].metrics_port
    if metrics_port is not None:
        found.append(core.ContainerPortArgs(name="metrics", container_port=metrics_port,
                                            protocol="TCP"))
    return found


def container(endpoint: Any, pool: Any, offering: Optional[Any], uri: Optional[pulumi.Input[str]],
              image: str, gpu_slots: Optional[int] = None) -> core.ContainerArgs:
    """The serving container: image, server command and arguments, port, GPU/CPU/memory
    limits, probes on the server's health routes, mounts."""
    server = servers.SERVERS[endpoint.server]
    sizes = replica_resources(endpoint, offering, gpu_slots)
    limits = {**sizes, GPU_RESOURCE: str(endpoint.gpus_per_replica)}
    mounts = [core.VolumeMountArgs(name="tmp", mount_path=TMP_PATH),
              core.VolumeMountArgs(name="cache", mount_path=CACHE_PATH),
              core.VolumeMountArgs(name="shm", mount_path=SHM_PATH)]
    if endpoint.model is not None:
        mounts.append(core.VolumeMountArgs(name="models", mount_path=servers.MODELS_PATH,
                                           read_only=True))
    startup_failures = math.ceil(startup_budget_seconds(endpoint, pool) / STARTUP_PERIOD_SECONDS)
    return core.ContainerArgs(
        name="server",
        image=image,
        image_pull_policy="IfNotPresent",
        command=list(server.command) if server.command else None,
        args=server.arguments(endpoint, endpoint.model_dir()) or None,
        ports=ports(endpoint),
        env=environment(endpoint, uri),
        resources=core.ResourceRequirementsArgs(requests=dict(limits), limits=limits),
        startup_probe=_probe(server.readiness_path, STARTUP_PERIOD_SECONDS, startup_failures, 5),
        readiness_probe=_probe(server.readiness_path, 5, 3, 3),
        liveness_probe=_probe(server.liveness_path, 15, 4, 5),
        security_context=container_security_context(),
        volume_mounts=mounts,
    )


LOADER_RESOURCES = {"cpu": "1", "memory": "2Gi"}
"""Requests and limits of the loader init container (a CLI streaming objects to disk)."""


def loader_container(cloud: str, endpoint: Any, bucket_url: pulumi.Input[str]) -> core.ContainerArgs:
    """The init container that copies the model's prefix into ``/models`` with the cloud's CLI,
    as the endpoint's ServiceAccount (its workload identity reads only that prefix)."""
    found = loader(cloud, bucket_url, endpoint.model.path, servers.MODELS_PATH)
    return core.ContainerArgs(
        name="loader", image=found.image, image_pull_policy="IfNotPresent",
        command=found.command, args=found.args or None,
        env=[core.EnvVarArgs(name=key, value=value) for key, value in found.env.items()],
        resources=core.ResourceRequirementsArgs(requests=dict(LOADER_RESOURCES),
                                                limits=dict(LOADER_RESOURCES)),
        security_context=container_security_context(),
        volume_mounts=[core.VolumeMountArgs(name="tmp", mount_path=TMP_PATH),
                       core.VolumeMountArgs(name="models", mount_path=servers.MODELS_PATH)])


def volumes(endpoint: Any, pool: Any) -> list[core.VolumeArgs]:
    """emptyDir volumes behind the writable mounts and the model; ``/dev/shm`` is
    memory-backed (2 GiB per GPU: NCCL between tensor-parallel workers needs it with more than
    one GPU, and it costs nothing until used)."""
    shm = f"{SHM_GIB_PER_GPU * endpoint.gpus_per_replica}Gi"
    found = [
        core.VolumeArgs(name="tmp", empty_dir=core.EmptyDirVolumeSourceArgs(size_limit="1Gi")),
        core.VolumeArgs(name="cache", empty_dir=core.EmptyDirVolumeSourceArgs(
            size_limit=f"{cache_size_gib(endpoint, pool)}Gi")),
        core.VolumeArgs(name="shm", empty_dir=core.EmptyDirVolumeSourceArgs(medium="Memory",
                                                                            size_limit=shm)),
    ]
    if endpoint.model is not None:
        found.append(core.VolumeArgs(name="models", empty_dir=core.EmptyDirVolumeSourceArgs(
            size_limit=f"{model_volume_gib(endpoint, pool)}Gi")))
    return found


def pod_spec(cloud: str, endpoint: Any, pool: Any, offering: Optional[Any],
             uri: Optional[pulumi.Input[str]], service_account: str,
             bucket_url: Optional[pulumi.Input[str]] = None) -> core.PodSpecArgs:
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
        init_containers=([loader_container(cloud, endpoint, bucket_url)]
                         if endpoint.model is not None and bucket_url is not None else None),
        containers=[container(endpoint, pool, offering, uri, endpoint.image_for(cloud),
                             getattr(pool, "schedulable_gpus_per_node", None))],
        volumes=volumes(endpoint, pool),
        termination_grace_period_seconds=60,
    )
